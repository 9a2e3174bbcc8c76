"""The Secrets Manager collector against moto (corrected by regionready.demo.moto_gaps)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.collectors import kms, lambda_, secretsmanager
from regionready.demo.seed_secrets_cognito import DEMO_VALUE as DEMO_VALUE_CANARY
from regionready.snapshot import jsonable

SOURCE = "me-central-1"
TARGET = "eu-central-1"
CANARY = "CANARY-secret-value-7f3a9c"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return {}\n")
    return buffer.getvalue()


def _function(session: boto3.Session, region: str, name: str) -> str:
    iam = session.client("iam")
    try:
        role = iam.get_role(RoleName="rotation")["Role"]["Arn"]
    except ClientError:
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        role = iam.create_role(RoleName="rotation", AssumeRolePolicyDocument=json.dumps(trust))[
            "Role"
        ]["Arn"]
    arn: str = session.client("lambda", region_name=region).create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": _zip()},
    )["FunctionArn"]
    return arn


@pytest.fixture
def seeded(session: boto3.Session) -> dict[str, str]:
    src = session.client("secretsmanager", region_name=SOURCE)
    dst = session.client("secretsmanager", region_name=TARGET)
    src_key = session.client("kms", region_name=SOURCE).create_key()["KeyMetadata"]["Arn"]
    dst_key = session.client("kms", region_name=TARGET).create_key()["KeyMetadata"]["Arn"]
    ids: dict[str, str] = {"src_key": src_key, "dst_key": dst_key}

    ids["db"] = src.create_secret(
        Name="app/db",
        SecretString=CANARY,
        KmsKeyId=src_key,
        AddReplicaRegions=[{"Region": TARGET, "KmsKeyId": dst_key}],
    )["ARN"]
    ids["api"] = src.create_secret(Name="app/api", SecretString=CANARY, KmsKeyId=src_key)["ARN"]
    src.replicate_secret_to_regions(SecretId="app/api", AddReplicaRegions=[{"Region": TARGET}])
    ids["plain"] = src.create_secret(Name="plain", SecretString=CANARY)["ARN"]
    dst.create_secret(Name="taken", SecretString="target copy")
    ids["taken"] = src.create_secret(
        Name="taken", SecretString=CANARY, AddReplicaRegions=[{"Region": TARGET}]
    )["ARN"]
    ids["managed"] = src.create_secret(
        Name="rds!db-1",
        SecretString=CANARY,
        Tags=[{"Key": "aws:secretsmanager:owningService", "Value": "rds"}],
    )["ARN"]
    ids["function"] = _function(session, SOURCE, "rotate-orders")
    ids["rotated"] = src.create_secret(Name="orders", SecretString=CANARY)["ARN"]
    src.rotate_secret(
        SecretId="orders",
        RotationLambdaARN=ids["function"],
        RotationRules={"ScheduleExpression": "rate(10 days)"},
    )
    return ids


def _by_name(result: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {s["Name"]: s for s in result["secret"]}


def test_replication_status_primary_region_and_replica_keys(
    make_clients: Any, seeded: dict[str, str]
) -> None:
    clients = make_clients(SOURCE, "secretsmanager")
    source = _by_name(secretsmanager.collect(clients, SOURCE))
    target = _by_name(secretsmanager.collect(make_clients(TARGET, "secretsmanager"), TARGET))

    assert clients.errors == []
    db = source["app/db"]
    assert db["ARN"] == seeded["db"]
    assert db["KmsKeyId"] == seeded["src_key"]
    assert db["PrimaryRegion"] == SOURCE
    [status] = db["ReplicationStatus"]
    assert (status["Region"], status["Status"]) == (TARGET, "InSync")
    assert status["KmsKeyId"] == seeded["dst_key"]
    assert source["app/api"]["ReplicationStatus"][0]["KmsKeyId"] == "alias/aws/secretsmanager"
    assert source["plain"]["ReplicationStatus"] == []
    assert "PrimaryRegion" not in source["plain"]

    replica = target["app/db"]
    assert replica["ARN"] == seeded["db"].replace(SOURCE, TARGET)
    assert replica["PrimaryRegion"] == SOURCE
    assert replica["KmsKeyId"] == seeded["dst_key"]  # its own key, not the primary's
    assert "KmsKeyId" not in target["app/api"]  # replicated on the AWS managed key


def test_failed_replication_and_owning_service(make_clients: Any, seeded: dict[str, str]) -> None:
    source = _by_name(secretsmanager.collect(make_clients(SOURCE, "secretsmanager"), SOURCE))
    target = _by_name(secretsmanager.collect(make_clients(TARGET, "secretsmanager"), TARGET))

    [failed] = source["taken"]["ReplicationStatus"]
    assert failed["Status"] == "Failed"
    assert "Secret name taken already exists" in failed["StatusMessage"]
    assert "PrimaryRegion" not in target["taken"]  # the target's own standalone secret
    assert source["rds!db-1"]["OwningService"] == "rds"


def test_rotation_settings_as_given(make_clients: Any, seeded: dict[str, str]) -> None:
    orders = _by_name(secretsmanager.collect(make_clients(SOURCE, "secretsmanager"), SOURCE))[
        "orders"
    ]
    assert orders["RotationEnabled"] is True
    assert orders["RotationLambdaARN"] == seeded["function"]
    assert orders["RotationRules"] == {"ScheduleExpression": "rate(10 days)"}


def test_no_secret_value_is_read_or_stored(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    called: set[str] = set()
    session.events.register(
        "before-call.secrets-manager", lambda model, **_: called.add(model.name)
    )
    snapshot = {
        region: jsonable(secretsmanager.collect(make_clients(region, "secretsmanager"), region))
        for region in (SOURCE, TARGET)
    }

    assert CANARY not in json.dumps(snapshot)
    assert called == {"ListSecrets", "DescribeSecret"}
    assert {f"secretsmanager:{c}" for c in called} == set(secretsmanager.PERMISSIONS)


def _deny(operation: str) -> Any:
    def deny(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, operation)

    return deny


def test_access_denied_on_describe_is_recorded(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    session.events.register("before-call.secrets-manager.DescribeSecret", _deny("DescribeSecret"))
    clients = make_clients(SOURCE, "secretsmanager")
    secrets = _by_name(secretsmanager.collect(clients, SOURCE))

    assert len(secrets) == 6  # every secret is still listed
    assert all("ReplicationStatus" not in s for s in secrets.values())
    assert {e.action for e in clients.errors} == {"secretsmanager:DescribeSecret"}
    # Each error names its own secret and the two fields DescribeSecret fills, so only
    # the checks reading those of that secret are ERROR.
    found = [e.to_dict() for e in clients.errors]
    assert all(e["resource_types"] == ["secret"] for e in found)
    assert all(e["fields"] == {"secret": ["PrimaryRegion", "ReplicationStatus"]} for e in found)
    assert sorted(arn for e in found for arn in e["resources"]["secret"]) == sorted(
        s["ARN"] for s in secrets.values() if "ReplicationStatus" not in s
    )


def test_access_denied_on_list_is_recorded(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    session.events.register("before-call.secrets-manager.ListSecrets", _deny("ListSecrets"))
    clients = make_clients(SOURCE, "secretsmanager")
    result = secretsmanager.collect(clients, SOURCE)

    [error] = clients.errors
    assert (error.action, error.code) == ("secretsmanager:ListSecrets", "AccessDeniedException")
    assert error.to_dict()["resource_types"] == ["secret"]
    assert result == {"secret": []}


def test_small_pages_collect_the_same(make_clients: Any, seeded: dict[str, str]) -> None:
    whole = make_clients(SOURCE, "secretsmanager")
    paged = make_clients(SOURCE, "secretsmanager", small_pages=True)
    expected = secretsmanager.collect(whole, SOURCE)
    result = secretsmanager.collect(paged, SOURCE)

    assert jsonable(result) == jsonable(expected)
    assert paged.api_calls == whole.api_calls + len(result["secret"]) - 1


# --- moto_gaps.secretsmanager: each hook, and what plain moto does without it -----------


def test_plain_moto_loses_replica_keys_and_rotation_rules(aws: None) -> None:
    plain = boto3.Session(region_name=SOURCE)  # no moto_gaps
    src = plain.client("secretsmanager", region_name=SOURCE)
    src_key = plain.client("kms", region_name=SOURCE).create_key()["KeyMetadata"]["Arn"]
    dst_key = plain.client("kms", region_name=TARGET).create_key()["KeyMetadata"]["Arn"]
    created = src.create_secret(
        Name="x",
        SecretString="v",
        KmsKeyId=src_key,
        AddReplicaRegions=[{"Region": TARGET, "KmsKeyId": dst_key}],
    )
    replica = plain.client("secretsmanager", region_name=TARGET).describe_secret(SecretId="x")

    assert created["ReplicationStatus"][0]["KmsKeyId"] == "alias/aws/secretsmanager"
    assert replica["KmsKeyId"] == src_key  # the primary's key, in the source Region
    assert "PrimaryRegion" not in src.describe_secret(SecretId="x")


def test_hooks_answer_create_and_replicate_with_the_keys_asked_for(
    session: boto3.Session,
) -> None:
    src = session.client("secretsmanager", region_name=SOURCE)
    dst_key = session.client("kms", region_name=TARGET).create_key()["KeyMetadata"]["Arn"]
    created = src.create_secret(
        Name="x", SecretString="v", AddReplicaRegions=[{"Region": TARGET, "KmsKeyId": dst_key}]
    )
    assert created["ReplicationStatus"][0]["KmsKeyId"] == dst_key

    replicated = src.replicate_secret_to_regions(
        SecretId="x", AddReplicaRegions=[{"Region": "us-west-2", "KmsKeyId": "alias/west"}]
    )
    assert replicated["ARN"] == created["ARN"]  # moto echoes the name given
    keys = {s["Region"]: s["KmsKeyId"] for s in replicated["ReplicationStatus"]}
    assert keys == {TARGET: dst_key, "us-west-2": "alias/west"}

    removed = src.remove_regions_from_replication(SecretId="x", RemoveReplicaRegions=["us-west-2"])
    assert removed["ARN"] == created["ARN"]
    described = src.describe_secret(SecretId="x")
    assert [s["Region"] for s in described["ReplicationStatus"]] == [TARGET]
    assert described["PrimaryRegion"] == SOURCE
    west = session.client("secretsmanager", region_name="us-west-2")
    assert west.list_secrets()["SecretList"] == []


def test_rotate_hook_turns_rotation_on_without_running_the_function(
    session: boto3.Session,
) -> None:
    src = session.client("secretsmanager", region_name=SOURCE)
    function = _function(session, SOURCE, "rotator")
    src.create_secret(Name="r", SecretString="v")
    answer = src.rotate_secret(
        SecretId="r",
        RotationLambdaARN=function,
        RotationRules={"AutomaticallyAfterDays": 30, "Duration": "2h"},
    )
    described = src.describe_secret(SecretId="r")

    assert answer["Name"] == "r" and answer["ARN"].startswith(f"arn:aws:secretsmanager:{SOURCE}:")
    assert described["RotationEnabled"] is True
    assert described["RotationLambdaARN"] == function
    assert described["RotationRules"] == {"AutomaticallyAfterDays": 30, "Duration": "2h"}
    # moto's own RotateSecret invokes the function and stages an AWSPENDING version.
    stages = [s for v in described["VersionIdsToStages"].values() for s in v]
    assert stages == ["AWSCURRENT"]

    # A missing function or an unknown secret is left to moto: AWS's error codes.
    with pytest.raises(ClientError) as missing:
        src.rotate_secret(
            SecretId="r",
            RotationLambdaARN=f"arn:aws:lambda:{SOURCE}:123456789012:function:nope",
        )
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as unknown:
        src.rotate_secret(SecretId="nope", RotationLambdaARN=function)
    assert unknown.value.response["Error"]["Code"] == "ResourceNotFoundException"


# --- the demo seed, collected and judged ---------------------------------------------------


def _plan(session: boto3.Session) -> Any:
    from regionready.demo.seed import DemoPlan

    plan = DemoPlan(
        source=SOURCE, target=TARGET, account_id="123456789012", now=dt.datetime.now(dt.UTC)
    )
    plan.resources = {SOURCE: {}, TARGET: {}}
    plan.aliases = {SOURCE: {}, TARGET: {}}
    for region in (SOURCE, TARGET):  # what the KMS seed plants first
        kms = session.client("kms", region_name=region)
        key = kms.create_key()["KeyMetadata"]
        kms.create_alias(AliasName="alias/app-data", TargetKeyId=key["KeyId"])
        plan.aliases[region]["alias/app-data"] = key["Arn"]
    return plan


def _rules(prefix: str) -> list[Any]:
    from regionready.engine.rules import parse_rule

    root = Path(__file__).resolve().parents[2] / "rules"
    return [parse_rule(p, str(p)) for p in sorted(root.glob(f"*/{prefix}-*.yaml"))]


def test_demo_seed_fails_exactly_the_planted_secrets(
    session: boto3.Session, make_clients: Any
) -> None:
    from regionready.demo import seed_secrets_cognito
    from regionready.engine.evaluation import evaluate
    from regionready.engine.fixtures import scan_from_case

    plan = _plan(session)
    seed_secrets_cognito.seed_secrets(session, plan)
    data: dict[str, dict[str, Any]] = {}
    for side, region in (("source", SOURCE), ("target", TARGET)):
        data[side] = {}
        for module in (secretsmanager, lambda_, kms):
            clients = make_clients(region, module.SERVICE)
            data[side][module.SERVICE] = jsonable(module.collect(clients, region))
            assert clients.errors == []
    rules = _rules("SM")
    assert len(rules) == 6  # SM-006 judges consolidation only: not run for one pair
    results = evaluate(
        scan_from_case(rules[0], {**data, "source_region": SOURCE, "target_region": TARGET}),
        rules,
        now=dt.datetime.now(dt.UTC),
    )

    failing: dict[str, list[str]] = {}
    for result in results:
        assert result.status.value != "ERROR", result.message
        if result.status.value == "FAIL":
            failing.setdefault(result.rule_id, []).append(result.resource_id)
    assert failing == {k: v for k, v in plan.failing.items() if k.startswith("SM-")}
    # Parity results name the target; their source counterpart is in details.
    named = {
        status: {r.resource_id for r in results if r.status.value == status}
        | {str(r.details.get("source")) for r in results if r.status.value == status}
        for status in ("PASS", "FAIL")
    }
    assert set(plan.healthy) <= named["PASS"]
    assert not set(plan.healthy) & named["FAIL"]
    assert DEMO_VALUE_CANARY not in json.dumps(data)
