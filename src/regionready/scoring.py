"""Readiness score and cutover verdict, computed from a report (pure, no I/O).

Score
    For a set of results, the score is the severity-weighted share of *applicable*
    checks that pass, on a 0..100 scale rounded to one decimal::

        score = 100 * sum(weight(r) for r in PASS) / sum(weight(r) for r in PASS + FAIL + ERROR)

    - weights: critical 10, high 5, medium 3, low 1, note 0 (a note never moves the score);
    - ERROR counts as *not passing*: a check that could not be evaluated is not evidence
      of readiness, so an incomplete scan scores lower rather than higher;
    - SUPPRESSED (an accepted, owned, expiring risk) and NOT_APPLICABLE are left out of
      both sides;
    - when nothing weighted is applicable (no results, or only notes) the score is 100.0:
      there is nothing to fix.

    The overall score is computed the same way over every result (it is *not* the mean of
    the service scores, so a service with many checks weighs more than one with few).

Verdict
    READY when no FAIL is at or above ``fail_on`` (default high, like the CLI's
    ``--fail-on``), no result is ERROR and no collector failed to read (GEN-005);
    otherwise NOT_READY.

Region pairs
    A scan of several pairs (``len(report.scan.pairs) > 1``) also has a scorecard per
    pair (:func:`pair_scorecards`): the same score and verdict over that pair's results
    alone. The overall scorecard stays the one over every result, so the scan is READY
    only when every pair is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from regionready.model import Report, Result, ResultSet, Severity, Status
from regionready.results import (
    Counts,
    ResultView,
    group_keys,
    is_indexed,
    select,
)

SEVERITY_WEIGHTS: Mapping[Severity, int] = MappingProxyType(
    {
        Severity.CRITICAL: 10,
        Severity.HIGH: 5,
        Severity.MEDIUM: 3,
        Severity.LOW: 1,
        Severity.NOTE: 0,
    }
)

DEFAULT_FAIL_ON = Severity.HIGH

#: Statuses that take part in the score (ERROR counts as not passing).
APPLICABLE = frozenset({Status.PASS, Status.FAIL, Status.ERROR})


class Verdict(StrEnum):
    READY = "READY"
    NOT_READY = "NOT_READY"


@dataclass(frozen=True)
class ServiceScore:
    """Counts and score of one service (or of the whole report)."""

    service: str
    checks: int = 0
    passed: int = 0
    failed: int = 0
    errors: int = 0
    suppressed: int = 0
    not_applicable: int = 0
    score: float = 100.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "checks": self.checks,
            "pass": self.passed,
            "fail": self.failed,
            "error": self.errors,
            "suppressed": self.suppressed,
            "not_applicable": self.not_applicable,
            "score": self.score,
        }


@dataclass(frozen=True)
class Scorecard:
    """Everything a reporter shows about readiness."""

    services: dict[str, ServiceScore]
    overall: ServiceScore
    verdict: Verdict
    fail_on: Severity | None
    blocking_findings: int
    errors: int

    @property
    def fail_on_label(self) -> str:
        return self.fail_on.value if self.fail_on else "none"

    @property
    def ready(self) -> bool:
        return self.verdict is Verdict.READY

    def score_dict(self) -> dict[str, Any]:
        """The ``score`` object of the JSON report (see report.schema.json)."""
        return {
            "overall": self.overall.score,
            "totals": self.overall.to_dict(),
            "services": {name: s.to_dict() for name, s in sorted(self.services.items())},
            "weights": {sev.value: w for sev, w in SEVERITY_WEIGHTS.items()},
        }

    def verdict_dict(self) -> dict[str, Any]:
        """The ``verdict`` object of the JSON report (see report.schema.json)."""
        return {
            "status": self.verdict.value,
            "fail_on": self.fail_on_label,
            "blocking_findings": self.blocking_findings,
            "errors": self.errors,
        }

    def pair_score_dict(self) -> dict[str, Any]:
        """One pair's entry of ``score.pairs`` in the JSON report: :meth:`score_dict`
        without the weights (the report's own)."""
        return {
            "overall": self.overall.score,
            "totals": self.overall.to_dict(),
            "services": {name: s.to_dict() for name, s in sorted(self.services.items())},
        }

    def pair_verdict_dict(self) -> dict[str, Any]:
        """One pair's entry of ``verdict.pairs`` in the JSON report: :meth:`verdict_dict`
        without ``fail_on`` (the report's own)."""
        return {
            "status": self.verdict.value,
            "blocking_findings": self.blocking_findings,
            "errors": self.errors,
        }


def score_results(results: Iterable[Result]) -> float:
    """Severity-weighted share of applicable checks that pass, 0..100, one decimal."""
    return _score(Counts.of(results))


def _score(counts: Counts) -> float:
    passed = 0
    applicable = 0
    for (status, severity), number in counts.by_status.items():
        if status not in APPLICABLE:
            continue
        weight = SEVERITY_WEIGHTS[severity] * number
        applicable += weight
        if status is Status.PASS:
            passed += weight
    if applicable == 0:
        return 100.0
    return round(100.0 * passed / applicable, 1)


def _summarise(service: str, counts: Counts) -> ServiceScore:
    return ServiceScore(
        service=service,
        checks=counts.total,
        passed=counts.status(Status.PASS),
        failed=counts.status(Status.FAIL),
        errors=counts.status(Status.ERROR),
        suppressed=counts.status(Status.SUPPRESSED),
        not_applicable=counts.status(Status.NOT_APPLICABLE),
        score=_score(counts),
    )


def _blocking(counts: Counts, fail_on: Severity | None) -> int:
    if fail_on is None:
        return 0
    return sum(counts.failing(s) for s in Severity if s.at_least(fail_on))


def counts_by_service(results: Iterable[Result]) -> dict[str, Counts]:
    """Each service's counts, services sorted by name: from a
    :class:`~regionready.results.ResultLog`'s index where it has one, else by one pass."""
    if is_indexed(results):
        grouped: dict[str, Counts] = {}
        for pair, service in group_keys(results):
            grouped.setdefault(service, Counts()).merge(
                Counts.of(select(results, pair=pair, service=service))
            )
    else:
        grouped = {}
        for result in results:
            grouped.setdefault(result.service, Counts()).add(result)
    return {name: grouped[name] for name in sorted(grouped)}


def readiness_scores(results: Iterable[Result]) -> tuple[dict[str, float], float]:
    """``({service: score}, overall)``, services sorted by name."""
    card = scorecard_for(results)
    return {name: s.score for name, s in card.services.items()}, card.overall.score


def blocking_findings(results: Iterable[Result], fail_on: Severity | None = DEFAULT_FAIL_ON) -> int:
    """Number of FAIL results at or above ``fail_on`` (None: ``--fail-on none``)."""
    if fail_on is None:
        return 0
    return sum(1 for r in results if r.status is Status.FAIL and r.severity.at_least(fail_on))


def verdict(report: Report, fail_on: Severity | None = DEFAULT_FAIL_ON) -> Verdict:
    return scorecard(report, fail_on).verdict


def scorecard_for(
    results: Iterable[Result], fail_on: Severity | None = DEFAULT_FAIL_ON
) -> Scorecard:
    """The scorecard of ``results`` (a list or a re-iterable collection), from counts."""
    by_service = counts_by_service(results)
    counts = Counts()
    for service_counts in by_service.values():
        counts.merge(service_counts)
    services = {name: _summarise(name, c) for name, c in by_service.items()}
    overall = _summarise("overall", counts)
    blocking = _blocking(counts, fail_on)
    # A collector that could not read something (GEN-005) leaves the scan incomplete even
    # where no rule read the missing data: never READY, as the exit code 3 says.
    ready = blocking == 0 and overall.errors == 0 and not counts.unread
    return Scorecard(
        services=services,
        overall=overall,
        verdict=Verdict.READY if ready else Verdict.NOT_READY,
        fail_on=fail_on,
        blocking_findings=blocking,
        errors=overall.errors,
    )


def scorecard(report: Report, fail_on: Severity | None = DEFAULT_FAIL_ON) -> Scorecard:
    """Per-service and overall counts and scores, and the verdict for ``fail_on``."""
    return scorecard_for(report.results, fail_on)


def several_pairs(report: Report) -> bool:
    """Whether the scan judged more than one Region pair (then every format shows them)."""
    return len(report.scan.pairs) > 1


def results_by_pair(report: Report) -> dict[str, ResultSet]:
    """The results of each pair, keyed ``source:target``: the scan's pairs in their order
    (a pair without results has none), then any other pair a result names. Each is a
    re-iterable view of ``report.results``, nothing copied."""
    labels = dict.fromkeys(report.scan.pair_labels)
    labels.update(dict.fromkeys(pair for pair, _ in group_keys(report.results)))
    return {label: select(report.results, pair=label) for label in labels}


def pair_scorecards(
    report: Report, fail_on: Severity | None = DEFAULT_FAIL_ON
) -> dict[str, Scorecard]:
    """A scorecard per Region pair (:func:`scorecard_for` over that pair's results), keyed
    ``source:target`` in :func:`results_by_pair`'s order."""
    return {
        label: scorecard_for(results, fail_on) for label, results in results_by_pair(report).items()
    }


def for_reporter(
    report: Report, *, redact: bool, fail_on: Severity | None
) -> tuple[Report, Scorecard]:
    """What every reporter starts from: the report (account ids masked when ``redact``)
    and its scorecard for ``fail_on``."""
    if redact:
        report = redact_report(report)
    return report, scorecard(report, fail_on)


# --- Redaction (shared by every reporter's ``redact=True``) -------------------------------
#
# It lives here because reporters may import only regionready.model and this module. It
# masks 12-digit AWS account ids everywhere in a report ("123456789012" -> "********9012",
# inside ARNs too) but never touches fingerprints: they must stay stable for code scanning
# and baselines. A fingerprint is a hash, not the account id itself.

ACCOUNT_ID_PATTERN = re.compile(r"(?<!\d)\d{12}(?!\d)")
_UNREDACTED_KEYS = frozenset({"fingerprint"})


def mask_account_ids(text: str) -> str:
    """Replace every standalone 12-digit number by ``********`` and its last 4 digits."""
    return ACCOUNT_ID_PATTERN.sub(lambda m: "********" + m.group()[-4:], text)


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_account_ids(value)
    if isinstance(value, dict):
        return {
            (mask_account_ids(k) if isinstance(k, str) else k): (
                v if k in _UNREDACTED_KEYS else _redact_value(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_redact_value(v) for v in value]
    return value


def redact_report(report: Report) -> Report:
    """``report`` with account ids masked in every string (fingerprints kept): its scan
    and rules copied, its results masked one by one as they are read."""
    head = Report.from_dict(_redact_value({**report.to_dict(with_results=False), "results": []}))
    head.results = ResultView(report.results, change=_redact_result)
    return head


def _redact_result(result: Result) -> Result:
    return Result.from_dict(_redact_value(result.to_dict()))
