"""Service Quotas of one Region for the services whose migration regionready checks.

Quota rules (``kind: quota``) compare usage plus what the migration adds against the
target's quota: the value read here when there is one, else the documented default
(and the report says which was used).

Items (AWS field names, as the API returns them):

``quota`` (id ``QuotaArn``)
    Each ListServiceQuotas entry (the applied value) for the service codes in
    ``SERVICE_CODES``: ServiceCode, ServiceName, QuotaCode, QuotaName, QuotaArn, Value,
    Unit, Adjustable, GlobalQuota, ...

A service code AWS answers with NoSuchResourceException (the service has no quotas in
this Region or partition) contributes no items and is not an error: the quota rules
then use the documented default. Any other failure is recorded against ``quota``.
ListServiceQuotas returns the applied values; a quota AWS has no applied value for is
not listed, and the rule falls back to its default too.
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "servicequotas"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"quota": "QuotaArn"}
PERMISSIONS = ("servicequotas:ListServiceQuotas",)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}

SERVICE_CODES = ("acm", "acm-pca", "kms", "wafv2", "secretsmanager", "cognito-idp")
NO_QUOTAS = "NoSuchResourceException"


def _quotas(clients: Clients, service_code: str) -> list[dict[str, Any]]:
    found = clients.paginate(
        "service-quotas",
        "list_service_quotas",
        "Quotas",
        feeds=["quota"],
        ServiceCode=service_code,
    )
    error = clients.last_error() if found is None else None  # this call's, never errors[-1]
    if error is not None and error.code == NO_QUOTAS:
        clients.discard(error)  # "no quotas for this service here", not a failure
    return [dict(q) for q in found or []]


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    per_code = clients.map(lambda code: _quotas(clients, code), SERVICE_CODES)
    return {"quota": [quota for found in per_code for quota in found]}
