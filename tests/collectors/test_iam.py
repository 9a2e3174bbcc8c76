"""The IAM collector against moto."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.collectors import iam
from regionready.snapshot import jsonable
from regionready.topology import Pair

SAML_METADATA = (
    '<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"'
    ' entityID="https://idp.example.com/saml">' + "<!-- padding -->" * 70 + "</md:EntityDescriptor>"
)
US_EAST_1_SAML = "https://signin.aws.amazon.com/saml"


def _trust(provider_arn: str, audiences: list[str]) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Federated": provider_arn},
                    "Action": "sts:AssumeRoleWithSAML",
                    "Condition": {"StringEquals": {"SAML:aud": audiences}},
                }
            ],
        }
    )


DENY_OUTSIDE = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyOutsideSource",
            "Effect": "Deny",
            "NotAction": ["iam:*", "sts:*"],
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["me-central-1"]}},
        }
    ],
}


@pytest.fixture
def seeded(session: boto3.Session) -> dict[str, str]:
    client = session.client("iam")
    arns: dict[str, str] = {}
    arns["saml"] = client.create_saml_provider(Name="corp-idp", SAMLMetadataDocument=SAML_METADATA)[
        "SAMLProviderArn"
    ]
    arns["oidc"] = client.create_open_id_connect_provider(
        Url="https://token.actions.githubusercontent.com",
        ThumbprintList=["a" * 40],
        ClientIDList=["sts.amazonaws.com"],
    )["OpenIDConnectProviderArn"]
    for name, audiences in (("admins", [US_EAST_1_SAML]), ("readers", [US_EAST_1_SAML, "x"])):
        arns[name] = client.create_role(
            RoleName=name, AssumeRolePolicyDocument=_trust(arns["saml"], audiences)
        )["Role"]["Arn"]
    arns["user"] = client.create_user(UserName="alice")["User"]["Arn"]
    client.create_user(UserName="bob")
    policy = client.create_policy(
        PolicyName="region-guard", PolicyDocument=json.dumps(DENY_OUTSIDE)
    )
    arns["policy"] = policy["Policy"]["Arn"]
    # A second version becomes the default: the collector must read that one.
    newer = json.loads(json.dumps(DENY_OUTSIDE))
    newer["Statement"][0]["Sid"] = "DenyOutsideSourceV2"
    client.create_policy_version(
        PolicyArn=arns["policy"], PolicyDocument=json.dumps(newer), SetAsDefault=True
    )
    client.attach_role_policy(RoleName="admins", PolicyArn=arns["policy"])
    other = client.create_policy(
        PolicyName="harmless",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
            }
        ),
    )
    arns["harmless"] = other["Policy"]["Arn"]
    return arns


def _by_arn(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i["Arn"]: i for i in items}


def test_items_have_the_contract_fields(make_clients: Any, seeded: dict[str, str]) -> None:
    clients = make_clients("us-east-1", "iam")
    result = iam.collect(clients, "us-east-1")

    assert clients.errors == []
    assert set(result) == set(iam.RESOURCE_TYPES)
    role = _by_arn(result["role"])[seeded["admins"]]
    assert {"RoleName", "RoleId", "Arn", "Path", "CreateDate"} <= set(role)
    trust = role["AssumeRolePolicyDocument"]
    assert isinstance(trust, dict)
    assert trust["Statement"][0]["Condition"]["StringEquals"]["SAML:aud"] == [US_EAST_1_SAML]

    users = _by_arn(result["user"])
    assert set(users[seeded["user"]]) == {"UserName", "UserId", "Arn"}
    assert users[seeded["user"]]["UserName"] == "alice"

    [saml] = result["saml_provider"]
    assert saml["Arn"] == seeded["saml"]
    assert {"ValidUntil", "CreateDate"} <= set(saml)
    assert result["oidc_provider"] == [{"Arn": seeded["oidc"]}]

    policies = _by_arn(result["policy"])
    assert set(policies) == {seeded["policy"], seeded["harmless"]}  # customer managed only
    guard = policies[seeded["policy"]]
    assert guard["DefaultVersionId"] == "v2"
    assert guard["Document"]["Statement"][0]["Sid"] == "DenyOutsideSourceV2"
    assert guard["AttachmentCount"] == 1
    assert guard["PolicyName"] == "region-guard"
    json.dumps(jsonable(result))


def test_access_denied_on_policy_version_is_recorded_against_policy(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    def deny(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDenied", "Message": "not authorized"}}, "GetPolicyVersion"
        )

    session.events.register("before-call.iam.GetPolicyVersion", deny)
    clients = make_clients("us-east-1", "iam")
    result = iam.collect(clients, "us-east-1")

    assert {e.action for e in clients.errors} == {"iam:GetPolicyVersion"}
    assert all(e.to_dict()["resource_types"] == ["policy"] for e in clients.errors)
    assert len(clients.errors) == 2  # one per policy
    assert all("Document" not in p for p in result["policy"])
    assert len(result["policy"]) == 2  # the policies are still listed
    assert len(result["role"]) == 2


@pytest.mark.parametrize(
    ("operation", "action", "rtype"),
    [
        ("ListRoles", "iam:ListRoles", "role"),
        ("ListUsers", "iam:ListUsers", "user"),
        ("ListSAMLProviders", "iam:ListSAMLProviders", "saml_provider"),
        ("ListOpenIDConnectProviders", "iam:ListOpenIDConnectProviders", "oidc_provider"),
        ("ListPolicies", "iam:ListPolicies", "policy"),
    ],
)
def test_each_list_failure_feeds_its_own_type(
    session: boto3.Session,
    make_clients: Any,
    seeded: dict[str, str],
    operation: str,
    action: str,
    rtype: str,
) -> None:
    def deny(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, operation)

    session.events.register(f"before-call.iam.{operation}", deny)
    clients = make_clients("us-east-1", "iam")
    result = iam.collect(clients, "us-east-1")

    [error] = clients.errors
    assert error.action == action  # as IAM spells it: iam:ListSAMLProviders
    assert error.to_dict()["resource_types"] == [rtype]
    assert result[rtype] == []
    others = {t for t in iam.RESOURCE_TYPES if t != rtype}
    assert all(result[t] for t in others)


def test_small_pages_collect_the_same(make_clients: Any, seeded: dict[str, str]) -> None:
    whole = make_clients("us-east-1", "iam")
    paged = make_clients("us-east-1", "iam", small_pages=True)
    expected = iam.collect(whole, "us-east-1")
    result = iam.collect(paged, "us-east-1")

    assert jsonable(result) == jsonable(expected)
    # roles, users and policies were read one item per page
    extra = (len(result["role"]) - 1) + (len(result["user"]) - 1) + (len(result["policy"]) - 1)
    assert paged.api_calls == whole.api_calls + extra


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    called: set[str] = set()
    session.events.register("before-call.iam", lambda model, **_: called.add(f"iam:{model.name}"))
    iam.collect(make_clients("us-east-1", "iam"), "us-east-1")

    assert called == set(iam.PERMISSIONS)
    assert all(c.split(":")[1].startswith(("List", "Get")) for c in called)


def test_demo_seed_failures_are_what_the_rules_find(session: boto3.Session, tmp_path: Any) -> None:
    """seed_federation + write_local_files, scanned and judged: exactly the planted gaps."""
    import datetime as dt

    from regionready.collect import driver as collect
    from regionready.collect import sessions
    from regionready.demo import seed_federation
    from regionready.demo.seed import DemoPlan
    from regionready.engine.evaluation import evaluate
    from regionready.engine.rules import load_rules
    from regionready.snapshot_manifest import read_scan
    from regionready.snapshot_write import write_scan

    source, target = "me-central-1", "eu-central-1"
    now = dt.datetime.now(dt.UTC)
    plan = DemoPlan(source=source, target=target, account_id="123456789012", now=now)
    seed_federation.seed(session, plan)
    options = seed_federation.write_local_files(tmp_path / "local", plan)
    services = ["iam", "organizations", "local", "account", "cloudtrail"]
    account = sessions.AccountSession(session, None, sessions.botocore_config())
    result = collect.collect_account(
        account, regions=[source, target], services=services, progress=False, options=options
    )
    manifest = collect.build_manifest(
        pairs=[Pair(source, target)],
        results=[result],
        services=services,
        started_at=now,
        finished_at=now,
        rules_version="test",
    )
    write_scan(tmp_path / "snapshot", manifest, result.documents, result.local)
    ids = ["IAM-001", "IAM-002", "IAM-003", "IAM-004", "STS-001", "STS-003"]
    rules = [r for r in load_rules() if r.id in ids]
    results = evaluate(read_scan(tmp_path / "snapshot"), rules, now=now)

    for rule_id in ids:
        mine = [r for r in results if r.rule_id == rule_id]
        assert not [r for r in mine if r.status.value == "ERROR"], rule_id
        failed = {r.resource_id for r in mine if r.status.value == "FAIL"}
        assert failed == set(plan.failing[rule_id]), rule_id
        assert not failed & set(plan.healthy)
    sts1 = next(r for r in results if r.rule_id == "STS-001" and r.status.value == "FAIL")
    assert sts1.severity.value == "high"  # me-central-1 is an opt-in Region
    assert "wJalrXUtnFEMI" not in (tmp_path / "snapshot" / "local.json").read_text()
