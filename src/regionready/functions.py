"""JMESPath functions for what YAML cannot say well. Each is pure and unit-tested.

The clock is an attribute of the function set, fixed per evaluation: rules count from
``--cutover-date`` when given, else from ``--now``; the snapshot never stores "days
left", so the same snapshot always re-evaluates the same way.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import pkgutil
import re
from collections.abc import Callable
from typing import Any

import jmespath
from jmespath import functions

ARN_RE = re.compile(r"^arn:(?P<partition>[^:]*):(?P<service>[^:]*):(?P<region>[^:]*):")
REGION_TOKEN = "${region}"
#: ``json.dumps(value, sort_keys=True)`` without building a new encoder per call (what
#: ``json.dumps`` does whenever an argument is not the default): the same text.
sorted_json = json.JSONEncoder(sort_keys=True).encode
_compact_sorted_json = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode


def parse_time(value: Any) -> dt.datetime | None:
    """ISO-8601 (with Z or an offset) or epoch seconds to an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value, tz=dt.UTC)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
        return parsed.astimezone(dt.UTC)
    return None


def arn_region(arn: Any) -> str | None:
    if not isinstance(arn, str):
        return None
    match = ARN_RE.match(arn)
    return match.group("region") if match else None


def _canonical(value: Any, region: str | None) -> Any:
    if isinstance(value, dict):
        return {key: _canonical(value[key], region) for key in sorted(value)}
    if isinstance(value, list):
        items = [_canonical(v, region) for v in value]
        # A one-element list means the same as its element; order inside a list is
        # not meaningful in IAM policy grammar.
        if len(items) == 1:
            return items[0]
        return sorted(items, key=sorted_json)
    if isinstance(value, str):
        text = value
        if region:
            text = text.replace(f":{region}:", f":{REGION_TOKEN}:")
            text = text.replace(f".{region}.", f".{REGION_TOKEN}.")
        return text
    return value


def normalize_policy(policy: Any, region: str | None = None) -> str | None:
    """A policy document (JSON string or object) as canonical JSON text.

    Statement order, whitespace, key order and string-vs-one-element-list do not
    matter; ``region`` in ARNs and endpoints becomes ``${region}`` so a replica's
    Region-specific ARNs compare equal to its primary's.
    """
    if policy is None:
        return None
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except json.JSONDecodeError:
            return policy.strip()
    canonical = _canonical(policy, region)
    if isinstance(canonical, dict) and isinstance(canonical.get("Statement"), dict):
        canonical["Statement"] = [canonical["Statement"]]
    return _compact_sorted_json(canonical)


def lookup_key(value: Any) -> str | None:
    """The hash key of a join or lookup value; None (and empty) never matches."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, str):
        return value
    return _list_json(value, 0) or sorted_json(value)


_encode_string = json.encoder.encode_basestring_ascii


def _json_text(value: Any) -> str:
    """``sorted_json``; a string directly as the encoder writes one (its first case)."""
    return _encode_string(value) if type(value) is str else sorted_json(value)


def _list_json(value: Any, depth: int) -> str | None:
    """``sorted_json`` of a list of strings, ``null``, booleans and integers (or of such
    lists, a few deep), the usual join key, built as the encoder builds it (its own
    string escaping, ``int.__repr__``); None for anything else."""
    if type(value) is not list or depth > 3:
        return None
    parts = []
    for element in value:
        kind = type(element)
        if kind is str:
            parts.append(_encode_string(element))
        elif element is None:
            parts.append("null")
        elif element is True:
            parts.append("true")
        elif element is False:
            parts.append("false")
        elif kind is int:
            parts.append(int.__repr__(element))
        else:
            inner = _list_json(element, depth + 1)
            if inner is None:
                return None
            parts.append(inner)
    return "[" + ", ".join(parts) + "]"


class CoreFunctions(functions.Functions):
    """Custom JMESPath functions; ``clock`` is the instant time-relative checks count from.

    ``lookups`` holds the named indexes a rule declared (``lookups:`` in its file),
    set by the engine before it evaluates that rule.
    """

    def __init__(self, clock: dt.datetime | None = None) -> None:
        super().__init__()
        self.clock = clock or dt.datetime.now(dt.UTC)
        self.lookups: dict[str, dict[str, Any]] = {}

    @functions.signature({"types": ["string"]}, {"types": ["string", "number", "array", "null"]})
    def _func_lookup(self, name: str, key: Any) -> Any:
        """The item of a rule's named lookup with this key, or null."""
        found = lookup_key(key)
        return None if found is None else self.lookups.get(name, {}).get(found)

    @functions.signature({"types": ["array", "null"]}, {"types": ["array", "null"]})
    def _func_difference(self, left: Any, right: Any) -> list[Any]:
        """Elements of the first list that are not in the second, in their order."""
        have = {_json_text(v) for v in (right or [])}
        return [v for v in (left or []) if _json_text(v) not in have]

    @functions.signature({"types": ["string", "number", "null"]})
    def _func_days_until(self, value: Any) -> float | None:
        when = parse_time(value)
        if when is None:
            return None
        return round((when - self.clock).total_seconds() / 86400.0, 4)

    @functions.signature({"types": ["string", "number", "null"]})
    def _func_to_epoch(self, value: Any) -> float | None:
        when = parse_time(value)
        return when.timestamp() if when else None

    @functions.signature({"types": ["string", "null"]})
    def _func_arn_region(self, value: Any) -> str | None:
        return arn_region(value)

    @functions.signature({"types": ["string", "object", "null"]}, {"types": ["string", "null"]})
    def _func_normalize_policy(self, policy: Any, region: Any) -> str | None:
        return normalize_policy(policy, region)

    @functions.signature({"types": ["array", "null"]})
    def _func_sorted_set(self, values: Any) -> list[Any]:
        """Unique values, sorted: SAN lists compare regardless of order and repeats."""
        if not values:
            return []
        return sorted({_json_text(v) for v in values})

    @functions.signature({"types": ["string", "object", "null"]})
    def _func_from_json(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                return None
        return value


ExtensionFunction = tuple[Callable[..., Any], list[dict[str, Any]]]


def _extension_methods() -> dict[str, Any]:
    """Functions from ``regionready.fn_*`` modules (each exports ``FUNCTIONS``).

    A module maps a name to ``(callable, [argument specs])``, e.g.
    ``{"region_denied": (region_denied, [{"types": ["object"]}, {"types": ["string"]}])}``;
    the callable is pure and unit-tested on its own.
    """
    import regionready

    methods: dict[str, Any] = {}
    for info in sorted(pkgutil.iter_modules(regionready.__path__), key=lambda i: i.name):
        if not info.name.startswith("fn_"):
            continue
        module = importlib.import_module(f"regionready.{info.name}")
        table: dict[str, ExtensionFunction] = module.FUNCTIONS
        for name, (func, spec) in table.items():

            def method(self: Any, *args: Any, _func: Callable[..., Any] = func) -> Any:
                return _func(*args)

            method.signature = tuple(spec)  # type: ignore[attr-defined]
            method.__doc__ = func.__doc__
            methods[f"_func_{name}"] = method
    return methods


RegionReadyFunctions: type[CoreFunctions] = type(
    "RegionReadyFunctions", (CoreFunctions,), _extension_methods()
)

CUSTOM_FUNCTIONS: tuple[str, ...] = tuple(
    sorted(
        name[len("_func_") :]
        for name in dir(RegionReadyFunctions)
        if name.startswith("_func_") and not hasattr(functions.Functions, name)
    )
)
BUILTIN_FUNCTIONS: tuple[str, ...] = tuple(
    sorted(name[len("_func_") :] for name in dir(functions.Functions) if name.startswith("_func_"))
)
ALL_FUNCTIONS = frozenset(CUSTOM_FUNCTIONS + BUILTIN_FUNCTIONS)


def function_names(expression: str) -> set[str]:
    """The function names an expression calls (raises jmespath errors if it does not parse)."""
    names: set[str] = set()
    stack = [jmespath.compile(expression).parsed]
    while stack:
        node = stack.pop()
        if node.get("type") == "function_expression":
            names.add(str(node["value"]))
        stack.extend(child for child in node.get("children", []) if isinstance(child, dict))
    return names
