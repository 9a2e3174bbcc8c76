"""request-certificate (ACM-001): the target twin of an Amazon-issued certificate, DNS or
e-mail validated; imported and Private CA sources are left to others."""

from __future__ import annotations

from pathlib import Path

from regionready.demo.moto_gaps import approve_email_validation
from regionready.demo.seed import DemoPlan
from regionready.model import Status
from regionready.remediation import PlanContext, action

from .conftest import (
    SOURCE,
    TARGET,
    Harness,
    assert_permissions,
    assert_safe,
    audit,
    by_resource,
    finding,
    scan_of,
    statuses,
)

WEB_TAGS = [{"Key": "Team", "Value": "web"}, {"Key": "Environment", "Value": "production"}]


def test_request_certificate_dns_and_email_twins(
    seeded: DemoPlan, seeded_harness: Harness, tmp_path: Path
) -> None:
    h = seeded_harness
    # One more Amazon-issued source certificate, e-mail validated, with no twin.
    acm_src = h.client("acm", SOURCE)
    mail = acm_src.request_certificate(
        DomainName="mail.example.com",
        SubjectAlternativeNames=["mail.example.com", "smtp.example.com"],
        ValidationMethod="EMAIL",
        DomainValidationOptions=[
            {"DomainName": "mail.example.com", "ValidationDomain": "example.com"},
            {"DomainName": "smtp.example.com", "ValidationDomain": "example.com"},
        ],
        Tags=WEB_TAGS,
    )["CertificateArn"]
    approve_email_validation(mail)
    api = seeded.arn(SOURCE, "cert:api.example.com")

    before = h.collect(["acm"])
    assert h.failing(before, "ACM-001") == {("ACM-001", api), ("ACM-001", mail)}
    changes, notes = h.plan(before, "ACM-001")
    assert notes == []
    assert {(c.action, c.resource) for c in changes} == {
        ("request-certificate", api),
        ("request-certificate", mail),
    }
    assert all(c.region == TARGET for c in changes)
    api_change, mail_change = by_resource(changes, api), by_resource(changes, mail)
    assert api_change.params["KeyAlgorithm"] == "EC_prime256v1"
    assert api_change.params["ValidationMethod"] == "DNS"
    assert "needs e-mail approval" in mail_change.summary
    assert "ACM-002" in mail_change.summary
    # A plan changes nothing.
    assert h.failing(h.collect(["acm"]), "ACM-001") == h.failing(before, "ACM-001")

    log = tmp_path / "audit.jsonl"
    assert statuses(h.apply(changes, log)) == ["applied", "applied"]
    assert_safe(h.calls)
    assert_permissions(h.calls, "request-certificate")
    requests = {c.params["DomainName"]: c.params for c in h.writes()}
    assert [c.operation for c in h.writes()] == ["RequestCertificate"] * 2
    assert requests["api.example.com"]["KeyAlgorithm"] == "EC_prime256v1"
    assert sorted(requests["api.example.com"]["Tags"], key=str) == sorted(WEB_TAGS, key=str)
    assert requests["mail.example.com"]["ValidationMethod"] == "EMAIL"
    assert requests["mail.example.com"]["SubjectAlternativeNames"] == [
        "mail.example.com",
        "smtp.example.com",
    ]
    assert {
        o["ValidationDomain"] for o in requests["mail.example.com"]["DomainValidationOptions"]
    } == {"example.com"}

    after = h.collect(["acm"])
    assert h.failing(after, "ACM-001") == set()
    # The e-mail twin waits for approval (as on AWS): ACM-002 now names it; the DNS one
    # is issued.
    pending = {rid for rule, rid in h.failing(after, "ACM-002")}
    mail_twins = [
        c["CertificateArn"]
        for c in after.service(seeded.account_id, TARGET, "acm")["resources"]["certificate"]
        if c["DomainName"] == "mail.example.com"
    ]
    assert len(mail_twins) == 1 and mail_twins[0] in pending
    assert not any(
        "api.example.com" in m.message
        for m in h.results(after, "ACM-002")
        if m.status is Status.FAIL
    )

    # Idempotent: nothing planned from a fresh scan; the old plan replayed changes nothing.
    assert h.plan(after, "ACM-001")[0] == []
    assert statuses(h.apply(changes, log)) == ["unchanged", "unchanged"]
    assert h.writes() == []
    assert {e["outcome"] for e in audit(log)} == {"applied", "unchanged"}


def test_request_certificate_leaves_private_and_imported_to_others(tmp_path: Path) -> None:
    private = {
        "CertificateArn": "arn:aws:acm:me-central-1:111111111111:certificate/p",
        "DomainName": "internal.example.com",
        "Type": "PRIVATE",
        "KeyAlgorithm": "RSA_2048",
        "CertificateAuthorityArn": "arn:aws:acm-pca:me-central-1:111111111111:ca/x",
    }
    imported = {
        "CertificateArn": "arn:aws:acm:me-central-1:111111111111:certificate/i",
        "DomainName": "legacy.example.com",
        "SubjectAlternativeNames": ["legacy.example.com"],
        "Type": "IMPORTED",
        "KeyAlgorithm": "RSA_2048",
        "Tags": [{"Key": "Team", "Value": "ops"}, {"Key": "aws:cloudformation:x", "Value": "y"}],
    }
    scan = scan_of("111111111111", {(SOURCE, "acm", "certificate"): [private, imported]})
    ctx = PlanContext(scan, "111111111111", SOURCE, TARGET, {"pem_dir": str(tmp_path)})
    request_certificate = action("request-certificate")
    assert request_certificate.plan(finding("ACM-001", private["CertificateArn"]), ctx) == []
    [change] = request_certificate.plan(finding("ACM-001", imported["CertificateArn"]), ctx)
    assert change.action == "reimport"
    assert change.params["CertificateArn"] is None, "ACM-001: a new import, not over an ARN"
    assert change.params["Tags"] == [{"Key": "Team", "Value": "ops"}], "aws: tags are reserved"
    assert change.blocked and f"{tmp_path}/legacy.example.com/" in change.blocked
