"""AWS WAF (WAFv2) web ACLs, IP sets, regex pattern sets and rule groups of one Region.

Scopes: ``REGIONAL`` in every Region; ``CLOUDFRONT`` only in us-east-1, the one Region
where CloudFront's (global) WAF resources live. moto accepts CLOUDFRONT anywhere; AWS
does not, so the collector never asks for it elsewhere.

Items (AWS field names, as the APIs return them; ``LockToken`` is always dropped):

``web_acl`` (id ``ARN``)
    GetWebACL's ``WebACL`` (Name, Id, ARN, DefaultAction, Rules with their full
    statements, Capacity, VisibilityConfig, Description, LabelNamespace, ...) plus

    ``Scope``                 REGIONAL or CLOUDFRONT
    ``LoggingConfiguration``  the web ACL's entry of ListLoggingConfigurations (listed
                              once per scope that has web ACLs, joined on ResourceArn;
                              the customer-managed configuration GetLoggingConfiguration
                              returns), or null when logging is not configured. A per-ACL
                              GetLoggingConfiguration would answer "no logging" with
                              WAFNonexistentItemException, which would read as a failed
                              collection.
    ``ResourceArns``          REGIONAL only: the resources the web ACL protects, from
                              ListResourcesForWebACL once per resource type in
                              ``PROTECTED_RESOURCE_TYPES`` (without ResourceType AWS
                              lists Application Load Balancers only). CloudFront
                              distributions are CloudFront's business
                              (ListDistributionsByWebACLId), so CLOUDFRONT web ACLs have
                              no ``ResourceArns``.

``ip_set`` (id ``ARN``)
    GetIPSet's ``IPSet`` (Name, Id, ARN, Description, IPAddressVersion, Addresses) plus
    ``Scope``.
``regex_pattern_set`` (id ``ARN``)
    GetRegexPatternSet's ``RegexPatternSet`` (Name, Id, ARN, Description,
    RegularExpressionList) plus ``Scope``.
``rule_group`` (id ``ARN``)
    GetRuleGroup's ``RuleGroup`` (Name, Id, ARN, Capacity, Rules, VisibilityConfig,
    LabelNamespace, ...) plus ``Scope``.

``inventory`` (id ``ARN``)
    One entry per web ACL, IP set, regex pattern set and rule group: the List* summary
    (Name, Id, ARN, Description) plus ``Scope`` and ``Kind`` (``web_acl``, ``ip_set``,
    ``regex_pattern_set`` or ``rule_group``: the resource type holding the full item).
    The engine evaluates one resource type per rule; checks that span kinds (WAF-004:
    web ACLs *and* rule groups; WAF-005: IP sets, regex sets *and* rule groups; WAF-008:
    counts) run over this index and read the full items with ``lookups`` by ARN, so no
    content is stored twice.

If a Get* call fails, its List* summary (plus ``Scope``) stands in and the error is
recorded against that resource type, so the inventory stays complete. A failed list
call is recorded against its type and ``inventory``.

Pagination: WAFv2 has no boto3 paginators; the list calls are looped with
``NextMarker``/``Limit`` (``PAGE_LIMIT``), stopping at an empty page or a repeated marker.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from regionready.collect.clients import Clients

SERVICE = "wafv2"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {
    "web_acl": "ARN",
    "ip_set": "ARN",
    "regex_pattern_set": "ARN",
    "rule_group": "ARN",
    "inventory": "ARN",
}
PERMISSIONS = (
    "wafv2:ListWebACLs",
    "wafv2:GetWebACL",
    "wafv2:ListIPSets",
    "wafv2:GetIPSet",
    "wafv2:ListRegexPatternSets",
    "wafv2:GetRegexPatternSet",
    "wafv2:ListRuleGroups",
    "wafv2:GetRuleGroup",
    "wafv2:ListLoggingConfigurations",
    "wafv2:ListResourcesForWebACL",
)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}

CLOUDFRONT_REGION = "us-east-1"
PAGE_LIMIT = 100  # the WAFv2 maximum
# The regional resource types AWS documents for ListResourcesForWebACL.
PROTECTED_RESOURCE_TYPES = (
    "APPLICATION_LOAD_BALANCER",
    "API_GATEWAY",
    "APPSYNC",
    "COGNITO_USER_POOL",
    "APP_RUNNER_SERVICE",
    "VERIFIED_ACCESS_INSTANCE",
)


@dataclass(frozen=True)
class Kind:
    name: str  # the resource type
    list_op: str
    list_key: str
    get_op: str
    get_key: str


KINDS = (
    Kind("web_acl", "list_web_acls", "WebACLs", "get_web_acl", "WebACL"),
    Kind("ip_set", "list_ip_sets", "IPSets", "get_ip_set", "IPSet"),
    Kind(
        "regex_pattern_set",
        "list_regex_pattern_sets",
        "RegexPatternSets",
        "get_regex_pattern_set",
        "RegexPatternSet",
    ),
    Kind("rule_group", "list_rule_groups", "RuleGroups", "get_rule_group", "RuleGroup"),
)


def scopes(region: str) -> tuple[str, ...]:
    return ("REGIONAL", "CLOUDFRONT") if region == CLOUDFRONT_REGION else ("REGIONAL",)


def list_all(
    clients: Clients,
    operation: str,
    key: str,
    feeds: list[str],
    about: dict[str, list[str]] | None = None,
    **kwargs: Any,
) -> list[dict[str, Any]] | None:
    """Every entry of a NextMarker/Limit list call; None (error recorded) if a page fails."""
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    marker: str | None = None
    while True:
        params = dict(kwargs, Limit=PAGE_LIMIT)
        if marker:
            params["NextMarker"] = marker
        page = clients.call("wafv2", operation, feeds=feeds, about=about, **params)
        if page is None:
            return None
        entries = page.get(key) or []
        items.extend(entries)
        marker = page.get("NextMarker")
        # AWS may hand back a marker with the last page; an empty page ends it too.
        if not marker or not entries or marker in seen:
            return items
        seen.add(marker)


def _clean(data: dict[str, Any], scope: str) -> dict[str, Any]:
    item = {k: v for k, v in data.items() if k != "LockToken"}
    item["Scope"] = scope
    return item


def _detail(clients: Clients, kind: Kind, summary: dict[str, Any], scope: str) -> dict[str, Any]:
    response = clients.call(
        "wafv2",
        kind.get_op,
        feeds=[kind.name],
        about={kind.name: [str(summary.get("ARN"))]},
        Name=summary["Name"],
        Scope=scope,
        Id=summary["Id"],
    )
    found = response.get(kind.get_key) if response else None
    return _clean(found if isinstance(found, dict) else summary, scope)


def _logging(clients: Clients, scope: str, acl_arns: list[str]) -> dict[str, dict[str, Any]] | None:
    configs = list_all(
        clients,
        "list_logging_configurations",
        "LoggingConfigurations",
        ["web_acl.LoggingConfiguration"],
        {"web_acl": acl_arns},
        Scope=scope,
    )
    if configs is None:
        return None
    return {str(c.get("ResourceArn")): c for c in configs}


def _protected(clients: Clients, acl_arn: str) -> list[str] | None:
    arns: set[str] = set()
    for resource_type in PROTECTED_RESOURCE_TYPES:
        response = clients.call(
            "wafv2",
            "list_resources_for_web_acl",
            feeds=["web_acl.ResourceArns"],
            about={"web_acl": [acl_arn]},
            WebACLArn=acl_arn,
            ResourceType=resource_type,
        )
        if response is None:
            return None
        arns.update(response.get("ResourceArns") or [])
    return sorted(arns)


def _web_acl_extras(
    clients: Clients, acl: dict[str, Any], scope: str, logging: dict[str, dict[str, Any]] | None
) -> None:
    if logging is not None:
        acl["LoggingConfiguration"] = logging.get(str(acl.get("ARN")))
    if scope == "REGIONAL":
        protected = _protected(clients, str(acl["ARN"]))
        if protected is not None:
            acl["ResourceArns"] = protected


def _full(
    clients: Clients,
    kind: Kind,
    summary: dict[str, Any],
    scope: str,
    logging: dict[str, dict[str, Any]] | None,
) -> dict[str, Any]:
    item = _detail(clients, kind, summary, scope)
    if kind.name == "web_acl":
        _web_acl_extras(clients, item, scope, logging)
    return item


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    result: dict[str, list[dict[str, Any]]] = {kind.name: [] for kind in KINDS}
    inventory: list[dict[str, Any]] = []
    for scope in scopes(region):
        for kind in KINDS:
            summaries = list_all(
                clients, kind.list_op, kind.list_key, [kind.name, "inventory"], Scope=scope
            )
            # Logging is read only where there are web ACLs to attach it to.
            logging = (
                _logging(clients, scope, [str(s.get("ARN")) for s in summaries])
                if kind.name == "web_acl" and summaries
                else None
            )
            for summary in summaries or []:
                inventory.append({**_clean(summary, scope), "Kind": kind.name})
            full = partial(_full, clients, kind, scope=scope, logging=logging)
            result[kind.name] += clients.map(full, summaries or [])
    result["inventory"] = inventory
    return result
