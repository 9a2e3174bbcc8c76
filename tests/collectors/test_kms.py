"""The KMS collector against moto (corrected by regionready.demo.moto_gaps)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.collectors import kms
from regionready.demo import moto_gaps
from regionready.snapshot import jsonable

SOURCE = "me-central-1"
TARGET = "eu-central-1"
ROLE = "arn:aws:iam::123456789012:role/app"


def _policy(sid: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": sid,
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
    )


@pytest.fixture
def seeded(session: boto3.Session) -> dict[str, str]:
    src = session.client("kms", region_name=SOURCE)
    dst = session.client("kms", region_name=TARGET)
    ids: dict[str, str] = {}

    ids["app"] = src.create_key(
        Description="app data", Tags=[{"TagKey": "team", "TagValue": "payments"}]
    )["KeyMetadata"]["KeyId"]
    src.create_alias(AliasName="alias/app", TargetKeyId=ids["app"])
    src.create_alias(AliasName="alias/app-legacy", TargetKeyId=ids["app"])
    src.put_key_policy(KeyId=ids["app"], PolicyName="default", Policy=_policy("app"))
    src.enable_key_rotation(KeyId=ids["app"])
    src.create_grant(KeyId=ids["app"], GranteePrincipal=ROLE, Operations=["Decrypt"])

    ids["disabled"] = src.create_key(Description="old")["KeyMetadata"]["KeyId"]
    src.disable_key(KeyId=ids["disabled"])

    ids["signing"] = src.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"][
        "KeyId"
    ]
    ids["managed"] = moto_gaps.aws_managed_key(src, "alias/aws/s3")

    ids["mrk"] = src.create_key(Description="shared", MultiRegion=True, Policy=_policy("primary"))[
        "KeyMetadata"
    ]["KeyId"]
    src.create_alias(AliasName="alias/shared", TargetKeyId=ids["mrk"])
    src.enable_key_rotation(KeyId=ids["mrk"])
    src.create_grant(KeyId=ids["mrk"], GranteePrincipal=ROLE, Operations=["Encrypt"])
    src.replicate_key(KeyId=ids["mrk"], ReplicaRegion=TARGET, Policy=_policy("replica"))
    dst.create_alias(AliasName="alias/shared", TargetKeyId=ids["mrk"])
    dst.create_alias(AliasName="alias/target-only", TargetKeyId=ids["mrk"])
    return ids


def _keys(result: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {k["KeyId"]: k for k in result["key"]}


def _aliases(result: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {a["AliasName"]: a for a in result["alias"]}


def test_customer_key_details(make_clients: Any, seeded: dict[str, str]) -> None:
    clients = make_clients(SOURCE, "kms")
    result = kms.collect(clients, SOURCE)
    keys = _keys(result)

    assert clients.errors == []
    app = keys[seeded["app"]]
    assert app["KeyManager"] == "CUSTOMER"
    assert app["Aliases"] == ["alias/app", "alias/app-legacy"]
    assert isinstance(app["Policy"], str)
    assert json.loads(app["Policy"])["Statement"][0]["Sid"] == "app"
    assert app["KeyRotationEnabled"] is True
    assert [g["GranteePrincipal"] for g in app["Grants"]] == [ROLE]
    assert app["Tags"] == [{"TagKey": "team", "TagValue": "payments"}]
    assert app["MultiRegion"] is False
    assert app["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert app["Origin"] == "AWS_KMS"

    disabled = keys[seeded["disabled"]]
    assert (disabled["KeyState"], disabled["Enabled"]) == ("Disabled", False)
    assert disabled["KeyRotationEnabled"] is False
    assert "Policy" in disabled and disabled["Aliases"] == []

    signing = keys[seeded["signing"]]
    assert signing["KeySpec"] == "ECC_NIST_P256"
    assert "KeyRotationEnabled" not in signing  # not applicable: asymmetric
    assert "Policy" in signing

    json.dumps(jsonable(result))


def test_aws_managed_key_gets_metadata_and_aliases_only(
    make_clients: Any, seeded: dict[str, str]
) -> None:
    result = kms.collect(make_clients(SOURCE, "kms"), SOURCE)
    managed = _keys(result)[seeded["managed"]]

    assert managed["KeyManager"] == "AWS"
    assert managed["Aliases"] == ["alias/aws/s3"]
    assert not {"Policy", "KeyRotationEnabled", "Grants", "Tags"} & set(managed)

    aliases = _aliases(result)
    assert aliases["alias/aws/s3"]["Key"]["KeyManager"] == "AWS"
    # A predefined alias whose AWS managed key does not exist yet: no target, no Key.
    assert "TargetKeyId" not in aliases["alias/aws/ebs"]
    assert aliases["alias/aws/ebs"]["Key"] is None


def test_multi_region_key_per_region(make_clients: Any, seeded: dict[str, str]) -> None:
    source = kms.collect(make_clients(SOURCE, "kms"), SOURCE)
    target = kms.collect(make_clients(TARGET, "kms"), TARGET)
    mrk = seeded["mrk"]

    primary = _keys(source)[mrk]
    replica = _keys(target)[mrk]
    assert set(_keys(target)) == {mrk}  # the replica is the only key in the target
    assert primary["MultiRegionConfiguration"]["MultiRegionKeyType"] == "PRIMARY"
    assert replica["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    assert replica["KeyId"] == primary["KeyId"]
    assert replica["Arn"] == primary["Arn"].replace(SOURCE, TARGET)
    assert replica["MultiRegionConfiguration"]["PrimaryKey"]["Region"] == SOURCE
    assert [r["Region"] for r in primary["MultiRegionConfiguration"]["ReplicaKeys"]] == [TARGET]

    # Independent properties: each key has its own policy, aliases and grants.
    assert json.loads(primary["Policy"])["Statement"][0]["Sid"] == "primary"
    assert json.loads(replica["Policy"])["Statement"][0]["Sid"] == "replica"
    assert primary["Aliases"] == ["alias/shared"]
    assert replica["Aliases"] == ["alias/shared", "alias/target-only"]
    assert [g["Operations"] for g in primary["Grants"]] == [["Encrypt"]]
    assert replica["Grants"] == []
    # Shared property: rotation is set on the primary and reported by the replica.
    assert primary["KeyRotationEnabled"] is True
    assert replica["KeyRotationEnabled"] is True


def test_aliases_stay_in_their_region(make_clients: Any, seeded: dict[str, str]) -> None:
    source = _aliases(kms.collect(make_clients(SOURCE, "kms"), SOURCE))
    target = _aliases(kms.collect(make_clients(TARGET, "kms"), TARGET))

    customer = {n for n in source if not n.startswith("alias/aws/")}
    assert customer == {"alias/app", "alias/app-legacy", "alias/shared"}
    assert {n for n in target if not n.startswith("alias/aws/")} == {
        "alias/shared",
        "alias/target-only",
    }
    assert all(f":{TARGET}:" in a["AliasArn"] for a in target.values())
    assert all(f":{SOURCE}:" in a["AliasArn"] for a in source.values())

    app = source["alias/app"]
    assert app["TargetKeyId"] == seeded["app"]
    assert app["Key"] == {
        "KeyId": seeded["app"],
        "KeyState": "Enabled",
        "Enabled": True,
        "KeyManager": "CUSTOMER",
        "MultiRegion": False,
        "KeySpec": "SYMMETRIC_DEFAULT",
    }
    assert target["alias/shared"]["Key"]["MultiRegion"] is True


def test_access_denied_on_key_policy_is_recorded(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    def deny(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "not authorized"}},
            "GetKeyPolicy",
        )

    session.events.register("before-call.kms.GetKeyPolicy", deny)
    clients = make_clients(SOURCE, "kms")
    keys = _keys(kms.collect(clients, SOURCE))

    assert clients.errors
    assert {e.action for e in clients.errors} == {"kms:GetKeyPolicy"}
    assert all(e.to_dict()["resource_types"] == ["key"] for e in clients.errors)
    assert all(e.code == "AccessDeniedException" for e in clients.errors)
    assert set(keys) == {seeded[k] for k in ("app", "disabled", "signing", "managed", "mrk")}
    assert all("Policy" not in k for k in keys.values())
    assert keys[seeded["app"]]["KeyRotationEnabled"] is True  # the rest is still read


def test_list_aliases_failure_feeds_keys_and_aliases(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    def deny(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "ListAliases"
        )

    session.events.register("before-call.kms.ListAliases", deny)
    clients = make_clients(SOURCE, "kms")
    result = kms.collect(clients, SOURCE)

    [error] = clients.errors
    assert error.action == "kms:ListAliases"
    assert error.to_dict()["resource_types"] == ["alias", "key"]
    assert result["alias"] == []
    assert len(result["key"]) == 5


def test_small_pages_collect_the_same(make_clients: Any, seeded: dict[str, str]) -> None:
    whole = make_clients(SOURCE, "kms")
    paged = make_clients(SOURCE, "kms", small_pages=True)
    expected = kms.collect(whole, SOURCE)
    result = kms.collect(paged, SOURCE)

    assert jsonable(result) == jsonable(expected)
    assert len(result["key"]) == 5
    # ListKeys and ListAliases answered one item per page.
    extra_pages = (len(result["key"]) - 1) + (len(result["alias"]) - 1)
    assert paged.api_calls == whole.api_calls + extra_pages


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    called: set[str] = set()
    session.events.register("before-call.kms", lambda model, **_: called.add(f"kms:{model.name}"))
    kms.collect(make_clients(SOURCE, "kms"), SOURCE)

    # Tags come from tag:GetResources (another service); ListResourceTags is its fallback
    # (tests/collectors/test_concurrent_collectors.py).
    assert called == set(kms.PERMISSIONS) - {"tag:GetResources", "kms:ListResourceTags"}
    assert all(c.split(":")[1].startswith(("List", "Describe", "Get")) for c in called)
