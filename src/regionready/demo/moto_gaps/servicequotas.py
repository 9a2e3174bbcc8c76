"""Service Quotas: answer ListServiceQuotas for the services regionready checks.

moto 5.2.5 does not implement ListServiceQuotas at all (it holds defaults for ``vpc``
only). A ``before-call`` hook answers it, with AWS's response shape
(``ServiceQuota``: ServiceCode, ServiceName, QuotaArn, QuotaCode, QuotaName, Value,
Unit, Adjustable, GlobalQuota), for the service codes in ``DEFAULTS``: the real quota
codes, names and default values. Paging follows MaxResults / NextToken.

Applied values (a quota raised by AWS Support) are kept in a small store keyed by
(account, Region): ``set_applied_quota`` plants one, and ListServiceQuotas answers it in
place of the default. A service code that is not in ``DEFAULTS`` is left to moto.

Quota codes (Service Quotas console / ListAWSDefaultServiceQuotas):
  acm      L-F141DD1D ACM certificates (2500), L-D2CB7DE9 Imported certificates (2500),
           L-FB94F0B0 Domain names per ACM certificate (10), L-DA1D8B98 ACM certificates
           created in last 365 days (5000), L-3808DC70 Imported certificates in last
           365 days (5000)
  acm-pca  L-799883CD Number of private certificate authorities (CAs) (200)
  kms      L-C2F1777E Customer Master Keys (CMKs) (100000)
  wafv2    L-2EC3DE7B web ACLs (100), L-D6DA96AE IP sets (100), L-BF0029B0 regex
           pattern sets (10), L-C5BCD850 rule groups (100), L-D9F31E8A WCUs per web ACL
           (5000), each "... per account in WAF for regional"
  secretsmanager, cognito-idp: answered with no quotas (the codes regionready would need
           could not be confirmed), so rules over them use their documented defaults.
"""

from __future__ import annotations

import threading
from typing import Any

from botocore.awsrequest import AWSResponse

from regionready.demo.moto_gaps._common import Handler, remember_params, remembered_params

DEFAULT_ACCOUNT = "123456789012"

# service code -> (service name, [(quota code, quota name, default value, adjustable)])
DEFAULTS: dict[str, tuple[str, list[tuple[str, str, float, bool]]]] = {
    "acm": (
        "AWS Certificate Manager (ACM)",
        [
            ("L-F141DD1D", "ACM certificates", 2500.0, True),
            ("L-D2CB7DE9", "Imported certificates", 2500.0, True),
            ("L-FB94F0B0", "Domain names per ACM certificate", 10.0, True),
            ("L-DA1D8B98", "ACM certificates created in last 365 days", 5000.0, True),
            ("L-3808DC70", "Imported certificates in last 365 days", 5000.0, True),
        ],
    ),
    "acm-pca": (
        "AWS Private Certificate Authority",
        [("L-799883CD", "Number of private certificate authorities (CAs)", 200.0, True)],
    ),
    "kms": (
        "AWS Key Management Service (AWS KMS)",
        [("L-C2F1777E", "Customer Master Keys (CMKs)", 100000.0, True)],
    ),
    "wafv2": (
        "AWS WAF",
        [
            ("L-2EC3DE7B", "Maximum web ACLs per account in WAF for regional", 100.0, True),
            ("L-D6DA96AE", "Maximum IP sets per account in WAF for regional", 100.0, True),
            (
                "L-BF0029B0",
                "Maximum regex pattern sets per account in WAF for regional",
                10.0,
                True,
            ),
            ("L-C5BCD850", "Maximum rule groups per account in WAF for regional", 100.0, True),
            (
                "L-D9F31E8A",
                "Maximum number of web ACL capacity units in a web ACL in WAF for regional",
                5000.0,
                True,
            ),
        ],
    ),
    "secretsmanager": ("AWS Secrets Manager", []),
    "cognito-idp": ("Amazon Cognito User Pools", []),
}

_TOKEN = "moto-gaps-sq:"
_applied: dict[tuple[str, str], dict[tuple[str, str], float]] = {}
_lock = threading.Lock()


def set_applied_quota(
    region: str, service_code: str, quota_code: str, value: float, account: str = DEFAULT_ACCOUNT
) -> None:
    """Plant an applied (raised or lowered) quota value in ``region``."""
    with _lock:
        _applied.setdefault((account, region), {})[(service_code, quota_code)] = float(value)


def clear_applied_quotas() -> None:
    with _lock:
        _applied.clear()


def quotas(region: str, service_code: str, account: str = DEFAULT_ACCOUNT) -> list[dict[str, Any]]:
    """The ServiceQuota entries ListServiceQuotas answers for one service code."""
    name, table = DEFAULTS[service_code]
    with _lock:
        applied = dict(_applied.get((account, region), {}))
    return [
        {
            "ServiceCode": service_code,
            "ServiceName": name,
            "QuotaArn": f"arn:aws:servicequotas:{region}:{account}:{service_code}/{code}",
            "QuotaCode": code,
            "QuotaName": quota_name,
            "Value": applied.get((service_code, code), default),
            "Unit": "None",
            "Adjustable": adjustable,
            "GlobalQuota": False,
        }
        for code, quota_name, default, adjustable in table
    ]


def _error(code: str, message: str) -> tuple[AWSResponse, dict[str, Any]]:
    body = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {}}
    return AWSResponse("https://servicequotas.amazonaws.com", 400, {}, None), body


def _list_service_quotas(
    context: dict[str, Any], **_: Any
) -> tuple[AWSResponse, dict[str, Any]] | None:
    """before-call ListServiceQuotas: answer from DEFAULTS (+ applied values)."""
    params = remembered_params(context)
    code = str(params.get("ServiceCode") or "")
    if code not in DEFAULTS:
        return None
    region = str((context or {}).get("client_region") or "us-east-1")
    found = quotas(region, code)
    if params.get("QuotaCode"):
        found = [q for q in found if q["QuotaCode"] == params["QuotaCode"]]
    token = params.get("NextToken")
    if token is not None and not str(token).startswith(_TOKEN):
        return _error("InvalidPaginationTokenException", "Invalid pagination token")
    start = int(str(token)[len(_TOKEN) :]) if token else 0
    size = int(params.get("MaxResults") or 100)
    parsed: dict[str, Any] = {"Quotas": found[start : start + size], "ResponseMetadata": {}}
    if start + size < len(found):
        parsed["NextToken"] = f"{_TOKEN}{start + size}"
    return AWSResponse("https://servicequotas.amazonaws.com", 200, {}, None), parsed


HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("before-parameter-build.service-quotas.ListServiceQuotas", remember_params),
    ("before-call.service-quotas.ListServiceQuotas", _list_service_quotas),
)
