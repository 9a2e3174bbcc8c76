"""Compare the resources regionready and Cloud Custodian flag on the overlapping checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# regionready rule -> (c7n policy, c7n id field, what regionready's id is)
OVERLAP: dict[str, dict[str, Any]] = {
    "ACM-003": {
        "policy": "acm-imported-expiring-30d",
        "c7n_id": "CertificateArn",
        "label": "imported certificates expiring within 30 days (target)",
        "severity": "high",  # ACM-003 is high within `days` (30), medium up to 60
    },
    "KMS-004": {
        "policy": "kms-rotation-off",
        "c7n_id": "KeyId",
        "label": "keys without rotation (target)",
        "alias_to_key": True,  # regionready names the target alias
    },
    "KMS-002": {
        "policy": "kms-mrk-primary-without-replica",
        "c7n_id": "KeyId",
        "label": "multi-Region primaries without a replica in the target (source)",
    },
    "WAF-002": {
        "policy": "wafv2-too-few-rules",
        "c7n_id": "ARN",
        "label": "web ACLs with too few rules (target)",
    },
    "WAF-007": {
        "policy": "wafv2-without-logging",
        "c7n_id": "ARN",
        "label": "web ACLs without logging (target)",
    },
    "SM-001": {
        "policy": "secret-not-replicated",
        "c7n_id": "ARN",
        "label": "secrets not replicated to the target (source)",
    },
}


def _target_alias_keys(snapshot: Path, target: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in snapshot.glob(f"*/{target}.json"):
        doc = json.loads(path.read_text("utf-8"))
        kms = doc["services"].get("kms") or {}
        for alias in (kms.get("resources") or {}).get("alias", []):
            if alias.get("TargetKeyId"):
                found[alias["AliasName"]] = alias["TargetKeyId"]
    return found


def regionready_flagged(report: Path, snapshot: Path, target: str) -> dict[str, list[str]]:
    results = json.loads(report.read_text("utf-8"))["results"]
    aliases = _target_alias_keys(snapshot, target)
    flagged: dict[str, set[str]] = {rule: set() for rule in OVERLAP}
    for r in results:
        spec = OVERLAP.get(r["rule_id"])
        if spec is None or r["status"] != "FAIL":
            continue
        if spec.get("severity") and r["severity"] != spec["severity"]:
            continue
        rid = r["resource_id"]
        if spec.get("alias_to_key"):
            rid = aliases.get(rid, rid)
        flagged[r["rule_id"]].add(rid)
    return {k: sorted(v) for k, v in flagged.items()}


def c7n_ids(flagged: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for rule, spec in OVERLAP.items():
        resources = (flagged.get(spec["policy"]) or {}).get("resources", [])
        out[rule] = sorted({str(r.get(spec["c7n_id"])) for r in resources})
    return out


def compare(
    rr: dict[str, list[str]], c7n: dict[str, list[str]], expected: dict[str, list[str]]
) -> dict[str, Any]:
    rows = {}
    for rule, spec in OVERLAP.items():
        a, b = set(rr.get(rule, [])), set(c7n.get(rule, []))
        planted = set(expected.get(rule, []))
        rows[rule] = {
            "label": spec["label"],
            "c7n_policy": spec["policy"],
            "regionready": len(a),
            "c7n": len(b),
            "both": len(a & b),
            "only_regionready": sorted(a - b),
            "only_c7n": sorted(b - a),
            "planted_bulk": len(planted),
            "planted_missed_by_regionready": sorted(planted - a),
            "planted_missed_by_c7n": sorted(planted - b),
            "same": a == b,
        }
    return rows
