"""The ACM rule functions: DNS names, TLS-only bucket policies, revocation gaps, EventBridge."""

from __future__ import annotations

import json

import jmespath
import pytest

from regionready.engine.functions import RegionReadyFunctions
from regionready.engine.functions.acm import (
    acm_expiry_rules,
    cname_key,
    crl_bucket_gaps,
    denies_insecure_transport,
    dns_name,
    event_pattern_matches,
    revocation_gaps,
)

CERT = "arn:aws:acm:eu-central-1:111111111111:certificate/abc"
TLS_ONLY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::crl", "arn:aws:s3:::crl/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ],
}
ALL_BLOCKED = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}
SSE = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("_abc.Example.COM.", "_abc.example.com"),
        ("_abc.example.com", "_abc.example.com"),
        ("\\052.example.com.", "*.example.com"),
        ("  ", None),
        (None, None),
        (".", None),
    ],
)
def test_dns_name(name: object, expected: str | None) -> None:
    assert dns_name(name) == expected


def test_cname_key_matches_route53_and_acm_spellings() -> None:
    acm = cname_key("_x.www.example.com.", "_y.acm-validations.aws.")
    assert acm == "_x.www.example.com|_y.acm-validations.aws"
    assert cname_key("_X.WWW.example.com", "_y.acm-validations.aws") == acm
    assert cname_key("_x.www.example.com.", "_other.acm-validations.aws.") != acm
    assert cname_key("_x.www.example.com.", None) is None


def test_tls_only_policy_is_recognised_in_its_usual_spellings() -> None:
    assert denies_insecure_transport(TLS_ONLY)
    assert denies_insecure_transport(json.dumps(TLS_ONLY))
    variant = {
        "Statement": {
            "Effect": "Deny",
            "Principal": {"AWS": ["*"]},
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Condition": {"Bool": {"aws:SecureTransport": False}},
        }
    }
    assert denies_insecure_transport(variant)


@pytest.mark.parametrize(
    "change",
    [
        {"Effect": "Allow"},
        {"Principal": {"AWS": "arn:aws:iam::111111111111:root"}},
        {"Action": "s3:PutObject"},
        {"Condition": {"Bool": {"aws:SecureTransport": "true"}}},
        {"Condition": {"StringEquals": {"aws:SecureTransport": "false"}}},
    ],
)
def test_statements_that_do_not_enforce_tls(change: dict[str, object]) -> None:
    statement = {**TLS_ONLY["Statement"][0], **change}  # type: ignore[index]
    assert not denies_insecure_transport({"Statement": [statement]})


def test_unreadable_policies_do_not_count() -> None:
    assert not denies_insecure_transport(None)
    assert not denies_insecure_transport("not json")
    assert not denies_insecure_transport({"Statement": []})


def test_crl_bucket_gaps() -> None:
    good = {
        "Name": "crl",
        "BucketFound": True,
        "PublicAccessBlockConfiguration": ALL_BLOCKED,
        "ServerSideEncryptionConfiguration": SSE,
        "Policy": json.dumps(TLS_ONLY),
    }
    assert crl_bucket_gaps(good) == []
    partly = {**ALL_BLOCKED, "RestrictPublicBuckets": False}
    assert crl_bucket_gaps({**good, "PublicAccessBlockConfiguration": partly}) == [
        "Block Public Access not fully on"
    ]
    assert crl_bucket_gaps({**good, "ServerSideEncryptionConfiguration": {"Rules": []}}) == [
        "no default encryption"
    ]
    assert crl_bucket_gaps({**good, "Policy": None}) == ["no TLS-only bucket policy"]
    assert crl_bucket_gaps({"Name": "crl", "BucketFound": False}) == ["CRL bucket does not exist"]
    assert crl_bucket_gaps(None) == ["CRL bucket not collected"]


def test_revocation_gaps() -> None:
    assert revocation_gaps(None, None) == ["no CRL and no OCSP"]
    off = {"CrlConfiguration": {"Enabled": False}, "OcspConfiguration": {"Enabled": False}}
    assert revocation_gaps(off, None) == ["no CRL and no OCSP"]
    assert revocation_gaps({"OcspConfiguration": {"Enabled": True}}, None) == []
    crl = {"CrlConfiguration": {"Enabled": True, "S3BucketName": "crl"}}
    assert revocation_gaps(crl, None) == ["CRL bucket not collected"]
    bucket = {"BucketFound": True, "PublicAccessBlockConfiguration": ALL_BLOCKED}
    assert revocation_gaps(crl, bucket) == ["no default encryption", "no TLS-only bucket policy"]


def _event(**overrides: object) -> dict[str, object]:
    event: dict[str, object] = {
        "source": "aws.acm",
        "detail-type": "ACM Certificate Approaching Expiration",
        "resources": [CERT],
        "detail": {"DaysToExpiry": 20, "CommonName": "shop.example.com"},
    }
    event.update(overrides)
    return event


@pytest.mark.parametrize(
    ("pattern", "matches"),
    [
        ({"source": ["aws.acm"]}, True),
        ({"source": ["aws.kms"]}, False),
        ({"source": [{"prefix": "aws."}]}, True),
        ({"source": [{"suffix": ".acm"}]}, True),
        ({"source": [{"anything-but": ["aws.kms"]}]}, True),
        ({"source": [{"anything-but": {"prefix": "aws."}}]}, False),
        ({"detail-type": [{"equals-ignore-case": "acm certificate approaching expiration"}]}, True),
        ({"detail-type": [{"wildcard": "ACM Certificate *"}]}, True),
        ({"resources": [CERT]}, True),
        ({"resources": ["arn:aws:acm:eu-central-1:111111111111:certificate/other"]}, False),
        ({"detail": {"DaysToExpiry": [{"numeric": ["<", 30]}]}}, True),
        ({"detail": {"DaysToExpiry": [{"numeric": [">", 0, "<=", 10]}]}}, False),
        ({"detail": {"Missing": [{"exists": False}]}}, True),
        ({"detail": {"Missing": [{"exists": True}]}}, False),
        ({"detail": {"CommonName": ["shop.example.com"]}}, True),
        ({"$or": [{"source": ["aws.kms"]}, {"source": ["aws.acm"]}]}, True),
        ({"source": ["aws.acm"], "detail": ["not-an-object"]}, False),
    ],
)
def test_event_pattern_matching(pattern: dict[str, object], matches: bool) -> None:
    assert event_pattern_matches(pattern, _event()) is matches


def _rule(name: str, pattern: object, **fields: object) -> dict[str, object]:
    rule: dict[str, object] = {
        "Name": name,
        "State": "ENABLED",
        "EventBusName": "default",
        "EventPattern": pattern if isinstance(pattern, str) else json.dumps(pattern),
    }
    rule.update(fields)
    return rule


def test_expiry_rules_for_one_certificate() -> None:
    rules = [
        _rule(
            "expiry",
            {"source": ["aws.acm"], "detail-type": ["ACM Certificate Approaching Expiration"]},
        ),
        _rule("all-acm", {"source": ["aws.acm"]}),
        _rule("off", {"source": ["aws.acm"]}, State="DISABLED"),
        _rule("other-bus", {"source": ["aws.acm"]}, EventBusName="ops"),
        _rule("renewal", {"detail-type": ["ACM Certificate Renewal Action Required"]}),
        _rule("other-cert", {"source": ["aws.acm"], "resources": [CERT + "x"]}),
        _rule("broken", "{not json"),
        {"Name": "scheduled", "State": "ENABLED", "ScheduleExpression": "rate(1 day)"},
        _rule(
            "late-only",
            {"source": ["aws.acm"], "detail": {"DaysToExpiry": [{"numeric": ["<=", 3]}]}},
        ),
        _rule(
            "too-early",
            {"source": ["aws.acm"], "detail": {"DaysToExpiry": [{"numeric": [">", 45]}]}},
        ),
    ]
    assert acm_expiry_rules(rules, CERT, "shop.example.com") == ["all-acm", "expiry", "late-only"]
    assert acm_expiry_rules([], CERT, None) == []
    assert acm_expiry_rules(None, CERT, None) == []
    assert acm_expiry_rules(rules, None, None) == []


def test_functions_are_registered_with_the_engine() -> None:
    options = jmespath.Options(custom_functions=RegionReadyFunctions())
    data = {"Name": "_A.example.com.", "Value": "_b.acm-validations.aws."}
    assert jmespath.search("cname_key(Name, Value)", data, options=options) == (
        "_a.example.com|_b.acm-validations.aws"
    )
    assert jmespath.search("dns_name(Name)", data, options=options) == "_a.example.com"
    assert jmespath.search("denies_insecure_transport(@)", TLS_ONLY, options=options) is True
    assert jmespath.search("revocation_gaps(`null`, `null`)", {}, options=options) == [
        "no CRL and no OCSP"
    ]
    rules = [_rule("all-acm", {"source": ["aws.acm"]})]
    found = jmespath.search(
        "acm_expiry_rules(rules, arn, `null`)", {"rules": rules, "arn": CERT}, options=options
    )
    assert found == ["all-acm"]
