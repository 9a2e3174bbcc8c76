"""Collectors give the same items, errors and call counts with 1 and 16 calls in flight,
and read tags in pages from the Resource Groups Tagging API, falling back to one call per
resource when that API is denied."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.collect.clients import Clients
from regionready.collectors import acm, kms, secretsmanager
from regionready.snapshot import jsonable

from .helpers import deny, record_calls

REGION = "eu-central-1"
CERTS = 45
KEYS = 30


@pytest.fixture
def many(session: boto3.Session) -> dict[str, list[str]]:
    """Certificates and keys, a third tagged (one tag without a value), with aliases."""
    client = session.client("acm", region_name=REGION)
    certs = []
    for i in range(CERTS):
        tags = [{"Key": "team", "Value": f"t{i}"}, {"Key": "n", "Value": str(i)}] if i % 3 else []
        kwargs: dict[str, Any] = {"Tags": tags} if tags else {}
        certs.append(
            client.request_certificate(DomainName=f"c{i}.example.com", **kwargs)["CertificateArn"]
        )
    km = session.client("kms", region_name=REGION)
    keys = []
    for i in range(KEYS):
        kwargs = {"Tags": [{"TagKey": "team", "TagValue": f"k{i}"}]} if i % 3 else {}
        key_id = km.create_key(Description=f"key {i}", **kwargs)["KeyMetadata"]["KeyId"]
        km.create_alias(AliasName=f"alias/k{i}", TargetKeyId=key_id)
        keys.append(key_id)
    sm = session.client("secretsmanager", region_name=REGION)
    for i in range(20):
        sm.create_secret(Name=f"s{i}", SecretString="x")
    return {"certs": certs, "keys": keys}


def fail_some(session: boto3.Session, event: str, param: str, ids: set[str]) -> None:
    """``event`` fails (AccessDenied, message: the id) for the resources in ``ids``."""

    def hook(params: dict[str, Any], **_: Any) -> None:
        if params.get(param) in ids:
            raise ClientError(
                {"Error": {"Code": "AccessDeniedException", "Message": params[param]}},
                event.split(".")[-1],
            )

    session.events.register(f"before-parameter-build.{event}", hook)


def run(
    session: boto3.Session, module: Any, concurrency: int, *, small_pages: bool = False
) -> tuple[Any, list[dict[str, Any]], int, Clients]:
    from .conftest import SmallPages

    cls = SmallPages if small_pages else Clients
    clients = cls(
        make_client=lambda svc: session.client(svc, region_name=REGION),
        region=REGION,
        service=module.SERVICE,
        concurrency=concurrency,
    )
    result = jsonable(module.collect(clients, REGION))
    return result, [e.to_dict() for e in clients.errors], clients.api_calls, clients


@pytest.mark.parametrize("module", [acm, kms, secretsmanager])
def test_concurrency_changes_nothing_but_the_wall_time(
    session: boto3.Session, many: dict[str, list[str]], module: Any
) -> None:
    # Some per-resource calls fail, so error order is compared too.
    fail_some(session, "acm.DescribeCertificate", "CertificateArn", set(many["certs"][::4]))
    fail_some(session, "kms.GetKeyPolicy", "KeyId", set(many["keys"][::5]))
    sequential = run(session, module, 1)
    concurrent = run(session, module, 16)
    assert concurrent[0] == sequential[0]  # items, in collection order
    assert concurrent[1] == sequential[1]  # errors, in order
    assert concurrent[2] == sequential[2]  # API calls
    if module is acm:
        assert [e["message"] for e in concurrent[1]] == many["certs"][::4]
    if module is kms:
        assert len(concurrent[1]) == len(many["keys"][::5])


def test_acm_tags_come_from_get_resources_not_one_call_per_certificate(
    session: boto3.Session, many: dict[str, list[str]]
) -> None:
    called = record_calls(session)
    result, errors, calls, clients = run(session, acm, 16, small_pages=True)
    assert errors == [] and clients.notes == []
    assert "tag:GetResources" in called and "acm:ListTagsForCertificate" not in called
    tags = {c["CertificateArn"]: c["Tags"] for c in result["certificate"]}
    assert set(tags) == set(many["certs"])
    for i, arn in enumerate(many["certs"]):
        expected = (
            [{"Key": "team", "Value": f"t{i}"}, {"Key": "n", "Value": str(i)}] if i % 3 else []
        )
        assert sorted(tags[arn], key=str) == sorted(expected, key=str), arn
    # 45 ListCertificates pages (one item a page) + 45 DescribeCertificate + 30 tagged
    # certificates in GetResources pages of one, plus the empty ListCertificateAuthorities.
    assert calls == CERTS + CERTS + 30 + 1


def test_kms_tags_come_from_get_resources_in_kms_shape(
    session: boto3.Session, many: dict[str, list[str]]
) -> None:
    called = record_calls(session)
    result, errors, _calls, _clients = run(session, kms, 16)
    assert errors == []
    assert "tag:GetResources" in called and "kms:ListResourceTags" not in called
    tags = {k["KeyId"]: k["Tags"] for k in result["key"]}
    for i, key_id in enumerate(many["keys"]):
        assert tags[key_id] == ([{"TagKey": "team", "TagValue": f"k{i}"}] if i % 3 else [])


@pytest.mark.parametrize(("module", "per_resource"), [(acm, CERTS), (kms, KEYS)])
def test_denied_get_resources_falls_back_to_one_call_per_resource(
    session: boto3.Session, many: dict[str, list[str]], module: Any, per_resource: int
) -> None:
    fast = run(session, module, 16)
    deny(session, "resource-groups-tagging-api.GetResources")
    called = record_calls(session)
    slow = run(session, module, 16)
    assert slow[0] == fast[0], "the same items, tags included"
    assert slow[1] == [], "complete data: not a collection error"
    [note] = slow[3].notes
    assert "tag:GetResources" in note and "AccessDeniedException" in note
    per_call = "acm:ListTagsForCertificate" if module is acm else "kms:ListResourceTags"
    assert per_call in called
    # one (denied) GetResources, then one tag call per resource instead of one page
    assert slow[2] == fast[2] - 1 + 1 + per_resource


def test_failed_tag_fallback_is_recorded_like_before(
    session: boto3.Session, many: dict[str, list[str]]
) -> None:
    deny(session, "resource-groups-tagging-api.GetResources")
    fail_some(session, "acm.ListTagsForCertificate", "CertificateArn", {many["certs"][1]})
    result, errors, _calls, _clients = run(session, acm, 16)
    [error] = errors
    assert error["action"] == "acm:ListTagsForCertificate"
    assert error["resource_types"] == ["certificate"]
    without = [c for c in result["certificate"] if "Tags" not in c]
    assert [c["CertificateArn"] for c in without] == [many["certs"][1]]
