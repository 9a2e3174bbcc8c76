"""Remediation actions: request-certificate, reimport, enable-key-rotation, add-region,
set-sts-regional, create-trail.

Each on moto (the seeded demo account where it has the gap, else a small setup of its
own): a plan changes nothing; apply, then a re-scan, passes the rule; a second apply of
the same plan changes nothing ("unchanged"); nothing is deleted; mutating calls go to the
target only; nothing secret reaches the plan, the audit log or the output.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import boto3
import pytest

from regionready import remediation
from regionready.actions import (
    add_region,
    create_key,
    create_trail,
    enable_key_rotation,
    reimport,
    replicate_key,
    request_certificate,
    set_sts_regional,
    sync_key_policy,
)
from regionready.cli import main
from regionready.demo.seed import DemoPlan
from regionready.model import Result, Severity, Status
from regionready.remediation import PlanContext, TargetClients, UnsafeCall
from regionready.snapshot import Scan
from regionready.testing.certs import self_signed
from regionready.testing.moto_gaps import approve_email_validation
from regionready.testing.moto_gaps import sso as sso_gaps

from .conftest import (
    SOURCE,
    TARGET,
    Harness,
    assert_only_in_target,
    assert_permissions,
    audit,
    watcher,
)

NOW = dt.datetime.now(dt.UTC)
WEB_TAGS = [{"Key": "Team", "Value": "web"}, {"Key": "Environment", "Value": "production"}]


def _outcomes(outcomes: list[remediation.Outcome]) -> list[str]:
    return [o.status for o in outcomes]


def _by_resource(changes: list[remediation.Change], resource: str) -> remediation.Change:
    found = [c for c in changes if c.resource == resource]
    assert len(found) == 1, [c.resource for c in changes]
    return found[0]


# --------------------------------------------------------------------------- ACM


def test_request_certificate_dns_and_email_twins(
    seeded: DemoPlan, seeded_harness: Harness, tmp_path: Path
) -> None:
    h = seeded_harness
    # One more Amazon-issued source certificate, e-mail validated, with no twin.
    acm_src = h.session.client("acm", region_name=SOURCE)
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
    api_change, mail_change = _by_resource(changes, api), _by_resource(changes, mail)
    assert api_change.params["KeyAlgorithm"] == "EC_prime256v1"
    assert api_change.params["ValidationMethod"] == "DNS"
    assert "needs e-mail approval" in mail_change.summary
    assert "ACM-002" in mail_change.summary
    # A plan changes nothing.
    assert h.failing(h.collect(["acm"]), "ACM-001") == h.failing(before, "ACM-001")

    log = tmp_path / "audit.jsonl"
    assert _outcomes(h.apply(changes, log)) == ["applied", "applied"]
    assert_only_in_target(h.calls)
    assert_permissions(request_certificate, h.calls)
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
    assert _outcomes(h.apply(changes, log)) == ["unchanged", "unchanged"]
    assert h.writes() == []
    assert {e["outcome"] for e in audit(log)} == {"applied", "unchanged"}


def _scan_of(account: str, items: dict[tuple[str, str, str], list[dict[str, Any]]]) -> Scan:
    """A hand-made snapshot: (region, service, type) -> items."""
    documents: dict[tuple[str, str], dict[str, Any]] = {}
    local: dict[str, Any] | None = None
    for (region, service, rtype), found in items.items():
        if region == "local":
            local = local or {"services": {}}
            svc = local["services"].setdefault(service, {"resources": {}, "errors": []})
        else:
            doc = documents.setdefault((account, region), {"services": {}})
            svc = doc["services"].setdefault(service, {"resources": {}, "errors": []})
        svc["resources"][rtype] = found
    manifest = {"source_region": SOURCE, "target_region": TARGET, "accounts": [account]}
    return Scan(Path("/nonexistent"), manifest, documents, local)


def _finding(rule_id: str, resource_id: str, **details: Any) -> Result:
    return Result(
        rule_id=rule_id,
        status=Status.FAIL,
        severity=Severity.HIGH,
        service="x",
        kind="parity",
        message="",
        account="111111111111",
        region=TARGET,
        resource_type="x",
        resource_id=resource_id,
        correlation_key=resource_id,
        source_region=SOURCE,
        target_region=TARGET,
        details=details,
    )


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
    scan = _scan_of("111111111111", {(SOURCE, "acm", "certificate"): [private, imported]})
    ctx = PlanContext(scan, "111111111111", SOURCE, TARGET, {"pem_dir": str(tmp_path)})
    assert request_certificate.plan(_finding("ACM-001", private["CertificateArn"]), ctx) == []
    [change] = request_certificate.plan(_finding("ACM-001", imported["CertificateArn"]), ctx)
    assert change.action == "reimport"
    assert change.params["CertificateArn"] is None, "ACM-001: a new import, not over an ARN"
    assert change.params["Tags"] == [{"Key": "Team", "Value": "ops"}], "aws: tags are reserved"
    assert change.blocked and f"{tmp_path}/legacy.example.com/" in change.blocked


def test_reimport_plans_acm004_for_an_exported_amazon_issued_source(tmp_path: Path) -> None:
    source = {
        "CertificateArn": "arn:aws:acm:me-central-1:111111111111:certificate/s",
        "DomainName": "pay.example.com",
        "SubjectAlternativeNames": ["pay.example.com"],
        "Type": "AMAZON_ISSUED",  # exportable: exported, then imported into the target
        "KeyAlgorithm": "RSA_2048",
        "NotAfter": "2030-01-01T00:00:00Z",
    }
    target_arn = "arn:aws:acm:eu-central-1:111111111111:certificate/t"
    scan = _scan_of("111111111111", {(SOURCE, "acm", "certificate"): [source]})
    ctx = PlanContext(scan, "111111111111", SOURCE, TARGET, {})
    finding = _finding("ACM-004", target_arn, source=source["CertificateArn"], target=target_arn)
    [change] = reimport.plan(finding, ctx)
    assert (change.action, change.resource) == ("reimport", target_arn)
    assert change.params["CertificateArn"] == target_arn
    assert change.params["Expect"]["NotAfterAtLeast"] == "2030-01-01T00:00:00Z"
    # ACM-001 for the same Amazon-issued source is request-certificate's, not reimport's.
    assert reimport.plan(_finding("ACM-001", source["CertificateArn"]), ctx) == []


def _write_material(folder: Path, cert: bytes, key: bytes) -> None:
    folder.mkdir(parents=True)
    (folder / "cert.pem").write_bytes(cert)
    (folder / "key.pem").write_bytes(key)


def _key_canaries(key: bytes) -> list[str]:
    """The key PEM and each of its base64 lines (a line alone would still leak it)."""
    text = key.decode()
    lines = [line for line in text.splitlines() if line and not line.startswith("-----")]
    return [text.strip(), *lines]


def test_reimport_over_the_target_arn_never_shows_the_key(
    seeded: DemoPlan,
    seeded_harness: Harness,
    hooked_sessions: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    h = seeded_harness
    acm_src = h.session.client("acm", region_name=SOURCE)
    acm_tgt = h.session.client("acm", region_name=TARGET)
    # renew.example.com: renewed in the source, the target holds the old copy (ACM-004).
    renewed = self_signed(
        "renew.example.com",
        key_algorithm="RSA_3072",
        not_before=NOW - dt.timedelta(days=2),
        not_after=NOW + dt.timedelta(days=390),
    )
    old = self_signed(
        "renew.example.com",
        key_algorithm="RSA_3072",
        not_before=NOW - dt.timedelta(days=360),
        not_after=NOW + dt.timedelta(days=5),
    )
    acm_src.import_certificate(Certificate=renewed[0], PrivateKey=renewed[1])
    stale = acm_tgt.import_certificate(
        Certificate=old[0], PrivateKey=old[1], Tags=[{"Key": "Team", "Value": "edge"}]
    )["CertificateArn"]
    pem_dir = tmp_path / "pem"
    _write_material(pem_dir / "renew.example.com", *renewed)
    (pem_dir / "renew.example.com" / "chain.pem").write_bytes(renewed[0])

    before = h.collect(["acm"])
    shop = seeded.arn(TARGET, "cert:shop.example.com")
    assert h.failing(before, "ACM-004") == {("ACM-004", stale), ("ACM-004", shop)}
    snapshot = before.root

    def remediate(*extra: str) -> tuple[int, dict[str, Any], str]:
        code = main(
            [
                "remediate",
                str(snapshot),
                "--format",
                "json",
                "--rule",
                "ACM-004",
                "--resource",
                stale,
                "--pem-dir",
                str(pem_dir),
                *extra,
            ]
        )
        captured = capsys.readouterr()
        out = captured.out + captured.err
        plan, _ = json.JSONDecoder().raw_decode(out[out.index("{") :])
        return code, plan, out

    code, plan, plan_out = remediate()
    assert code == 0
    [change] = plan["changes"]
    assert change["action"] == "reimport" and change["resource"] == stale
    assert "renew.example.com" in change["summary"] and change["blocked"] is None
    # A plan changes nothing.
    assert h.failing(h.collect(["acm"]), "ACM-004") == h.failing(before, "ACM-004")

    calls: list[Any] = []
    hooked_sessions.extra.append(("before-call", watcher(calls)))
    log = tmp_path / "audit.jsonl"
    code, _, apply_out = remediate("--apply", "--yes", "--audit-log", str(log))
    assert code == 0
    writes = [c for c in calls if c.mutating]
    assert [(c.operation, c.region) for c in writes] == [("ImportCertificate", TARGET)]
    assert writes[0].params["CertificateArn"] == stale, "re-imported over the target ARN"
    assert "CertificateChain" in writes[0].params
    assert_only_in_target(calls)
    assert_permissions(reimport, calls)

    after = h.collect(["acm"])
    assert h.failing(after, "ACM-004") == {("ACM-004", shop)}, "renew passes, shop untouched"
    # AWS refuses tags on a re-import (the certificate keeps its own): none are sent.
    assert "Tags" not in writes[0].params

    calls.clear()
    code, _, replay_out = remediate("--apply", "--yes", "--audit-log", str(log))
    assert code == 0
    assert [c for c in calls if c.mutating] == []
    assert [e["outcome"] for e in audit(log)] == ["applied", "unchanged"]

    # The canary: the private key is nowhere in the plan, the output or the audit log.
    everything = "\n".join(
        [plan_out, apply_out, replay_out, log.read_text(), json.dumps(plan)]
        + [p.read_text() for p in snapshot.rglob("*.json")]
    )
    for canary in _key_canaries(renewed[1]):
        assert canary not in everything


def test_reimport_without_material_refuses_and_changes_nothing(
    seeded: DemoPlan, seeded_harness: Harness, tmp_path: Path
) -> None:
    h = seeded_harness
    shop = seeded.arn(TARGET, "cert:shop.example.com")
    before = h.collect(["acm"])
    acm = h.session.client("acm", region_name=TARGET)
    was = acm.describe_certificate(CertificateArn=shop)["Certificate"]["NotAfter"]

    # No --pem-dir: the plan says what is needed; the runner skips the change.
    [change], _ = h.plan(before, "ACM-004")
    assert change.blocked and "--pem-dir" in change.blocked
    log = tmp_path / "audit.jsonl"
    [outcome] = h.apply([change], log)
    assert (outcome.status, outcome.detail) == ("skipped", change.blocked)
    assert h.calls == []
    # Reached anyway (a replayed plan), apply itself refuses before any call.
    [outcome] = h.apply([dataclasses.replace(change, blocked=None)])
    assert outcome.status == "failed"
    assert "nothing was changed" in outcome.detail and "--pem-dir" in outcome.detail
    assert h.writes() == []

    # A pem_dir without the key: it names the missing file.
    pem_dir = tmp_path / "pem"
    (pem_dir / "shop.example.com").mkdir(parents=True)
    material = self_signed(
        "shop.example.com", not_before=NOW, not_after=NOW + dt.timedelta(days=400)
    )
    (pem_dir / "shop.example.com" / "cert.pem").write_bytes(material[0])
    [change], _ = h.plan(before, "ACM-004", options={"pem_dir": str(pem_dir)})
    assert change.blocked and "needs key.pem" in change.blocked
    assert h.apply([change])[0].status == "skipped" and h.calls == []
    assert h.apply([dataclasses.replace(change, blocked=None)])[0].status == "failed"
    assert h.writes() == []

    # Material for another domain, or a key that is not the certificate's: refused.
    wrong = self_signed("other.example.com", not_before=NOW, not_after=NOW + dt.timedelta(days=9))
    (pem_dir / "shop.example.com" / "cert.pem").write_bytes(wrong[0])
    (pem_dir / "shop.example.com" / "key.pem").write_bytes(wrong[1])
    [change], _ = h.plan(before, "ACM-004", options={"pem_dir": str(pem_dir)})
    assert change.blocked and "names other.example.com" in change.blocked
    assert h.apply([change])[0].status == "skipped" and h.calls == []

    foreign_key = self_signed(
        "x.example.com", key_algorithm="EC_prime256v1", not_before=NOW, not_after=NOW
    )[1]
    (pem_dir / "shop.example.com" / "cert.pem").write_bytes(material[0])
    (pem_dir / "shop.example.com" / "key.pem").write_bytes(foreign_key)
    [change], _ = h.plan(before, "ACM-004", options={"pem_dir": str(pem_dir)})
    assert change.blocked is None, "the plan reads no private key: apply checks it"
    [outcome] = h.apply([change])
    assert outcome.status == "failed" and "is not the private key" in outcome.detail
    assert h.writes() == []
    for canary in _key_canaries(foreign_key):
        assert canary not in outcome.detail

    assert acm.describe_certificate(CertificateArn=shop)["Certificate"]["NotAfter"] == was


def test_reimport_imports_an_imported_source_with_no_twin(harness: Harness, tmp_path: Path) -> None:
    h = harness
    material = self_signed(
        "*.portal.example.com",
        ["portal.example.com"],
        key_algorithm="EC_prime256v1",
        not_before=NOW - dt.timedelta(days=1),
        not_after=NOW + dt.timedelta(days=200),
    )
    source_arn = h.session.client("acm", region_name=SOURCE).import_certificate(
        Certificate=material[0],
        PrivateKey=material[1],
        Tags=[{"Key": "Team", "Value": "portal"}],
    )["CertificateArn"]
    pem_dir = tmp_path / "pem"
    _write_material(pem_dir / "_.portal.example.com", *material)  # the wildcard spelling

    before = h.collect(["acm"])
    assert h.failing(before, "ACM-001") == {("ACM-001", source_arn)}
    changes, _ = h.plan(before, "ACM-001", options={"pem_dir": str(pem_dir)})
    assert [(c.action, c.resource) for c in changes] == [("reimport", source_arn)]
    log = tmp_path / "audit.jsonl"
    assert _outcomes(h.apply(changes, log)) == ["applied"]
    [write] = h.writes()
    assert (write.operation, write.region) == ("ImportCertificate", TARGET)
    assert "CertificateArn" not in write.params
    assert write.params["Tags"] == [{"Key": "Team", "Value": "portal"}]
    assert_permissions(reimport, h.calls)

    after = h.collect(["acm"])
    assert h.failing(after, "ACM-001") == set()
    assert _outcomes(h.apply(changes, log)) == ["unchanged"]
    assert h.writes() == []
    for canary in _key_canaries(material[1]):
        assert canary not in log.read_text()
        assert all(canary not in c.summary for c in changes)
        assert canary not in json.dumps([c.to_dict() for c in changes])


# --------------------------------------------------------------------------- KMS


def test_create_key_plans_nothing_for_an_alias_on_a_disabled_target_key() -> None:
    source_key = {"KeyId": "k-src", "KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT"}
    alias = {"AliasName": "alias/orders", "TargetKeyId": "k-src"}
    scan = _scan_of(
        "111111111111", {(SOURCE, "kms", "alias"): [alias], (SOURCE, "kms", "key"): [source_key]}
    )
    ctx = PlanContext(scan, "111111111111", SOURCE, TARGET)
    # Missing in the target: a new key behind the alias.
    missing = _finding("KMS-001", "alias/orders", source="alias/orders", target=None)
    [change] = create_key.plan(missing, ctx)
    assert (change.action, change.resource) == ("create-key", "alias/orders")
    assert ctx.notes == []
    # Present on a disabled key: apply would only say "already present"; the plan says why.
    paired = _finding("KMS-001", "alias/orders", source="alias/orders", target="alias/orders")
    assert create_key.plan(paired, ctx) == []
    [note] = ctx.notes
    assert note.startswith("KMS-001 alias/orders: not planned: the alias exists in ")
    assert "KMS-006" in note


def test_enable_key_rotation(seeded: DemoPlan, seeded_harness: Harness, tmp_path: Path) -> None:
    h = seeded_harness
    before = h.collect(["kms"])
    assert h.failing(before, "KMS-004") == {("KMS-004", "alias/reports")}
    changes, _ = h.plan(before, "KMS-004")
    [change] = changes
    assert (change.action, change.resource, change.region) == (
        "enable-key-rotation",
        "alias/reports",
        TARGET,
    )
    kms = h.session.client("kms", region_name=TARGET)
    target_key = kms.describe_key(KeyId="alias/reports")["KeyMetadata"]["KeyId"]
    assert change.params["KeyId"] == target_key
    assert h.failing(h.collect(["kms"]), "KMS-004") == {("KMS-004", "alias/reports")}

    log = tmp_path / "audit.jsonl"
    assert _outcomes(h.apply(changes, log)) == ["applied"]
    assert [(c.operation, c.region, c.params["KeyId"]) for c in h.writes()] == [
        ("EnableKeyRotation", TARGET, target_key)
    ]
    assert_only_in_target(h.calls)
    assert_permissions(enable_key_rotation, h.calls)
    assert kms.get_key_rotation_status(KeyId=target_key)["KeyRotationEnabled"] is True

    after = h.collect(["kms"])
    assert h.failing(after, "KMS-004") == set()
    assert _outcomes(h.apply(changes, log)) == ["unchanged"]
    assert h.writes() == []


def test_enable_key_rotation_refuses_a_stale_plan(
    seeded: DemoPlan, seeded_harness: Harness
) -> None:
    h = seeded_harness
    [change], _ = h.plan(h.collect(["kms"]), "KMS-004")
    kms = h.session.client("kms", region_name=TARGET)
    other = kms.create_key(Description="moved")["KeyMetadata"]["KeyId"]
    kms.update_alias(AliasName="alias/reports", TargetKeyId=other)
    [outcome] = h.apply([change])
    assert outcome.status == "failed" and "plan again" in outcome.detail
    assert h.writes() == []


# --------------------------------------------------------------------------- Identity Center

IDC_SOURCE = "us-east-1"  # replication needs Regions enabled by default
IDC_TARGET = "eu-central-1"
IDC_SERVICES = ["account", "kms", "sso"]


def _identity_center(session: boto3.Session, *, replica: bool) -> str:
    kms = session.client("kms", region_name=IDC_SOURCE)
    key = kms.create_key(Description="Identity Center", MultiRegion=True)["KeyMetadata"]
    if replica:
        kms.replicate_key(KeyId=key["KeyId"], ReplicaRegion=IDC_TARGET)
    admin = session.client("sso-admin", region_name=IDC_SOURCE)
    return sso_gaps.configure_instance(admin, name="corp", kms_key_arn=key["Arn"])


def test_add_region_after_idc003_passes(harness: Harness, tmp_path: Path) -> None:
    h = harness
    h.source, h.target = IDC_SOURCE, IDC_TARGET
    instance = _identity_center(h.session, replica=True)

    before = h.collect(IDC_SERVICES)
    assert h.status(before, "IDC-003", instance) is Status.PASS
    assert h.failing(before, "IDC-001") == {("IDC-001", instance)}
    changes, notes = h.plan(before, "IDC-001")
    assert notes == []
    [change] = changes
    assert (change.action, change.resource, change.region) == ("add-region", instance, IDC_TARGET)
    assert h.failing(h.collect(IDC_SERVICES), "IDC-001") == {("IDC-001", instance)}

    log = tmp_path / "audit.jsonl"
    assert _outcomes(h.apply(changes, log)) == ["applied"]
    # The one write: AddRegion on the primary (source) endpoint, toward the target.
    assert [(c.operation, c.region, c.params) for c in h.writes()] == [
        ("AddRegion", IDC_SOURCE, {"InstanceArn": instance, "RegionName": IDC_TARGET})
    ]
    assert_permissions(add_region, h.calls)

    after = h.collect(IDC_SERVICES)
    assert h.failing(after, "IDC-001") == set()
    assert _outcomes(h.apply(changes, log)) == ["unchanged"]
    assert h.writes() == []
    assert [e["region"] for e in audit(log)] == [IDC_TARGET, IDC_TARGET]

    # The guard (remediation.py's own, not patched) refuses AddRegion toward any other Region.
    clients = TargetClients(h.make_client, IDC_SOURCE, IDC_TARGET)
    with pytest.raises(UnsafeCall, match=f"acts only in {IDC_TARGET}"):
        clients.in_source("sso-admin").add_region(InstanceArn=instance, RegionName="us-west-2")


def test_add_region_waits_for_the_key_replica(harness: Harness, tmp_path: Path) -> None:
    h = harness
    h.source, h.target = IDC_SOURCE, IDC_TARGET
    instance = _identity_center(h.session, replica=False)
    scan = h.collect(IDC_SERVICES)
    assert h.status(scan, "IDC-003", instance) is Status.FAIL
    [finding] = [r for r in h.results(scan, "IDC-001") if r.status is Status.FAIL]

    # The runner plans no add-region for it, and the plan's notes say why.
    changes, notes = h.plan(scan, "IDC-001")
    assert changes == []
    [note] = notes
    assert note.startswith(f"IDC-001 {instance}: add-region waits for IDC-003 to pass (FAIL")
    assert "no replica in eu-central-1" in note and "replicate-key" in note
    assert (
        add_region.blocked_reason(
            finding, PlanContext(scan, finding.account, IDC_SOURCE, IDC_TARGET)
        )
        == note
    )

    # Apply of a change made anyway refuses before AddRegion: the key has no replica.
    forced = remediation.Change(
        "add-region",
        "IDC-001",
        finding.fingerprint,
        finding.account,
        IDC_TARGET,
        instance,
        "forced",
        {"InstanceArn": instance, "KeyId": scan_key(scan, finding.account, instance)},
    )
    [outcome] = h.apply([forced])
    assert outcome.status == "failed" and "no replica" in outcome.detail
    assert h.writes() == []


def test_replicate_key_fixes_idc003_then_add_region_is_planned(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    h.source, h.target = IDC_SOURCE, IDC_TARGET
    instance = _identity_center(h.session, replica=False)
    before = h.collect(IDC_SERVICES)
    assert h.failing(before, "IDC-003") == {("IDC-003", instance)}
    changes, notes = h.plan(before, "IDC-003")
    assert notes == []
    [change] = changes
    key_id = scan_key(before, change.account, instance)
    assert (change.action, change.resource, change.region) == ("replicate-key", key_id, IDC_TARGET)

    log = tmp_path / "audit.jsonl"
    assert _outcomes(h.apply(changes, log)) == ["applied"]
    [write] = h.writes()
    assert (write.operation, write.region, write.params["ReplicaRegion"]) == (
        "ReplicateKey",
        IDC_SOURCE,
        IDC_TARGET,
    )
    assert_permissions(replicate_key, h.calls)

    after = h.collect(IDC_SERVICES)
    assert h.status(after, "IDC-003", instance) is Status.PASS
    assert _outcomes(h.apply(changes, log)) == ["unchanged"]
    assert h.writes() == []
    # IDC-001 is no longer blocked: add-region is planned now.
    assert [c.action for c in h.plan(after, "IDC-001")[0]] == ["add-region"]


def _idc_policy(account: str) -> str:
    """A key policy that serves Identity Center: administrators and both service principals."""
    use = ["kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"]
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "KeyAdministrators",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "IdentityCenter",
                    "Effect": "Allow",
                    "Principal": {"Service": "sso.amazonaws.com"},
                    "Action": use,
                    "Resource": "*",
                },
                {
                    "Sid": "IdentityStore",
                    "Effect": "Allow",
                    "Principal": {"Service": "identitystore.amazonaws.com"},
                    "Action": use,
                    "Resource": "*",
                },
            ],
        }
    )


def test_sync_key_policy_fixes_idc007_on_the_instance_key(harness: Harness, tmp_path: Path) -> None:
    h = harness
    h.source, h.target = IDC_SOURCE, IDC_TARGET
    account = h.session.client("sts").get_caller_identity()["Account"]
    kms = h.session.client("kms", region_name=IDC_SOURCE)
    key = kms.create_key(
        Description="Identity Center", MultiRegion=True, Policy=_idc_policy(account)
    )["KeyMetadata"]
    kms.replicate_key(KeyId=key["KeyId"], ReplicaRegion=IDC_TARGET, Policy=_idc_policy(account))
    # The replica's policy lost the Identity Center statements (policies are not synced).
    replica = h.session.client("kms", region_name=IDC_TARGET)
    admins_only = json.loads(_idc_policy(account))
    admins_only["Statement"] = admins_only["Statement"][:1]
    replica.put_key_policy(KeyId=key["KeyId"], PolicyName="default", Policy=json.dumps(admins_only))
    admin = h.session.client("sso-admin", region_name=IDC_SOURCE)
    instance = sso_gaps.configure_instance(admin, name="corp", kms_key_arn=key["Arn"])

    before = h.collect(IDC_SERVICES)
    assert h.failing(before, "IDC-007") == {("IDC-007", instance)}
    changes, notes = h.plan(before, "IDC-007")
    assert notes == []
    [change] = changes
    assert (change.action, change.resource, change.region) == (
        "sync-key-policy",
        key["KeyId"],
        IDC_TARGET,
    )

    log = tmp_path / "audit.jsonl"
    assert _outcomes(h.apply(changes, log)) == ["applied"]
    assert [(c.operation, c.region) for c in h.writes()] == [("PutKeyPolicy", IDC_TARGET)]
    assert_only_in_target(h.calls, IDC_TARGET)
    assert_permissions(sync_key_policy, h.calls)

    after = h.collect(IDC_SERVICES)
    assert h.failing(after, "IDC-007") == set()
    assert h.plan(after, "IDC-007") == ([], [])
    assert _outcomes(h.apply(changes, log)) == ["unchanged"]
    assert h.writes() == []


def test_sync_key_policy_does_not_copy_a_primary_policy_that_lacks_idc(harness: Harness) -> None:
    h = harness
    h.source, h.target = IDC_SOURCE, IDC_TARGET
    instance = _identity_center(h.session, replica=True)  # default policies: no IDC statements
    scan = h.collect(IDC_SERVICES)
    assert h.failing(scan, "IDC-007") == {("IDC-007", instance)}
    changes, notes = h.plan(scan, "IDC-007")
    assert changes == []
    [note] = notes
    assert note.startswith(f"IDC-007 {instance}: not planned: the primary key ")
    assert "sso.amazonaws.com" in note and "fix it in the source first" in note


def scan_key(scan: Scan, account: str, instance: str) -> str:
    svc = scan.service(account, IDC_SOURCE, "sso")
    assert svc is not None
    [item] = [i for i in svc["resources"]["instance"] if i["InstanceArn"] == instance]
    return str(item["EncryptionConfigurationDetails"]["KmsKeyArn"]).rsplit("/", 1)[-1]


# --------------------------------------------------------------------------- STS (local)

LOCAL_SERVICES = ["local", "account"]  # STS-001 looks up the source's opt-in status
CANARY = "CANARY-wJalrXUtnFEMI-K7MDENG-bPxRfiCYzz9"
CONFIG = """\
# team AWS config: keep the comments
[default]
region = me-central-1
sts_regional_endpoints = regional

[profile legacy-ops]   ; the batch account
region = me-central-1
sts_regional_endpoints=legacy
output = json

[profile deploy]
role_arn = arn:aws:iam::111111111111:role/deploy
source_profile = legacy-ops

[sso-session corp]
sso_region = eu-central-1
"""


def _local_files(tmp_path: Path) -> tuple[Path, Path]:
    config = tmp_path / "aws" / "config"
    credentials = tmp_path / "aws" / "credentials"
    config.parent.mkdir()
    config.write_text(CONFIG)
    config.chmod(0o640)
    credentials.write_text(f"[ci]\naws_access_key_id = AKIAX\naws_secret_access_key = {CANARY}\n")
    return config, credentials


def test_set_sts_regional_rewrites_one_line_and_keeps_a_backup(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    config, credentials = _local_files(tmp_path)
    h.collect_options = {
        "aws_config_file": str(config),
        "aws_credentials_file": str(credentials),
        "local_environment": {},
    }
    creds_before = (credentials.read_bytes(), credentials.stat().st_mtime_ns)

    before = h.collect(LOCAL_SERVICES)
    assert h.failing(before, "STS-001") == {("STS-001", "legacy-ops")}
    changes, notes = h.plan(before, "STS-001")
    assert notes == []
    [change] = changes
    assert (change.action, change.region, change.resource) == (
        "set-sts-regional",
        "local",
        "legacy-ops",
    )
    assert change.params == {"Profile": "legacy-ops", "ConfigFile": str(config)}
    assert config.read_text() == CONFIG, "a plan changes nothing"

    log = tmp_path / "audit.jsonl"
    assert _outcomes(h.apply(changes, log)) == ["applied"]
    assert h.calls == [], "a local change makes no AWS call"
    assert config.read_text() == CONFIG.replace(
        "sts_regional_endpoints=legacy", "sts_regional_endpoints=regional"
    )
    assert config.stat().st_mode & 0o777 == 0o640
    [backup] = list(config.parent.glob("config.regionready-backup-*"))
    assert backup.read_text() == CONFIG
    assert (credentials.read_bytes(), credentials.stat().st_mtime_ns) == creds_before

    after = h.collect(LOCAL_SERVICES)
    assert h.failing(after, "STS-001") == set()
    assert _outcomes(h.apply(changes, log)) == ["unchanged"]
    assert list(config.parent.glob("config.regionready-backup-*")) == [backup]
    entries = audit(log)
    assert [e["region"] for e in entries] == ["local", "local"]
    assert CANARY not in log.read_text() + json.dumps([c.to_dict() for c in changes])


def test_set_sts_regional_environment_is_a_note_not_a_change(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    config, credentials = _local_files(tmp_path)
    h.collect_options = {
        "aws_config_file": str(config),
        "aws_credentials_file": str(credentials),
        "local_environment": {"AWS_STS_REGIONAL_ENDPOINTS": "legacy"},
    }
    scan = h.collect(LOCAL_SERVICES)
    failing = [r for r in h.results(scan, "STS-001") if r.status is Status.FAIL]
    assert {r.resource_id for r in failing} >= {"default", "legacy-ops", "deploy"}
    changes, notes = h.plan(scan, "STS-001")
    assert changes == []
    assert len(notes) == len(failing)
    assert {n.split(":")[0] for n in notes} == {f"STS-001 profile {r.resource_id}" for r in failing}
    assert all("AWS_STS_REGIONAL_ENDPOINTS=legacy" in n and "unset" in n for n in notes)
    assert config.read_text() == CONFIG


@pytest.mark.parametrize(
    ("text", "profile", "expected"),
    [
        # a section without the setting: the line goes right after its header
        (
            "[profile a]\nregion = x\n",
            "a",
            "[profile a]\nsts_regional_endpoints = regional\nregion = x\n",
        ),
        # no section: a new one at the end, after a blank line
        (
            "[default]\nregion = x",
            "b",
            "[default]\nregion = x\n\n[profile b]\nsts_regional_endpoints = regional\n",
        ),
        ("", "default", "[default]\nsts_regional_endpoints = regional\n"),
        # CRLF files stay CRLF; the old value's continuation lines go with it
        (
            "[profile a]\r\nsts_regional_endpoints = legacy\r\n  more\r\nregion = x\r\n",
            "a",
            "[profile a]\r\nsts_regional_endpoints = regional\r\nregion = x\r\n",
        ),
        # other sections (sso-session, other profiles) are never touched
        (
            "[sso-session a]\nsts_regional_endpoints = legacy\n[profile a]\n",
            "a",
            "[sso-session a]\nsts_regional_endpoints = legacy\n[profile a]\n"
            "sts_regional_endpoints = regional\n",
        ),
        (
            '[profile "two words"]\nsts_regional_endpoints: legacy\n',
            "two words",
            '[profile "two words"]\nsts_regional_endpoints: regional\n',
        ),
    ],
    ids=[
        "section-without-setting",
        "no-section",
        "empty-file",
        "crlf-and-continuation",
        "other-sections-untouched",
        "quoted-name-colon",
    ],
)
def test_set_regional_edits_only_the_profile(text: str, profile: str, expected: str) -> None:
    assert set_sts_regional.set_regional(text, profile) == expected
    assert set_sts_regional.set_regional(expected, profile) == expected


def test_set_sts_regional_never_writes_a_credentials_file(tmp_path: Path) -> None:
    credentials = tmp_path / "credentials"
    credentials.write_text(f"[profile x]\naws_secret_access_key = {CANARY}\n")
    change = remediation.Change(
        "set-sts-regional",
        "STS-001",
        "f",
        "1",
        "local",
        "x",
        "s",
        {"Profile": "x", "ConfigFile": str(credentials)},
    )
    [outcome] = remediation.apply([change], lambda _a: None, audit_log=None)  # type: ignore[arg-type,return-value]
    assert outcome.status == "failed" and "credentials file" in outcome.detail
    assert credentials.read_text().endswith(f"{CANARY}\n")
    assert CANARY not in outcome.detail


def test_set_sts_regional_never_creates_a_missing_config_file(tmp_path: Path) -> None:
    elsewhere = tmp_path / "runner" / ".aws" / "config"  # a path from another machine
    profile = {"Name": "ops", "Source": "config", "SetIn": str(elsewhere), "FileValue": "legacy"}
    scan = _scan_of("1", {("local", "local", "profile"): [profile]})
    [planned] = set_sts_regional.plan(
        _finding("STS-001", "ops"), PlanContext(scan, "1", SOURCE, TARGET)
    )
    assert planned.blocked and "does not exist on this machine" in planned.blocked
    change = remediation.Change(
        "set-sts-regional",
        "STS-001",
        "f",
        "1",
        "local",
        "ops",
        "s",
        {"Profile": "ops", "ConfigFile": str(elsewhere)},
    )
    [outcome] = remediation.apply([change], lambda _a: None, audit_log=None)  # type: ignore[arg-type,return-value]
    assert outcome.status == "failed" and "does not exist on this machine" in outcome.detail
    assert not elsewhere.parent.exists()


# --------------------------------------------------------------------------- CloudTrail


def test_create_trail(seeded: DemoPlan, seeded_harness: Harness, tmp_path: Path) -> None:
    h = seeded_harness
    bucket = f"eu-staging-trail-{seeded.account_id}"  # the user's bucket (not created here)
    services = ["account", "cloudtrail"]
    before = h.collect(services)
    assert h.failing(before, "GEN-002") == {("GEN-002", TARGET)}

    # Without a bucket: the plan says so and the runner skips it; apply would refuse.
    [change], _ = h.plan(before, "GEN-002")
    assert change.blocked and "--trail-bucket" in change.blocked
    assert [o.status for o in h.apply([change])] == ["skipped"] and h.calls == []
    [outcome] = h.apply([dataclasses.replace(change, blocked=None)])
    assert outcome.status == "failed" and "nothing was changed" in outcome.detail
    assert h.writes() == []

    changes, _ = h.plan(before, "GEN-002", options={"trail_bucket": bucket})
    [change] = changes
    assert (change.action, change.resource, change.region) == (
        "create-trail",
        f"regionready-{TARGET}",
        TARGET,
    )
    assert bucket in change.summary
    assert h.failing(h.collect(services), "GEN-002") == {("GEN-002", TARGET)}

    log = tmp_path / "audit.jsonl"
    assert _outcomes(h.apply(changes, log)) == ["applied"]
    assert [(c.operation, c.region) for c in h.writes()] == [
        ("CreateTrail", TARGET),
        ("StartLogging", TARGET),
    ]
    create = h.writes()[0].params
    assert create["S3BucketName"] == bucket and create["IsMultiRegionTrail"] is False
    assert_only_in_target(h.calls)
    assert_permissions(create_trail, h.calls)

    after = h.collect(services)
    assert h.failing(after, "GEN-002") == set()
    assert _outcomes(h.apply(changes, log)) == ["unchanged"]
    assert h.writes() == []


def test_create_trail_resumes_a_trail_that_was_never_started(
    seeded: DemoPlan, seeded_harness: Harness
) -> None:
    h = seeded_harness
    h.session.client("cloudtrail", region_name=TARGET).create_trail(
        Name=f"regionready-{TARGET}", S3BucketName=f"eu-staging-trail-{seeded.account_id}"
    )
    scan = h.collect(["account", "cloudtrail"])
    [change], _ = h.plan(scan, "GEN-002")  # no bucket needed: the trail exists
    assert change.summary.startswith("start logging the existing trail")
    assert _outcomes(h.apply([change])) == ["applied"]
    assert [c.operation for c in h.writes()] == ["StartLogging"]
    assert h.failing(h.collect(["account", "cloudtrail"]), "GEN-002") == set()


# --------------------------------------------------------------------------- all six


def test_the_actions_are_registered_with_their_rules() -> None:
    names = remediation.action_names()
    modules = {
        "request-certificate": request_certificate,
        "reimport": reimport,
        "enable-key-rotation": enable_key_rotation,
        "add-region": add_region,
        "set-sts-regional": set_sts_regional,
        "create-trail": create_trail,
    }
    for name, module in modules.items():
        assert name in names and remediation.action(name) is module
        assert name == module.ACTION
        assert not any(p.split(":")[1].startswith(("Delete", "Export")) for p in module.PERMISSIONS)
    assert "acm:ExportCertificate" not in remediation.permissions(list(modules))
    assert set_sts_regional.PERMISSIONS == ()
    assert os.environ.get("AWS_CONFIG_FILE") == os.devnull, "tests never touch ~/.aws"
