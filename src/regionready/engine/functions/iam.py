"""Rule functions for IAM federation, Region restrictions and STS endpoints.

Pure functions (no AWS, no clock), unit-tested in ``tests/engine/functions/test_iam.py``. Policy
documents may be given as objects or as JSON strings (IAM returns objects through
boto3, an SCP's ``Content`` is a string).

SAML federation (IAM-001, IAM-002; seed 000 "AWS Identity and Access Management (AWS
IAM) - Console Login - Identity Federation"):

``iam_saml_endpoint(region)``
    The SAML sign-in endpoint of a Region: ``https://<region>.signin.aws.amazon.com/saml``,
    and ``https://signin.aws.amazon.com/saml`` for us-east-1 (which has no Region code).
``iam_saml_trusted(trust_policy)``
    Whether an Allow statement lets a SAML provider (``Principal.Federated`` is a
    ``saml-provider`` ARN) call ``sts:AssumeRoleWithSAML``.
``iam_saml_audiences(trust_policy)``
    The ``SAML:aud`` values those statements accept (sorted, unique); ``"*"`` stands for
    a statement that does not restrict the audience positively (no ``SAML:aud``
    condition, or only a negated one). null when the role is not SAML-trusted.
``iam_saml_accepts(trust_policy, audience)``
    Whether some SAML statement's ``SAML:aud`` conditions hold for ``audience``: a
    string or list value, ``StringEquals``/``StringLike`` (wildcards), ``ForAnyValue:``
    / ``ForAllValues:``, ``IfExists``, negated operators, several statements (any one
    suffices). null when the role is not SAML-trusted.

Region restrictions (IAM-003):

``iam_region_blocks(policy, region)``
    The statements of an IAM policy or SCP that keep ``region`` out through
    ``aws:RequestedRegion``, as sentences naming the statement (``Sid``, else its
    position). A statement counts when

    * it is a **Deny** whose ``aws:RequestedRegion`` conditions all hold for a request in
      ``region`` (``StringNotEquals [source]`` -> denied; ``StringEquals [region]`` ->
      denied; ``StringNotLike ["eu-*"]`` -> eu-central-1 is not denied), for at least one
      action (``Action``, or every action outside ``NotAction``); or
    * it is an **Allow** whose ``aws:RequestedRegion`` conditions do *not* hold for
      ``region`` (``StringEquals [source]``), and no other Allow statement of the same
      policy allows ``region`` for all of its actions. A policy is judged on its own:
      IAM unions the Allow statements of every policy a principal has and an SCP must
      allow at every level of the organization, neither of which the snapshot holds, so
      "not allowed" means "not allowed by this policy".

    Conditions on other keys (principal, tags, ...) are assumed to be able to hold: the
    statement applies to *some* requests, which is enough to block them. A statement
    whose ``aws:RequestedRegion`` condition uses an operator this evaluator does not know
    is left out (never guessed either way). ``Null`` conditions on the key are evaluated
    (a request in a Region always carries ``aws:RequestedRegion``).

Source-Region ARNs (IAM-004):

``iam_source_region_arns(policy, source, target)``
    ``Resource`` ARNs whose Region is ``source`` with no target-Region equivalent, as
    ``"<arn> (<statement>)"``. An equivalent is another ``Resource`` entry of the *same*
    statement that matches the ARN with its Region set to ``target`` (the same ARN in the
    target, a wildcard Region such as ``arn:aws:dynamodb:*:...``, or ``"*"``).

STS global endpoint calls (STS-003; seed 000 "AWS Security Token Service (AWS STS)"):

``sts_global_caller(event)``
    For a CloudTrail ``sts_event`` item whose ``CloudTrailEvent`` names the host
    ``sts.amazonaws.com`` (``tlsDetails.clientProvidedHostHeader``) and whose
    ``awsRegion`` is not us-east-1: the group key ``"<caller> @ <awsRegion>"`` (caller:
    ``userIdentity.arn``, else its ``principalId``, ``userName``, the event's
    ``Username``, else the source IP address). null for every other event.
``sts_event_info(event)``
    ``{host, awsRegion, caller, userAgent, sourceIPAddress}`` of an event, for messages.
``sts_latest_in_group(event, group)``
    Whether ``event`` is the newest of its group (``EventTime``, ties broken by the
    highest ``EventId``): one finding per caller and Region, the others are its repeats.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

SAML_ACTION = "sts:assumerolewithsaml"
SAML_AUD_KEY = "saml:aud"
REGION_KEY = "aws:requestedregion"
US_EAST_1 = "us-east-1"
GLOBAL_STS_HOST = "sts.amazonaws.com"

_SAML_PROVIDER_RE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:saml-provider/.+$")
_STRING_BASES = {
    "stringequals": (False, False, False),  # (negated, ignore_case, like)
    "stringnotequals": (True, False, False),
    "stringequalsignorecase": (False, True, False),
    "stringnotequalsignorecase": (True, True, False),
    "stringlike": (False, False, True),
    "stringnotlike": (True, False, True),
}


# --------------------------------------------------------------------------- documents


def policy_document(value: Any) -> dict[str, Any] | None:
    """A policy document as an object: JSON text is parsed, anything else is None."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return None
    return value if isinstance(value, dict) else None


def statements(value: Any) -> list[dict[str, Any]]:
    """The statements of a policy (a single statement object counts as a list of one)."""
    doc = policy_document(value)
    if doc is None:
        return []
    found = doc.get("Statement")
    if isinstance(found, dict):
        found = [found]
    if not isinstance(found, list):
        return []
    return [s for s in found if isinstance(s, dict)]


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _strings(value: Any) -> list[str]:
    """Condition values as strings (IAM compares booleans and numbers as text)."""
    out = []
    for item in as_list(value):
        if isinstance(item, bool):
            out.append("true" if item else "false")
        elif item is not None:
            out.append(str(item))
    return out


def statement_label(statement: dict[str, Any], index: int) -> str:
    sid = statement.get("Sid")
    return f"statement {sid!r}" if isinstance(sid, str) and sid else f"statement #{index + 1}"


# --------------------------------------------------------------------------- conditions


@lru_cache(maxsize=1024)
def _glob_regex(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    """IAM ``StringLike`` wildcards: ``*`` any run of characters, ``?`` one character."""
    parts = [".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern]
    return re.compile("^" + "".join(parts) + "$", re.IGNORECASE if ignore_case else 0)


def iam_glob(pattern: str, value: str, ignore_case: bool = False) -> bool:
    return _glob_regex(pattern, ignore_case).match(value) is not None


@dataclass(frozen=True)
class ConditionOperator:
    """A parsed condition operator such as ``ForAnyValue:StringNotLikeIfExists``."""

    base: str  # lower case: stringequals, stringlike, null, ...
    negated: bool = False
    ignore_case: bool = False
    like: bool = False
    set_op: str | None = None  # "any" | "all" | None
    if_exists: bool = False


def parse_operator(name: str) -> ConditionOperator | None:
    """The operator's parts; None for operators other than the String ones and Null."""
    text = name.strip()
    lowered = text.lower()
    set_op = None
    for prefix, kind in (("foranyvalue:", "any"), ("forallvalues:", "all")):
        if lowered.startswith(prefix):
            set_op = kind
            lowered = lowered[len(prefix) :]
    if_exists = lowered.endswith("ifexists")
    if if_exists:
        lowered = lowered[: -len("ifexists")]
    if lowered == "null":
        if set_op or if_exists:
            return None
        return ConditionOperator("null")
    if lowered not in _STRING_BASES:
        return None
    negated, ignore_case, like = _STRING_BASES[lowered]
    return ConditionOperator(lowered, negated, ignore_case, like, set_op, if_exists)


def _one_value(op: ConditionOperator, patterns: list[str], value: str) -> bool:
    if op.like:
        hit = any(iam_glob(p, value, op.ignore_case) for p in patterns)
    elif op.ignore_case:
        hit = value.lower() in {p.lower() for p in patterns}
    else:
        hit = value in patterns
    return not hit if op.negated else hit


def condition_holds(
    operator: str, policy_values: Any, request_values: list[str] | None
) -> bool | None:
    """Whether a condition holds for a request whose key has ``request_values``.

    ``request_values`` None means the key is not in the request. None is returned for an
    operator this evaluator does not know.
    """
    op = parse_operator(operator)
    if op is None:
        return None
    values = _strings(policy_values)
    present = bool(request_values)
    if op.base == "null":
        wanted = {v.lower() for v in values}
        # {"Null": {"k": "true"}}: the key is absent; "false": the key is present.
        return (not present and "true" in wanted) or (present and "false" in wanted)
    if not present:
        if op.if_exists or op.set_op == "all":
            return True
        if op.set_op == "any":
            return False
        return op.negated
    assert request_values is not None
    results = [_one_value(op, values, v) for v in request_values]
    if op.set_op == "all":
        return all(results)
    return any(results)


def _key_conditions(statement: dict[str, Any], key: str) -> list[tuple[str, Any]]:
    """(operator, values) of every condition on ``key`` (keys are case-insensitive)."""
    found: list[tuple[str, Any]] = []
    block = statement.get("Condition")
    if not isinstance(block, dict):
        return found
    for operator, entries in block.items():
        if not isinstance(entries, dict):
            continue
        for name, values in entries.items():
            if isinstance(name, str) and name.lower() == key:
                found.append((str(operator), values))
    return found


def conditions_on_key_hold(statement: dict[str, Any], key: str, value: str | None) -> bool | None:
    """All of the statement's conditions on ``key`` hold for a request with ``value``.

    None when the statement has no condition on the key, or one with an unknown operator.
    """
    conditions = _key_conditions(statement, key)
    if not conditions:
        return None
    request = [value] if value is not None else None
    results = [condition_holds(op, values, request) for op, values in conditions]
    if any(r is None for r in results):
        return None
    return all(bool(r) for r in results)


# --------------------------------------------------------------------------- actions


def _actions(statement: dict[str, Any]) -> tuple[str, list[str]]:
    """("Action", patterns) or ("NotAction", patterns), lower-cased."""
    if "NotAction" in statement:
        return "NotAction", [str(a).lower() for a in as_list(statement["NotAction"])]
    return "Action", [str(a).lower() for a in as_list(statement.get("Action"))]


def _acts_on_something(statement: dict[str, Any]) -> bool:
    kind, patterns = _actions(statement)
    if kind == "NotAction":
        return "*" not in patterns
    return bool(patterns)


def _covered(pattern: str, by: list[str]) -> bool:
    return any(iam_glob(other, pattern) for other in by)


def actions_covered(statement: dict[str, Any], other: dict[str, Any]) -> bool:
    """Whether ``other`` names at least every action ``statement`` names."""
    kind, patterns = _actions(statement)
    other_kind, other_patterns = _actions(other)
    if other_kind == "Action":
        if "*" in other_patterns:
            return True
        if kind == "NotAction":
            return False
        return all(_covered(p, other_patterns) for p in patterns)
    # other: every action except other_patterns
    if kind == "Action":
        return not any(iam_glob(p, a) or iam_glob(a, p) for p in patterns for a in other_patterns)
    # both NotAction: other excludes no more than statement excludes
    return all(_covered(a, patterns) for a in other_patterns)


def _actions_text(statement: dict[str, Any]) -> str:
    kind, _ = _actions(statement)
    raw = [str(a) for a in as_list(statement.get(kind))]
    if kind == "NotAction":
        return "all actions except " + ", ".join(raw)
    if raw == ["*"]:
        return "all actions"
    return ", ".join(raw)


def _conditions_text(statement: dict[str, Any], key: str) -> str:
    parts = []
    for op, values in _key_conditions(statement, key):
        parts.append(f"{op} aws:RequestedRegion [{', '.join(_strings(values))}]")
    block = statement.get("Condition")
    others = sorted(
        {
            str(name)
            for entries in (block.values() if isinstance(block, dict) else [])
            if isinstance(entries, dict)
            for name in entries
            if str(name).lower() != key
        }
    )
    if others:
        parts.append(f"when {', '.join(others)} also match")
    return "; ".join(parts)


# --------------------------------------------------------------------------- IAM-003


def _allows_elsewhere(stmts: list[dict[str, Any]], index: int, region: str) -> bool:
    restricted = stmts[index]
    for other_index, other in enumerate(stmts):
        if other_index == index or str(other.get("Effect", "")).lower() != "allow":
            continue
        holds = conditions_on_key_hold(other, REGION_KEY, region)
        if holds is False:
            continue
        if actions_covered(restricted, other):
            return True
    return False


def iam_region_blocks(policy: Any, region: str) -> list[str]:
    """The statements that deny ``region`` or leave it not allowed, as sentences (the
    docstring of ``regionready.engine.functions.iam`` says when a statement counts)."""
    stmts = statements(policy)
    found: list[str] = []
    for index, stmt in enumerate(stmts):
        holds = conditions_on_key_hold(stmt, REGION_KEY, region)
        if holds is None or not _acts_on_something(stmt):
            continue
        effect = str(stmt.get("Effect", "")).lower()
        label = statement_label(stmt, index)
        detail = f"{_actions_text(stmt)}; {_conditions_text(stmt, REGION_KEY)}"
        if effect == "deny" and holds:
            found.append(f"{label} denies {region} ({detail})")
        elif effect == "allow" and not holds and not _allows_elsewhere(stmts, index, region):
            found.append(f"{label} does not allow {region} ({detail})")
    return found


# --------------------------------------------------------------------------- IAM-004

_ARN_RE = re.compile(
    r"^arn:(?P<partition>[^:]*):(?P<service>[^:]*):(?P<region>[^:]*):(?P<rest>.*)$"
)


def _with_region(arn: str, region: str) -> str | None:
    match = _ARN_RE.match(arn)
    if not match:
        return None
    return f"arn:{match['partition']}:{match['service']}:{region}:{match['rest']}"


def iam_source_region_arns(policy: Any, source: str, target: str) -> list[str]:
    """Source-Region ``Resource`` ARNs with no target equivalent in the same statement."""
    found: list[str] = []
    for index, stmt in enumerate(statements(policy)):
        resources = [str(r) for r in as_list(stmt.get("Resource"))]
        for arn in resources:
            match = _ARN_RE.match(arn)
            if not match or match["region"] != source:
                continue
            twin = _with_region(arn, target)
            assert twin is not None
            if any(other != arn and iam_glob(other, twin) for other in resources):
                continue
            entry = f"{arn} ({statement_label(stmt, index)})"
            if entry not in found:
                found.append(entry)
    return found


# --------------------------------------------------------------------------- SAML


def iam_saml_endpoint(region: str) -> str:
    """The SAML sign-in endpoint of a Region (``https://signin.aws.amazon.com/saml`` for
    us-east-1)."""
    if region == US_EAST_1:
        return "https://signin.aws.amazon.com/saml"
    return f"https://{region}.signin.aws.amazon.com/saml"


def _saml_statements(policy: Any) -> list[dict[str, Any]]:
    found = []
    for stmt in statements(policy):
        if str(stmt.get("Effect", "")).lower() != "allow":
            continue
        principal = stmt.get("Principal")
        federated = principal.get("Federated") if isinstance(principal, dict) else None
        if not any(_SAML_PROVIDER_RE.match(str(p)) for p in as_list(federated)):
            continue
        kind, patterns = _actions(stmt)
        if kind != "Action" or not _covered(SAML_ACTION, patterns):
            continue
        found.append(stmt)
    return found


def iam_saml_trusted(policy: Any) -> bool:
    """Whether a trust policy lets a SAML provider call ``sts:AssumeRoleWithSAML``."""
    return bool(_saml_statements(policy))


def iam_saml_audiences(policy: Any) -> list[str] | None:
    """The ``SAML:aud`` values a SAML trust policy accepts (``*``: any); null if the role
    is not SAML-trusted."""
    stmts = _saml_statements(policy)
    if not stmts:
        return None
    audiences: set[str] = set()
    for stmt in stmts:
        positive = [
            (op, values)
            for op, values in _key_conditions(stmt, SAML_AUD_KEY)
            if (parsed := parse_operator(op)) is not None
            and parsed.base != "null"
            and not parsed.negated
        ]
        if not positive:
            audiences.add("*")
            continue
        for _, values in positive:
            audiences.update(_strings(values))
    return sorted(audiences)


def iam_saml_accepts(policy: Any, audience: str) -> bool | None:
    """Whether a SAML trust policy's ``SAML:aud`` conditions accept ``audience``; null if
    the role is not SAML-trusted."""
    stmts = _saml_statements(policy)
    if not stmts:
        return None
    for stmt in stmts:
        holds = conditions_on_key_hold(stmt, SAML_AUD_KEY, audience)
        if holds is None and _key_conditions(stmt, SAML_AUD_KEY):
            continue  # an operator we do not understand: not counted as accepting
        if holds is None or holds:
            return True
    return False


# --------------------------------------------------------------------------- STS-003


def _record(event: Any) -> dict[str, Any]:
    if not isinstance(event, dict):
        return {}
    return policy_document(event.get("CloudTrailEvent")) or {}


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def sts_event_info(event: Any) -> dict[str, Any]:
    """``{host, awsRegion, caller, userAgent, sourceIPAddress}`` of a CloudTrail STS
    event, for messages."""
    record = _record(event)
    identity = _object(record.get("userIdentity"))
    host = _object(record.get("tlsDetails")).get("clientProvidedHostHeader")
    caller = (
        identity.get("arn")
        or identity.get("principalId")
        or identity.get("userName")
        or (event.get("Username") if isinstance(event, dict) else None)
        or record.get("sourceIPAddress")
        or "unknown caller"
    )
    return {
        "host": str(host).lower().split(":")[0] if host else None,
        "awsRegion": record.get("awsRegion"),
        "caller": caller,
        "userAgent": record.get("userAgent"),
        "sourceIPAddress": record.get("sourceIPAddress"),
    }


def sts_global_caller(event: Any) -> str | None:
    """``<caller> @ <awsRegion>`` for an STS call outside us-east-1 that reached the global
    endpoint sts.amazonaws.com; null for every other event."""
    info = sts_event_info(event)
    region = info["awsRegion"]
    if info["host"] != GLOBAL_STS_HOST or not region or region == US_EAST_1:
        return None
    return f"{info['caller']} @ {region}"


def _timestamp(value: Any) -> float:
    """Epoch seconds of an ISO-8601 time or a number; -inf when it is neither.

    (``regionready.engine.functions.parse_time`` is not imported: that module loads this one.)
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        return _text_timestamp(value)
    return float("-inf")


@lru_cache(maxsize=4096)
def _text_timestamp(value: str) -> float:
    """``_timestamp`` of a string (a group's events are compared once per member)."""
    text = value.strip()
    text = text[:-1] + "+00:00" if text.endswith("Z") else text
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return float("-inf")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.timestamp()


def _order(event: dict[str, Any]) -> tuple[float, str]:
    return (_timestamp(event.get("EventTime")), str(event.get("EventId", "")))


# The latest event of a group, per group: every member of a group (a ``lookup`` list)
# asks for it. The group is kept (its id cannot be reused while it is) with its length;
# snapshot data is not changed while rules run.
_LATEST: dict[int, tuple[list[Any], int, Any]] = {}


def _latest(group: list[Any]) -> Any:
    found = _LATEST.get(id(group))
    if found is not None and found[0] is group and found[1] == len(group):
        return found[2]
    latest = max((e for e in group if isinstance(e, dict)), key=_order, default=None)
    if len(_LATEST) >= 1024:
        _LATEST.clear()
    _LATEST[id(group)] = (group, len(group), latest)
    return latest


def sts_latest_in_group(event: Any, group: Any) -> bool:
    """Whether ``event`` is the newest of its group (``EventTime``, then ``EventId``)."""
    if not isinstance(event, dict) or not isinstance(group, list) or not group:
        return True
    latest = _latest(group)
    return latest is None or str(latest.get("EventId")) == str(event.get("EventId"))


_ANY = {"types": ["string", "object", "null"]}
_STR = {"types": ["string"]}

FUNCTIONS = {
    "iam_saml_endpoint": (iam_saml_endpoint, [_STR]),
    "iam_saml_trusted": (iam_saml_trusted, [_ANY]),
    "iam_saml_audiences": (iam_saml_audiences, [_ANY]),
    "iam_saml_accepts": (iam_saml_accepts, [_ANY, _STR]),
    "iam_region_blocks": (iam_region_blocks, [_ANY, _STR]),
    "iam_source_region_arns": (iam_source_region_arns, [_ANY, _STR, _STR]),
    "sts_global_caller": (sts_global_caller, [{"types": ["object", "null"]}]),
    "sts_event_info": (sts_event_info, [{"types": ["object", "null"]}]),
    "sts_latest_in_group": (
        sts_latest_in_group,
        [{"types": ["object", "null"]}, {"types": ["array", "null"]}],
    ),
}
