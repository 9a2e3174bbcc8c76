"""The report model: what the engine produces and every reporter reads.

Reporters know this module only. Everything in it is plain data that round-trips
through JSON (``Report.to_dict`` / ``Report.from_dict``), so a report written by one
run can be re-rendered, diffed or used as a baseline by another.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

REPORT_SCHEMA_VERSION = 1


class Status(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    ERROR = "ERROR"
    SUPPRESSED = "SUPPRESSED"
    NOT_APPLICABLE = "NOT_APPLICABLE"


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    NOTE = "note"

    @property
    def rank(self) -> int:
        """Higher is more severe: note=0 ... critical=4."""
        return _SEVERITY_RANK[self]

    def at_least(self, other: Severity) -> bool:
        return self.rank >= other.rank


_SEVERITY_RANK = {
    Severity.NOTE: 0,
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 3,
    Severity.CRITICAL: 4,
}

SEVERITIES_DESCENDING = sorted(Severity, key=lambda s: -s.rank)


@dataclass(frozen=True)
class Location:
    """A place in a file: the rule file for cloud findings, the real line for IaC."""

    path: str
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class RuleInfo:
    """Rule metadata a reporter needs (SARIF rules[], help text, docs links)."""

    id: str
    title: str
    description: str
    service: str
    kind: str
    severity: Severity
    path: str
    references: list[str] = field(default_factory=list)
    remediation_text: str = ""
    remediation_action: str | None = None
    help_uri: str = ""


@dataclass
class Result:
    """One (rule, resource) verdict."""

    rule_id: str
    status: Status
    severity: Severity
    service: str
    kind: str
    message: str
    account: str
    region: str
    resource_type: str
    resource_id: str
    correlation_key: str
    source_region: str
    target_region: str
    location: Location | None = None
    blocked_by: list[str] = field(default_factory=list)
    suppression: dict[str, str] | None = None
    details: dict[str, Any] = field(default_factory=dict)
    fingerprint: str = ""

    def __post_init__(self) -> None:
        if not self.fingerprint:
            self.fingerprint = fingerprint(
                self.rule_id,
                self.account,
                self.correlation_key,
                self.source_region,
                self.target_region,
            )

    @property
    def is_finding(self) -> bool:
        return self.status is Status.FAIL

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        data["severity"] = self.severity.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:
        values = dict(data)
        values["status"] = Status(values["status"])
        values["severity"] = Severity(values["severity"])
        loc = values.get("location")
        values["location"] = Location(**loc) if loc else None
        return cls(**values)


def fingerprint(
    rule_id: str, account: str, correlation_key: str, source_region: str, target_region: str
) -> str:
    """Stable across runs and machines: the same finding keeps the same id."""
    raw = "\x1f".join((rule_id, account, correlation_key, source_region, target_region))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


@dataclass
class ScanInfo:
    source_region: str
    target_region: str
    accounts: list[str]
    now: str
    cutover_date: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    tool_version: str = ""


@dataclass
class Report:
    scan: ScanInfo
    rules: dict[str, RuleInfo]
    results: list[Result]
    schema_version: int = REPORT_SCHEMA_VERSION

    def findings(self) -> list[Result]:
        return [r for r in self.results if r.status is Status.FAIL]

    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Status}
        for result in self.results:
            counts[result.status.value] += 1
        return counts

    def failing_severity_counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in SEVERITIES_DESCENDING}
        for result in self.findings():
            counts[result.severity.value] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "scan": asdict(self.scan),
            "rules": {
                rid: {**asdict(info), "severity": info.severity.value}
                for rid, info in sorted(self.rules.items())
            },
            "results": [r.to_dict() for r in self.results],
            "summary": {
                "status": self.counts(),
                "failing_by_severity": self.failing_severity_counts(),
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        rules = {
            rid: RuleInfo(**{**info, "severity": Severity(info["severity"])})
            for rid, info in data["rules"].items()
        }
        return cls(
            scan=ScanInfo(**data["scan"]),
            rules=rules,
            results=[Result.from_dict(r) for r in data["results"]],
            schema_version=data.get("schema_version", REPORT_SCHEMA_VERSION),
        )
