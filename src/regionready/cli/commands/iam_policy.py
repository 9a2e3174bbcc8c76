"""``regionready iam-policy``: the least-privilege IAM policy regionready needs.

Read-only by default (the collectors' permissions,
:func:`regionready.collect.permissions.iam_policy`); with ``--remediation``, the write
permissions of the remediation actions instead. With ``--security-hub``, either policy
gets one more statement (``RegionReadySecurityHub``): what ``--security-hub`` calls
(:data:`regionready.securityhub.PERMISSIONS`), less what the policy grants already
(``sts:GetCallerIdentity`` is in the read-only one).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from regionready import remediation
from regionready.cli import options
from regionready.collect import permissions
from regionready.errors import EXIT_OK

NAME = "iam-policy"
HELP = "print the least-privilege read-only IAM policy"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--services",
        type=options.csv_list,
        default=None,
        help="comma list of services, as for scan (default: all)",
    )
    parser.add_argument(
        "--remediation",
        action="store_true",
        help="print the write permissions of the remediation actions instead",
    )
    parser.add_argument(
        "--actions",
        type=options.csv_list,
        default=None,
        help="with --remediation: these actions (comma list; default: all)",
    )
    parser.add_argument(
        "--security-hub",
        action="store_true",
        help="add what --security-hub needs: securityhub:BatchImportFindings, "
        "GetFindings and BatchUpdateFindings (and sts:GetCallerIdentity)",
    )


def run(args: argparse.Namespace) -> int:
    if args.remediation:
        policy = remediation.iam_policy(args.actions or remediation.action_names())
    else:
        policy = permissions.iam_policy(options.services(args))
    if args.security_hub:
        add_security_hub(policy)
    print(json.dumps(policy, indent=2))
    return EXIT_OK


#: The Sid of the statement ``--security-hub`` adds.
SECURITY_HUB_SID = "RegionReadySecurityHub"


def add_security_hub(policy: dict[str, Any]) -> None:
    """Append the ``--security-hub`` statement to ``policy`` (actions it grants on ``*``
    already are left out). Its actions take no narrower resource that works in every
    account and Region: BatchImportFindings acts on the account's product ARN, the others
    on its hub; both are named by Region, so ``*`` keeps one policy for every target."""
    # Imported here: the command must not pay for boto3 unless asked (securityhub only
    # imports botocore inside its calls, so this is cheap).
    from regionready.securityhub import PERMISSIONS

    granted = {
        action
        for statement in policy["Statement"]
        if statement.get("Resource") == "*"
        for action in statement["Action"]
    }
    policy["Statement"].append(
        {
            "Sid": SECURITY_HUB_SID,
            "Effect": "Allow",
            "Action": [a for a in PERMISSIONS if a not in granted],
            "Resource": "*",
        }
    )
