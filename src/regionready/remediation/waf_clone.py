"""Cloning AWS WAF (WAFv2) resources into another Region: the pure part.

A web ACL references IP sets, regex pattern sets and rule groups by ARN, and a rule group
references IP sets and regex pattern sets; the ARNs are Regional and end in the
resource's Id, so a clone must create (or find) the same-named resources in the target
first and put *their* ARNs into its statements. The references can sit anywhere in a
statement tree: inside ``AndStatement`` / ``OrStatement`` / ``NotStatement``, in a
``RateBasedStatement``'s or ``ManagedRuleGroupStatement``'s ``ScopeDownStatement``.

Everything here is pure (no AWS, no clock) and unit-tested in ``tests/actions/test_waf_clone.py``;
the ``clone-web-acl`` action (``regionready.remediation.actions.clone_web_acl``) does the calls.

``parse_arn(arn)``             scope, kind, name, id, Region and account of a WAFv2 ARN
``references(tree)``           the ARNs referenced anywhere in a statement tree
``remap(tree, mapping, ...)``  a copy of the tree with every referenced ARN replaced
``clone_order(root, items)``   what to create, dependencies first: IP sets, regex pattern
                               sets, rule groups, then the root
``spec(kind, item)``           the Create* parameters (besides Name and Scope) of an item
``differences(kind, ...)``     how a live target item differs from the desired one
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from regionready.engine.functions.waf import waf_rule_drift, waf_set_drift

# Dependency order: a kind may reference only kinds before it.
KINDS = ("ip_set", "regex_pattern_set", "rule_group", "web_acl")
ARN_TYPES = {
    "ipset": "ip_set",
    "regexpatternset": "regex_pattern_set",
    "rulegroup": "rule_group",
    "webacl": "web_acl",
}
REFERENCE_STATEMENTS = {
    "IPSetReferenceStatement": "ip_set",
    "RegexPatternSetReferenceStatement": "regex_pattern_set",
    "RuleGroupReferenceStatement": "rule_group",
}
ARN_SCOPES = {"regional": "REGIONAL", "global": "CLOUDFRONT"}

# The Create* parameters besides Name, Scope and Tags (the collector does not read tags).
CREATE_FIELDS: dict[str, tuple[str, ...]] = {
    "ip_set": ("Description", "IPAddressVersion", "Addresses"),
    "regex_pattern_set": ("Description", "RegularExpressionList"),
    "rule_group": (
        "Capacity",
        "Description",
        "Rules",
        "VisibilityConfig",
        "CustomResponseBodies",
    ),
    "web_acl": (
        "DefaultAction",
        "Description",
        "Rules",
        "VisibilityConfig",
        "DataProtectionConfig",
        "CustomResponseBodies",
        "CaptchaConfig",
        "ChallengeConfig",
        "TokenDomains",
        "AssociationConfig",
    ),
}
# Fixed when the resource is created: Update* does not take them.
FIXED_AT_CREATION: dict[str, tuple[str, ...]] = {
    "ip_set": ("IPAddressVersion",),
    "rule_group": ("Capacity",),
}

_WAF_ARN = re.compile(
    r"^arn:(?P<partition>[^:]+):wafv2:(?P<region>[^:]*):(?P<account>[^:]*):"
    r"(?P<scope>[^/]+)/(?P<type>[^/]+)/(?P<name>[^/]+)/(?P<id>[^/]+)$"
)


class CloneError(ValueError):
    """A clone that cannot be made as asked (a reference that cannot be resolved)."""


@dataclass(frozen=True)
class WafRef:
    """What a WAFv2 ARN names."""

    region: str
    account: str
    scope: str  # REGIONAL or CLOUDFRONT
    kind: str  # one of KINDS
    name: str
    id: str

    @property
    def key(self) -> tuple[str, str, str]:
        """Scope, kind and name: what identifies the resource's clone in another Region."""
        return (self.scope, self.kind, self.name)


def parse_arn(arn: Any) -> WafRef | None:
    """The parts of an IP set, regex pattern set, rule group or web ACL ARN, else None."""
    match = _WAF_ARN.match(arn) if isinstance(arn, str) else None
    if match is None:
        return None
    kind = ARN_TYPES.get(match.group("type"))
    scope = ARN_SCOPES.get(match.group("scope"))
    if kind is None or scope is None:
        return None
    return WafRef(
        region=match.group("region"),
        account=match.group("account"),
        scope=scope,
        kind=kind,
        name=match.group("name"),
        id=match.group("id"),
    )


def _walk_references(tree: Any) -> list[tuple[dict[str, Any], str]]:
    """Every reference statement body in ``tree`` with its kind, in document order."""
    found: list[tuple[dict[str, Any], str]] = []
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in REFERENCE_STATEMENTS and isinstance(value, dict):
                    found.append((value, REFERENCE_STATEMENTS[key]))
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))
    return found


def references(tree: Any) -> list[str]:
    """The ARNs referenced anywhere in ``tree`` (Rules list, Rule or Statement), once
    each, in document order."""
    seen: dict[str, None] = {}
    for body, _ in _walk_references(tree):
        arn = body.get("ARN")
        if isinstance(arn, str) and arn:
            seen.setdefault(arn, None)
    return list(seen)


def remap(tree: Any, mapping: Mapping[str, str], *, keep_region: str | None = None) -> Any:
    """A copy of ``tree`` with each referenced ARN replaced by ``mapping[arn]``.

    An ARN the mapping does not hold is kept when it is already in ``keep_region`` (a
    reference to the target's own resource) and is an error otherwise: a clone must never
    keep another Region's ARN (WAF-004).
    """
    copied = copy.deepcopy(tree)
    for body, kind in _walk_references(copied):
        arn = body.get("ARN")
        if not isinstance(arn, str):
            continue
        if arn in mapping:
            body["ARN"] = mapping[arn]
            continue
        ref = parse_arn(arn)
        if keep_region is not None and ref is not None and ref.region == keep_region:
            continue
        raise CloneError(f"no {keep_region or 'target'} counterpart for the {kind} {arn}")
    return copied


def clone_order(
    root: str, items: Mapping[str, Mapping[str, Any]], *, keep_region: str | None = None
) -> list[str]:
    """The ARNs to clone for ``root``: what it references (transitively), then ``root``.

    Dependencies come in dependency order (IP sets, regex pattern sets, rule groups, each
    by name) so every reference exists before the statement that names it. ``items``
    holds the items by ARN; a reference missing from it, or one a resource of its kind
    cannot hold (a rule group inside a rule group), is a ``CloneError``. References to
    resources of ``keep_region`` (the target's own) are kept as they are, not cloned.
    """
    root_ref = parse_arn(root)
    if root_ref is None or root not in items:
        raise CloneError(f"{root} is not a WAF resource of the snapshot")
    needed: dict[str, WafRef] = {}
    stack = [(root, root_ref)]
    while stack:
        arn, ref = stack.pop()
        for dep in references(items[arn].get("Rules")):
            dep_ref = parse_arn(dep)
            if dep_ref is None:
                raise CloneError(f"{ref.kind} {ref.name} references {dep}, not a WAF ARN")
            if dep_ref.region == keep_region:
                continue
            if KINDS.index(dep_ref.kind) >= KINDS.index(ref.kind):
                raise CloneError(
                    f"{ref.kind} {ref.name} references the {dep_ref.kind} {dep_ref.name}, "
                    f"which a {ref.kind} cannot hold"
                )
            if dep not in items:
                raise CloneError(
                    f"{ref.kind} {ref.name} references {dep}, which is not in the snapshot "
                    f"of its Region"
                )
            if dep not in needed and dep != root:
                needed[dep] = dep_ref
                stack.append((dep, dep_ref))
    ordered = sorted(needed, key=lambda a: (KINDS.index(needed[a].kind), needed[a].name, a))
    return [*ordered, root]


def spec(kind: str, item: Mapping[str, Any]) -> dict[str, Any]:
    """The Create* parameters of ``item`` besides Name and Scope. Empty optional values
    are dropped (AWS rejects an empty Description); Rules and Addresses are kept even
    when empty."""
    found: dict[str, Any] = {}
    for field in CREATE_FIELDS[kind]:
        value = item.get(field)
        if value is None:
            continue
        if value in ("", [], {}) and field not in ("Rules", "Addresses"):
            continue
        found[field] = copy.deepcopy(value)
    return found


def update_params(kind: str, desired: Mapping[str, Any]) -> dict[str, Any]:
    """The Update* parameters (besides Name, Scope, Id, LockToken) for ``desired``."""
    fixed = FIXED_AT_CREATION.get(kind, ())
    return {k: copy.deepcopy(v) for k, v in desired.items() if k not in fixed}


def differences(
    kind: str,
    desired: Mapping[str, Any],
    live: Mapping[str, Any],
    desired_region: str,
    live_region: str | None = None,
) -> list[str]:
    """How ``live`` differs from ``desired``: empty when they are equal.

    The comparison WAF-003 and WAF-005 make: references to a resource of the item's own
    Region (``desired_region``, ``live_region``: the same Region unless given) compared
    by scope, type and name; rules matched by name; addresses as networks, patterns as
    a set.
    """
    other = live_region or desired_region
    if kind == "web_acl":
        return waf_rule_drift(dict(desired), dict(live), desired_region, other)
    return waf_set_drift(dict(desired), dict(live), desired_region, other)
