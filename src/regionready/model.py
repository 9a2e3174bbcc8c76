"""The report model: what the engine produces and every reporter reads.

Reporters know this module only. Everything in it is plain data that round-trips
through JSON (``Report.to_dict`` / ``Report.from_dict``), so a report written by one
run can be re-rendered, diffed or used as a baseline by another.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

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

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "service": self.service,
            "kind": self.kind,
            "severity": self.severity.value,
            "path": self.path,
            "references": list(self.references),
            "remediation_text": self.remediation_text,
            "remediation_action": self.remediation_action,
            "help_uri": self.help_uri,
        }


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
    #: What a person calls the resource (a domain, an alias, a name), from the rule's
    #: ``resource_name`` expression; None when the rule has none or the item gives none.
    resource_name: str | None = None
    #: The failures that block this one, its root causes: ``<rule id> <resource>`` each.
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
    def pair(self) -> str:
        """``source:target``: the Region pair the result is about."""
        return pair_label(self.source_region, self.target_region)

    @property
    def is_finding(self) -> bool:
        return self.status is Status.FAIL

    @property
    def blocking_rules(self) -> list[str]:
        """The rules whose failures block this one: each ``blocked_by`` entry is
        ``<rule id> <resource>``."""
        return list(dict.fromkeys(entry.split(" ", 1)[0] for entry in self.blocked_by))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (a copy: mutating it leaves the result unchanged).

        Written out field by field: ``dataclasses.asdict`` deep-copies through generic
        recursion and was about half the time of rendering the JSON report.
        """
        location = self.location
        suppression = self.suppression
        return {
            "rule_id": self.rule_id,
            "status": self.status.value,
            "severity": self.severity.value,
            "service": self.service,
            "kind": self.kind,
            "message": self.message,
            "account": self.account,
            "region": self.region,
            "resource_type": self.resource_type,
            "resource_id": self.resource_id,
            "resource_name": self.resource_name,
            "correlation_key": self.correlation_key,
            "source_region": self.source_region,
            "target_region": self.target_region,
            "location": None
            if location is None
            else {"path": location.path, "line": location.line, "column": location.column},
            "blocked_by": list(self.blocked_by),
            "suppression": None if suppression is None else dict(suppression),
            "details": _plain(self.details),
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:
        values = dict(data)
        values["status"] = Status(values["status"])
        values["severity"] = Severity(values["severity"])
        loc = values.get("location")
        values["location"] = Location(**loc) if loc else None
        values.setdefault("resource_name", None)  # reports made before 0.2 have none
        return cls(**values)


def _plain(value: Any) -> Any:
    """A deep copy of JSON-like data (dicts, lists, tuples); other values as they are.

    What ``dataclasses.asdict`` did for ``details`` (minus ``copy.deepcopy`` of leaves,
    which are strings, numbers, booleans and None in a report), without its per-value
    dataclass checks.
    """
    kind = type(value)
    if kind is dict:
        return {k: _plain(v) if type(v) in _CONTAINERS else v for k, v in value.items()}
    if kind is list:
        return [_plain(v) if type(v) in _CONTAINERS else v for v in value]
    if kind is tuple:
        return tuple(_plain(v) if type(v) in _CONTAINERS else v for v in value)
    return value


_CONTAINERS = (dict, list, tuple)


def pair_label(source: str, target: str) -> str:
    """A pair as programs read it (``--pairs``, suppressions): ``source:target``."""
    return f"{source}:{target}"


def pair_title(label: str) -> str:
    """A pair as people read it: ``source -> target``."""
    return label.replace(":", " -> ", 1)


def fingerprint(
    rule_id: str, account: str, correlation_key: str, source_region: str, target_region: str
) -> str:
    """Stable across runs and machines: the same finding keeps the same id."""
    raw = "\x1f".join((rule_id, account, correlation_key, source_region, target_region))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


@dataclass
class ScanInfo:
    """What was scanned: ``source_region`` and ``target_region`` are the first pair;
    ``pairs`` every pair judged (``{"source", "target"}`` each)."""

    source_region: str
    target_region: str
    accounts: list[str]
    now: str
    cutover_date: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    tool_version: str = ""
    pairs: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.pairs:  # one pair (and reports written before pairs existed)
            self.pairs = [{"source": self.source_region, "target": self.target_region}]

    @property
    def pair_labels(self) -> list[str]:
        """``source:target`` of each pair, in order."""
        return [pair_label(p["source"], p["target"]) for p in self.pairs]

    def to_dict(self) -> dict[str, Any]:
        return {
            "source_region": self.source_region,
            "target_region": self.target_region,
            "pairs": [dict(p) for p in self.pairs],
            "accounts": list(self.accounts),
            "now": self.now,
            "cutover_date": self.cutover_date,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "tool_version": self.tool_version,
        }


class ResultSet(Protocol):
    """Results that can be walked any number of times and counted: a list, or one of
    :mod:`regionready.results`' collections that keep them on disk."""

    def __iter__(self) -> Iterator[Result]: ...

    def __len__(self) -> int: ...


@dataclass
class Report:
    scan: ScanInfo
    rules: dict[str, RuleInfo]
    results: ResultSet
    schema_version: int = REPORT_SCHEMA_VERSION

    def findings(self) -> ResultSet:
        """The FAIL results (walked from ``results`` each time, never held)."""
        from regionready.results import select

        return select(self.results, statuses=(Status.FAIL,))

    def counts(self) -> dict[str, int]:
        from regionready.results import Counts

        counted = Counts.of(self.results)
        return {s.value: counted.status(s) for s in Status}

    def failing_severity_counts(self) -> dict[str, int]:
        from regionready.results import Counts

        counted = Counts.of(self.results)
        return {s.value: counted.failing(s) for s in SEVERITIES_DESCENDING}

    def to_dict(self, *, with_results: bool = True) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "scan": self.scan.to_dict(),
            "rules": {rid: info.to_dict() for rid, info in sorted(self.rules.items())},
            "results": [r.to_dict() for r in self.results] if with_results else [],
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
