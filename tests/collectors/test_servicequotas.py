"""The Service Quotas collector against moto_gaps' ListServiceQuotas (moto has none)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.collectors import servicequotas
from regionready.demo.moto_gaps import servicequotas as quota_gaps
from regionready.engine.evaluation import evaluate
from regionready.engine.fixtures import scan_from_case, utc
from regionready.engine.rules import builtin_rules_dir, parse_rule
from regionready.snapshot import jsonable

REGION = "eu-central-1"


@pytest.fixture(autouse=True)
def _clean_store() -> Iterator[None]:
    quota_gaps.clear_applied_quotas()
    yield
    quota_gaps.clear_applied_quotas()


def _by_code(items: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(q["ServiceCode"], q["QuotaCode"]): q for q in items}


def test_quotas_of_the_checked_services(make_clients: Any) -> None:
    clients = make_clients(REGION, "servicequotas")
    quotas = _by_code(servicequotas.collect(clients, REGION)["quota"])

    assert clients.errors == []
    acm = quotas[("acm", "L-F141DD1D")]
    assert (acm["QuotaName"], acm["Value"], acm["Adjustable"]) == ("ACM certificates", 2500.0, True)
    assert acm["QuotaArn"] == f"arn:aws:servicequotas:{REGION}:123456789012:acm/L-F141DD1D"
    assert quotas[("acm", "L-D2CB7DE9")]["QuotaName"] == "Imported certificates"
    assert quotas[("acm", "L-FB94F0B0")]["Value"] == 10.0
    assert quotas[("acm-pca", "L-799883CD")]["Value"] == 200.0
    assert quotas[("kms", "L-C2F1777E")]["Value"] == 100000.0
    assert quotas[("wafv2", "L-2EC3DE7B")]["Value"] == 100.0
    assert {code for code, _ in quotas} == {"acm", "acm-pca", "kms", "wafv2"}


def test_an_applied_value_replaces_the_default_in_its_region(make_clients: Any) -> None:
    quota_gaps.set_applied_quota(REGION, "acm", "L-F141DD1D", 3000)
    here = _by_code(servicequotas.collect(make_clients(REGION, "servicequotas"), REGION)["quota"])
    there = _by_code(
        servicequotas.collect(make_clients("us-east-1", "servicequotas"), "us-east-1")["quota"]
    )
    assert here[("acm", "L-F141DD1D")]["Value"] == 3000.0
    assert there[("acm", "L-F141DD1D")]["Value"] == 2500.0


def _fail_for(session: boto3.Session, service_code: str, code: str) -> None:
    def fail(params: dict[str, Any], **_: Any) -> None:
        if params.get("ServiceCode") == service_code:
            raise ClientError({"Error": {"Code": code, "Message": "x"}}, "ListServiceQuotas")

    session.events.register("before-parameter-build.service-quotas.ListServiceQuotas", fail)


def test_no_such_resource_means_no_quotas_not_an_error(
    session: boto3.Session, make_clients: Any
) -> None:
    _fail_for(session, "kms", "NoSuchResourceException")
    clients = make_clients(REGION, "servicequotas")
    quotas = _by_code(servicequotas.collect(clients, REGION)["quota"])
    assert clients.errors == []
    assert not any(code == "kms" for code, _ in quotas)
    assert ("acm", "L-F141DD1D") in quotas


def test_other_failures_are_recorded(session: boto3.Session, make_clients: Any) -> None:
    _fail_for(session, "acm", "AccessDeniedException")
    clients = make_clients(REGION, "servicequotas")
    quotas = _by_code(servicequotas.collect(clients, REGION)["quota"])
    [error] = clients.errors
    assert (error.action, error.resource_types) == ("servicequotas:ListServiceQuotas", ["quota"])
    assert not any(code == "acm" for code, _ in quotas)


def test_small_pages_collect_the_same(make_clients: Any) -> None:
    whole = make_clients(REGION, "servicequotas")
    paged = make_clients(REGION, "servicequotas", small_pages=True)
    assert jsonable(servicequotas.collect(paged, REGION)) == jsonable(
        servicequotas.collect(whole, REGION)
    )
    assert (whole.api_calls, paged.api_calls) == (6, 14)


def test_moto_gaps_answers_the_real_shape_and_pages(session: boto3.Session) -> None:
    client = session.client("service-quotas", region_name=REGION)
    first = client.list_service_quotas(ServiceCode="acm", MaxResults=2)
    assert [q["QuotaCode"] for q in first["Quotas"]] == ["L-F141DD1D", "L-D2CB7DE9"]
    rest = client.list_service_quotas(ServiceCode="acm", NextToken=first["NextToken"])
    assert len(rest["Quotas"]) == 3 and "NextToken" not in rest
    shape = client.meta.service_model.operation_model("ListServiceQuotas").output_shape
    allowed = set(shape.members["Quotas"].member.members)
    assert all(set(q) <= allowed for q in first["Quotas"] + rest["Quotas"])
    with pytest.raises(ClientError) as bad:
        client.list_service_quotas(ServiceCode="acm", NextToken="forged")
    assert bad.value.response["Error"]["Code"] == "InvalidPaginationTokenException"


def test_quota_rules_say_where_the_quota_came_from(make_clients: Any) -> None:
    """ACM-007 against collected quotas: 'Service Quotas', or the documented default."""
    rule = parse_rule(builtin_rules_dir() / "acm" / "ACM-007.yaml", "rules/acm/ACM-007.yaml")
    quota_gaps.set_applied_quota(REGION, "acm", "L-F141DD1D", 1)
    collected = servicequotas.collect(make_clients(REGION, "servicequotas"), REGION)
    cert = {
        "CertificateArn": f"arn:aws:acm:{REGION}:111111111111:certificate/a",
        "DomainName": "a.example.com",
        "KeyAlgorithm": "RSA_2048",
        "Type": "AMAZON_ISSUED",
        "Status": "ISSUED",
    }
    target = {"acm": {"certificate": [cert]}}
    source = {"acm": {"certificate": [dict(cert, DomainName="b.example.com")]}}
    now = utc("2026-11-23T00:00:00Z")

    with_quotas = {"source": source, "target": {**target, "servicequotas": collected}}
    by_quota = {
        r.resource_id: r for r in evaluate(scan_from_case(rule, with_quotas), [rule], now=now)
    }
    read = by_quota[f"quota:ACM certificates@{REGION}"]
    assert read.status.value == "FAIL"
    assert "value of 1 in eu-central-1 (Service Quotas)" in read.message

    defaults = {
        r.resource_id: r
        for r in evaluate(
            scan_from_case(rule, {"source": source, "target": target}), [rule], now=now
        )
    }
    default = defaults[f"quota:ACM certificates@{REGION}"]
    assert default.status.value == "PASS"
    assert default.message == "ACM certificates: 2 of 2500 (documented default)"
