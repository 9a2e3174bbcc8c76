"""``regionready iam-policy``: the least-privilege IAM policy regionready needs.

Read-only by default (the collectors' permissions, :func:`regionready.collect.driver.iam_policy`);
with ``--remediation``, the write permissions of the remediation actions instead.
"""

from __future__ import annotations

import argparse
import json

from regionready import remediation
from regionready.cli import options
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


def run(args: argparse.Namespace) -> int:
    if args.remediation:
        policy = remediation.iam_policy(args.actions or remediation.action_names())
    else:
        # Imported here: regionready.collect.driver imports boto3 (about 0.2 s and 10 MiB), which
        # only the commands that talk to AWS should pay for.
        from regionready.collect.driver import iam_policy

        policy = iam_policy(options.services(args))
    print(json.dumps(policy, indent=2))
    return EXIT_OK
