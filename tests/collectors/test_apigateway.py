"""The API Gateway collector against moto: v1 and v2 custom domain names."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from regionready.collectors import apigateway
from regionready.snapshot import jsonable

from .helpers import deny, record_calls

REGION = "eu-central-1"
CERT = "arn:aws:acm:eu-central-1:123456789012:certificate/regional"
EDGE = "arn:aws:acm:us-east-1:123456789012:certificate/edge"


@pytest.fixture
def domains(session: boto3.Session) -> None:
    v1 = session.client("apigateway", region_name=REGION)
    v2 = session.client("apigatewayv2", region_name=REGION)
    v1.create_domain_name(
        domainName="rest.example.com",
        regionalCertificateArn=CERT,
        endpointConfiguration={"types": ["REGIONAL"]},
    )
    v1.create_domain_name(domainName="edge.example.com", certificateArn=EDGE)
    v1.create_domain_name(
        domainName="rest2.example.com",
        regionalCertificateArn=CERT,
        endpointConfiguration={"types": ["REGIONAL"]},
    )
    for name in ("http.example.com", "ws.example.com"):
        v2.create_domain_name(
            DomainName=name,
            DomainNameConfigurations=[{"CertificateArn": CERT, "EndpointType": "REGIONAL"}],
        )


def test_domain_names_with_their_certificates(make_clients: Any, domains: None) -> None:
    clients = make_clients(REGION, "apigateway")
    result = apigateway.collect(clients, REGION)

    assert clients.errors == []
    v1 = {d["domainName"]: d for d in result["domain_name"]}
    assert v1["rest.example.com"]["regionalCertificateArn"] == CERT
    assert v1["edge.example.com"]["certificateArn"] == EDGE
    v2 = {d["DomainName"]: d for d in result["domain_name_v2"]}
    assert set(v2) == {"http.example.com", "ws.example.com"}
    assert v2["http.example.com"]["DomainNameConfigurations"][0]["CertificateArn"] == CERT


def test_small_pages_collect_the_same(make_clients: Any, domains: None) -> None:
    whole = make_clients(REGION, "apigateway")
    paged = make_clients(REGION, "apigateway", small_pages=True)
    assert jsonable(apigateway.collect(paged, REGION)) == jsonable(
        apigateway.collect(whole, REGION)
    )
    # moto_gaps pages what moto answers at once: 3 + 2 one-item pages.
    assert (whole.api_calls, paged.api_calls) == (2, 5)


def test_v2_denied_feeds_domain_name_v2_only(
    session: boto3.Session, make_clients: Any, domains: None
) -> None:
    deny(session, "apigatewayv2.GetDomainNames")
    clients = make_clients(REGION, "apigateway")
    result = apigateway.collect(clients, REGION)

    [error] = clients.errors
    assert error.api == "apigatewayv2:GetDomainNames"
    assert error.action == "apigateway:GET"  # API Gateway authorizes reads by HTTP verb
    assert error.resource_types == ["domain_name_v2"]
    assert len(result["domain_name"]) == 3 and result["domain_name_v2"] == []


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, domains: None
) -> None:
    called = record_calls(session)
    apigateway.collect(make_clients(REGION, "apigateway"), REGION)
    assert called == set(apigateway.PERMISSIONS) == {"apigateway:GET"}
