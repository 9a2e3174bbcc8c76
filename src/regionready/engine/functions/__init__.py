"""JMESPath functions for what YAML cannot say well. Each is pure and unit-tested.

The clock is an attribute of the function set, fixed when it is made: rules count from
``--cutover-date`` when given, else from ``--now``; the snapshot never stores "days
left", so the same snapshot always re-evaluates the same way.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import pkgutil
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from types import ModuleType
from typing import Any

import jmespath
from jmespath import functions

from regionready import wording
from regionready.engine import eventpattern

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
        text: str = policy
        try:
            policy = json.loads(text)
        except json.JSONDecodeError:
            return text.strip()
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


#: The events AWS services send to EventBridge themselves (the EventBridge events
#: reference, "<service> events"), by source. A service's API calls and service events
#: recorded by CloudTrail also come with its source (``CLOUDTRAIL_DETAIL_TYPES``, with
#: ``detail.eventSource`` ``<name>.amazonaws.com`` for source ``aws.<name>``).
SERVICE_DETAIL_TYPES: dict[str, tuple[str, ...]] = {
    "aws.access-analyzer": (
        "Access Analyzer Finding",
        "Access Preview State Change",
        "Internal Access Finding",
        "Unused Access Finding for IAM entities",
    ),
    "aws.acm": (
        "ACM Certificate Approaching Expiration",
        "ACM Certificate Available",
        "ACM Certificate Expired",
        "ACM Certificate Renewal Action Required",
        "ACM Certificate Revoked",
        "ACM Certificate Rotated",
    ),
    "aws.guardduty": (
        "GuardDuty Finding",
        "GuardDuty Malware Protection Object Scan Result",
        "GuardDuty Malware Protection Post Scan Action Failed",
        "GuardDuty Malware Protection Resource Status Active",
        "GuardDuty Malware Protection Resource Status Error",
        "GuardDuty Malware Protection Resource Status Warning",
        "GuardDuty Runtime Protection Healthy",
        "GuardDuty Runtime Protection Unhealthy",
    ),
    "aws.kms": ("KMS CMK Deletion", "KMS CMK Rotation", "KMS Imported Key Material Expiration"),
    "aws.securityhub": (
        "Findings Imported V2",
        "Security Hub Findings",
        "Security Hub Findings - Custom Action",
        "Security Hub Findings - Imported",
        "Security Hub Insight Results",
        "Security Hub Standard Results",
    ),
}
CLOUDTRAIL_DETAIL_TYPES = ("AWS API Call via CloudTrail", "AWS Service Event via CloudTrail")
#: Sources no rule means when it names a service: a source filter that lets neither
#: through singles out the services it admits (``event_pattern_sources``).
_UNRELATED_SOURCES = ({"source": "aws.regionready-unrelated"}, {"source": "regionready.unrelated"})


def service_events(source: str) -> list[dict[str, Any]]:
    """The documented events of an AWS source, as the fields that tell them apart."""
    events: list[dict[str, Any]] = [
        {"source": source, "detail-type": detail_type}
        for detail_type in SERVICE_DETAIL_TYPES.get(source, ())
    ]
    if source.startswith("aws."):
        origin = {"eventSource": f"{source[len('aws.') :]}.amazonaws.com"}
        events.extend(
            {"source": source, "detail-type": detail_type, "detail": origin}
            for detail_type in CLOUDTRAIL_DETAIL_TYPES
        )
    return events


def receives_events_of(pattern: Any, source: str) -> bool:
    """Whether EventBridge can deliver events of ``source`` to a rule with ``pattern``.

    Two ways in, both asked of the shared matcher (``eventpattern.admits``: fields not
    given are free, a filter on them satisfiable):

    - the pattern admits one of the service's documented events (``service_events``:
      its source with one of its detail-types, or a CloudTrail event of it). This is
      how a pattern with no source filter, or a broad one (``anything-but``, a prefix
      such as ``aws.``), is judged: ``{"detail-type": ["GuardDuty Finding"]}`` receives
      GuardDuty's events, ``{"detail-type": ["EC2 Instance State-change Notification"]}``
      does not;
    - one of its ``$or`` alternatives names the service: its source filter admits
      ``source`` and no unrelated source (``_UNRELATED_SOURCES``), the rest of it being
      satisfiable with any detail-type, so a detail-type the list does not know yet
      (``{"source": ["aws.guardduty"], "detail-type": ["GuardDuty New Event"]}``) does
      not take a rule that names the service out of scope.
    """
    pattern = eventpattern.parse(pattern)
    if not isinstance(pattern, dict):
        return False
    if any(eventpattern.admits(pattern, event) for event in service_events(source)):
        return True
    named = {"source": source}
    for conjunction in eventpattern.alternatives(pattern):
        if not all(eventpattern.admits(part, named) for part in conjunction):
            continue
        if not any(
            all(eventpattern.admits(part, other) for part in conjunction)
            for other in _UNRELATED_SOURCES
        ):
            return True
    return False


def event_pattern_sources(pattern: Any, sources: Any) -> list[str]:
    """The sources (of ``sources``) whose events a rule with this EventPattern receives.

    GEN-003 asks it with the security services' sources. The pattern (JSON text or an
    object) is evaluated as EventBridge evaluates it (``regionready.engine.eventpattern``), so
    ``{"source": [{"prefix": "aws.guardduty"}]}``, a ``wildcard`` or an ``anything-but``
    that lets ``aws.guardduty`` through count, and an ``anything-but`` that excludes it
    does not. A pattern that names no source but only a detail-type (or a CloudTrail
    ``detail.eventSource``) of a service does receive that service's events, so it
    counts too (see ``receives_events_of``). No pattern (a scheduled rule) or one that
    is not JSON receives nothing.
    """
    if not isinstance(sources, list):
        return []
    wanted = tuple(s for s in sources if isinstance(s, str))
    if isinstance(pattern, str):
        return list(_text_pattern_sources(pattern, wanted))
    return [s for s in wanted if receives_events_of(pattern, s)]


@lru_cache(maxsize=1024)
def _text_pattern_sources(text: str, sources: tuple[str, ...]) -> tuple[str, ...]:
    pattern = eventpattern.parse(text)
    return tuple(s for s in sources if receives_events_of(pattern, s))


class CoreFunctions(functions.Functions):
    """Custom JMESPath functions; ``clock`` is the instant time-relative checks count from.

    ``lookups`` holds the named indexes a rule declared (``lookups:`` in its file). Both
    are given when the set is made and never change: the engine makes one set per rule
    and account from that evaluation's context, so no answer depends on what was
    evaluated before.
    """

    def __init__(
        self,
        clock: dt.datetime | None = None,
        lookups: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        super().__init__()
        self.clock = clock or dt.datetime.now(dt.UTC)
        self.lookups: Mapping[str, Mapping[str, Any]] = lookups or {}

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
    def _func_days_until(self, time: Any) -> float | None:
        """Days from the clock (``--cutover-date``, else ``--now``) to a time, as a
        fraction, negative once it has passed; null if it is not a time."""
        when = parse_time(time)
        if when is None:
            return None
        return round((when - self.clock).total_seconds() / 86400.0, 4)

    @functions.signature({"types": ["string", "number", "null"]})
    def _func_to_epoch(self, time: Any) -> float | None:
        """A time (ISO-8601 or epoch seconds) as epoch seconds, to compare two times."""
        when = parse_time(time)
        return when.timestamp() if when else None

    @functions.signature({"types": ["string", "null"]})
    def _func_arn_region(self, arn: Any) -> str | None:
        """The Region field of an ARN (empty for global resources); null if not an ARN."""
        return arn_region(arn)

    @functions.signature({"types": ["string", "object", "null"]}, {"types": ["string", "null"]})
    def _func_normalize_policy(self, policy: Any, region: Any) -> str | None:
        """A policy document as canonical JSON text (statement and key order, whitespace
        and one-element lists do not matter; ``region`` in ARNs and endpoints becomes
        ``${region}``), so a replica's policy compares equal to its primary's."""
        return normalize_policy(policy, region)

    @functions.signature({"types": ["array", "null"]})
    def _func_sorted_set(self, values: Any) -> list[Any]:
        """Unique values, sorted: SAN lists compare regardless of order and repeats."""
        if not values:
            return []
        return sorted({_json_text(v) for v in values})

    @functions.signature({"types": ["string", "object", "null"]}, {"types": ["array", "null"]})
    def _func_event_pattern_sources(self, pattern: Any, sources: Any) -> list[str]:
        """The sources (of a list) whose events a rule with this EventPattern receives."""
        return event_pattern_sources(pattern, sources)

    @functions.signature({"types": ["string", "object", "null"]})
    def _func_from_json(self, value: Any) -> Any:
        """A JSON string parsed (null if it is not JSON); any other value unchanged."""
        if isinstance(value, str):
            try:
                return json.loads(value)
            except json.JSONDecodeError:
                return None
        return value

    @functions.signature({"types": ["string", "number", "null"]})
    def _func_expiry_in_words(self, time: Any) -> str | None:
        """When a time falls, from the clock, in whole days: ``expires in 10 days``,
        ``expired 1 day ago`` (for messages); null if it is not a time."""
        days = self._func_days_until(time)
        return None if days is None else wording.expiry_in_words(days)

    @functions.signature({"types": ["number"]}, {"types": ["string"]})
    def _func_plural(self, count: Any, noun: Any) -> str:
        """A count and its noun, singular for exactly one: ``1 STS call``, ``2 STS calls``
        (for messages: ``plural(length(Rules), 'rule')``)."""
        return wording.plural(count, noun)


ExtensionFunction = tuple[Callable[..., Any], list[dict[str, Any]]]


def topic_modules() -> list[ModuleType]:
    """The topic modules of this package (``acm``, ``iam``, ``kms``, ...), in name order:
    each exports ``FUNCTIONS`` and, optionally, ``READS``."""
    found = sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name)
    return [importlib.import_module(f"{__name__}.{info.name}") for info in found]


def _extension_methods() -> dict[str, Any]:
    """Functions from the topic modules of this package (each exports ``FUNCTIONS``).

    A module maps a name to ``(callable, [argument specs])``, e.g.
    ``{"region_denied": (region_denied, [{"types": ["object"]}, {"types": ["string"]}])}``;
    the callable is pure and unit-tested on its own.
    """
    methods: dict[str, Any] = {}
    for module in topic_modules():
        table: dict[str, ExtensionFunction] = module.FUNCTIONS
        for name, (func, spec) in table.items():

            def method(self: Any, *args: Any, _func: Callable[..., Any] = func) -> Any:
                return _func(*args)

            method.signature = tuple(spec)  # type: ignore[attr-defined]
            method.__doc__ = func.__doc__
            method.__wrapped__ = func  # type: ignore[attr-defined]  # its argument names
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


def function_summary(name: str) -> str:
    """The first paragraph of a custom function's docstring, on one line: what
    ``regionready rules functions`` prints and docs/checks.md lists ("" if none)."""
    doc = inspect.getdoc(getattr(RegionReadyFunctions, f"_func_{name}")) or ""
    return " ".join(doc.split("\n\n", 1)[0].split())


def function_arguments(name: str) -> tuple[str, ...]:
    """A custom function's argument names, as its Python function names them."""
    parameters = inspect.signature(getattr(RegionReadyFunctions, f"_func_{name}")).parameters
    return tuple(p for p in parameters if p != "self")


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
