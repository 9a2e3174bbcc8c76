"""The IAM Identity Center rule functions, and the IDC rules together."""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import quote

import pytest

from regionready.engine.evaluation import evaluate
from regionready.engine.fixtures import scan_from_case, utc
from regionready.engine.functions import idc as fn_idc
from regionready.engine.rules import load_rules
from regionready.model import Status

ACCOUNT = "111111111111"
PRIMARY = "us-east-1"
TARGET = "eu-central-1"
SERVICES = ["identitystore.amazonaws.com", "sso.amazonaws.com"]


def _policy(region: str) -> dict[str, Any]:
    """The Identity Center key policy of seed 004: admins, service principals, org admins."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Admins",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "ServicesDescribe",
                "Effect": "Allow",
                "Principal": {"Service": list(SERVICES)},
                "Action": "kms:DescribeKey",
                "Resource": "*",
            },
            {
                "Sid": "ServicesUse",
                "Effect": "Allow",
                "Principal": {"Service": list(SERVICES)},
                "Action": ["kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
            },
            {
                "Sid": "OrgAdmins",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "kms:Decrypt",
                "Resource": f"arn:aws:kms:{region}:{ACCOUNT}:key/mrk-1",
                "Condition": {
                    "StringEquals": {"aws:PrincipalOrgID": "o-abc"},
                    "StringLike": {"kms:ViaService": f"sso.{region}.amazonaws.com"},
                },
            },
            {
                "Sid": "Apps",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/app"},
                "Action": "kms:Encrypt",
                "Resource": "*",
            },
        ],
    }


def _gaps(replica: Any, primary: Any = None) -> list[str]:
    return fn_idc.idc_key_policy_gaps(replica, primary, PRIMARY, TARGET)


# --------------------------------------------------------------------------- small helpers


def test_key_id_account_and_partition() -> None:
    assert fn_idc.idc_key_id("arn:aws:kms:us-east-1:111111111111:key/mrk-1") == "mrk-1"
    assert fn_idc.idc_key_id("mrk-1") == "mrk-1"
    assert fn_idc.idc_key_id(None) is None
    assert fn_idc.idc_arn_account("arn:aws:iam::222222222222:role/x") == "222222222222"
    assert fn_idc.idc_arn_account("arn:aws:sso:::instance/ssoins-1") is None
    assert fn_idc.idc_arn_account("not-an-arn") is None
    assert fn_idc.idc_commercial_region("me-central-1") is True
    assert fn_idc.idc_commercial_region("cn-north-1") is False
    assert fn_idc.idc_commercial_region("us-gov-west-1") is False
    assert fn_idc.idc_commercial_region("us-isob-east-1") is False
    assert fn_idc.idc_commercial_region(None) is False


def test_region_status() -> None:
    regions = [
        {"RegionName": "us-east-1", "Status": "ACTIVE"},
        {"RegionName": "eu-central-1", "Status": "ADDING"},
    ]
    assert fn_idc.idc_region_status(regions, "eu-central-1") == "ADDING"
    assert fn_idc.idc_region_status(regions, "eu-west-1") is None
    assert fn_idc.idc_region_status(None, "eu-west-1") is None


# --------------------------------------------------------------------------- replication


def test_opt_in_blockers_only_for_known_opt_in_statuses() -> None:
    assert fn_idc.idc_opt_in_blockers("me-central-1", "ENABLED", TARGET, "ENABLED_BY_DEFAULT") == [
        "the primary Region me-central-1 is an opt-in Region (ENABLED)"
    ]
    assert fn_idc.idc_opt_in_blockers(
        PRIMARY, "ENABLED_BY_DEFAULT", "il-central-1", "DISABLED"
    ) == ["the target Region il-central-1 is an opt-in Region (DISABLED)"]
    assert fn_idc.idc_opt_in_blockers(PRIMARY, None, TARGET, None) == []
    same = fn_idc.idc_opt_in_blockers("me-central-1", "ENABLED", "me-central-1", "ENABLED")
    assert len(same) == 1


def test_instance_blockers() -> None:
    assert fn_idc.idc_instance_blockers({"PermissionSetsEnabled": True}) == []
    assert fn_idc.idc_instance_blockers({"PermissionSetsEnabled": None}) == []  # unknown
    account = fn_idc.idc_instance_blockers({"PermissionSetsEnabled": False})
    assert len(account) == 1 and "account instance" in account[0]
    directory = fn_idc.idc_instance_blockers(
        {"PermissionSetsEnabled": True, "IdentitySource": "ACTIVE_DIRECTORY"}
    )
    assert directory == ["its identity source is ACTIVE_DIRECTORY, not an external IdP"]
    idp = {"PermissionSetsEnabled": True, "IdentitySource": "EXTERNAL_IDP"}
    assert fn_idc.idc_instance_blockers(idp) == []
    assert fn_idc.idc_instance_blockers(None) == []


def test_replication_blockers_combine_everything() -> None:
    instance = {"PrimaryRegion": "cn-north-1", "PermissionSetsEnabled": False}
    found = fn_idc.idc_replication_blockers(instance, "ENABLED", "il-central-1", "ENABLED")
    assert len(found) == 4
    assert any("cn-north-1 is not a commercial Region" in f for f in found)
    assert any("il-central-1 is an opt-in Region" in f for f in found)
    ok = {"PrimaryRegion": PRIMARY, "PermissionSetsEnabled": True}
    assert fn_idc.idc_replication_blockers(ok, "ENABLED_BY_DEFAULT", TARGET, None) == []


# --------------------------------------------------------------------------- key


def test_key_problem() -> None:
    cmk = {"KeyType": "CUSTOMER_MANAGED_KEY", "KmsKeyArn": "arn:aws:kms:r:1:key/mrk-1"}
    replica = {"KeyId": "mrk-1", "KeyState": "Enabled", "MultiRegion": True}
    assert fn_idc.idc_key_problem(cmk, replica, TARGET) is None
    owned = fn_idc.idc_key_problem({"KeyType": "AWS_OWNED_KMS_KEY"}, None, TARGET)
    assert owned is not None and "AWS_OWNED_KMS_KEY" in owned
    assert "no replica in eu-central-1" in str(fn_idc.idc_key_problem(cmk, None, TARGET))
    single = {"KeyType": "CUSTOMER_MANAGED_KEY", "KmsKeyArn": "arn:aws:kms:r:1:key/1234"}
    assert "single-Region" in str(fn_idc.idc_key_problem(single, None, TARGET))
    disabled = {**replica, "KeyState": "PendingDeletion"}
    assert "is PendingDeletion" in str(fn_idc.idc_key_problem(cmk, disabled, TARGET))
    assert fn_idc.idc_key_problem(None, None, TARGET) is not None


def test_identical_policies_have_no_gaps() -> None:
    assert _gaps(_policy(TARGET), _policy(PRIMARY)) == []
    assert _gaps(json.dumps(_policy(TARGET)), json.dumps(_policy(PRIMARY))) == []


def test_order_whitespace_lists_sid_case_and_region_tokens_are_not_drift() -> None:
    replica = copy.deepcopy(_policy(TARGET))
    replica["Statement"].reverse()
    for statement in replica["Statement"]:
        statement.pop("Sid")
        action = statement["Action"]
        statement["Action"] = [action.upper()] if isinstance(action, str) else action[::-1]
    replica["Statement"][-1]["Principal"] = {"AWS": [ACCOUNT]}  # bare account id = root ARN
    text = json.dumps(replica, indent=4)
    assert _gaps(text, json.dumps(_policy(PRIMARY))) == []


def test_missing_identitystore_statement_is_a_gap() -> None:
    replica = copy.deepcopy(_policy(TARGET))
    for statement in replica["Statement"][1:3]:
        statement["Principal"] = {"Service": "sso.amazonaws.com"}
    gaps = _gaps(replica, _policy(PRIMARY))
    assert gaps[0] == (
        "no statement lets identitystore.amazonaws.com use the key "
        "(kms:Decrypt, kms:GenerateDataKeyWithoutPlaintext, kms:DescribeKey)"
    )
    assert "statement 'ServicesUse' of the primary's policy is changed in the replica" in gaps
    # Without the primary's policy, the absolute requirement still fails it.
    assert len(_gaps(replica)) == 1


@pytest.mark.parametrize(
    ("index", "field", "value", "sid"),
    [
        (2, "Action", ["kms:Decrypt"], "ServicesUse"),
        (0, "Principal", {"AWS": "arn:aws:iam::999999999999:root"}, "Admins"),
        (2, "Condition", {"StringEquals": {"aws:SourceAccount": "999999999999"}}, "ServicesUse"),
        (3, "Condition", {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}, "OrgAdmins"),
    ],
)
def test_a_changed_action_principal_or_condition_is_drift(
    index: int, field: str, value: Any, sid: str
) -> None:
    replica = copy.deepcopy(_policy(TARGET))
    replica["Statement"][index][field] = value
    gaps = _gaps(replica, _policy(PRIMARY))
    assert f"statement {sid!r} of the primary's policy is changed in the replica" in gaps


def test_a_replica_still_naming_the_primary_region_is_drift() -> None:
    """Copied verbatim, the replica lets admins in through the primary's endpoints only."""
    gaps = _gaps(_policy(PRIMARY), _policy(PRIMARY))
    assert gaps == ["statement 'OrgAdmins' of the primary's policy is changed in the replica"]


def test_unrelated_statements_may_differ() -> None:
    replica = copy.deepcopy(_policy(TARGET))
    replica["Statement"][4]["Action"] = "kms:ReEncrypt*"  # the app statement: KMS-003's concern
    replica["Statement"].append(
        {"Effect": "Allow", "Principal": {"AWS": "x"}, "Action": "kms:Sign"}
    )
    assert _gaps(replica, _policy(PRIMARY)) == []


def test_missing_key_administrators_statement_is_a_lock_out_risk() -> None:
    replica = copy.deepcopy(_policy(TARGET))
    del replica["Statement"][0]
    gaps = _gaps(replica, _policy(PRIMARY))
    assert gaps[0].startswith("no key administrators statement")
    assert "statement 'Admins' of the primary's policy is missing in the replica" in gaps
    # Key administrators named with explicit actions (no kms:*) are administrators too.
    replica["Statement"].append(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/KeyAdmins"},
            "Action": ["kms:Create*", "kms:Put*", "kms:Describe*"],
            "Resource": "*",
        }
    )
    assert not any(g.startswith("no key administrators") for g in _gaps(replica))


def test_not_action_and_deny_statements() -> None:
    replica = copy.deepcopy(_policy(TARGET))
    replica["Statement"][0] = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "NotAction": "kms:ScheduleKeyDeletion",
        "Resource": "*",
    }
    assert not any(g.startswith("no key administrators") for g in _gaps(replica))
    replica["Statement"][0]["Effect"] = "Deny"
    assert any(g.startswith("no key administrators") for g in _gaps(replica))


def test_unreadable_replica_policy() -> None:
    assert _gaps(None) == ["the replica key policy is missing or not valid JSON"]
    assert _gaps("{not json") == ["the replica key policy is missing or not valid JSON"]


def test_canonical_statement_maps_the_region() -> None:
    primary = _policy(PRIMARY)["Statement"][3]
    replica = _policy(TARGET)["Statement"][3]
    assert fn_idc.canonical_statement(primary, PRIMARY) == fn_idc.canonical_statement(
        replica, TARGET
    )
    assert fn_idc.canonical_statement(primary, PRIMARY) != fn_idc.canonical_statement(
        replica, PRIMARY
    )


# --------------------------------------------------------------------------- emergency access


def _role(name: str, trust: Any, account: str = ACCOUNT) -> dict[str, Any]:
    return {
        "RoleName": name,
        "Arn": f"arn:aws:iam::{account}:role/{name}",
        "AssumeRolePolicyDocument": trust,
    }


def _saml_trust(provider: str, action: Any = "sts:AssumeRoleWithSAML") -> dict[str, Any]:
    return {
        "Statement": [{"Effect": "Allow", "Principal": {"Federated": provider}, "Action": action}]
    }


def test_emergency_roles() -> None:
    provider = f"arn:aws:iam::{ACCOUNT}:saml-provider/IdP"
    other = "arn:aws:iam::222222222222:saml-provider/IdP"
    providers = [{"Arn": provider}, {"Arn": other}]
    roles = [
        _role("Emergency", _saml_trust(provider, ["sts:AssumeRoleWithSAML", "sts:TagSession"])),
        _role("Encoded", quote(json.dumps(_saml_trust(provider)))),
        _role("Wildcard", _saml_trust(provider, "sts:*")),
        _role("WebIdentity", _saml_trust(provider, "sts:AssumeRoleWithWebIdentity")),
        _role("OtherAccountProvider", _saml_trust(other)),
        _role("Foreign", _saml_trust(other), account="222222222222"),
    ]
    assert fn_idc.idc_emergency_roles(roles, providers, ACCOUNT) == [
        f"arn:aws:iam::{ACCOUNT}:role/{n}" for n in ("Emergency", "Encoded", "Wildcard")
    ]
    assert fn_idc.idc_emergency_roles(roles, providers, "222222222222") == [
        "arn:aws:iam::222222222222:role/Foreign"
    ]
    assert fn_idc.idc_emergency_roles(roles, [], ACCOUNT) == []
    assert fn_idc.idc_emergency_roles(None, None, ACCOUNT) == []
    assert fn_idc.idc_emergency_roles(roles, providers, None) == []


def test_functions_table_is_complete() -> None:
    for name, (func, spec) in fn_idc.FUNCTIONS.items():
        assert name.startswith("idc_")
        assert callable(func) and spec


# --------------------------------------------------------------------------- rules together


def test_add_region_is_blocked_by_the_missing_key_replica() -> None:
    """IDC-001 depends on IDC-003: with no key replica in the target both fail and the
    IDC-001 finding names IDC-003 as its root cause (blocked_by)."""
    rules = [r for r in load_rules() if r.id in {"IDC-001", "IDC-003"}]
    case = {
        "source_region": PRIMARY,
        "target_region": TARGET,
        "global": {
            "account": {
                "region": [
                    {"RegionName": PRIMARY, "RegionOptStatus": "ENABLED_BY_DEFAULT"},
                    {"RegionName": TARGET, "RegionOptStatus": "ENABLED_BY_DEFAULT"},
                ]
            }
        },
        "source": {
            "sso": {
                "instance": [
                    {
                        "InstanceArn": "arn:aws:sso:::instance/ssoins-1",
                        "PrimaryRegion": PRIMARY,
                        "PermissionSetsEnabled": True,
                        "EncryptionConfigurationDetails": {
                            "KeyType": "CUSTOMER_MANAGED_KEY",
                            "KmsKeyArn": f"arn:aws:kms:{PRIMARY}:{ACCOUNT}:key/mrk-1",
                        },
                        "Regions": [{"RegionName": PRIMARY, "Status": "ACTIVE"}],
                    }
                ]
            }
        },
        "target": {"kms": {"key": []}},
    }
    now = utc("2026-11-23T00:00:00Z")
    results = {r.rule_id: r for r in evaluate(scan_from_case(rules[0], case), rules, now=now)}
    assert results["IDC-003"].status is Status.FAIL
    assert results["IDC-001"].status is Status.FAIL
    assert results["IDC-001"].blocking_rules == ["IDC-003"]
    assert results["IDC-001"].blocked_by == [f"IDC-003 {results['IDC-003'].resource_name}"]

    case["target"]["kms"]["key"] = [{"KeyId": "mrk-1", "KeyState": "Enabled", "MultiRegion": True}]
    results = {r.rule_id: r for r in evaluate(scan_from_case(rules[0], case), rules, now=now)}
    assert results["IDC-003"].status is Status.PASS
    assert results["IDC-001"].status is Status.FAIL
    assert results["IDC-001"].blocked_by == []
