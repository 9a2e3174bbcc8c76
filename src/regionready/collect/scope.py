"""Collecting for selected checks only: what they read, where, and which calls that needs.

``scan --only IDS`` judges a few checks; reading everything the whole catalogue needs
would make most of its calls for nothing. The checks' rules say what they read
(:func:`regionready.engine.reads.rule_reads`: resource types and top-level fields, plus
the item names and dependency references their results carry) and in which Region of a
pair (a readiness check of the target reads nothing of the source), and every collector
call says what it feeds (``clients.call(..., feeds=[...])``). A call that feeds nothing
the selected rules read in that Region is not made (:meth:`Clients.wants`): it is
recorded in the snapshot as the error it stands for (``unread``, code NotSelected), so a
rule evaluated later on that snapshot that reads its data is ERROR, never PASS.

The scope travels to the collectors in their options (``SCOPE_OPTION``), as plain data
that a forked worker process receives as it is: per Region, and ``anywhere`` (every
Region's together) for global and local services.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from regionready import registry
from regionready.engine.reads import Fields, expression_fields, rule_reads
from regionready.engine.rules import Rule
from regionready.topology import Pair

#: The collector option holding the scope (:func:`for_pairs`).
SCOPE_OPTION = "scope"

#: The two roles a Region plays in a pair.
SOURCE, TARGET = "source", "target"
BOTH = frozenset({SOURCE, TARGET})

#: Where a quota rule reads the applied value of its quota (engine.data.quota_value).
QUOTAS = "servicequotas.quota"
QUOTA_FIELDS: Fields = frozenset({"QuotaCode", "ServiceCode", "Value"})

#: Per resource (``kms.key``), the fields read (None: all).
Reads = dict[str, Fields]
#: What a scope holds for one Region: per service, per type, sorted fields (None: all).
ServiceScope = dict[str, dict[str, list[str] | None]]


def _add(found: Reads, resource: str, fields: Fields) -> None:
    if resource not in found:
        found[resource] = fields
        return
    old = found[resource]
    found[resource] = None if old is None or fields is None else old | fields


def _roles(rule: Rule) -> frozenset[str]:
    """The Regions of a pair whose items of its own resources a rule reads: a readiness
    rule those of its ``scope``; parity, collision and quota rules both."""
    if rule.kind == "readiness" and rule.scope in (SOURCE, TARGET):
        return frozenset({rule.scope})
    return BOTH


def _lookup_roles(rule: Rule, spec: Mapping[str, Any]) -> frozenset[str]:
    """Where a lookup reads (the engine's ``lookups``: its own scope, or the Region the
    rule is judged in: the target unless the rule's scope is the source)."""
    scope = spec.get("scope", "same")
    if scope in (SOURCE, TARGET):
        return frozenset({scope})
    return _roles(rule) | {SOURCE if rule.scope == SOURCE else TARGET}


def reads_of(rules: Iterable[Rule]) -> dict[str, Reads]:
    """Per role (source, target), per resource, the fields ``rules`` read from its items
    (None: all): their expressions, the names their results carry (``resource_name``),
    the references their dependencies follow (``via`` on their own items, ``to`` on the
    items of the rule depended on) and the applied quota values quota rules compare
    with."""
    rules = list(rules)
    by_id = {rule.id: rule for rule in rules}
    found: dict[str, Reads] = {SOURCE: {}, TARGET: {}}

    def add(roles: Iterable[str], resource: str, fields: Fields) -> None:
        for role in roles:
            _add(found[role], resource, fields)

    for rule in rules:
        roles = _roles(rule)
        reads = rule_reads(rule)
        own = {*rule.resources, *(entry.get("resource") or rule.resource for entry in rule.quotas)}
        for resource, fields in reads.resources.items():
            looked_up = [
                (name, spec) for name, spec in rule.lookups.items() if spec["resource"] == resource
            ]
            if resource in own:
                for role in roles:
                    add([role], resource, reads.fields(resource, role))
            for name, spec in looked_up:
                add(_lookup_roles(rule, spec), resource, reads.lookups.get(name))
            if resource not in own and not looked_up:
                add(BOTH, resource, fields)
        if any(entry.get("quota_code") for entry in rule.quotas):
            add(roles, QUOTAS, QUOTA_FIELDS)  # the applied value, else the default
        for resource in rule.resources:
            if rule.resource_name:  # results name the items of both sides
                add(roles, resource, expression_fields([rule.resource_name], rule.params))
            for edge in rule.edges.values():
                add(_item_roles(rule), resource, expression_fields([edge.via], rule.params))
        for dep, edge in rule.edges.items():
            other = by_id.get(dep)
            if edge.to and other is not None:
                for resource in other.resources:
                    fields = expression_fields([edge.to], other.params)
                    add(_item_roles(other), resource, fields)
    return found


def _item_roles(rule: Rule) -> frozenset[str]:
    """Where the item a result is about lies (a dependency edge reads it): a parity
    result's is its source item."""
    return frozenset({SOURCE}) if rule.kind == "parity" else _roles(rule)


def _services(reads: Reads) -> ServiceScope:
    """``reads`` by collector service; resources of no collector (the engine's own
    GEN-005) are left out."""
    known = {registry.collector(name).SERVICE for name in registry.names("collectors")}
    scope: ServiceScope = {}
    for resource, fields in sorted(reads.items()):
        service, _, rtype = resource.partition(".")
        if service in known:
            scope.setdefault(service, {})[rtype] = None if fields is None else sorted(fields)
    return scope


def of_rules(rules: Iterable[Rule], pairs: Iterable[Pair]) -> dict[str, Any]:
    """The scope of ``rules`` for a collection of ``pairs`` (an organisation's accounts'
    own pairs among them): ``{"regions": {region: ServiceScope}, "anywhere":
    ServiceScope}``. A Region that is a source in one pair and a target in another
    reads what both roles need."""
    by_role = reads_of(rules)
    roles: dict[str, set[str]] = {}
    for pair in pairs:
        roles.setdefault(pair.source, set()).add(SOURCE)
        roles.setdefault(pair.target, set()).add(TARGET)
    regions: dict[str, Reads] = {region: {} for region in roles}  # some need nothing
    for region, played in roles.items():
        for role in sorted(played):
            for resource, fields in by_role[role].items():
                _add(regions.setdefault(region, {}), resource, fields)
    anywhere: Reads = {}
    for reads in by_role.values():
        for resource, fields in reads.items():
            _add(anywhere, resource, fields)
    return {
        "regions": {region: _services(reads) for region, reads in sorted(regions.items())},
        "anywhere": _services(anywhere),
    }


def services(scope: Mapping[str, Any], asked: Iterable[str] | None = None) -> list[str]:
    """The collectors a scope needs (of ``asked``, the ``--services`` named, if any), by
    module name, in registry order."""
    needed = set(scope["anywhere"])
    names = list(asked) if asked is not None else registry.names("collectors")
    return [name for name in names if registry.collector(name).SERVICE in needed]


def wanted(
    options: Mapping[str, Any] | None, service: str, region: str
) -> dict[str, Fields] | None:
    """What the scope in collector ``options`` wants of ``service`` in ``region`` (a
    global or local service: what any Region wants). None: no scope, so everything; an
    empty mapping: nothing of it."""
    scope = (options or {}).get(SCOPE_OPTION)
    if scope is None:
        return None
    of_region = scope["regions"].get(region, scope["anywhere"])
    types = of_region.get(service) or {}
    return {rtype: None if fields is None else frozenset(fields) for rtype, fields in types.items()}
