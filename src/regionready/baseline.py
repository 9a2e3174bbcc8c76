"""Baselines and diffs between two reports, by finding fingerprint.

``--baseline old.json`` makes the gate fail only on findings that are new since that
report; ``regionready diff OLD NEW`` lists new, fixed and unchanged findings (the
periodic DR-readiness scan).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from regionready.model import Result, Severity, Status
from regionready.snapshot import parse_json


class BaselineError(Exception):
    """A baseline or report file that cannot be used."""


SEVERITIES = {s.value for s in Severity}
TEXT_FIELDS = ("rule_id", "resource_id", "region", "message", "account")


def load_report(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError as exc:
        raise BaselineError(f"{path}: no such report file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read: {exc}") from exc
    data = parse_json(path, text, BaselineError)
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise BaselineError(f"{path}: not a regionready JSON report (no results list)")
    for index, item in enumerate(data["results"]):
        if not isinstance(item, dict) or not {"fingerprint", "status"} <= set(item):
            raise BaselineError(f"{path}: results[{index}] has no fingerprint/status")
        if not isinstance(item["fingerprint"], str) or not isinstance(item["status"], str):
            raise BaselineError(f"{path}: results[{index}]: fingerprint and status must be text")
        severity = item.get("severity", "note")
        if not isinstance(severity, str) or severity not in SEVERITIES:
            raise BaselineError(f"{path}: results[{index}]: unknown severity")
        for key in TEXT_FIELDS:
            if item.get(key) is not None and not isinstance(item[key], str):
                raise BaselineError(f"{path}: results[{index}]: {key} must be text")
    return data


def failing_fingerprints(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["fingerprint"]: r for r in report["results"] if r["status"] == "FAIL"}


def mark_new(results: list[Result], baseline: dict[str, Any]) -> list[Result]:
    """Tag each finding new or existing; return the new ones."""
    known = failing_fingerprints(baseline)
    new = []
    for result in results:
        if result.status is not Status.FAIL:
            continue
        if result.fingerprint in known:
            result.details["baseline"] = "existing"
        else:
            result.details["baseline"] = "new"
            new.append(result)
    return new


@dataclass
class Diff:
    new: list[dict[str, Any]] = field(default_factory=list)
    fixed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"new": self.new, "fixed": self.fixed, "unchanged": self.unchanged}


def diff(old: dict[str, Any], new: dict[str, Any]) -> Diff:
    before = failing_fingerprints(old)
    after = failing_fingerprints(new)

    def ordered(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(items, key=lambda r: (r.get("rule_id") or "", r.get("resource_id") or ""))

    return Diff(
        new=ordered([r for fp, r in after.items() if fp not in before]),
        fixed=ordered([r for fp, r in before.items() if fp not in after]),
        unchanged=ordered([r for fp, r in after.items() if fp in before]),
    )
