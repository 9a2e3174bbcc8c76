"""`regionready scan` of several Region pairs against a moto server over HTTP, seeded with
the demo account and each ``regionready demo --topology``. One test per topology, so each
is seeded and scanned once whichever xdist worker runs it (the moto server is reset
first; every worker has its own):

(a) the first pair, me-central-1 -> eu-central-1, judges exactly as a one-pair scan of the
    same snapshot does, and fails exactly the demo's planted resources;
(b) the other pair fails exactly the (rule, resource) list written out below; for
    consolidation the collision rules' FAILs and PASSes are written out too.

Resources are named as the results name them (``resource_name``); the parts moto makes
up (key ids, snapshot ids, a detector id) are masked by :func:`name`, and each list is a
multiset, so two snapshots failing one rule count twice.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from regionready.cli import main
from regionready.demo import moto_gaps
from regionready.demo.seed import DemoPlan, seed_demo
from regionready.demo.topologies import seed_topology
from regionready.engine.evaluation import evaluate
from regionready.engine.rules import load_rules
from regionready.snapshot_manifest import read_scan

SOURCE = "me-central-1"
TARGET = "eu-central-1"
FIRST = f"{SOURCE}:{TARGET}"
#: The consolidation rules: a one-pair scan has nothing to consolidate and runs none.
COLLISION_RULES = {"KMS-014", "SM-006", "WAF-009", "ACM-017"}
#: One clock for the scan and the one-pair evaluation (expiry windows count from it).
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)

_MADE_UP = [
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<uuid>"),
    (re.compile(r"\b[0-9a-f]{32}\b"), "<detector>"),
    (re.compile(r"\b(snap|vol|fs)-[0-9a-f]{8,17}\b"), r"\1-<id>"),
]


def name(result: dict[str, Any]) -> str:
    """What a person calls the resource, with the ids moto makes up masked."""
    text = str(result["resource_name"] or result["resource_id"])
    for pattern, mask in _MADE_UP:
        text = pattern.sub(mask, text)
    return text


@dataclass
class Scanned:
    plan: DemoPlan
    out: Path
    results: list[dict[str, Any]]

    def of(self, pair: str, status: str | None = None) -> list[dict[str, Any]]:
        return [
            r
            for r in self.results
            if f"{r['source_region']}:{r['target_region']}" == pair
            and (status is None or r["status"] == status)
        ]

    def failing(self, pair: str) -> Counter[tuple[str, str]]:
        return Counter((r["rule_id"], name(r)) for r in self.of(pair, "FAIL"))


def scan_topology(server: str, out: Path, topology: str, region_flags: list[str]) -> Scanned:
    """Reset the moto server, seed the demo and ``topology``, scan with ``region_flags``."""
    request = urllib.request.Request(f"{server}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=30):
        pass
    with pytest.MonkeyPatch.context() as mp, moto_gaps.everywhere():
        mp.setenv("AWS_ENDPOINT_URL", server)
        session = boto3.Session(region_name=SOURCE)
        plan = seed_demo(session, source=SOURCE, target=TARGET, now=NOW)
        seed_topology(session, plan, topology)
        code = main(
            [
                "scan",
                *region_flags,
                "--out",
                str(out),
                "--format",
                "json",
                "--now",
                NOW.isoformat(),
                "--quiet",
            ]
        )
    assert code == 1
    results = json.loads((out / "regionready.json").read_text())["results"]
    return Scanned(plan, out, results)


def check_first_pair(scanned: Scanned, second: str, *, collisions: bool = False) -> None:
    """(a): the first pair's results are a one-pair scan's of the same snapshot (but the
    collision rules, when a second source makes them judge), and fail the planted set."""
    snapshot = read_scan(scanned.out / "snapshot")
    assert [p.label for p in snapshot.pairs()] == [FIRST, second]
    snapshot.manifest.pop("pairs")  # the same snapshot, judged on its first pair only
    assert [p.label for p in snapshot.pairs()] == [FIRST]
    alone = evaluate(snapshot, load_rules(), now=NOW)
    skip = COLLISION_RULES if collisions else set()
    expected = {(r.rule_id, r.status.value, r.resource_id) for r in alone if r.rule_id not in skip}
    first = scanned.of(FIRST)
    assert expected == {
        (r["rule_id"], r["status"], r["resource_id"]) for r in first if r["rule_id"] not in skip
    }
    assert all(r["message"].startswith(f"{SOURCE} -> {TARGET}: ") for r in first)
    planted = {(check, rid) for check, ids in scanned.plan.failing.items() for rid in ids}
    failing = {(r["rule_id"], r["resource_id"]) for r in first if r["status"] == "FAIL"}
    assert {f for f in failing if f[0] not in skip} == planted
    assert not [r for r in scanned.results if r["status"] == "ERROR"]


# ------------------------------------------------------------------- two-targets

BACKUP = "me-central-1:eu-west-1"
#: me-central-1 -> eu-west-1: the backup Region holds the replica of alias/audit-mrk,
#: api.example.com and the replica of prod/billing/api-key, and nothing else of the
#: source; the SAML roles accept eu-central-1's sign-in endpoint but not eu-west-1's.
BACKUP_FAILS = [
    ("AA-001", "org-external-access"),
    ("AA-002", "ignore-audit-kms-keys"),
    ("AA-002", "ignore-partner-buckets"),
    ("ACM-001", "legacy.example.com"),
    ("ACM-001", "pay.example.com"),
    ("ACM-001", "shop.example.com"),
    ("ACM-001", "www.example.com"),
    ("ACM-005", "legacy.example.com"),
    ("COG-001", "customers"),
    ("COG-001", "partners"),
    ("COG-001", "staff"),
    ("COG-004", "app_identities"),
    ("COG-004", "partner_identities"),
    ("GD-001", "<detector>"),
    ("GD-002", "<detector>"),
    ("GD-003", "archive-known-scanners"),
    ("GD-003", "high-severity-ec2"),
    ("GD-004", "<detector>"),
    ("GD-005", "<detector>"),
    ("GEN-002", "eu-west-1"),
    ("GEN-003", "acm-certificate-expiry"),
    ("GEN-003", "guardduty-findings"),
    ("GEN-003", "kms-key-deletion"),
    ("IAM-001", "federated-admin"),
    ("IAM-002", "EmergencyOperations"),
    ("IAM-002", "federated-admin"),
    ("IAM-002", "federated-ops"),
    ("IAM-003", "region-guard"),
    ("IAM-004", "orders-access"),
    ("IAM-004", "reports-read"),
    ("IDC-004", "demo-organization"),
    ("IDC-008", "demo-organization"),
    ("KMS-001", "alias/app-data"),
    ("KMS-001", "alias/billing"),
    ("KMS-001", "alias/identity-center"),
    ("KMS-001", "alias/ledger"),
    ("KMS-001", "alias/legacy-hsm"),
    ("KMS-001", "alias/orders-mrk"),
    ("KMS-001", "alias/reports"),
    ("KMS-001", "alias/session-mrk"),
    ("KMS-002", "alias/identity-center"),
    ("KMS-002", "alias/orders-mrk"),
    ("KMS-002", "alias/session-mrk"),
    ("KMS-002", "mrk-<uuid>"),  # the unaliased multi-Region key of seed_platform
    ("KMS-005", "alias/legacy-hsm"),
    ("KMS-010", "fs-<id>"),
    ("KMS-010", "ledger-entries"),
    ("KMS-010", "ledger-exports-123456789012"),
    ("KMS-010", "orders-archive-123456789012"),
    ("KMS-010", "snap-<id>"),
    ("KMS-010", "snap-<id>"),
    ("KMS-010", "vol-<id>"),
    ("KMS-011", "backup.vault:ledger-vault"),
    ("KMS-011", "logs.log_group:/ledger/audit"),
    ("KMS-011", "sns.topic:ledger-alerts"),
    ("SM-001", "prod/legacy/token"),
    ("SM-001", "prod/orders/db"),
    ("SM-001", "prod/payments/db"),
    ("SM-001", "prod/reports/db"),
    ("SM-004", "events!connection/partner-api/<uuid>/auth"),
    ("STS-003", "arn:aws:iam::123456789012:user/legacy-batch @ me-central-1"),
    ("WAF-001", "admin-portal"),
    ("WAF-001", "partner-api"),
    ("WAF-001", "storefront"),
    ("WAF-005", "bad-bots"),
    ("WAF-005", "geo-block"),
    ("WAF-005", "office-ips"),
]
#: Passes in eu-west-1 and fails in eu-central-1: what the backup Region was seeded with.
BACKUP_READY = {
    ("ACM-001", "api.example.com"),
    ("KMS-001", "alias/audit-mrk"),
    ("KMS-002", "alias/audit-mrk"),
    ("SM-001", "prod/billing/api-key"),
}


def test_two_targets(moto_server: str, tmp_path: Path) -> None:
    flags = ["--source", SOURCE, "--target", f"{TARGET},eu-west-1"]
    scanned = scan_topology(moto_server, tmp_path, "two-targets", flags)
    check_first_pair(scanned, BACKUP)
    assert scanned.failing(BACKUP) == Counter(BACKUP_FAILS)
    passing = {(r["rule_id"], name(r)) for r in scanned.of(BACKUP, "PASS")}
    assert passing >= BACKUP_READY
    assert set(scanned.failing(FIRST)) >= BACKUP_READY


# ----------------------------------------------------------------- active-active

REVERSE = "eu-central-1:me-central-1"
#: eu-central-1 -> me-central-1: what only eu-central-1 holds, and what me-central-1
#: lacks as a target (a DNS validation record for api.example.com, say).
REVERSE_FAILS = [
    ("ACM-001", "status.example.com"),  # requested in eu-central-1 only
    ("ACM-005", "legacy.example.com"),
    ("ACM-006", "api.example.com"),  # no validation record for me-central-1's certificate
    ("IAM-001", "federated-admin"),
    ("IAM-002", "federated-admin"),
    ("KMS-001", "alias/dr-backup"),
    ("KMS-001", "alias/ledger-eu"),
    ("KMS-005", "alias/legacy-hsm"),
    ("KMS-010", "fs-<id>"),
    ("KMS-010", "orders-archive-eu-123456789012"),
    ("KMS-010", "snap-<id>"),
    ("KMS-011", "backup.vault:dr-vault"),
    ("WAF-003", "storefront"),  # me-central-1's differs from eu-central-1's
]


def test_active_active(moto_server: str, tmp_path: Path) -> None:
    flags = ["--source", SOURCE, "--target", TARGET, "--active-active"]
    scanned = scan_topology(moto_server, tmp_path, "active-active", flags)
    check_first_pair(scanned, REVERSE)
    assert scanned.failing(REVERSE) == Counter(REVERSE_FAILS)


# ----------------------------------------------------------------- consolidation

SECOND = "me-south-1:eu-central-1"
#: me-south-1 -> eu-central-1: me-south-1's own resources (the namesakes), and the
#: target's own problems, which every pair into eu-central-1 shows.
SECOND_FAILS = [
    ("ACM-001", "www.example.com"),  # me-south-1's lacks example.com
    ("ACM-003", "shop.example.com"),
    ("ACM-006", "status.example.com"),
    ("ACM-011", "Example Root eu"),
    ("ACM-016", "shop.example.com"),
    ("ACM-017", "www.example.com"),
    ("GEN-002", "eu-central-1"),
    ("IAM-001", "federated-admin"),
    ("IAM-002", "federated-admin"),
    ("IAM-003", "region-guard"),
    ("KMS-007", "<uuid>"),  # the unaliased "Partner exchange" key
    ("KMS-008", "alias/reports"),
    ("KMS-014", "alias/app-data"),
    ("SM-006", "prod/orders/db"),
    ("WAF-002", "storefront"),  # eu-central-1's has 3 rules, me-south-1's 1
    ("WAF-003", "storefront"),
    ("WAF-004", "storefront"),
    ("WAF-009", "storefront"),
]
#: The collision rules' verdicts in both pairs: (pair, rule, status, resource).
COLLISIONS = {
    (FIRST, "ACM-017", "FAIL", "www.example.com"),
    (FIRST, "KMS-014", "FAIL", "alias/app-data"),
    (FIRST, "KMS-014", "PASS", "alias/session-mrk"),  # one multi-Region key
    (FIRST, "SM-006", "FAIL", "prod/orders/db"),
    (FIRST, "WAF-009", "FAIL", "storefront"),
    (SECOND, "ACM-017", "FAIL", "www.example.com"),
    (SECOND, "KMS-014", "FAIL", "alias/app-data"),
    (SECOND, "KMS-014", "PASS", "alias/session-mrk"),
    (SECOND, "SM-006", "FAIL", "prod/orders/db"),
    (SECOND, "WAF-009", "FAIL", "storefront"),
}


def test_consolidation(moto_server: str, tmp_path: Path) -> None:
    flags = ["--source", f"{SOURCE},me-south-1", "--target", TARGET]
    scanned = scan_topology(moto_server, tmp_path, "consolidation", flags)
    check_first_pair(scanned, SECOND, collisions=True)
    assert scanned.failing(SECOND) == Counter(SECOND_FAILS)
    collisions = {
        (f"{r['source_region']}:{r['target_region']}", r["rule_id"], r["status"], name(r))
        for r in scanned.results
        if r["rule_id"] in COLLISION_RULES and r["status"] in ("FAIL", "PASS")
    }
    assert collisions == COLLISIONS
