"""sync-key-policy (KMS-003, IDC-007): the primary's key policy onto its replica, ARNs
mapped to the target; for IDC-007 the instance's key, and never a primary policy that
itself lacks what Identity Center needs. KMS-003 through the CLI is
tests/actions/test_remediation.py."""

from __future__ import annotations

import json
from pathlib import Path

from regionready.demo.moto_gaps import sso as sso_gaps

from .conftest import (
    IDC_SERVICES,
    IDC_SOURCE,
    IDC_TARGET,
    Harness,
    assert_permissions,
    assert_safe,
    identity_center,
    statuses,
)


def idc_policy(account: str) -> str:
    """A key policy that serves Identity Center: administrators and both service principals."""
    use = ["kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"]
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "KeyAdministrators",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "IdentityCenter",
                    "Effect": "Allow",
                    "Principal": {"Service": "sso.amazonaws.com"},
                    "Action": use,
                    "Resource": "*",
                },
                {
                    "Sid": "IdentityStore",
                    "Effect": "Allow",
                    "Principal": {"Service": "identitystore.amazonaws.com"},
                    "Action": use,
                    "Resource": "*",
                },
            ],
        }
    )


def test_sync_key_policy_fixes_idc007_on_the_instance_key(harness: Harness, tmp_path: Path) -> None:
    h = harness
    h.source, h.target = IDC_SOURCE, IDC_TARGET
    account = h.session.client("sts").get_caller_identity()["Account"]
    kms = h.client("kms", IDC_SOURCE)
    key = kms.create_key(
        Description="Identity Center", MultiRegion=True, Policy=idc_policy(account)
    )["KeyMetadata"]
    kms.replicate_key(KeyId=key["KeyId"], ReplicaRegion=IDC_TARGET, Policy=idc_policy(account))
    # The replica's policy lost the Identity Center statements (policies are not synced).
    replica = h.client("kms", IDC_TARGET)
    admins_only = json.loads(idc_policy(account))
    admins_only["Statement"] = admins_only["Statement"][:1]
    replica.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=json.dumps(admins_only))
    admin = h.client("sso-admin", IDC_SOURCE)
    instance = sso_gaps.configure_instance(admin, name="corp", kms_key_arn=key["Arn"])

    before = h.collect(IDC_SERVICES)
    assert h.failing(before, "IDC-007") == {("IDC-007", instance)}
    changes, notes = h.plan(before, "IDC-007")
    assert notes == []
    [change] = changes
    assert (change.action, change.resource, change.region) == (
        "sync-key-policy",
        key["KeyId"],
        IDC_TARGET,
    )

    log = tmp_path / "audit.jsonl"
    assert statuses(h.apply(changes, log)) == ["applied"]
    assert [(c.operation, c.region) for c in h.writes()] == [("PutKeyPolicy", IDC_TARGET)]
    assert_safe(h.calls, IDC_TARGET, IDC_SOURCE)
    assert_permissions(h.calls, "sync-key-policy")

    after = h.collect(IDC_SERVICES)
    assert h.failing(after, "IDC-007") == set()
    assert h.plan(after, "IDC-007") == ([], [])
    assert statuses(h.apply(changes, log)) == ["unchanged"]
    assert h.writes() == []


def test_sync_key_policy_does_not_copy_a_primary_policy_that_lacks_idc(harness: Harness) -> None:
    h = harness
    h.source, h.target = IDC_SOURCE, IDC_TARGET
    instance = identity_center(h.session, replica=True)  # default policies: no IDC statements
    scan = h.collect(IDC_SERVICES)
    assert h.failing(scan, "IDC-007") == {("IDC-007", instance)}
    changes, notes = h.plan(scan, "IDC-007")
    assert changes == []
    [note] = notes
    assert note.startswith(f"IDC-007 {instance}: not planned: the primary key ")
    assert "sso.amazonaws.com" in note and "fix it in the source first" in note
