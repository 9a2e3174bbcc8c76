"""The CI gate: which results fail the build, and the exit code (docs/architecture.md).

0  nothing at or above ``--fail-on``
1  findings at or above ``--fail-on``
3  the scan was incomplete (ERROR results) and ``--allow-incomplete`` was not given

(2, usage error, and 130, interrupted, are the command line's: every exit code is listed
in :mod:`regionready.errors`, which defines them.)

The verdict word is one for every format: READY or NOT READY (``NOT_READY`` in the JSON,
SARIF and JUnit reports), computed by :mod:`regionready.scoring` for all of them. An
incomplete scan is NOT READY (an ERROR result is never evidence of readiness); the
console adds "incomplete" to the word, and the exit code is 3 rather than 1 because
"incomplete" wins there: a gate that could not see everything must not look like a plain
findings failure that a team might have learned to tolerate.
"""

from __future__ import annotations

from collections.abc import Iterable

from regionready import scoring
from regionready.errors import EXIT_FINDINGS, EXIT_INCOMPLETE, EXIT_OK
from regionready.model import Result, Severity, Status
from regionready.results import COLLECTION_RULE, Counts

FAIL_ON_CHOICES = ("critical", "high", "medium", "low", "note", "none")

__all__ = ["COLLECTION_RULE", "exit_code", "gating_count", "incomplete", "verdict"]


def incomplete(results: Iterable[Result]) -> bool:
    """Whether a check could not be evaluated (ERROR) or the collection could not read
    everything (``COLLECTION_RULE`` fails: the scan is incomplete even where no other rule
    needed the missing data)."""
    counts = Counts.of(results)
    return bool(counts.status(Status.ERROR) or counts.unread)


def gating_count(results: Iterable[Result], fail_on: str) -> int:
    """How many FAIL results are at or above ``fail_on``."""
    if fail_on == "none":
        return 0
    threshold = Severity(fail_on)
    counts = Counts.of(results)
    return sum(counts.failing(s) for s in Severity if s.at_least(threshold))


def exit_code(results: Iterable[Result], *, fail_on: str, allow_incomplete: bool) -> int:
    # Incomplete wins: a gate that could not see everything must not look like a
    # plain "findings" failure that a team might have learned to tolerate.
    if not allow_incomplete and incomplete(results):
        return EXIT_INCOMPLETE
    if gating_count(results, fail_on):
        return EXIT_FINDINGS
    return EXIT_OK


READY = "READY"
NOT_READY = "NOT READY"


def verdict(results: Iterable[Result], fail_on: str) -> str:
    """READY or NOT READY: the reports' verdict (:func:`regionready.scoring.scorecard_for`),
    spelt as the console and Markdown print it. Whether the scan is also incomplete is
    :func:`incomplete`'s question (exit 3)."""
    threshold = Severity(fail_on) if fail_on != "none" else None
    ready = scoring.scorecard_for(results, threshold).ready
    return READY if ready else NOT_READY
