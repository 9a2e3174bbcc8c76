"""The IAM rule functions: SAML audiences, Region restrictions, ARNs, STS events."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regionready.engine.functions import CUSTOM_FUNCTIONS
from regionready.engine.functions import iam as fn_iam
from regionready.engine.functions.iam import (
    actions_covered,
    condition_holds,
    iam_region_blocks,
    iam_saml_accepts,
    iam_saml_audiences,
    iam_saml_endpoint,
    iam_saml_trusted,
    iam_source_region_arns,
    parse_operator,
    sts_event_info,
    sts_global_caller,
    sts_latest_in_group,
)

SOURCE = "me-central-1"
TARGET = "eu-central-1"
PROVIDER = "arn:aws:iam::111111111111:saml-provider/corp-idp"
US_EAST_1_SAML = "https://signin.aws.amazon.com/saml"
TARGET_SAML = f"https://{TARGET}.signin.aws.amazon.com/saml"


def policy(*stmts: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(stmts)}


def region_stmt(
    effect: str, operator: str, regions: Any, *, sid: str | None = "S", **extra: Any
) -> dict[str, Any]:
    stmt: dict[str, Any] = {
        "Effect": effect,
        "Action": "*",
        "Resource": "*",
        "Condition": {operator: {"aws:RequestedRegion": regions}},
    }
    if sid:
        stmt["Sid"] = sid
    stmt.update(extra)
    return stmt


def saml_trust(*conditions: dict[str, Any] | None) -> dict[str, Any]:
    stmts = []
    for cond in conditions:
        stmt: dict[str, Any] = {
            "Effect": "Allow",
            "Principal": {"Federated": PROVIDER},
            "Action": "sts:AssumeRoleWithSAML",
        }
        if cond is not None:
            stmt["Condition"] = cond
        stmts.append(stmt)
    return policy(*stmts)


# --------------------------------------------------------------------------- registry


def test_functions_are_registered_for_rules() -> None:
    assert set(fn_iam.FUNCTIONS) <= set(CUSTOM_FUNCTIONS)


# --------------------------------------------------------------------------- operators


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("StringEquals", ("stringequals", False, False, False, None, False)),
        ("StringNotLike", ("stringnotlike", True, False, True, None, False)),
        ("ForAnyValue:StringLike", ("stringlike", False, False, True, "any", False)),
        ("ForAllValues:StringNotEquals", ("stringnotequals", True, False, False, "all", False)),
        ("StringNotEqualsIfExists", ("stringnotequals", True, False, False, None, True)),
        ("stringequalsignorecase", ("stringequalsignorecase", False, True, False, None, False)),
    ],
)
def test_parse_operator(name: str, expected: tuple[Any, ...]) -> None:
    op = parse_operator(name)
    assert op is not None
    assert (op.base, op.negated, op.ignore_case, op.like, op.set_op, op.if_exists) == expected


@pytest.mark.parametrize("name", ["ArnLike", "NumericEquals", "Bool", "ForAnyValue:Null"])
def test_unknown_operators_are_not_guessed(name: str) -> None:
    assert parse_operator(name) is None
    assert condition_holds(name, ["x"], ["x"]) is None


@pytest.mark.parametrize(
    ("operator", "values", "in_request", "holds"),
    [
        ("StringEquals", ["a", "b"], ["b"], True),
        ("StringEquals", "a", ["b"], False),
        ("StringNotEquals", ["a"], ["b"], True),
        ("StringNotEquals", ["a", "b"], ["b"], False),
        ("StringLike", ["eu-*"], ["eu-central-1"], True),
        ("StringLike", ["eu-?entral-1"], ["eu-central-1"], True),
        ("StringLike", ["eu-*"], ["me-central-1"], False),
        ("StringNotLike", ["eu-*", "me-*"], ["eu-central-1"], False),
        ("StringNotLike", ["us-*"], ["eu-central-1"], True),
        ("StringLike", ["[ab]"], ["a"], False),  # no character classes in IAM
        ("StringEqualsIgnoreCase", ["EU-Central-1"], ["eu-central-1"], True),
        ("StringEquals", ["EU-Central-1"], ["eu-central-1"], False),
        ("ForAnyValue:StringEquals", ["a"], ["a"], True),
        ("ForAllValues:StringLike", ["eu-*"], ["eu-west-1", "eu-central-1"], True),
        ("ForAllValues:StringLike", ["eu-*"], ["eu-west-1", "us-east-1"], False),
        ("ForAnyValue:StringLike", ["eu-*"], ["us-east-1", "eu-west-1"], True),
        ("StringEqualsIfExists", ["a"], ["b"], False),
        # the key is absent from the request
        ("StringEquals", ["a"], None, False),
        ("StringNotEquals", ["a"], None, True),
        ("StringEqualsIfExists", ["a"], None, True),
        ("ForAllValues:StringEquals", ["a"], None, True),
        ("ForAnyValue:StringEquals", ["a"], None, False),
        ("Null", "true", None, True),
        ("Null", "true", ["a"], False),
        ("Null", ["false"], ["a"], True),
        ("Null", True, None, True),
    ],
)
def test_condition_holds(
    operator: str, values: Any, in_request: list[str] | None, holds: bool
) -> None:
    assert condition_holds(operator, values, in_request) is holds


# --------------------------------------------------------------------------- IAM-003


def test_deny_string_not_equals_without_target_denies_it() -> None:
    doc = policy(region_stmt("Deny", "StringNotEquals", [SOURCE], sid="DenyOutsideSource"))
    [block] = iam_region_blocks(doc, TARGET)
    assert block.startswith("statement 'DenyOutsideSource' denies eu-central-1")
    assert "StringNotEquals aws:RequestedRegion [me-central-1]" in block
    assert iam_region_blocks(doc, SOURCE) == []


def test_deny_string_not_equals_listing_target_does_not_deny() -> None:
    doc = policy(region_stmt("Deny", "StringNotEquals", [SOURCE, TARGET]))
    assert iam_region_blocks(doc, TARGET) == []


def test_deny_string_equals_naming_target_denies_it() -> None:
    doc = policy(region_stmt("Deny", "StringEquals", TARGET))
    assert len(iam_region_blocks(doc, TARGET)) == 1
    assert iam_region_blocks(doc, SOURCE) == []


@pytest.mark.parametrize(
    ("patterns", "blocked"),
    [(["eu-*"], False), (["me-*"], True), (["eu-central-?", "me-*"], False), (["*"], False)],
)
def test_deny_string_not_like_with_wildcards(patterns: list[str], blocked: bool) -> None:
    doc = policy(region_stmt("Deny", "StringNotLike", patterns))
    assert bool(iam_region_blocks(doc, TARGET)) is blocked


def test_deny_with_not_action_still_denies_the_rest() -> None:
    stmt = region_stmt("Deny", "StringNotEquals", [SOURCE], sid="RegionGuard")
    del stmt["Action"]
    stmt["NotAction"] = ["iam:*", "sts:*", "organizations:*"]
    [block] = iam_region_blocks(policy(stmt), TARGET)
    assert "all actions except iam:*, sts:*, organizations:*" in block


def test_deny_with_not_action_star_denies_nothing() -> None:
    stmt = region_stmt("Deny", "StringNotEquals", [SOURCE])
    del stmt["Action"]
    stmt["NotAction"] = "*"
    assert iam_region_blocks(policy(stmt), TARGET) == []


def test_deny_with_other_conditions_still_counts_and_says_so() -> None:
    stmt = region_stmt("Deny", "StringNotEquals", [SOURCE])
    stmt["Condition"]["ArnNotLike"] = {"aws:PrincipalArn": "arn:aws:iam::*:role/break-glass"}
    [block] = iam_region_blocks(policy(stmt), TARGET)
    assert "when aws:PrincipalArn also match" in block


def test_deny_without_region_condition_is_not_a_region_restriction() -> None:
    doc = policy({"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"})
    assert iam_region_blocks(doc, TARGET) == []


def test_allow_string_equals_only_source_does_not_allow_target() -> None:
    doc = policy(region_stmt("Allow", "StringEquals", SOURCE, sid=None))
    [block] = iam_region_blocks(doc, TARGET)
    assert block.startswith("statement #1 does not allow eu-central-1")
    assert iam_region_blocks(doc, SOURCE) == []


def test_allow_string_like_wildcard_allows_target() -> None:
    doc = policy(region_stmt("Allow", "StringLike", ["eu-*", SOURCE]))
    assert iam_region_blocks(doc, TARGET) == []


def test_allow_restricted_but_another_statement_allows_the_same_actions() -> None:
    restricted = region_stmt("Allow", "StringEquals", [SOURCE], Action=["s3:GetObject"])
    everywhere = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    assert iam_region_blocks(policy(restricted, everywhere), TARGET) == []


def test_allow_restricted_and_the_other_statement_covers_fewer_actions() -> None:
    restricted = region_stmt("Allow", "StringEquals", [SOURCE], sid="Regional", Action="ec2:*")
    narrow = {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}
    [block] = iam_region_blocks(policy(restricted, narrow), TARGET)
    assert "statement 'Regional' does not allow" in block


def test_allow_restricted_and_the_other_statement_is_restricted_too() -> None:
    one = region_stmt("Allow", "StringEquals", [SOURCE], sid="A")
    two = region_stmt("Allow", "StringLike", ["me-*"], sid="B")
    assert len(iam_region_blocks(policy(one, two), TARGET)) == 2


def test_allow_restricted_and_the_other_statement_allows_the_target() -> None:
    one = region_stmt("Allow", "StringEquals", [SOURCE], sid="A")
    two = region_stmt("Allow", "StringEquals", [TARGET], sid="B")
    assert iam_region_blocks(policy(one, two), TARGET) == []


@pytest.mark.parametrize(
    ("operator", "regions", "blocked"),
    [
        ("ForAnyValue:StringEquals", [SOURCE], True),
        ("ForAnyValue:StringEquals", [SOURCE, TARGET], False),
        ("ForAllValues:StringLike", ["me-*"], True),
        ("ForAllValues:StringLike", ["me-*", "eu-*"], False),
        ("StringEqualsIfExists", SOURCE, True),
    ],
)
def test_allow_with_set_operators(operator: str, regions: Any, blocked: bool) -> None:
    doc = policy(region_stmt("Allow", operator, regions))
    assert bool(iam_region_blocks(doc, TARGET)) is blocked


@pytest.mark.parametrize(
    ("operator", "regions", "blocked"),
    [
        ("ForAnyValue:StringNotEquals", [SOURCE], True),
        ("ForAllValues:StringNotEquals", [SOURCE, TARGET], False),
        ("StringNotEqualsIfExists", [SOURCE], True),
    ],
)
def test_deny_with_set_operators(operator: str, regions: Any, blocked: bool) -> None:
    doc = policy(region_stmt("Deny", operator, regions))
    assert bool(iam_region_blocks(doc, TARGET)) is blocked


def test_null_condition_on_the_region_key() -> None:
    # Deny when the key is missing: a request in a Region always has it.
    assert iam_region_blocks(policy(region_stmt("Deny", "Null", "true")), TARGET) == []
    # Allow only when the key is missing: no Region is allowed.
    assert iam_region_blocks(policy(region_stmt("Allow", "Null", "true")), TARGET) != []


def test_several_conditions_on_the_key_must_all_hold() -> None:
    stmt = region_stmt("Deny", "StringNotLike", ["eu-*"])
    stmt["Condition"]["StringNotEquals"] = {"aws:RequestedRegion": [TARGET]}
    assert iam_region_blocks(policy(stmt), TARGET) == []
    assert iam_region_blocks(policy(stmt), "us-west-2") != []


def test_condition_key_is_case_insensitive() -> None:
    stmt = region_stmt("Deny", "StringNotEquals", [SOURCE])
    stmt["Condition"] = {"StringNotEquals": {"AWS:requestedregion": SOURCE}}
    assert iam_region_blocks(policy(stmt), TARGET) != []


def test_unknown_operator_on_the_key_is_left_out() -> None:
    doc = policy(region_stmt("Deny", "ArnNotLike", [SOURCE]))
    assert iam_region_blocks(doc, TARGET) == []


def test_scp_content_as_json_string_and_single_statement_object() -> None:
    content = json.dumps(
        {"Version": "2012-10-17", "Statement": region_stmt("Deny", "StringNotEquals", SOURCE)}
    )
    assert len(iam_region_blocks(content, TARGET)) == 1
    assert iam_region_blocks("not json", TARGET) == []
    assert iam_region_blocks(None, TARGET) == []


def test_several_blocking_statements_are_all_named() -> None:
    doc = policy(
        region_stmt("Deny", "StringNotEquals", [SOURCE], sid="One"),
        region_stmt("Deny", "StringEquals", [TARGET], sid="Two"),
        region_stmt("Deny", "StringEquals", ["us-west-2"], sid="Three"),
    )
    blocks = iam_region_blocks(doc, TARGET)
    assert [b.split(" denies")[0] for b in blocks] == ["statement 'One'", "statement 'Two'"]


@pytest.mark.parametrize(
    ("stmt", "other", "covered"),
    [
        ({"Action": "s3:GetObject"}, {"Action": "s3:*"}, True),
        ({"Action": ["s3:GetObject", "ec2:RunInstances"]}, {"Action": "s3:*"}, False),
        ({"Action": "s3:*"}, {"Action": "*"}, True),
        ({"NotAction": "iam:*"}, {"Action": "*"}, True),
        ({"NotAction": "iam:*"}, {"Action": "s3:*"}, False),
        ({"Action": "s3:GetObject"}, {"NotAction": "iam:*"}, True),
        ({"Action": "iam:PassRole"}, {"NotAction": "iam:*"}, False),
        ({"NotAction": ["iam:*", "sts:*"]}, {"NotAction": "iam:*"}, True),
        ({"NotAction": "iam:*"}, {"NotAction": ["iam:*", "sts:*"]}, False),
        ({"Action": "S3:GetObject"}, {"Action": "s3:getobject"}, True),
    ],
)
def test_actions_covered(stmt: dict[str, Any], other: dict[str, Any], covered: bool) -> None:
    assert actions_covered(stmt, other) is covered


# --------------------------------------------------------------------------- IAM-004


def test_source_arn_without_target_twin_is_reported() -> None:
    arn = f"arn:aws:dynamodb:{SOURCE}:111111111111:table/orders"
    doc = policy({"Sid": "Orders", "Effect": "Allow", "Action": "dynamodb:*", "Resource": arn})
    assert iam_source_region_arns(doc, SOURCE, TARGET) == [f"{arn} (statement 'Orders')"]


@pytest.mark.parametrize(
    "twin",
    [
        f"arn:aws:dynamodb:{TARGET}:111111111111:table/orders",
        "arn:aws:dynamodb:*:111111111111:table/orders",
        "arn:aws:dynamodb:eu-*:111111111111:table/*",
        "*",
    ],
)
def test_source_arn_with_a_target_equivalent_in_the_statement(twin: str) -> None:
    arn = f"arn:aws:dynamodb:{SOURCE}:111111111111:table/orders"
    doc = policy({"Effect": "Allow", "Action": "dynamodb:*", "Resource": [arn, twin]})
    assert iam_source_region_arns(doc, SOURCE, TARGET) == []


def test_twin_in_another_statement_does_not_count() -> None:
    arn = f"arn:aws:sqs:{SOURCE}:111111111111:jobs"
    doc = policy(
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": arn},
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": arn.replace(SOURCE, TARGET)},
    )
    assert iam_source_region_arns(doc, SOURCE, TARGET) == [f"{arn} (statement #1)"]


def test_twin_for_another_resource_does_not_count() -> None:
    arn = f"arn:aws:dynamodb:{SOURCE}:111111111111:table/orders"
    other = f"arn:aws:dynamodb:{TARGET}:111111111111:table/customers"
    doc = policy({"Effect": "Deny", "Action": "dynamodb:DeleteTable", "Resource": [arn, other]})
    assert len(iam_source_region_arns(doc, SOURCE, TARGET)) == 1


def test_global_and_other_region_arns_are_ignored() -> None:
    doc = policy(
        {
            "Effect": "Allow",
            "Action": "*",
            "Resource": [
                "arn:aws:s3:::my-bucket/*",
                "arn:aws:iam::111111111111:role/app",
                "arn:aws:sqs:us-west-2:111111111111:jobs",
                "*",
            ],
        }
    )
    assert iam_source_region_arns(doc, SOURCE, TARGET) == []


def test_not_resource_is_not_a_named_resource() -> None:
    arn = f"arn:aws:sqs:{SOURCE}:111111111111:jobs"
    doc = policy({"Effect": "Deny", "Action": "sqs:*", "NotResource": arn})
    assert iam_source_region_arns(doc, SOURCE, TARGET) == []


# --------------------------------------------------------------------------- SAML


def test_saml_endpoint_of_us_east_1_has_no_region_code() -> None:
    assert iam_saml_endpoint("us-east-1") == US_EAST_1_SAML
    assert iam_saml_endpoint(TARGET) == TARGET_SAML


def test_saml_trust_needs_a_saml_provider_and_the_saml_action() -> None:
    assert iam_saml_trusted(saml_trust({"StringEquals": {"SAML:aud": US_EAST_1_SAML}}))
    oidc = policy(
        {
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::111111111111:oidc-provider/example.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
        }
    )
    service = policy(
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    )
    wrong_action = policy(
        {"Effect": "Allow", "Principal": {"Federated": PROVIDER}, "Action": "sts:AssumeRole"}
    )
    assert not iam_saml_trusted(oidc)
    assert not iam_saml_trusted(service)
    assert not iam_saml_trusted(wrong_action)
    assert iam_saml_audiences(service) is None
    assert iam_saml_accepts(service, US_EAST_1_SAML) is None


def test_saml_trust_with_action_list_wildcard_and_provider_list() -> None:
    doc = policy(
        {
            "Effect": "Allow",
            "Principal": {"Federated": ["arn:aws:iam::111111111111:oidc-provider/x", PROVIDER]},
            "Action": ["sts:TagSession", "sts:AssumeRoleWith*"],
            "Condition": {"StringEquals": {"SAML:aud": US_EAST_1_SAML}},
        }
    )
    assert iam_saml_audiences(doc) == [US_EAST_1_SAML]


@pytest.mark.parametrize(
    ("condition", "audiences", "accepts_target"),
    [
        ({"StringEquals": {"SAML:aud": US_EAST_1_SAML}}, [US_EAST_1_SAML], False),
        ({"StringEquals": {"SAML:aud": [US_EAST_1_SAML]}}, [US_EAST_1_SAML], False),
        (
            {"StringEquals": {"SAML:aud": [US_EAST_1_SAML, TARGET_SAML]}},
            sorted([US_EAST_1_SAML, TARGET_SAML]),
            True,
        ),
        (
            {"StringLike": {"SAML:aud": "https://*signin.aws.amazon.com/saml"}},
            ["https://*signin.aws.amazon.com/saml"],
            True,
        ),
        (
            {"ForAnyValue:StringLike": {"saml:aud": ["https://eu-*.signin.aws.amazon.com/saml"]}},
            ["https://eu-*.signin.aws.amazon.com/saml"],
            True,
        ),
        (None, ["*"], True),
        ({"StringNotEquals": {"SAML:aud": TARGET_SAML}}, ["*"], False),
        ({"StringEquals": {"SAML:sub_type": "persistent"}}, ["*"], True),
    ],
)
def test_saml_audiences_and_acceptance(
    condition: dict[str, Any] | None, audiences: list[str], accepts_target: bool
) -> None:
    doc = saml_trust(condition)
    assert iam_saml_audiences(doc) == audiences
    assert iam_saml_accepts(doc, TARGET_SAML) is accepts_target


def test_several_statements_union_their_audiences() -> None:
    doc = saml_trust(
        {"StringEquals": {"SAML:aud": US_EAST_1_SAML}},
        {"StringEquals": {"SAML:aud": TARGET_SAML}},
    )
    assert iam_saml_audiences(doc) == sorted([US_EAST_1_SAML, TARGET_SAML])
    assert iam_saml_accepts(doc, TARGET_SAML) is True
    assert iam_saml_accepts(doc, iam_saml_endpoint("us-west-2")) is False


def test_unknown_operator_on_the_audience_is_not_acceptance() -> None:
    doc = saml_trust({"ArnLike": {"SAML:aud": TARGET_SAML}})
    assert iam_saml_accepts(doc, TARGET_SAML) is False


def test_trust_policy_as_json_string() -> None:
    doc = json.dumps(saml_trust({"StringEquals": {"SAML:aud": US_EAST_1_SAML}}))
    assert iam_saml_audiences(doc) == [US_EAST_1_SAML]


# --------------------------------------------------------------------------- STS-003


def sts_event(
    event_id: str,
    *,
    host: str = "sts.amazonaws.com",
    region: str = SOURCE,
    arn: str | None = "arn:aws:iam::111111111111:user/deploy",
    when: str = "2026-11-20T10:00:00Z",
) -> dict[str, Any]:
    identity: dict[str, Any] = {"type": "IAMUser", "principalId": "AIDAEXAMPLE"}
    if arn:
        identity["arn"] = arn
    record = {
        "eventSource": "sts.amazonaws.com",
        "awsRegion": region,
        "userIdentity": identity,
        "userAgent": "aws-cli/1.18.69",
        "sourceIPAddress": "203.0.113.10",
        "tlsDetails": {"clientProvidedHostHeader": host},
    }
    return {
        "EventId": event_id,
        "EventName": "AssumeRole",
        "EventTime": when,
        "CloudTrailEvent": json.dumps(record),
    }


def test_global_host_outside_us_east_1_is_grouped_by_caller_and_region() -> None:
    event = sts_event("e1")
    assert sts_global_caller(event) == f"arn:aws:iam::111111111111:user/deploy @ {SOURCE}"
    info = sts_event_info(event)
    assert info["host"] == "sts.amazonaws.com"
    assert (info["userAgent"], info["sourceIPAddress"]) == ("aws-cli/1.18.69", "203.0.113.10")


@pytest.mark.parametrize(
    "event",
    [
        sts_event("e2", region="us-east-1"),
        sts_event("e3", host=f"sts.{SOURCE}.amazonaws.com"),
        {"EventId": "e4", "CloudTrailEvent": "not json"},
        {"EventId": "e5"},
    ],
)
def test_events_that_do_not_count(event: dict[str, Any]) -> None:
    assert sts_global_caller(event) is None


def test_host_header_with_port_and_upper_case() -> None:
    assert sts_global_caller(sts_event("e6", host="STS.amazonaws.com:443")) is not None


def test_caller_falls_back_to_principal_id() -> None:
    assert sts_global_caller(sts_event("e7", arn=None)) == f"AIDAEXAMPLE @ {SOURCE}"


def test_latest_in_group() -> None:
    old = sts_event("a", when="2026-11-19T10:00:00Z")
    new = sts_event("b", when="2026-11-20T10:00:00Z")
    tie = sts_event("c", when="2026-11-20T10:00:00Z")
    assert sts_latest_in_group(new, [old, new]) is True
    assert sts_latest_in_group(old, [old, new]) is False
    assert sts_latest_in_group(tie, [old, new, tie]) is True  # same time: highest EventId
    assert sts_latest_in_group(new, [old, new, tie]) is False
    assert sts_latest_in_group(old, None) is True


json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5)
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


def newest_order(event: dict[str, Any]) -> tuple[float, str]:
    """What "newest" means, written plainly: ``EventTime`` (ISO-8601 or epoch seconds;
    anything else is oldest), then ``EventId``."""
    when = event.get("EventTime")
    seconds = float("-inf")
    if isinstance(when, int | float) and not isinstance(when, bool):
        seconds = float(when)
    elif isinstance(when, str):
        with contextlib.suppress(ValueError):
            seconds = dt.datetime.fromisoformat(when.replace("Z", "+00:00")).timestamp()
    return seconds, str(event.get("EventId", ""))


@given(events, st.integers(min_value=0, max_value=5))
def test_latest_in_group_kept_per_group_is_computed_again(group: list[Any], pick: int) -> None:
    def uncached(event: Any, members: Any) -> bool:
        dicts = [e for e in members if isinstance(e, dict)]
        latest = max(dicts, key=newest_order, default=None)
        return latest is None or str(latest.get("EventId")) == str(event.get("EventId"))

    for event in [e for e in group if isinstance(e, dict)] + [{"EventId": "z"}]:
        assert fn_iam.sts_latest_in_group(event, group) is uncached(event, group) or not group
    group.append({"EventId": "new", "EventTime": float("inf")})  # a longer group: computed again
    assert fn_iam.sts_latest_in_group({"EventId": "new"}, group) is True
