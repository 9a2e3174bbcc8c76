"""Rule functions for the AWS WAF checks: Region wiring and drift of web ACL rules.

Each function is pure (no AWS, no clock) and unit-tested in ``tests/engine/functions/test_waf.py``.

A WAFv2 statement references an IP set, regex pattern set or rule group by ARN
(``IPSetReferenceStatement``, ``RegexPatternSetReferenceStatement``,
``RuleGroupReferenceStatement``), anywhere in a statement tree: inside ``AndStatement`` /
``OrStatement`` / ``NotStatement``, a ``RateBasedStatement``'s or
``ManagedRuleGroupStatement``'s ``ScopeDownStatement``. Those ARNs are Regional and
carry the resource's Id, so a clone in another Region refers to the same-named resource
by a different ARN (seed 000: the clone script remaps them).

``waf_foreign_arns(tree, region)``
    The referenced ARNs, anywhere in ``tree`` (a Rules list, a Rule, a Statement), whose
    Region is not ``region``: references that were not remapped.

``waf_reference_names(tree)``
    The names of the IP sets, regex pattern sets and rule groups referenced in ``tree``:
    the links of a web ACL's dependency edges (WAF-001 and WAF-003 on WAF-005).

``waf_rule_drift(source, target, source_region, target_region)``
    How a target web ACL (or rule group) differs from its source, one line per finding:
    default action, then per rule (matched by name; an unmatched pair at the same
    priority is a rename) its priority, action, override action and statement. In
    statements a reference to a resource of the item's own Region is compared by scope,
    type and name only, so a correctly remapped reference is not drift; a reference to
    another Region's resource stays as written (and differs).

``waf_set_drift(source, target, source_region, target_region)``
    How a target IP set, regex pattern set or rule group differs from its source:
    addresses (as sets of networks) and IP version, regex patterns (as a set), or the
    rule group's rules (``waf_rule_drift``).
"""

from __future__ import annotations

import ipaddress
import json
import re
from typing import Any

_ARN_REGION_RE = re.compile(r"^arn:[^:]*:[^:]*:(?P<region>[^:]*):")
_WAF_ARN_RE = re.compile(
    r"^arn:[^:]+:wafv2:(?P<region>[^:]*):[^:]*:"
    r"(?P<scope>[^/]+)/(?P<type>[^/]+)/(?P<name>[^/]+)/[^/]+$"
)
MAX_LISTED = 5


def _region_of(arn: Any) -> str | None:
    match = _ARN_REGION_RE.match(arn) if isinstance(arn, str) else None
    return match.group("region") if match else None


def waf_foreign_arns(tree: Any, region: str) -> list[str]:
    """Referenced ARNs in ``tree`` that belong to a Region other than ``region``."""
    found: set[str] = set()
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key.endswith("ReferenceStatement") and isinstance(value, dict):
                    arn = value.get("ARN")
                    where = _region_of(arn)
                    if where and where != region:
                        found.add(str(arn))
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    return sorted(found)


def waf_reference_names(tree: Any) -> list[str]:
    """Names of the IP sets, regex pattern sets and rule groups referenced anywhere in
    ``tree``, each once, sorted: what a web ACL needs to exist before it can be cloned."""
    names: set[str] = set()
    for arn in waf_foreign_arns(tree, ""):  # every reference: none is in Region ""
        match = _WAF_ARN_RE.match(arn)
        if match:
            names.add(match.group("name"))
    return sorted(names)


def _normal(value: Any, region: str) -> Any:
    """``value`` with this Region's WAF ARNs reduced to scope/type/name."""
    if isinstance(value, dict):
        return {key: _normal(value[key], region) for key in value}
    if isinstance(value, list):
        return [_normal(v, region) for v in value]
    if isinstance(value, str):
        match = _WAF_ARN_RE.match(value)
        if match and match.group("region") == region:
            return f"wafv2:{match.group('scope')}/{match.group('type')}/{match.group('name')}"
    return value


def _same(left: Any, right: Any) -> bool:
    return json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True)


def _action_label(action: Any) -> str:
    if isinstance(action, dict) and action:
        return "/".join(sorted(action))
    return "none"


def _action_change(what: str, source: Any, target: Any) -> str | None:
    if _same(source, target):
        return None
    before, after = _action_label(source), _action_label(target)
    if before == after:
        return f"{what} {before} settings differ"
    return f"{what} {before} -> {after}"


def _rules(item: Any) -> list[dict[str, Any]]:
    rules = item.get("Rules") if isinstance(item, dict) else None
    return [r for r in rules if isinstance(r, dict)] if isinstance(rules, list) else []


def _by_priority(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def key(rule: dict[str, Any]) -> tuple[int, str]:
        priority = rule.get("Priority")
        return (priority if isinstance(priority, int) else 1 << 30, str(rule.get("Name")))

    return sorted(rules, key=key)


def _rule_changes(
    source: dict[str, Any], target: dict[str, Any], source_region: str, target_region: str
) -> list[str]:
    changes: list[str] = []
    if source.get("Priority") != target.get("Priority"):
        changes.append(f"priority {source.get('Priority')} -> {target.get('Priority')}")
    for field, what in (("Action", "action"), ("OverrideAction", "override action")):
        change = _action_change(what, source.get(field), target.get(field))
        if change:
            changes.append(change)
    statement_s = _normal(source.get("Statement"), source_region)
    statement_t = _normal(target.get("Statement"), target_region)
    if not _same(statement_s, statement_t):
        changes.append("statement differs")
    return changes


def waf_rule_drift(source: Any, target: Any, source_region: str, target_region: str) -> list[str]:
    """Every difference of the target web ACL's (or rule group's) rules from the source's,
    naming the Regions (WAF-009 compares two sources with it)."""
    if not isinstance(source, dict) or not isinstance(target, dict):
        return []
    drift: list[str] = []
    if "DefaultAction" in source or "DefaultAction" in target:
        change = _action_change(
            "default action", source.get("DefaultAction"), target.get("DefaultAction")
        )
        if change:
            drift.append(change)
    source_rules = _by_priority(_rules(source))
    target_rules = _by_priority(_rules(target))
    target_names = {str(r.get("Name")): r for r in target_rules}
    source_names = {str(r.get("Name")) for r in source_rules}
    unmatched = [r for r in target_rules if str(r.get("Name")) not in source_names]
    for rule in source_rules:
        name = str(rule.get("Name"))
        twin = target_names.get(name)
        label = f"rule '{name}'"
        if twin is None:
            twin = next((r for r in unmatched if r.get("Priority") == rule.get("Priority")), None)
            if twin is None:
                drift.append(f"{label}: missing in {target_region}")
                continue
            unmatched.remove(twin)
            drift.append(f"{label}: renamed to '{twin.get('Name')}'")
        changes = _rule_changes(rule, twin, source_region, target_region)
        drift.extend(f"{label}: {change}" for change in changes)
    drift.extend(f"rule '{r.get('Name')}': only in {target_region}" for r in unmatched)
    return drift


def _network(address: Any) -> str:
    try:
        return str(ipaddress.ip_network(str(address).strip(), strict=False))
    except ValueError:
        return str(address).strip().lower()


def _listed(values: set[str]) -> str:
    shown = sorted(values)[:MAX_LISTED]
    more = len(values) - len(shown)
    return ", ".join(shown) + (f" (+{more} more)" if more else "")


def _set_changes(what: str, source: set[str], target: set[str]) -> list[str]:
    changes: list[str] = []
    if source - target:
        changes.append(f"{what} missing in the target: {_listed(source - target)}")
    if target - source:
        changes.append(f"{what} only in the target: {_listed(target - source)}")
    return changes


def _patterns(item: dict[str, Any]) -> set[str]:
    entries = item.get("RegularExpressionList") or []
    return {str(e.get("RegexString")) for e in entries if isinstance(e, dict)}


def waf_set_drift(source: Any, target: Any, source_region: str, target_region: str) -> list[str]:
    """How a target IP set, regex pattern set or rule group differs from its source."""
    if not isinstance(source, dict) or not isinstance(target, dict):
        return []
    drift: list[str] = []
    if "Addresses" in source or "Addresses" in target:
        if source.get("IPAddressVersion") != target.get("IPAddressVersion"):
            drift.append(
                f"IP address version {source.get('IPAddressVersion')} -> "
                f"{target.get('IPAddressVersion')}"
            )
        drift += _set_changes(
            "addresses",
            {_network(a) for a in source.get("Addresses") or []},
            {_network(a) for a in target.get("Addresses") or []},
        )
    if "RegularExpressionList" in source or "RegularExpressionList" in target:
        drift += _set_changes("patterns", _patterns(source), _patterns(target))
    if "Rules" in source or "Rules" in target:
        drift += waf_rule_drift(source, target, source_region, target_region)
    return drift


_ITEM = {"types": ["object", "null"]}
_TEXT = {"types": ["string"]}

#: The item fields a function reads from the items it is handed (see regionready.engine.reads).
READS = {
    "waf_rule_drift": ("DefaultAction", "Rules"),
}

FUNCTIONS = {
    "waf_foreign_arns": (waf_foreign_arns, [{"types": ["array", "object", "null"]}, _TEXT]),
    "waf_reference_names": (waf_reference_names, [{"types": ["array", "object", "null"]}]),
    "waf_rule_drift": (waf_rule_drift, [_ITEM, _ITEM, _TEXT, _TEXT]),
    "waf_set_drift": (waf_set_drift, [_ITEM, _ITEM, _TEXT, _TEXT]),
}
