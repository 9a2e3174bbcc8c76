"""The trend of periodic scans: JSON reports in, :class:`Trend` out (pure, no I/O).

``regionready trend`` reads the JSON reports of a periodic scan (the weekly DR-readiness
scan keeps them, docs/trend.md) and shows how readiness moved:

- the score of every scan, overall, per service and (when the reports judge more than one
  Region pair between them) per pair, computed by :mod:`regionready.scoring` from the
  results, exactly as the report's own ``score`` is;
- for every scan but the first, its findings against the previous scan by fingerprint:
  new, fixed, still open, not evaluated, suppressed (:func:`regionready.baseline.diff`,
  so a finding whose check turned ERROR is "not evaluated", never "fixed"), and its new
  ERRORs (ERROR results whose fingerprint was not ERROR in the previous scan);
- the findings open in the latest scan, oldest first: each is *first seen* in the
  earliest scan from which it is FAIL in every scan up to the latest. A scan in which it
  was not evaluated (its check was ERROR, or did not run) does not interrupt the run:
  not evaluated is not fixed. A scan in which it was fixed or suppressed does.

Scans are ordered by their time: ``scan.finished_at``, else ``scan.started_at``, else
``scan.now`` (when the report was judged); ties by file name.

Scope: reports of different accounts or Region pairs are not trended together unless
asked (``allow_mixed``): the scores of two different scopes are not one series, and the
findings of a pair one scan left out would look fixed to a careless reader. With
``allow_mixed`` the scans are trended as given: scores are shown per pair, each scan whose
scope differs from the previous one is marked, and a finding of an account or pair the
later scan did not judge is "not evaluated" (baseline's rule: the rule did not run for
that account and pair), never fixed.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from regionready import baseline, scoring
from regionready.engine.functions import parse_time
from regionready.errors import RegionReadyError, UsageError
from regionready.model import (
    REPORT_SCHEMA_VERSION,
    Report,
    Result,
    ScanInfo,
    Severity,
    Status,
    pair_label,
    pair_title,
)

#: How many of the oldest open findings are shown unless ``--top`` says otherwise.
DEFAULT_TOP = 10
#: Why a JSON document is no regionready report.
NOT_A_REPORT = "not a regionready JSON report (no scan object and results list)"
#: A scope difference names at most this many accounts or pairs, then "and N more".
NAMED_IN_ERRORS = 3


class TrendError(RegionReadyError):
    """A report that cannot be trended, or reports that cannot be trended together."""


class NotAReport(TrendError):
    """A JSON document that is no regionready JSON report at all (in a folder, skipped)."""


@dataclass(frozen=True)
class Finding:
    """One result as the trend shows it (a FAIL, or an ERROR for the new errors)."""

    fingerprint: str
    rule_id: str
    severity: Severity
    resource: str
    account: str
    pair: str
    message: str

    @classmethod
    def of(cls, record: Mapping[str, Any]) -> Finding:
        """From a record of :func:`records`."""
        return cls(
            fingerprint=record["fingerprint"],
            rule_id=record.get("rule_id") or "",
            severity=Severity(record.get("severity") or Severity.NOTE.value),
            resource=record.get("resource_id") or record.get("resource_name") or "",
            account=record.get("account") or "",
            pair=pair_label(record.get("source_region") or "", record.get("target_region") or ""),
            message=record.get("message") or "",
        )


@dataclass(frozen=True)
class Point:
    """One report, reduced to what the trend needs (the report itself is not kept)."""

    #: The path of the report as it was given (for messages).
    source: str
    #: The file name (tables, and the tie-break of the order).
    name: str
    time: dt.datetime
    accounts: tuple[str, ...]
    #: ``source:target`` of every pair the scan judged.
    pairs: tuple[str, ...]
    score: float
    #: Service -> score (services with results in this scan).
    services: Mapping[str, float]
    #: ``source:target`` -> the score over that pair's results.
    pair_scores: Mapping[str, float]
    verdict: str
    open: int
    errors: int
    suppressed: int
    #: The first pair (``scan.source_region``/``target_region``), for baseline's default.
    head: tuple[str, str]
    #: Every result as :func:`records` makes it, for :func:`regionready.baseline.diff`.
    records: tuple[dict[str, Any], ...]

    def document(self) -> dict[str, Any]:
        """What :func:`regionready.baseline.diff` reads of a report."""
        source, target = self.head
        return {
            "scan": {"source_region": source, "target_region": target},
            "results": list(self.records),
        }


@dataclass(frozen=True)
class Changes:
    """A scan's findings against the previous scan (by fingerprint)."""

    new: tuple[Finding, ...]
    fixed: tuple[Finding, ...]
    still_open: tuple[Finding, ...]
    #: Findings of the previous scan whose check is ERROR now, or did not run: not fixed.
    not_evaluated: tuple[Finding, ...]
    suppressed: tuple[Finding, ...]
    #: ERROR results whose fingerprint was not ERROR in the previous scan.
    new_errors: tuple[Finding, ...]


@dataclass(frozen=True)
class Step:
    """A scan in the trend: its point, and its changes (None for the first scan)."""

    point: Point
    changes: Changes | None
    #: Its accounts or pairs differ from the previous scan's (only with ``allow_mixed``).
    scope_changed: bool = False


@dataclass(frozen=True)
class OpenFinding:
    """A finding open in the latest scan, and since when."""

    finding: Finding
    #: Time and file of the scan it is first seen in (see the module docstring).
    first_seen: dt.datetime
    first_scan: str
    #: Scans in which it was FAIL, from the first seen to the latest.
    scans: int
    #: Whole days from the first seen scan to the latest.
    days: int


@dataclass(frozen=True)
class Trend:
    steps: tuple[Step, ...]
    #: Every service with results in some scan, sorted.
    services: tuple[str, ...]
    #: Every pair some scan judged, in the order first met.
    pairs: tuple[str, ...]
    accounts: tuple[str, ...]
    #: The findings open in the latest scan, oldest first.
    open_findings: tuple[OpenFinding, ...]
    #: The scans do not all judge the same accounts and pairs (``allow_mixed``).
    mixed: bool = False

    @property
    def points(self) -> tuple[Point, ...]:
        return tuple(step.point for step in self.steps)

    @property
    def first(self) -> Point:
        return self.steps[0].point

    @property
    def latest(self) -> Step:
        return self.steps[-1]

    @property
    def previous(self) -> Point | None:
        return self.steps[-2].point if len(self.steps) > 1 else None

    @property
    def several_pairs(self) -> bool:
        return len(self.pairs) > 1

    def oldest(self, top: int = DEFAULT_TOP) -> tuple[OpenFinding, ...]:
        """The ``top`` oldest open findings."""
        return self.open_findings[:top]

    def service_series(self, service: str) -> list[float | None]:
        """The service's score in each scan (None where the scan has no result of it)."""
        return [p.services.get(service) for p in self.points]

    def pair_series(self, pair: str) -> list[float | None]:
        """The pair's score in each scan (None where the scan did not judge it)."""
        return [p.pair_scores.get(pair) if pair in p.pairs else None for p in self.points]


# -- reading one report --------------------------------------------------------------------

_RESULT_TEXT = (
    "rule_id",
    "service",
    "kind",
    "message",
    "account",
    "region",
    "resource_type",
    "resource_id",
    "correlation_key",
    "source_region",
    "target_region",
)
_STATUSES = frozenset(s.value for s in Status)
_SEVERITIES = frozenset(s.value for s in Severity)


def is_report_shaped(data: Any) -> bool:
    """Whether ``data`` looks like a regionready JSON report at all: an object with a
    ``scan`` object and a ``results`` list (another JSON file of a folder has neither)."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("scan"), dict)
        and isinstance(data.get("results"), list)
    )


def parse(source: str, data: Any, *, redact: bool = False) -> Point:
    """The point of one parsed JSON document ``data``, read from ``source``.

    :class:`NotAReport` when it is no regionready JSON report at all; :class:`TrendError`
    (one line naming ``source`` and the field) when it is one of another
    ``schema_version``, or a damaged one. ``redact``: account ids masked (fingerprints
    kept), as the reports' ``--redact`` does."""
    if not is_report_shaped(data):
        raise NotAReport(f"{source}: {NOT_A_REPORT}")
    version = data.get("schema_version")
    if type(version) is not int or version != REPORT_SCHEMA_VERSION:
        raise TrendError(
            f"{source}: a report of schema_version {version!r}; this regionready reads "
            f"schema_version {REPORT_SCHEMA_VERSION}"
        )
    scan = _scan_info(source, data["scan"])
    results = [_result(source, index, item) for index, item in enumerate(data["results"])]
    time = _time(source, scan)
    report = Report(scan=scan, rules={}, results=results)
    if redact:
        report = scoring.redact_report(report)
    card = scoring.scorecard(report)
    pair_cards = scoring.pair_scorecards(report)
    records = list(baseline.records(report.results))
    for record, result in zip(records, report.results, strict=True):
        record["resource_name"] = result.resource_name
    return Point(
        source=source,
        name=PurePath(source).name,
        time=time,
        accounts=tuple(sorted(report.scan.accounts)),
        pairs=tuple(pair_cards),
        score=card.overall.score,
        services={name: s.score for name, s in card.services.items()},
        pair_scores={label: c.overall.score for label, c in pair_cards.items()},
        verdict=card.verdict.value,
        open=card.overall.failed,
        errors=card.overall.errors,
        suppressed=card.overall.suppressed,
        head=(report.scan.source_region, report.scan.target_region),
        records=tuple(records),
    )


def _scan_info(source: str, raw: dict[str, Any]) -> ScanInfo:
    for key in ("source_region", "target_region", "now"):
        if not isinstance(raw.get(key), str):
            raise TrendError(f"{source}: scan.{key} must be text")
    for key in ("started_at", "finished_at", "cutover_date"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise TrendError(f"{source}: scan.{key} must be text")
    accounts = raw.get("accounts", [])
    if not isinstance(accounts, list) or not all(isinstance(a, str) for a in accounts):
        raise TrendError(f"{source}: scan.accounts must be a list of account ids")
    pairs = raw.get("pairs") or []
    if not isinstance(pairs, list) or not all(
        isinstance(p, dict)
        and isinstance(p.get("source"), str)
        and isinstance(p.get("target"), str)
        for p in pairs
    ):
        raise TrendError(f"{source}: scan.pairs must be a list of {{source, target}} Regions")
    return ScanInfo(
        source_region=raw["source_region"],
        target_region=raw["target_region"],
        accounts=list(accounts),
        now=raw["now"],
        started_at=raw.get("started_at"),
        finished_at=raw.get("finished_at"),
        pairs=[{"source": p["source"], "target": p["target"]} for p in pairs],
    )


def _result(source: str, index: int, item: Any) -> Result:
    where = f"{source}: results[{index}]"
    if not isinstance(item, dict):
        raise TrendError(f"{where}: not an object")
    fingerprint = item.get("fingerprint")
    if not isinstance(fingerprint, str) or not fingerprint:
        raise TrendError(f"{where}: no fingerprint")
    if item.get("status") not in _STATUSES:
        raise TrendError(f"{where}: unknown status {item.get('status')!r}")
    if item.get("severity") not in _SEVERITIES:
        raise TrendError(f"{where}: unknown severity {item.get('severity')!r}")
    for key in _RESULT_TEXT:
        if not isinstance(item.get(key), str):
            raise TrendError(f"{where}: {key} must be text")
    name = item.get("resource_name")
    return Result(
        rule_id=item["rule_id"],
        status=Status(item["status"]),
        severity=Severity(item["severity"]),
        service=item["service"],
        kind=item["kind"],
        message=item["message"],
        account=item["account"],
        region=item["region"],
        resource_type=item["resource_type"],
        resource_id=item["resource_id"],
        correlation_key=item["correlation_key"],
        source_region=item["source_region"],
        target_region=item["target_region"],
        resource_name=name if isinstance(name, str) else None,
        fingerprint=fingerprint,
    )


def _time(source: str, scan: ScanInfo) -> dt.datetime:
    """When the scan ran: finished, else started, else judged (``now``)."""
    for key in ("finished_at", "started_at", "now"):
        value = getattr(scan, key)
        if value is None:
            continue
        parsed = parse_time(value)
        if parsed is None:
            raise TrendError(f"{source}: scan.{key} is not an ISO-8601 time: {value!r}")
        return parsed
    raise TrendError(f"{source}: scan has no time")  # pragma: no cover - now is required


# -- the trend -----------------------------------------------------------------------------


def build(points: Iterable[Point], *, allow_mixed: bool = False) -> Trend:
    """The trend of ``points``, ordered by time then file name. :class:`TrendError`
    naming two files of different accounts or Region pairs, unless ``allow_mixed``."""
    ordered = sorted(points, key=lambda p: (p.time, p.name, p.source))
    if not ordered:
        raise UsageError("no regionready JSON report to trend")
    steps = [Step(ordered[0], None)]
    mixed = False
    for before, point in itertools.pairwise(ordered):
        difference = scope_difference(before, point)
        if difference:
            if not allow_mixed:
                raise TrendError(
                    f"{before.source} and {point.source} are scans of different {difference}; "
                    f"trend each scope on its own (a folder each), or give --allow-mixed"
                )
            mixed = True
        steps.append(Step(point, changes(before, point), scope_changed=bool(difference)))
    return Trend(
        steps=tuple(steps),
        services=tuple(sorted({name for p in ordered for name in p.services})),
        pairs=tuple(dict.fromkeys(label for p in ordered for label in p.pairs)),
        accounts=tuple(sorted({a for p in ordered for a in p.accounts})),
        open_findings=open_findings(ordered),
        mixed=mixed,
    )


def scope_difference(before: Point, after: Point) -> str:
    """What differs between the scopes of two scans, in words ("" when nothing does):
    ``Region pairs (me-central-1 -> eu-west-1 only in b.json)``."""
    parts = []
    pairs = _only(
        [pair_title(p) for p in before.pairs],
        [pair_title(p) for p in after.pairs],
        before.name,
        after.name,
    )
    if pairs:
        parts.append(f"Region pairs ({pairs})")
    accounts = _only(list(before.accounts), list(after.accounts), before.name, after.name)
    if accounts:
        parts.append(f"accounts ({accounts})")
    return " and ".join(parts)


def _only(first: Sequence[str], second: Sequence[str], first_name: str, second_name: str) -> str:
    said = []
    for items, others, name in ((first, second, first_name), (second, first, second_name)):
        known = set(others)
        alone = [item for item in items if item not in known]
        if alone:
            named = ", ".join(alone[:NAMED_IN_ERRORS])
            if len(alone) > NAMED_IN_ERRORS:
                named += f" and {len(alone) - NAMED_IN_ERRORS} more"
            said.append(f"{named} only in {name}")
    return "; ".join(said)


def changes(before: Point, after: Point) -> Changes:
    """``after``'s findings against ``before``'s (:func:`regionready.baseline.diff`)."""
    diff = baseline.diff(before.document(), after.document())
    errored_before = {r["fingerprint"] for r in before.records if r["status"] == Status.ERROR.value}
    new_errors = {
        r["fingerprint"]: r
        for r in after.records
        if r["status"] == Status.ERROR.value and r["fingerprint"] not in errored_before
    }

    def findings(items: Iterable[Mapping[str, Any]]) -> tuple[Finding, ...]:
        return tuple(sorted((Finding.of(r) for r in items), key=_finding_order))

    return Changes(
        new=findings(diff.new),
        fixed=findings(diff.fixed),
        still_open=findings(diff.unchanged),
        not_evaluated=findings(diff.not_evaluated),
        suppressed=findings(diff.suppressed),
        new_errors=findings(new_errors.values()),
    )


def open_findings(points: Sequence[Point]) -> tuple[OpenFinding, ...]:
    """The findings open in the last of ``points`` (in time order), oldest first, then
    the most severe; each with the scan it is first seen in (see the module docstring)."""
    if not points:
        return ()
    latest = points[-1]
    open_now = baseline.failing_fingerprints(latest.document())
    first = dict.fromkeys(open_now, len(points) - 1)
    scans = dict.fromkeys(open_now, 1)
    alive = set(open_now)
    for index in range(len(points) - 2, -1, -1):
        if not alive:
            break
        # The latest open findings still running back, judged against this earlier scan.
        earlier = baseline.diff(
            {
                "scan": latest.document()["scan"],
                "results": [r for fp, r in open_now.items() if fp in alive],
            },
            points[index].document(),
        )
        for record in earlier.unchanged:
            first[record["fingerprint"]] = index
            scans[record["fingerprint"]] += 1
        for record in (*earlier.fixed, *earlier.suppressed):
            alive.discard(record["fingerprint"])
        # not evaluated: no evidence either way, the run goes on.
    found = []
    for fp, record in open_now.items():
        seen = points[first[fp]]
        found.append(
            OpenFinding(
                finding=Finding.of(record),
                first_seen=seen.time,
                first_scan=seen.name,
                scans=scans[fp],
                days=max(0, (latest.time - seen.time).days),
            )
        )
    found.sort(key=lambda o: (o.first_seen, *_finding_order(o.finding)))
    return tuple(found)


def _finding_order(f: Finding) -> tuple[int, str, str, str, str]:
    """Most severe first, then rule, resource, pair and account."""
    return (-f.severity.rank, f.rule_id, f.resource, f.pair, f.account)
