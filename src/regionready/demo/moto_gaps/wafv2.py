"""WAFv2: answers as AWS does where moto 5.2.5 does not.

* ListResourcesForWebACL: moto answers HTTP 500 (not implemented), which botocore
  retries before failing. A ``before-call`` hook answers it before any HTTP request with
  the real shape (``{"ResourceArns": [...]}``) from a small store of associations,
  keyed by (account, Region) of the web ACL and filled by after-call hooks on
  AssociateWebACL (a resource has one web ACL at most: associating it again moves it)
  and DisassociateWebACL. Like AWS, the answer holds only the resources of the
  requested ``ResourceType`` (APPLICATION_LOAD_BALANCER when none is given), told apart
  by their ARNs. Associations made before the hooks were installed are not known, and
  an unknown web ACL gets an empty list (AWS: WAFNonexistentItemException).
* ListLoggingConfigurations filters by the Region string in the ARN instead of by scope:
  with ``Scope=REGIONAL`` in us-east-1 it also returns CloudFront (``global/``) web ACLs'
  configurations, and with ``Scope=CLOUDFRONT`` it returns none. An after-call hook
  drops CloudFront entries from REGIONAL answers; a before-call hook answers CLOUDFRONT
  requests from the moto backends of this process (``mock_aws`` or a threaded moto
  server; a moto server in another process gives an empty answer), paged with
  ``Limit``/``NextMarker``. The request does not say which account asks, so it lists the
  CloudFront configurations of every moto account (each names its web ACL's ARN, which
  is how the collector joins them).

* CheckCapacity: moto lacks it (in-process it raises NotImplementedError, which no
  caller expects from botocore). A ``before-call`` hook answers ``{"Capacity": n}`` for
  the rules given, as AWS does: every IP set, regex pattern set and rule group they
  reference (anywhere in the statement tree) must exist in the calling Region, else
  WAFNonexistentItemException; ``n`` sums the documented base WCU of the statements
  (``WCU``; 1 for a kind not listed), 10 per text transformation, and a referenced rule
  group's capacity. A close estimate: AWS adds per-field costs not modelled here.

Not corrected (nothing regionready reads depends on it): moto computes no web ACL
capacity (always 3) and accepts dangling ARNs, CLOUDFRONT scope outside us-east-1 and
associations with resources that do not exist; the collector never relies on moto
rejecting anything.
"""

from __future__ import annotations

import threading
from typing import Any

from botocore.awsrequest import AWSResponse

from regionready.demo.moto_gaps._common import (
    Handler,
    is_error_answer,
    page_answer,
    remember_params,
    remembered_params,
)

DEFAULT_RESOURCE_TYPE = "APPLICATION_LOAD_BALANCER"

# (account, Region) -> web ACL ARN -> ARNs of the resources it protects.
_ASSOCIATIONS: dict[tuple[str, str], dict[str, list[str]]] = {}
_LOCK = threading.Lock()


def _arn_parts(arn: Any) -> list[str]:
    parts = str(arn or "").split(":", 5)
    return parts if len(parts) == 6 and parts[0] == "arn" else []


def resource_type(resource_arn: str) -> str | None:
    """The ListResourcesForWebACL ResourceType of a protected resource's ARN."""
    parts = _arn_parts(resource_arn)
    if not parts:
        return None
    service, resource = parts[2], parts[5]
    if service == "elasticloadbalancing" and resource.startswith("loadbalancer/app/"):
        return "APPLICATION_LOAD_BALANCER"
    if service == "ec2" and resource.startswith("verified-access-instance/"):
        return "VERIFIED_ACCESS_INSTANCE"
    return {
        "apigateway": "API_GATEWAY",
        "appsync": "APPSYNC",
        "cognito-idp": "COGNITO_USER_POOL",
        "apprunner": "APP_RUNNER_SERVICE",
        "amplify": "AMPLIFY",
        "bedrock-agentcore": "AGENTCORE_GATEWAY",
    }.get(service)


def _store_key(acl_arn: Any) -> tuple[str, str] | None:
    parts = _arn_parts(acl_arn)
    return (parts[4], parts[3]) if parts else None


def associations(acl_arn: str) -> list[str]:
    """The resources the store says ``acl_arn`` protects (all resource types)."""
    key = _store_key(acl_arn)
    with _LOCK:
        return list(_ASSOCIATIONS.get(key, {}).get(acl_arn, [])) if key else []


def reset() -> None:
    """Forget every association (tests that reuse ARNs across moto sessions)."""
    with _LOCK:
        _ASSOCIATIONS.clear()


def _forget(region: str, resource_arn: str) -> None:
    for (_, store_region), by_acl in _ASSOCIATIONS.items():
        if store_region != region:
            continue
        for resources in by_acl.values():
            if resource_arn in resources:
                resources.remove(resource_arn)


def _associated(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call AssociateWebACL: remember which web ACL protects the resource."""
    request = remembered_params(context)
    acl_arn, resource_arn = request.get("WebACLArn"), request.get("ResourceArn")
    key = _store_key(acl_arn)
    if is_error_answer(parsed) or key is None or not resource_arn:
        return
    with _LOCK:
        _forget(key[1], str(resource_arn))
        _ASSOCIATIONS.setdefault(key, {}).setdefault(str(acl_arn), []).append(str(resource_arn))


def _disassociated(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call DisassociateWebACL: the resource is protected by no web ACL."""
    resource_arn = remembered_params(context).get("ResourceArn")
    region = (context or {}).get("client_region")
    if is_error_answer(parsed) or not resource_arn or not region:
        return
    with _LOCK:
        _forget(str(region), str(resource_arn))


def _list_resources(model: Any, params: Any, context: dict[str, Any], **_: Any) -> Any:
    """before-call ListResourcesForWebACL: the store's answer, in AWS's shape."""
    request = remembered_params(context)
    wanted = request.get("ResourceType") or DEFAULT_RESOURCE_TYPE
    arns = [a for a in associations(str(request.get("WebACLArn"))) if resource_type(a) == wanted]
    url = str(params.get("url", "")) if isinstance(params, dict) else ""
    return AWSResponse(url, 200, {}, None), {"ResourceArns": arns}


def _is_cloudfront(resource_arn: Any) -> bool:
    parts = _arn_parts(resource_arn)
    return bool(parts) and parts[5].startswith("global/")


def _moto_cloudfront_logging(region: str) -> list[dict[str, Any]]:
    """CloudFront web ACLs' logging configurations held by the in-process moto."""
    try:
        from moto.wafv2.models import wafv2_backends
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return []
    found: list[dict[str, Any]] = []
    for by_region in list(wafv2_backends.values()):
        backend = dict.get(by_region, region)  # plain get: never create a backend
        if backend is None:
            continue
        for arn, config in list(backend.logging_configurations.items()):
            if _is_cloudfront(arn):
                found.append({k: v for k, v in config.to_dict().items() if v is not None})
    return sorted(found, key=lambda c: str(c.get("ResourceArn")))


def _cloudfront_logging(model: Any, params: Any, context: dict[str, Any], **_: Any) -> Any:
    """before-call ListLoggingConfigurations, Scope CLOUDFRONT: CloudFront web ACLs'
    configurations from the in-process moto, paged with Limit/NextMarker."""
    request = remembered_params(context)
    region = (context or {}).get("client_region")
    if request.get("Scope") != "CLOUDFRONT" or not region:
        return None
    parsed: dict[str, Any] = {"LoggingConfigurations": _moto_cloudfront_logging(str(region))}
    page_answer(
        parsed,
        request,
        items="LoggingConfigurations",
        limit="Limit",
        token_in="NextMarker",
        token_out="NextMarker",
    )
    url = str(params.get("url", "")) if isinstance(params, dict) else ""
    return AWSResponse(url, 200, {}, None), parsed


# Base WCU of a statement (AWS WAF Developer Guide, rule statements); 1 if not listed.
WCU = {
    "ByteMatchStatement": 1,
    "SqliMatchStatement": 20,
    "XssMatchStatement": 40,
    "SizeConstraintStatement": 1,
    "GeoMatchStatement": 1,
    "IPSetReferenceStatement": 1,
    "RegexPatternSetReferenceStatement": 25,
    "RegexMatchStatement": 3,
    "LabelMatchStatement": 1,
    "RateBasedStatement": 2,
    "AndStatement": 0,
    "OrStatement": 0,
    "NotStatement": 0,
}
_REFERENCES = (
    "IPSetReferenceStatement",
    "RegexPatternSetReferenceStatement",
    "RuleGroupReferenceStatement",
)


def _wcu(node: Any, known: dict[str, Any]) -> int | str:
    """The WCU of a statement tree, or the first referenced ARN ``known`` lacks."""
    total = 0
    stack: list[Any] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        for key, value in item.items():
            if key.endswith("Statement") and isinstance(value, dict):
                if key in _REFERENCES:
                    arn = str(value.get("ARN"))
                    if arn not in known:
                        return arn
                    if key == "RuleGroupReferenceStatement":
                        total += int(getattr(known[arn], "capacity", 0) or 0)
                        continue
                total += WCU.get(key, 1)
                total += 10 * len(value.get("TextTransformations") or [])
            stack.append(value)
    return total


def _check_capacity(model: Any, params: Any, context: dict[str, Any], **_: Any) -> Any:
    """before-call CheckCapacity: the WCU of the rules, references checked."""
    try:
        from moto.wafv2.models import wafv2_backends
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return None
    region = str((context or {}).get("client_region") or "")
    known: dict[str, Any] = {}
    for by_region in list(wafv2_backends.values()):
        backend = dict.get(by_region, region)  # plain get: never create a backend
        if backend is not None:
            known.update(backend.ip_sets)
            known.update(backend.regex_pattern_sets)
            known.update(backend.rule_groups)
    found = _wcu(remembered_params(context).get("Rules") or [], known)
    url = str(params.get("url", "")) if isinstance(params, dict) else ""
    if isinstance(found, str):
        message = f"AWS WAF couldn't perform the operation: {found} does not exist"
        parsed = {
            "Error": {"Code": "WAFNonexistentItemException", "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }
        return AWSResponse(url, 400, {}, None), parsed
    return AWSResponse(url, 200, {}, None), {"Capacity": found}


def _regional_logging(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call ListLoggingConfigurations, Scope REGIONAL: no CloudFront entries."""
    if is_error_answer(parsed) or remembered_params(context).get("Scope") == "CLOUDFRONT":
        return
    configs = parsed.get("LoggingConfigurations") or []
    parsed["LoggingConfigurations"] = [
        c for c in configs if not _is_cloudfront(c.get("ResourceArn"))
    ]


HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("before-parameter-build.wafv2.AssociateWebACL", remember_params),
    ("before-parameter-build.wafv2.DisassociateWebACL", remember_params),
    ("before-parameter-build.wafv2.ListResourcesForWebACL", remember_params),
    ("before-parameter-build.wafv2.ListLoggingConfigurations", remember_params),
    ("before-parameter-build.wafv2.CheckCapacity", remember_params),
    ("before-call.wafv2.CheckCapacity", _check_capacity),
    ("after-call.wafv2.AssociateWebACL", _associated),
    ("after-call.wafv2.DisassociateWebACL", _disassociated),
    ("before-call.wafv2.ListResourcesForWebACL", _list_resources),
    ("before-call.wafv2.ListLoggingConfigurations", _cloudfront_logging),
    ("after-call.wafv2.ListLoggingConfigurations", _regional_logging),
)
