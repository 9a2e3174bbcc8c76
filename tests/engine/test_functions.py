import datetime as dt
import json

import jmespath
import pytest

from regionready.engine.functions import (
    RegionReadyFunctions,
    arn_region,
    function_names,
    normalize_policy,
    parse_time,
)

NOW = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)


def search(expr: str, data: object, clock: dt.datetime = NOW) -> object:
    options = jmespath.Options(custom_functions=RegionReadyFunctions(clock))
    return jmespath.search(expr, data, options=options)


def test_days_until_counts_from_the_clock_given() -> None:
    data = {"NotAfter": "2026-12-03T00:00:00Z"}
    assert search("days_until(NotAfter)", data) == 10
    later = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    assert search("days_until(NotAfter)", data, later) == 2
    assert search("days_until(Missing)", data) is None


def test_days_until_accepts_offsets_and_epoch_seconds() -> None:
    assert search("days_until(t)", {"t": "2026-11-24T02:00:00+02:00"}) == 1
    epoch = NOW.timestamp() + 86400 * 3
    assert search("days_until(t)", {"t": epoch}) == 3


def test_parse_time_rejects_garbage() -> None:
    assert parse_time("not a time") is None
    assert parse_time(True) is None
    assert parse_time("2026-01-01") == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("arn", "region"),
    [
        ("arn:aws:kms:eu-central-1:111111111111:key/abc", "eu-central-1"),
        ("arn:aws:iam::111111111111:role/x", ""),
        ("arn:aws-cn:acm:cn-north-1:1:certificate/x", "cn-north-1"),
        ("not-an-arn", None),
        (None, None),
    ],
)
def test_arn_region(arn: str | None, region: str | None) -> None:
    assert arn_region(arn) == region


def test_normalize_policy_ignores_order_whitespace_and_one_element_lists() -> None:
    a = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "A", "Effect": "Allow", "Action": "kms:Decrypt", "Principal": {"AWS": "x"}},
            {"Sid": "B", "Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt"]},
        ],
    }
    b = {
        "Statement": [
            {"Effect": "Allow", "Sid": "B", "Action": ["kms:Decrypt", "kms:Encrypt"]},
            {"Sid": "A", "Effect": "Allow", "Action": ["kms:Decrypt"], "Principal": {"AWS": ["x"]}},
        ],
        "Version": "2012-10-17",
    }
    assert normalize_policy(json.dumps(a)) == normalize_policy(json.dumps(b, indent=4))


def test_normalize_policy_maps_the_region_but_keeps_real_differences() -> None:
    src = '{"Statement": {"Effect": "Allow", "Resource": "arn:aws:kms:me-central-1:1:key/k"}}'
    tgt = '{"Statement": [{"Effect": "Allow", "Resource": "arn:aws:kms:eu-central-1:1:key/k"}]}'
    assert normalize_policy(src, "me-central-1") == normalize_policy(tgt, "eu-central-1")
    assert normalize_policy(src, "me-central-1") != normalize_policy(tgt, "us-east-1")
    deny = tgt.replace("Allow", "Deny")
    assert normalize_policy(src, "me-central-1") != normalize_policy(deny, "eu-central-1")


def test_normalize_policy_handles_missing_and_invalid() -> None:
    assert normalize_policy(None) is None
    assert normalize_policy(" not json ") == "not json"


def test_sorted_set_and_from_json() -> None:
    assert search("sorted_set(a)", {"a": ["b", "a", "b"]}) == search(
        "sorted_set(c)", {"c": ["a", "b"]}
    )
    assert search("sorted_set(missing)", {}) == []
    assert search("from_json(p).Version", {"p": '{"Version": "1"}'}) == "1"


def test_function_names_finds_nested_calls() -> None:
    assert function_names("length(sort(a)) > `1` && days_until(b) < `2`") == {
        "length",
        "sort",
        "days_until",
    }
