"""regionready.engine.eventpattern (EventBridge content filtering) and GEN-003's
``event_pattern_sources``, which asks it which security services a pattern receives."""

from __future__ import annotations

import json
from typing import Any

import jmespath
import pytest

from regionready.engine import eventpattern
from regionready.engine.eventpattern import admits, alternatives, matches, parse
from regionready.engine.functions import (
    RegionReadyFunctions,
    event_pattern_sources,
    receives_events_of,
    service_events,
)
from regionready.engine.functions import acm as fn_acm

SECURITY = ["aws.acm", "aws.access-analyzer", "aws.guardduty", "aws.securityhub", "aws.kms"]

EVENT: dict[str, Any] = {
    "version": "0",
    "source": "aws.guardduty",
    "detail-type": "GuardDuty Finding",
    "account": "111111111111",
    "region": "me-central-1",
    "resources": ["arn:aws:ec2:me-central-1:111111111111:instance/i-1", "arn:aws:s3:::b"],
    "detail": {
        "severity": 8.5,
        "count": 3,
        "type": "UnauthorizedAccess:EC2/SSHBruteForce",
        "archived": False,
        "note": None,
        "title": "",
        "path": "a*b\\c",
        "ip": "10.0.0.33",
        "ip6": "2001:db8::1",
        "tags": ["prod", "pci"],
        "service": {"action": {"actionType": "NETWORK_CONNECTION"}},
        "findings": [
            {"Severity": {"Label": "HIGH"}, "Workflow": {"Status": "NEW"}},
            {"Severity": {"Label": "LOW"}, "Workflow": {"Status": "RESOLVED"}},
        ],
    },
}


def _detail(field: str, *matchers: Any) -> dict[str, Any]:
    return {"detail": {field: list(matchers)}}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        # exact values: type and value, arrays by intersection
        ({"source": ["aws.guardduty"]}, True),
        ({"source": ["aws.kms", "aws.guardduty"]}, True),
        ({"source": ["AWS.GUARDDUTY"]}, False),
        ({"resources": ["arn:aws:s3:::b"]}, True),
        ({"resources": ["arn:aws:s3:::other"]}, False),
        (_detail("count", 3), True),
        (_detail("count", 3.0), True),
        (_detail("count", "3"), False),
        (_detail("archived", False), True),
        (_detail("archived", 0), False),
        (_detail("count", True), False),
        (_detail("note", None), True),
        (_detail("title", ""), True),
        (_detail("title", None), False),
        (_detail("tags", "pci"), True),
        # prefix, suffix (with and without equals-ignore-case)
        ({"source": [{"prefix": "aws.guard"}]}, True),
        ({"source": [{"prefix": "aws.kms"}]}, False),
        ({"source": [{"prefix": {"equals-ignore-case": "AWS.GUARD"}}]}, True),
        ({"source": [{"prefix": "AWS.GUARD"}]}, False),
        ({"source": [{"suffix": ".guardduty"}]}, True),
        ({"source": [{"suffix": {"equals-ignore-case": "GuardDuty"}}]}, True),
        ({"source": [{"suffix": "GuardDuty"}]}, False),
        (_detail("count", {"prefix": "3"}), False),
        # equals-ignore-case
        ({"detail-type": [{"equals-ignore-case": "guardduty finding"}]}, True),
        ({"detail-type": [{"equals-ignore-case": "guardduty"}]}, False),
        # wildcard: only * is special; \* and \\ are escapes
        ({"detail-type": [{"wildcard": "GuardDuty *"}]}, True),
        ({"source": [{"wildcard": "aws.*duty"}]}, True),
        ({"source": [{"wildcard": "aws.*"}]}, True),
        ({"source": [{"wildcard": "aws.guard"}]}, False),
        ({"source": [{"wildcard": "aws.guard?uty"}]}, False),
        ({"source": [{"wildcard": "aws.guard[d]uty"}]}, False),
        (_detail("path", {"wildcard": "a\\*b\\\\c"}), True),
        (_detail("path", {"wildcard": "a\\*b*"}), True),
        (_detail("path", {"wildcard": "ax*"}), False),
        # anything-but: value, list, numbers, prefix/suffix/ignore-case/wildcard forms
        ({"source": [{"anything-but": "aws.kms"}]}, True),
        ({"source": [{"anything-but": "aws.guardduty"}]}, False),
        ({"source": [{"anything-but": ["aws.kms", "aws.acm"]}]}, True),
        ({"source": [{"anything-but": ["aws.kms", "aws.guardduty"]}]}, False),
        (_detail("count", {"anything-but": [1, 2]}), True),
        (_detail("count", {"anything-but": 3}), False),
        ({"source": [{"anything-but": {"prefix": "aws."}}]}, False),
        ({"source": [{"anything-but": {"prefix": "custom."}}]}, True),
        ({"source": [{"anything-but": {"suffix": ".guardduty"}}]}, False),
        ({"source": [{"anything-but": {"equals-ignore-case": ["AWS.GUARDDUTY"]}}]}, False),
        ({"source": [{"anything-but": {"equals-ignore-case": "AWS.KMS"}}]}, True),
        ({"source": [{"anything-but": {"wildcard": "aws.*"}}]}, False),
        ({"source": [{"anything-but": {"wildcard": ["custom.*", "aws.k*"]}}]}, True),
        (_detail("missing", {"anything-but": "x"}), False),
        (_detail("tags", {"anything-but": "prod"}), True),
        # numeric
        (_detail("severity", {"numeric": [">=", 7]}), True),
        (_detail("severity", {"numeric": [">", 0, "<=", 5]}), False),
        (_detail("count", {"numeric": ["=", 3]}), True),
        (_detail("count", {"numeric": ["<", 3]}), False),
        (_detail("type", {"numeric": [">", 0]}), False),
        (_detail("archived", {"numeric": ["<", 1]}), False),
        # cidr
        (_detail("ip", {"cidr": "10.0.0.0/24"}), True),
        (_detail("ip", {"cidr": "10.0.1.0/24"}), False),
        (_detail("ip6", {"cidr": "2001:db8::/32"}), True),
        (_detail("ip6", {"cidr": "10.0.0.0/8"}), False),
        (_detail("type", {"cidr": "10.0.0.0/8"}), False),
        # exists: leaf values only
        (_detail("severity", {"exists": True}), True),
        (_detail("missing", {"exists": True}), False),
        (_detail("missing", {"exists": False}), True),
        (_detail("note", {"exists": True}), True),
        (_detail("service", {"exists": True}), False),
        (_detail("service", {"exists": False}), True),
        ({"nothing": {"below": [{"exists": False}]}}, True),
        ({"nothing": {"below": [{"exists": True}]}}, False),
        # nested objects, arrays of objects (array-consistent)
        ({"detail": {"service": {"action": {"actionType": ["NETWORK_CONNECTION"]}}}}, True),
        ({"detail": {"findings": {"Severity": {"Label": ["HIGH"]}}}}, True),
        (
            {
                "detail": {
                    "findings": {
                        "Severity": {"Label": ["HIGH"]},
                        "Workflow": {"Status": ["RESOLVED"]},
                    }
                }
            },
            False,
        ),
        ({"detail": ["not-an-object"]}, False),
        ({"detail": {"type": {"nested": ["x"]}}}, False),
        # $or, at the top and nested
        ({"$or": [{"source": ["aws.kms"]}, {"detail-type": ["GuardDuty Finding"]}]}, True),
        ({"$or": [{"source": ["aws.kms"]}, {"source": ["aws.acm"]}]}, False),
        (
            {
                "source": ["aws.guardduty"],
                "detail": {"$or": [{"count": [{"numeric": [">", 5]}]}, {"tags": ["pci"]}]},
            },
            True,
        ),
        # every field must match
        ({"source": ["aws.guardduty"], "detail-type": ["Other"]}, False),
        ({"source": ["aws.guardduty"], "detail": {"severity": [{"numeric": [">", 8]}]}}, True),
    ],
)
def test_matches(pattern: dict[str, Any], expected: bool) -> None:
    assert matches(pattern, EVENT) is expected


def test_matches_needs_objects() -> None:
    assert not matches(None, EVENT)
    assert not matches({"source": ["aws.guardduty"]}, "event")
    assert matches({}, EVENT)


def test_parse() -> None:
    assert parse('{"source": ["aws.kms"]}') == {"source": ["aws.kms"]}
    assert parse("{not json") is None
    assert parse({"a": [1]}) == {"a": [1]}
    assert parse(None) is None


@pytest.mark.parametrize(
    ("pattern", "fields", "expected"),
    [
        ({"source": ["aws.kms"], "detail-type": ["KMS CMK Deletion"]}, {"source": "aws.kms"}, True),
        ({"source": ["aws.kms"]}, {"source": "aws.acm"}, False),
        ({"detail-type": ["GuardDuty Finding"]}, {"source": "aws.guardduty"}, True),
        ({"source": [{"prefix": "aws.guard"}]}, {"source": "aws.guardduty"}, True),
        ({"source": [{"anything-but": "aws.guardduty"}]}, {"source": "aws.guardduty"}, False),
        # a field given as absent-by-structure (a scalar where the pattern nests) is closed
        ({"detail": {"x": ["y"]}}, {"detail": "scalar"}, False),
        # partly given nested fields: the rest stays free
        (
            {
                "detail": {
                    "eventSource": ["kms.amazonaws.com"],
                    "eventName": ["ScheduleKeyDeletion"],
                }
            },
            {"detail": {"eventSource": "kms.amazonaws.com"}},
            True,
        ),
        (
            {"detail": {"eventSource": ["ec2.amazonaws.com"]}},
            {"detail": {"eventSource": "kms.amazonaws.com"}},
            False,
        ),
        ({"$or": [{"source": ["aws.kms"]}, {"source": ["aws.acm"]}]}, {"source": "aws.acm"}, True),
        ({"$or": [{"source": ["aws.kms"]}, {"source": ["aws.acm"]}]}, {"source": "aws.ec2"}, False),
        ({"source": [{"exists": False}]}, {"source": "aws.kms"}, False),
    ],
)
def test_admits_leaves_fields_not_given_free(
    pattern: dict[str, Any], fields: dict[str, Any], expected: bool
) -> None:
    assert admits(pattern, fields) is expected


def test_alternatives_multiply_out_the_top_level_or() -> None:
    pattern = {
        "source": ["aws.kms"],
        "$or": [{"detail-type": ["A"]}, {"$or": [{"region": ["r1"]}, {"region": ["r2"]}]}],
    }
    assert alternatives(pattern) == [
        [{"source": ["aws.kms"]}, {"detail-type": ["A"]}],
        [{"source": ["aws.kms"]}, {"region": ["r1"]}],
        [{"source": ["aws.kms"]}, {"region": ["r2"]}],
    ]
    assert alternatives({"source": ["x"]}) == [[{"source": ["x"]}]]
    assert alternatives("nope") == []
    # "$or" that is not a list of patterns is a plain field name, as in EventBridge
    assert alternatives({"$or": {"a": ["b"]}}) == [[{"$or": {"a": ["b"]}}]]


def test_acm_016_uses_the_shared_matcher() -> None:
    assert fn_acm.event_pattern_matches is eventpattern.matches


# --------------------------------------------------------------------------- GEN-003


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ({"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"]}, ["aws.guardduty"]),
        ({"source": ["aws.ec2", "aws.securityhub"]}, ["aws.securityhub"]),
        ({"source": ["aws.ec2"]}, []),
        ({"source": [{"prefix": "aws.guardduty"}]}, ["aws.guardduty"]),
        ({"source": [{"prefix": "aws.ec"}]}, []),
        ({"source": [{"prefix": "aws."}]}, SECURITY),
        ({"source": [{"wildcard": "aws.security*"}]}, ["aws.securityhub"]),
        ({"source": [{"equals-ignore-case": "AWS.KMS"}]}, ["aws.kms"]),
        (
            {"source": [{"anything-but": ["aws.ec2"]}], "detail-type": ["GuardDuty Finding"]},
            ["aws.guardduty"],
        ),
        ({"source": [{"anything-but": "aws.guardduty"}], "detail-type": ["GuardDuty Finding"]}, []),
        ({"source": [{"anything-but": {"prefix": "aws."}}]}, []),
        ({"source": [{"anything-but": "aws.ec2"}]}, SECURITY),
        # detail-type only: the service that sends it
        ({"detail-type": ["GuardDuty Finding"]}, ["aws.guardduty"]),
        ({"detail-type": [{"prefix": "ACM Certificate"}]}, ["aws.acm"]),
        ({"detail-type": ["EC2 Instance State-change Notification"]}, []),
        (
            {
                "detail-type": ["AWS API Call via CloudTrail"],
                "detail": {"eventSource": ["kms.amazonaws.com"]},
            },
            ["aws.kms"],
        ),
        (
            {
                "detail-type": ["AWS API Call via CloudTrail"],
                "detail": {"eventSource": ["ec2.amazonaws.com"]},
            },
            [],
        ),
        # a source that names the service keeps a detail-type the list does not know
        (
            {"source": ["aws.guardduty"], "detail-type": ["GuardDuty Future Event"]},
            ["aws.guardduty"],
        ),
        # ... but a broad source filter does not
        ({"source": [{"prefix": "aws."}], "detail-type": ["Some Future Event"]}, []),
        # $or alternatives are judged one by one
        (
            {
                "$or": [
                    {"source": ["aws.kms"], "detail-type": ["KMS Future Event"]},
                    {"detail-type": ["Custom Event"]},
                ]
            },
            ["aws.kms"],
        ),
        # a pattern that can never let the source through
        ({"source": ["aws.kms"], "$or": [{"source": [{"anything-but": "aws.kms"}]}]}, []),
        ({"account": ["111111111111"]}, SECURITY),
    ],
)
def test_event_pattern_sources(pattern: dict[str, Any], expected: list[str]) -> None:
    assert event_pattern_sources(pattern, SECURITY) == expected
    assert event_pattern_sources(json.dumps(pattern), SECURITY) == expected


def test_event_pattern_sources_without_a_pattern() -> None:
    assert event_pattern_sources(None, SECURITY) == []
    assert event_pattern_sources("{not json", SECURITY) == []
    assert event_pattern_sources('["aws.kms"]', SECURITY) == []
    assert event_pattern_sources({"source": ["aws.kms"]}, None) == []
    assert not receives_events_of(None, "aws.kms")


def test_service_events() -> None:
    events = service_events("aws.kms")
    assert {"source": "aws.kms", "detail-type": "KMS CMK Deletion"} in events
    assert {
        "source": "aws.kms",
        "detail-type": "AWS API Call via CloudTrail",
        "detail": {"eventSource": "kms.amazonaws.com"},
    } in events
    assert service_events("custom.app") == []


def test_function_is_registered_with_the_engine() -> None:
    options = jmespath.Options(custom_functions=RegionReadyFunctions())
    rule = {"EventPattern": '{"source": [{"prefix": "aws.guardduty"}]}'}
    found = jmespath.search(
        "event_pattern_sources(EventPattern, ['aws.kms', 'aws.guardduty'])", rule, options=options
    )
    assert found == ["aws.guardduty"]
    assert jmespath.search("event_pattern_sources(Missing, ['aws.kms'])", {}, options=options) == []
