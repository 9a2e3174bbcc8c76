"""Engine shortcuts against what they stand for: results made from a prototype
(engine._result_maker) against Result(...), inline predicates against OPERATORS."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regionready import engine
from regionready.model import Result, Severity, Status, fingerprint
from regionready.operators import OPERATORS

CONSTANTS = {
    "rule_id": "ACM-001",
    "status": Status.NOT_APPLICABLE,
    "severity": Severity.HIGH,
    "service": "acm",
    "kind": "readiness",
    "message": "not in scope of this check",
    "account": "111111111111",
    "region": "eu-west-1",
    "resource_type": "acm.certificate",
    "source_region": "us-east-1",
    "target_region": "eu-west-1",
}
text = st.text(max_size=40)


@given(text, text, text, text, text, text)
def test_fingerprinter_is_the_fingerprint(
    rule_id: str, account: str, key: str, source: str, target: str, other: str
) -> None:
    hashed = engine._fingerprinter(rule_id, account, source, target)
    assert hashed(key) == fingerprint(rule_id, account, key, source, target)
    assert hashed(other) == fingerprint(rule_id, account, other, source, target)


@given(text, text)
def test_made_results_are_constructed_results(resource_id: str, key: str) -> None:
    make = engine._result_maker(**CONSTANTS)
    made = make(resource_id, key)
    built = Result(resource_id=resource_id, correlation_key=key, **CONSTANTS)
    assert type(made) is Result
    assert list(vars(made).items()) == list(vars(built).items())  # the fields, in order
    assert made == built
    assert made.to_dict() == built.to_dict()


def test_made_results_have_their_own_mutable_fields() -> None:
    make = engine._result_maker(**CONSTANTS)
    first, second = make("a", "a"), make("b", "b")
    assert first.details is not second.details
    assert first.blocked_by is not second.blocked_by
    first.details["x"] = 1
    first.blocked_by.append("y")
    assert second.details == {} and second.blocked_by == []
    assert make("c", "c").details == {}


def test_unknown_fresh_defaults_fall_back_to_the_constructor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engine, "_FRESH_FIELDS", {"blocked_by", "details", "new"})
    make = engine._result_maker(**CONSTANTS)
    made = make("a", "k")
    assert made == Result(resource_id="a", correlation_key="k", **CONSTANTS)


json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=10,
)


@given(json_values, st.text(max_size=5) | st.booleans() | json_values)
def test_inline_predicates_are_the_operators(left: Any, constant: Any) -> None:
    def searched(text: str, exc: Exception) -> engine.EvaluationError:
        return engine.EvaluationError(text)

    for op in ("present", "absent", "eq", "ne"):
        inline = engine._inline_predicate(op, "k", lambda data: data, constant, searched)
        if inline is None:
            assert op in ("eq", "ne") and type(constant) not in (str, bool)
            continue
        want = OPERATORS[op].test(left, constant)
        assert inline(left) is bool(want)


events = st.lists(
    st.fixed_dictionaries(
        {
            "EventId": st.text(max_size=3),
            "EventTime": st.none() | st.integers() | st.sampled_from(["2026-01-01T00:00:00Z", "x"]),
        }
    )
    | json_scalars,
    max_size=6,
)


@given(events, st.integers(min_value=0, max_value=5))
def test_latest_in_group_kept_per_group_is_computed_again(group: list[Any], pick: int) -> None:
    from regionready import fn_iam

    def uncached(event: Any, members: Any) -> bool:
        dicts = [e for e in members if isinstance(e, dict)]
        latest = max(dicts, key=fn_iam._order, default=None)
        return latest is None or str(latest.get("EventId")) == str(event.get("EventId"))

    for event in [e for e in group if isinstance(e, dict)] + [{"EventId": "z"}]:
        assert fn_iam.sts_latest_in_group(event, group) is uncached(event, group) or not group
    group.append({"EventId": "new", "EventTime": float("inf")})  # a longer group: computed again
    assert fn_iam.sts_latest_in_group({"EventId": "new"}, group) is True
