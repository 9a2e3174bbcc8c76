"""API Gateway custom domain names of one Region (REST v1 and HTTP/WebSocket v2).

What the ACM checks need to know which certificates API Gateway serves, besides ACM's
own ``InUseBy``.

Items (AWS field names, as the APIs return them):

``domain_name`` (id ``domainName``)
    Each v1 GetDomainNames entry: domainName, certificateArn (edge-optimized: a
    us-east-1 certificate), regionalCertificateArn (regional), endpointConfiguration,
    domainNameStatus, ...

``domain_name_v2`` (id ``DomainName``)
    Each v2 GetDomainNames entry: DomainName, DomainNameArn,
    DomainNameConfigurations[{CertificateArn, EndpointType, DomainNameStatus, ...}], ...

Both APIs are read with the single IAM action ``apigateway:GET`` (API Gateway
authorizes reads by HTTP method on the resource path).
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "apigateway"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"domain_name": "domainName", "domain_name_v2": "DomainName"}
PERMISSIONS = ("apigateway:GET",)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    v1 = clients.paginate("apigateway", "get_domain_names", "items", feeds=["domain_name"])
    v2 = clients.paginate("apigatewayv2", "get_domain_names", "Items", feeds=["domain_name_v2"])
    return {
        "domain_name": [dict(d) for d in v1 or []],
        "domain_name_v2": [dict(d) for d in v2 or []],
    }
