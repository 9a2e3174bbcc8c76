"""What a rule reads: the resource types and top-level fields its expressions touch.

A collection error records what it left incomplete (resource types, fields, resources).
The engine makes a result ERROR exactly when its rule reads incomplete data, so it must
know what each rule reads. That is found from the rule itself: every JMESPath
expression of the rule (conditions, join keys, messages, locations, quota expressions)
is parsed with the jmespath library's own parser, and the fields read from the item at
the root of the expression are collected. ``Tags[?Key == 'x'].Value`` reads ``Tags``;
``Key.KeyState`` reads ``Key``; ``source.Policy`` in a parity rule reads ``Policy`` of
the source item. A parity rule's reads are also kept per side of the pair: its ``where``
and ``source.`` expressions read the source's items, its ``target_where`` and
``target.`` expressions the target's, its join key both (``RuleReads.sides``).

An expression that hands the whole item to a function (``sts_event_info(@)``, or
``source`` in a parity rule) reads every field, unless the function's module declares
which fields it reads of the items it is given (``READS`` beside ``FUNCTIONS`` in a
``regionready.engine.functions`` module; a function so declared reads those fields of
every argument that is a
whole item or a plain field, so declare only what holds for all of them).

The items a rule reaches through ``lookups`` are read for their key and for the fields
its expressions take from what ``lookup`` returns: ``lookup('keys', k).KeyState`` reads
``KeyState``, ``lookup('keys', k) != null`` only the key. Any other use of a lookup's
item (handed to a function, compared whole) reads it whole. Which looked-up items an
item reaches is only known while evaluating, so an error on any of them touches all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jmespath

from regionready.engine.functions import topic_modules
from regionready.engine.rules import TEMPLATE_RE, Condition, Rule, quota_where, substitute

#: Fields read from one item; None means the whole item.
Fields = frozenset[str] | None

Path = tuple[str, ...]
_ALL: Path = ("*",)


@cache
def declared_function_reads() -> dict[str, frozenset[str]]:
    """``READS`` of every module of :mod:`regionready.engine.functions`: the item fields
    a function reads when it is handed the whole item (``@``)."""
    found: dict[str, frozenset[str]] = {}
    for module in topic_modules():
        for name, names in getattr(module, "READS", {}).items():
            found[name] = frozenset(names)
    return found


def _chain(node: dict[str, Any]) -> Path | None:
    """``a.b.c`` as ("a", "b", "c"); None for anything that is not a plain field chain."""
    kind = node.get("type")
    if kind == "field":
        return (str(node["value"]),)
    if kind == "subexpression":
        parts: list[str] = []
        for child in node["children"]:
            sub = _chain(child)
            if sub is None:
                return None
            parts.extend(sub)
        return tuple(parts)
    return None


def _paths(node: dict[str, Any]) -> set[Path]:
    """The paths an expression reads from its root value (``("*",)``: all of it)."""
    kind = node.get("type")
    children = [c for c in node.get("children", []) if isinstance(c, dict)]
    chain = _chain(node)
    if chain is not None:
        return {chain}
    if kind == "current":
        return {_ALL}
    if kind == "subexpression":
        # ``a.[b, c]`` reads a's b and c; ``f(x).y`` reads what f(x) reads.
        head = _chain(children[0])
        if head is not None and len(children) == 2:
            inner = _paths(children[1])
            return {head + p if p != _ALL else head for p in inner} or {head}
        return _paths(children[0])
    if kind in {"projection", "value_projection", "filter_projection", "index_expression"}:
        # The right side and the filter look at elements of the left side's value.
        return _paths(children[0]) if children else set()
    if kind in {"flatten", "pipe"}:
        left = _paths(children[0]) if children else set()
        if kind == "pipe" and left == {_ALL} and len(children) > 1:
            return _paths(children[1])  # ``@ | x`` is x
        return left
    if kind == "function_expression":
        return _function_paths(str(node["value"]), children)
    if kind in {"literal", "expref", "slice", "index", "raw_string"}:
        return set()
    found: set[Path] = set()
    for child in children:  # and, or, not, comparator, multi-selects, key_val_pair
        found |= _paths(child)
    return found


def _function_paths(name: str, args: list[dict[str, Any]]) -> set[Path]:
    if name == "lookup" and args:
        return _paths(args[-1])  # lookup('index', key): the key is read from the item
    declared = declared_function_reads().get(name)
    found: set[Path] = set()
    for arg in args:
        # A whole item handed to a function that declares what it reads of it.
        whole: Path | None = () if arg.get("type") == "current" else _chain(arg)
        if declared is not None and whole is not None:
            found |= {(*whole, f) for f in declared}
            continue
        found |= _paths(arg)
    return found


def expression_paths(text: str) -> set[Path]:
    """The paths a JMESPath expression reads from its root (jmespath's own parser)."""
    return _paths(jmespath.compile(text).parsed)


def _fields(paths: Iterable[Path], prefix: str | None = None) -> Fields:
    """Top-level item fields of ``paths``; with ``prefix`` ("source"), those under it."""
    found: set[str] = set()
    for path in paths:
        if prefix is not None:
            if path == _ALL or (path[0] == prefix and len(path) == 1):
                return None
            if path[0] != prefix:
                continue
            path = path[1:]
        if path == _ALL or path[0] == "*":
            return None
        found.add(path[0])
    return frozenset(found)


def _union(a: Fields, b: Fields) -> Fields:
    if a is None or b is None:
        return None
    return a | b


def _condition_texts(conditions: Iterable[Condition]) -> list[str]:
    texts: list[str] = []
    for cond in conditions:
        texts.append(cond.key)
        if cond.value_from:
            texts.append(cond.value_from)
    return texts


def _template_texts(template: str | None) -> list[str]:
    return [match.group(1) for match in TEMPLATE_RE.finditer(template or "")]


def _lookup_name(node: dict[str, Any]) -> str | None:
    """``n`` of a ``lookup('n', key)`` node, else None."""
    if node.get("type") != "function_expression" or node.get("value") != "lookup":
        return None
    args = node.get("children") or []
    first = args[0] if args and isinstance(args[0], dict) else {}
    value = first.get("value")
    return value if first.get("type") == "literal" and isinstance(value, str) else None


def _is_null(node: dict[str, Any]) -> bool:
    """A literal null, or the bare word ``null`` (a field no item has) rules use for it."""
    kind, value = node.get("type"), node.get("value")
    return (kind == "literal" and value is None) or (kind == "field" and value == "null")


def _lookup_paths(node: dict[str, Any], found: dict[str, Fields]) -> None:
    """Adds to ``found`` the fields each named lookup's items are read for in ``node``."""
    kind = node.get("type")
    children = [c for c in node.get("children", []) if isinstance(c, dict)]
    head = _lookup_name(children[0]) if children else None
    if kind == "subexpression" and head is not None and len(children) > 1:
        rest = children[1] if len(children) == 2 else {"type": kind, "children": children[1:]}
        found[head] = _union(found.get(head, frozenset()), _fields(_paths(rest)))
        for child in [*children[0].get("children", []), *children[1:]]:
            _lookup_paths(child, found)
        return
    if kind == "comparator" and len(children) == 2:
        for one, other in (children, children[::-1]):
            name = _lookup_name(one)
            if name is not None and _is_null(other):
                found.setdefault(name, frozenset())  # whether one exists: its key only
                for child in one.get("children", []):
                    _lookup_paths(child, found)
                return
    name = _lookup_name(node)
    if name is not None:
        found[name] = None  # its item used some other way: read whole
    for child in children:
        _lookup_paths(child, found)


def lookup_fields(texts: Iterable[str], params: dict[str, Any]) -> dict[str, Fields] | None:
    """Per lookup name, the fields of its items some expressions read (None: all); None
    when an expression cannot be analysed."""
    values = {**_PLACEHOLDERS, "params": params}
    found: dict[str, Fields] = {}
    for text in texts:
        if not text:
            continue
        try:
            parsed = jmespath.compile(substitute(text, values)).parsed
        except jmespath.exceptions.JMESPathError:
            return None
        _lookup_paths(parsed, found)
    return found


@dataclass(frozen=True)
class RuleReads:
    """What one rule reads: fields per resource (``kms.alias``), None for all of them;
    ``lookups``: per lookup name, the fields of its items (None: all)."""

    resources: dict[str, Fields] = field(default_factory=dict)
    lookups: dict[str, Fields] = field(default_factory=dict)
    #: A parity rule's own resources per side of the pair (``source``, ``target``): the
    #: fields it reads from that side's items. Empty for other kinds of rule.
    sides: dict[str, dict[str, Fields]] = field(default_factory=dict)

    def fields(self, resource: str, side: str | None = None) -> Fields:
        """The fields read of ``resource``; with ``side``, of a parity rule's items on
        that side of the pair (the lookups' fields aside: they are read on their own)."""
        if side is not None and side in self.sides:
            return self.sides[side].get(resource, frozenset())
        return self.resources.get(resource, frozenset())

    def to_dict(self) -> dict[str, list[str] | str]:
        return {
            resource: "*" if fields is None else sorted(fields)
            for resource, fields in sorted(self.resources.items())
        }


_PLACEHOLDERS = {"params": {}, "source_region": "", "target_region": "", "account": ""}


def _parse(text: str, params: dict[str, Any]) -> set[Path]:
    values = {**_PLACEHOLDERS, "params": params}
    try:
        return expression_paths(substitute(text, values))
    except jmespath.exceptions.JMESPathError:
        return {_ALL}  # cannot be analysed: assume it reads everything


def expression_fields(texts: Iterable[str], params: dict[str, Any]) -> Fields:
    """The top-level item fields some expressions of a rule read (None: all)."""
    found: set[Path] = set()
    for text in texts:
        if text:
            found |= _parse(text, params)
    return _fields(found)


def rule_reads(rule: Rule) -> RuleReads:
    """The resource types and fields ``rule`` reads (see the module docstring)."""

    def paths(texts: Iterable[str]) -> set[Path]:
        found: set[Path] = set()
        for text in texts:
            found |= _parse(text, rule.params)
        return found

    escalations = [cond for conditions, _ in rule.escalate for cond in conditions]
    # Expressions on the item itself: the join key and location (either side), the
    # applicability (the source's, or the item's) and the target filter.
    either = [text for text in (rule.pair_by, rule.location) if text]
    on_source = paths([*_condition_texts(rule.where), *either])
    on_target = paths([*_condition_texts(rule.target_where), *either])
    direct = on_source | on_target
    # Expressions on what the rule judges: the item (readiness) or the pair (parity).
    judged = paths(
        [
            *_condition_texts(rule.fail_when),
            *_condition_texts(rule.compare),
            *_condition_texts(escalations),
            *_template_texts(rule.message),
            *_template_texts(rule.unpaired_message),
        ]
    )
    resources: dict[str, Fields] = {}
    sides: dict[str, dict[str, Fields]] = {}
    if rule.kind == "parity":
        source = _union(_fields(on_source), _fields(judged, "source"))
        target = _union(_fields(on_target), _fields(judged, "target"))
        sides = {
            "source": dict.fromkeys(rule.resources, source),
            "target": dict.fromkeys(rule.resources, target),
        }
        fields = _union(source, target)
    elif rule.kind == "collision":
        # The counterpart is ``other``: the same resource type in another source Region.
        fields = _union(
            _fields(direct), _union(_fields(judged, "source"), _fields(judged, "other"))
        )
    else:
        fields = _union(_fields(direct), _fields(judged))
    for resource in rule.resources:
        resources[resource] = fields
    for entry in rule.quotas:
        resource = entry.get("resource") or rule.resource
        quota_paths = paths(
            [
                *_condition_texts(quota_where(entry)),
                *[entry[key] for key in ("pair_by",) if entry.get(key)],
            ]
        )
        # usage and adds are computed over the list of items: they read them whole.
        quota_fields: Fields = (
            None
            if entry.get("usage") or entry.get("adds") or rule.usage or rule.adds
            else _fields(quota_paths)
        )
        resources[resource] = _union(resources.get(resource, frozenset()), quota_fields)
    if rule.kind == "quota" and not rule.quotas:
        resources[rule.resource] = None
    lookups = _lookup_reads(rule)
    for name, spec in rule.lookups.items():
        resources[spec["resource"]] = _union(
            resources.get(spec["resource"], frozenset()), lookups[name]
        )
    return RuleReads(resources, lookups, sides)


def _all_texts(rule: Rule) -> list[str]:
    """Every expression of ``rule`` that can call ``lookup``."""
    conditions = [cond for _, conditions in rule.condition_lists() for cond in conditions]
    single = [rule.pair_by, rule.location, rule.resource_name, rule.usage, rule.adds]
    single += [edge.via for edge in rule.edges.values()]
    single += [entry.get(key) for entry in rule.quotas for key in ("usage", "adds", "pair_by")]
    return [
        *_condition_texts(conditions),
        *(text for text in single if text),
        *_template_texts(rule.message),
        *_template_texts(rule.unpaired_message),
    ]


def _lookup_reads(rule: Rule) -> dict[str, Fields]:
    """Per lookup of ``rule``, the fields of its items read: its key and what the rule's
    expressions take from it (None: all)."""
    if not rule.lookups:
        return {}
    found = lookup_fields(_all_texts(rule), rule.params)
    reads: dict[str, Fields] = {}
    for name, spec in rule.lookups.items():
        fields = None if found is None else found.get(name, frozenset())
        key = expression_fields([str(spec["key"])], rule.params)
        reads[name] = _union(fields, key)
    return reads
