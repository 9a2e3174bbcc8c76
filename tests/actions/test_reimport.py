"""reimport (ACM-004, and ACM-001 for imported sources): certificate material the user
supplies, imported into the target; the private key never reaches the plan, the output
or the audit log."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

from regionready.demo.certs import self_signed
from regionready.demo.seed import DemoPlan
from regionready.remediation import PlanContext
from regionready.remediation.actions import reimport

from .conftest import (
    SOURCE,
    TARGET,
    Harness,
    assert_permissions,
    assert_safe,
    audit,
    finding,
    scan_of,
    statuses,
)

NOW = dt.datetime.now(dt.UTC)


def write_material(folder: Path, cert: bytes, key: bytes) -> None:
    folder.mkdir(parents=True)
    (folder / "cert.pem").write_bytes(cert)
    (folder / "key.pem").write_bytes(key)


def key_canaries(key: bytes) -> list[str]:
    """The key PEM and each of its base64 lines (a line alone would still leak it)."""
    text = key.decode()
    lines = [line for line in text.splitlines() if line and not line.startswith("-----")]
    return [text.strip(), *lines]


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
    scan = scan_of("111111111111", {(SOURCE, "acm", "certificate"): [source]})
    ctx = PlanContext(scan, "111111111111", SOURCE, TARGET, {})
    acm004 = finding("ACM-004", target_arn, source=source["CertificateArn"], target=target_arn)
    [change] = reimport.plan(acm004, ctx)
    assert (change.action, change.resource) == ("reimport", target_arn)
    assert change.params["CertificateArn"] == target_arn
    assert change.params["Expect"]["NotAfterAtLeast"] == "2030-01-01T00:00:00Z"
    # ACM-001 for the same Amazon-issued source is request-certificate's, not reimport's.
    assert reimport.plan(finding("ACM-001", source["CertificateArn"]), ctx) == []


def test_reimport_over_the_target_arn_never_shows_the_key(
    seeded: DemoPlan, seeded_harness: Harness, tmp_path: Path
) -> None:
    h = seeded_harness
    acm_src = h.client("acm", SOURCE)
    acm_tgt = h.client("acm", TARGET)
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
    write_material(pem_dir / "renew.example.com", *renewed)
    (pem_dir / "renew.example.com" / "chain.pem").write_bytes(renewed[0])

    before = h.collect(["acm"])
    shop = seeded.arn(TARGET, "cert:shop.example.com")
    assert h.failing(before, "ACM-004") == {("ACM-004", stale), ("ACM-004", shop)}
    snapshot = before.root

    def remediate(*extra: str) -> tuple[int, dict[str, Any], str]:
        scope = ("--resource", stale, "--pem-dir", str(pem_dir))
        return h.remediate(snapshot, *scope, *extra, rules=("ACM-004",))

    code, plan, plan_out = remediate()
    assert code == 0
    [change] = plan["changes"]
    assert change["action"] == "reimport" and change["resource"] == stale
    assert "renew.example.com" in change["summary"] and change["blocked"] is None
    # A plan changes nothing.
    assert h.failing(h.collect(["acm"]), "ACM-004") == h.failing(before, "ACM-004")

    log = tmp_path / "audit.jsonl"
    code, _, apply_out = remediate("--apply", "--yes", "--audit-log", str(log))
    assert code == 0
    writes = h.writes()
    assert [(c.operation, c.region) for c in writes] == [("ImportCertificate", TARGET)]
    assert writes[0].params["CertificateArn"] == stale, "re-imported over the target ARN"
    assert "CertificateChain" in writes[0].params
    assert_safe(h.calls)
    assert_permissions(h.calls, "reimport")

    after = h.collect(["acm"])
    assert h.failing(after, "ACM-004") == {("ACM-004", shop)}, "renew passes, shop untouched"
    # AWS refuses tags on a re-import (the certificate keeps its own): none are sent.
    assert "Tags" not in writes[0].params

    code, _, replay_out = remediate("--apply", "--yes", "--audit-log", str(log))
    assert code == 0
    assert h.writes() == []
    assert [e["outcome"] for e in audit(log)] == ["applied", "unchanged"]

    # The canary: the private key is nowhere in the plan, the output or the audit log.
    everything = "\n".join(
        [plan_out, apply_out, replay_out, log.read_text(), json.dumps(plan)]
        + [p.read_text() for p in snapshot.rglob("*.json")]
    )
    for canary in key_canaries(renewed[1]):
        assert canary not in everything


def test_reimport_without_material_refuses_and_changes_nothing(
    seeded: DemoPlan, seeded_harness: Harness, tmp_path: Path
) -> None:
    h = seeded_harness
    shop = seeded.arn(TARGET, "cert:shop.example.com")
    before = h.collect(["acm"])
    acm = h.client("acm", TARGET)
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
    for canary in key_canaries(foreign_key):
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
    source_arn = h.client("acm", SOURCE).import_certificate(
        Certificate=material[0],
        PrivateKey=material[1],
        Tags=[{"Key": "Team", "Value": "portal"}],
    )["CertificateArn"]
    pem_dir = tmp_path / "pem"
    write_material(pem_dir / "_.portal.example.com", *material)  # the wildcard spelling

    before = h.collect(["acm"])
    assert h.failing(before, "ACM-001") == {("ACM-001", source_arn)}
    changes, _ = h.plan(before, "ACM-001", options={"pem_dir": str(pem_dir)})
    assert [(c.action, c.resource) for c in changes] == [("reimport", source_arn)]
    log = tmp_path / "audit.jsonl"
    assert statuses(h.apply(changes, log)) == ["applied"]
    [write] = h.writes()
    assert (write.operation, write.region) == ("ImportCertificate", TARGET)
    assert "CertificateArn" not in write.params
    assert write.params["Tags"] == [{"Key": "Team", "Value": "portal"}]
    assert_permissions(h.calls, "reimport")

    after = h.collect(["acm"])
    assert h.failing(after, "ACM-001") == set()
    assert statuses(h.apply(changes, log)) == ["unchanged"]
    assert h.writes() == []
    for canary in key_canaries(material[1]):
        assert canary not in log.read_text()
        assert all(canary not in c.summary for c in changes)
        assert canary not in json.dumps([c.to_dict() for c in changes])
