"""EventBridge event patterns: does a pattern match an event, or one with these fields.

One matcher, implementing EventBridge's content filtering as AWS documents it (the
EventBridge user guide, "Content filtering in event patterns" and "Comparison
operators", and its engine, aws/event-ruler), for every rule that reads event patterns
(ACM-016's ``acm_expiry_rules``, GEN-003's ``event_pattern_sources``):

- a pattern is an object; every field it names must match (and), a field's list of
  matchers matches when any of them does (or); ``$or`` (a list of patterns) matches when
  any of its patterns does, at any level;
- a nested object in the pattern matches the event's object at that key; an array of
  objects in the event matches when one of its elements does (EventBridge's
  array-consistent matching: fields of different elements are never combined);
- matchers apply to leaf values (strings, numbers, booleans, null); when the event's
  value is an array, the field matches when any element does:

  ``"value"``, ``5``, ``true``, ``null``
      exact: same JSON type and value (numbers compare as numbers).
  ``{"prefix": "x"}`` / ``{"suffix": "x"}``
      a string that starts / ends with ``x``; ``{"prefix": {"equals-ignore-case": "x"}}``
      and the ``suffix`` form ignore case.
  ``{"equals-ignore-case": "x"}``
      a string equal to ``x`` ignoring case.
  ``{"wildcard": "a*b"}``
      a string matching the whole text, ``*`` standing for any characters (``\\*`` a
      literal star, ``\\\\`` a backslash); no other character is special.
  ``{"anything-but": ...}``
      a present value that is not the value, not in the list, or (object form) not
      matched by its ``prefix``, ``suffix``, ``equals-ignore-case`` or ``wildcard``
      (each with one string or a list).
  ``{"numeric": [">", 0, "<=", 5]}``
      a JSON number within all the bounds (``<``, ``<=``, ``=``, ``>``, ``>=``).
  ``{"cidr": "10.0.0.0/24"}``
      a string IPv4 or IPv6 address inside the block.
  ``{"exists": true}`` / ``{"exists": false}``
      the field has / has no leaf value (an object is not a leaf, as in EventBridge).

``matches(pattern, event)`` asks whether EventBridge would deliver ``event`` to a rule
with ``pattern``. ``admits(pattern, fields)`` asks the open-world question: whether some
event that has these ``fields`` (nested objects allowed, e.g.
``{"source": "aws.kms", "detail": {"eventSource": "kms.amazonaws.com"}}``) can match,
every field not given being left free; a matcher on a free field is taken as
satisfiable. ``alternatives(pattern)`` splits a pattern's top-level ``$or`` into the
conjunctions it stands for. Everything here is pure: no AWS, no clock.
"""

from __future__ import annotations

import ipaddress
import json
import re
from functools import lru_cache
from typing import Any

OR = "$or"
_STRING_OPERATORS = ("prefix", "suffix", "equals-ignore-case", "wildcard")
_NUMERIC_TESTS = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "=": lambda a, b: a == b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def parse(pattern: Any) -> Any:
    """An EventPattern as EventBridge stores it (JSON text) parsed; objects pass through,
    and text that is not JSON gives None."""
    if isinstance(pattern, str):
        try:
            return json.loads(pattern)
        except json.JSONDecodeError:
            return None
    return pattern


def matches(pattern: Any, event: Any) -> bool:
    """Whether EventBridge delivers ``event`` (an object) to a rule with ``pattern``."""
    if not isinstance(pattern, dict) or not isinstance(event, dict):
        return False
    return _match_object(pattern, event, open_world=False)


def admits(pattern: Any, fields: Any) -> bool:
    """Whether some event with these ``fields`` (others free) can match ``pattern``."""
    if not isinstance(pattern, dict) or not isinstance(fields, dict):
        return False
    return _match_object(pattern, fields, open_world=True)


def alternatives(pattern: Any) -> list[list[dict[str, Any]]]:
    """The top-level ``$or`` of a pattern multiplied out: a list of conjunctions (lists of
    ``$or``-free patterns, all of which an event must match), one per way to match."""
    if not isinstance(pattern, dict):
        return []
    base = {key: value for key, value in pattern.items() if not _is_or(key, value)}
    found: list[list[dict[str, Any]]] = [[base] if base else []]
    for key, value in pattern.items():
        if not _is_or(key, value):
            continue
        branches = [alt for branch in value for alt in alternatives(branch)]
        found = [conj + alt for conj in found for alt in branches]
    return found


# --------------------------------------------------------------------------- structure


def _is_or(key: str, value: Any) -> bool:
    """``$or`` is an operator only on a list of patterns (else a plain field name)."""
    return key == OR and isinstance(value, list) and all(isinstance(p, dict) for p in value)


def _match_object(pattern: dict[str, Any], event: dict[str, Any] | None, open_world: bool) -> bool:
    """Every field of ``pattern`` against the object ``event`` (None: nothing here)."""
    for key, expected in pattern.items():
        if _is_or(key, expected):
            if not any(_match_object(p, event, open_world) for p in expected):
                return False
            continue
        present = isinstance(event, dict) and key in event
        if not present and open_world:
            continue  # a free field: whatever the pattern asks of it can be had
        value = event[key] if present and event is not None else None
        if isinstance(expected, dict):
            objects = _objects(value) if present else []
            if not objects:
                # Nothing below this key: only matchers a missing field satisfies hold.
                if not _match_object(expected, None, open_world=False):
                    return False
            elif not any(_match_object(expected, o, open_world) for o in objects):
                return False
            continue
        leaves = _leaves(value) if present else []
        if not _match_field(expected, leaves):
            return False
    return True


def _objects(value: Any) -> list[dict[str, Any]]:
    """The objects at a key: the object itself, or those inside an (nested) array."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [o for item in value for o in _objects(item)]
    return []


def _leaves(value: Any) -> list[Any]:
    """The leaf values at a key: the value, or the scalars inside an (nested) array."""
    if isinstance(value, dict):
        return []
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def _match_field(matchers: Any, leaves: list[Any]) -> bool:
    """A pattern field (a list of matchers) against the field's leaf values."""
    for matcher in matchers if isinstance(matchers, list) else [matchers]:
        if isinstance(matcher, dict) and "exists" in matcher:
            if (matcher["exists"] is True) == bool(leaves):
                return True
            continue
        if any(_match_value(matcher, value) for value in leaves):
            return True
    return False


# --------------------------------------------------------------------------- matchers


def _match_value(matcher: Any, value: Any) -> bool:
    """One matcher against one leaf value."""
    if not isinstance(matcher, dict):
        return _same(matcher, value)
    if "anything-but" in matcher:
        return _anything_but(matcher["anything-but"], value)
    if "numeric" in matcher:
        return _numeric(matcher["numeric"], value)
    if "cidr" in matcher:
        return _cidr(matcher["cidr"], value)
    for operator in _STRING_OPERATORS:
        if operator in matcher:
            return isinstance(value, str) and _string_match(operator, matcher[operator], value)
    return False


def _same(expected: Any, value: Any) -> bool:
    """Exact matching: same JSON type (a boolean is not a number), same value."""
    if isinstance(expected, bool) or isinstance(value, bool):
        return type(expected) is type(value) and expected == value
    if _is_number(expected) and _is_number(value):
        return float(expected) == float(value)
    if expected is None or value is None:
        return expected is None and value is None
    return isinstance(expected, str) and isinstance(value, str) and expected == value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _string_match(operator: str, want: Any, value: str) -> bool:
    """``prefix``/``suffix``/``equals-ignore-case``/``wildcard`` against a string; ``want``
    is a string, a list of them, or (prefix, suffix) ``{"equals-ignore-case": ...}``."""
    if isinstance(want, list):
        return any(_string_match(operator, w, value) for w in want)
    ignore_case = False
    if isinstance(want, dict) and operator in ("prefix", "suffix"):
        if "equals-ignore-case" not in want:
            return False
        want, ignore_case = want["equals-ignore-case"], True
    if not isinstance(want, str):
        return False
    if operator == "wildcard":
        return _wildcard_regex(want).fullmatch(value) is not None
    if operator == "equals-ignore-case":
        ignore_case = True
    text = value.lower() if ignore_case else value
    wanted: str = want.lower() if ignore_case else want
    if operator == "prefix":
        return text.startswith(wanted)
    if operator == "suffix":
        return text.endswith(wanted)
    return text == wanted


@lru_cache(maxsize=1024)
def _wildcard_regex(wildcard: str) -> re.Pattern[str]:
    """EventBridge wildcard syntax: ``*`` any characters, ``\\*`` and ``\\\\`` escapes."""
    parts: list[str] = []
    index = 0
    while index < len(wildcard):
        char = wildcard[index]
        if char == "\\" and index + 1 < len(wildcard) and wildcard[index + 1] in "*\\":
            parts.append(re.escape(wildcard[index + 1]))
            index += 2
            continue
        parts.append(".*" if char == "*" else re.escape(char))
        index += 1
    return re.compile("".join(parts), re.DOTALL)


def _anything_but(excluded: Any, value: Any) -> bool:
    """A value other than the excluded ones (a value, a list, or a string matcher)."""
    if isinstance(excluded, dict):
        operators = [op for op in _STRING_OPERATORS if op in excluded]
        if len(operators) != 1 or not isinstance(value, str):
            return False
        return not _string_match(operators[0], excluded[operators[0]], value)
    return not any(
        _same(e, value) for e in (excluded if isinstance(excluded, list) else [excluded])
    )


def _numeric(spec: Any, value: Any) -> bool:
    """A JSON number within every (operator, bound) pair of ``spec``."""
    if not _is_number(value):
        return False
    items = spec if isinstance(spec, list) else []
    if not items or len(items) % 2:
        return False
    for op, bound in zip(items[0::2], items[1::2], strict=True):
        test = _NUMERIC_TESTS.get(op) if isinstance(op, str) else None
        if test is None or not _is_number(bound) or not test(value, bound):
            return False
    return True


def _cidr(block: Any, value: Any) -> bool:
    """An IP address (string) inside the CIDR block."""
    if not isinstance(block, str) or not isinstance(value, str):
        return False
    try:
        network = ipaddress.ip_network(block, strict=False)
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    return address.version == network.version and address in network
