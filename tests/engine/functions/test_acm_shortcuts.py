"""ACM-016's shortcuts (patterns parsed once, verdicts shared, one day when the pattern
ignores DaysToExpiry) against the plain definition: every one of the 46 days' events."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from regionready.engine.functions import acm as fn_acm


def receives(rule: Any, arn: str, name: str | None) -> bool:
    """The shortcut version: ``acm_expiry_rules`` of the one rule."""
    return bool(fn_acm.acm_expiry_rules([rule], arn, name))


ARNS = [
    "arn:aws:acm:eu-central-1:111111111111:certificate/pay",
    "arn:aws:acm:eu-central-1:222222222222:certificate/web",
    "arn:aws:acm:me-central-1:111111111111:certificate/pay",
    "not-an-arn",
]
NAMES = [None, "", "pay.example.com", "web.example.com"]


def reference(rule: Any, arn: str, name: str | None) -> bool:
    """Whether ``rule`` receives the certificate's expiry event, as first written: parse,
    then try all 46 days."""
    if not isinstance(rule, dict):
        return False
    if not str(rule.get("State") or "").startswith("ENABLED"):
        return False
    bus = rule.get("EventBusName") or fn_acm.DEFAULT_BUS
    if bus != fn_acm.DEFAULT_BUS and not str(bus).endswith(":event-bus/default"):
        return False
    pattern = rule.get("EventPattern")
    if isinstance(pattern, str):
        try:
            pattern = json.loads(pattern)
        except json.JSONDecodeError:
            return False
    if not isinstance(pattern, dict):
        return False
    return any(
        fn_acm.event_pattern_matches(pattern, fn_acm.expiry_event(arn, name, days))
        for days in range(fn_acm.EXPIRY_NOTICE_DAYS, -1, -1)
    )


matchers = st.one_of(
    st.sampled_from(["aws.acm", "aws.kms", fn_acm.EXPIRY_DETAIL_TYPE, "111111111111"]),
    st.sampled_from([*ARNS, "eu-central-1", "me-central-1", "pay.example.com", 5, 30, 45]),
    st.builds(lambda p: {"prefix": p}, st.sampled_from(["aws.", "arn:aws:acm:eu", "pay", ""])),
    st.builds(lambda p: {"suffix": p}, st.sampled_from(["/pay", ".com", "acm"])),
    st.builds(lambda p: {"anything-but": p}, st.sampled_from(["aws.kms", ["pay.example.com"]])),
    st.builds(lambda e: {"exists": e}, st.booleans()),
    st.builds(
        lambda op, n: {"numeric": [op, n]},
        st.sampled_from(["<", "<=", "=", ">", ">="]),
        st.integers(min_value=-1, max_value=50),
    ),
    st.builds(lambda w: {"wildcard": w}, st.sampled_from(["*pay*", "arn:*:acm:*", "*.com"])),
)
fields = st.lists(matchers, min_size=1, max_size=3)
details = st.dictionaries(st.sampled_from(["DaysToExpiry", "CommonName", "Other"]), fields)
top_keys = st.sampled_from(["source", "detail-type", "resources", "account", "region", "id"])
flat = st.dictionaries(top_keys, fields, max_size=3)
pattern_dicts = st.builds(
    lambda base, detail, alternatives: {
        **base,
        **({"detail": detail} if detail else {}),
        **({"$or": alternatives} if alternatives else {}),
    },
    flat,
    details,
    st.lists(st.one_of(flat, st.builds(lambda d: {"detail": d}, details)), max_size=2),
)
rules_strategy = st.builds(
    lambda pattern, as_text, state, bus: {
        "Name": "r",
        "State": state,
        "EventBusName": bus,
        "EventPattern": json.dumps(pattern) if as_text else pattern,
    },
    pattern_dicts,
    st.booleans(),
    st.sampled_from(["ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"]),
    st.sampled_from(["default", None, "custom"]),
)


@settings(max_examples=400, deadline=None)
@given(rule=rules_strategy)
def test_shortcuts_give_the_verdict_of_every_day(rule: dict[str, Any]) -> None:
    for arn in ARNS:
        for name in NAMES:
            want = reference(rule, arn, name)
            assert receives(rule, arn, name) is want, (arn, name)
            assert receives(rule, arn, name) is want  # a kept verdict too


def test_a_day_dependent_pattern_is_tried_on_every_day() -> None:
    pattern = {
        "source": ["aws.acm"],
        "resources": [ARNS[0]],
        "detail": {"DaysToExpiry": [{"numeric": ["<=", 3]}]},
    }
    rule = {"Name": "late", "State": "ENABLED", "EventPattern": json.dumps(pattern)}
    assert receives(rule, ARNS[0], None) is True
    assert receives(rule, ARNS[1], None) is False
    late = {**pattern, "detail": {"DaysToExpiry": [{"numeric": ["<", 0]}]}}
    assert receives({**rule, "EventPattern": json.dumps(late)}, ARNS[0], None) is (
        reference({**rule, "EventPattern": json.dumps(late)}, ARNS[0], None)
    )
