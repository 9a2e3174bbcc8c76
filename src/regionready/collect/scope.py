"""Collecting for selected checks only: what they read, and which calls that needs.

``scan --only IDS`` judges a few checks; reading everything the whole catalogue needs
would make most of its calls for nothing. The checks' rules say what they read
(:func:`regionready.engine.reads.rule_reads`: resource types and top-level fields, plus
the item names and dependency references their results carry), and every collector call
says what it feeds (``clients.call(..., feeds=[...])``). A call that feeds nothing the
selected rules read is not made (:meth:`Clients.wants`): it is recorded in the snapshot
as the error it stands for (``unread``, code NotSelected), so a rule evaluated later on
that snapshot that reads its data is ERROR, never PASS.

The scope travels to the collectors in their options (``SCOPE_OPTION``), as plain data
that a forked worker process receives as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from regionready import registry
from regionready.engine.reads import Fields, expression_fields, rule_reads
from regionready.engine.rules import Rule

#: The collector option holding the scope: ``{service: {type: [fields] | None}}``.
SCOPE_OPTION = "scope"

#: Where a quota rule reads the applied value of its quota (engine.data.quota_value).
QUOTAS = "servicequotas.quota"
QUOTA_FIELDS: Fields = frozenset({"QuotaCode", "ServiceCode", "Value"})

#: What a scope holds of one service: per resource type, the fields read (None: all).
ServiceScope = dict[str, Fields]


def _add(found: dict[str, Fields], resource: str, fields: Fields) -> None:
    if resource not in found:
        found[resource] = fields
        return
    old = found[resource]
    found[resource] = None if old is None or fields is None else old | fields


def reads_of(rules: Iterable[Rule]) -> dict[str, Fields]:
    """Per resource (``kms.key``), the fields ``rules`` read from its items (None: all):
    their expressions, the names their results carry (``resource_name``), the
    references their dependencies follow (``via`` on their own items, ``to`` on the
    items of the rule depended on) and the applied quota values quota rules compare
    with."""
    rules = list(rules)
    by_id = {rule.id: rule for rule in rules}
    found: dict[str, Fields] = {}
    for rule in rules:
        for resource, fields in rule_reads(rule).resources.items():
            _add(found, resource, fields)
        if any(entry.get("quota_code") for entry in rule.quotas):
            _add(found, QUOTAS, QUOTA_FIELDS)  # the applied value, else the default
        own = [rule.resource_name] if rule.resource_name else []
        own += [edge.via for edge in rule.edges.values()]
        if own:
            for resource in rule.resources:
                _add(found, resource, expression_fields(own, rule.params))
        for dep, edge in rule.edges.items():
            other = by_id.get(dep)
            if edge.to and other is not None:
                for resource in other.resources:
                    _add(found, resource, expression_fields([edge.to], other.params))
    return found


def of_rules(rules: Iterable[Rule]) -> dict[str, dict[str, list[str] | None]]:
    """The scope of ``rules``: per collector service, per resource type, the sorted
    fields to collect (None: every field). Resources of no collector (the engine's own
    GEN-005) are left out."""
    known = {registry.collector(name).SERVICE for name in registry.names("collectors")}
    scope: dict[str, dict[str, list[str] | None]] = {}
    for resource, fields in sorted(reads_of(rules).items()):
        service, _, rtype = resource.partition(".")
        if service not in known:
            continue
        scope.setdefault(service, {})[rtype] = None if fields is None else sorted(fields)
    return scope


def services(scope: Mapping[str, Any], asked: Iterable[str] | None = None) -> list[str]:
    """The collectors a scope needs (of ``asked``, the ``--services`` named, if any), by
    module name, in registry order."""
    needed = set(scope)
    names = list(asked) if asked is not None else registry.names("collectors")
    return [name for name in names if registry.collector(name).SERVICE in needed]


def wanted(options: Mapping[str, Any] | None, service: str) -> dict[str, Fields] | None:
    """What the scope in collector ``options`` wants of ``service`` (None: no scope, so
    everything; an empty mapping: nothing of it)."""
    scope = (options or {}).get(SCOPE_OPTION)
    if scope is None:
        return None
    types = scope.get(service) or {}
    return {rtype: None if fields is None else frozenset(fields) for rtype, fields in types.items()}
