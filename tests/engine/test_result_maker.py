"""Results made from a prototype (engine._result_maker) are the ones Result(...) makes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regionready import engine
from regionready.model import Result, Severity, Status, fingerprint

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
