"""JSON: the whole report, stable and documented, for other tools.

The document is ``Report.to_dict()`` plus two keys computed by
:mod:`regionready.scoring`: ``score`` (overall and per-service scores with their counts,
and the severity weights) and ``verdict`` (``READY``/``NOT_READY``, the ``fail_on``
severity, the number of blocking findings and of ERROR results). A scan of several Region
pairs adds ``score.pairs`` (``{"source:target": {overall, totals, services}}``) and
``verdict.pairs`` (``{"source:target": {status, blocking_findings, errors}}``), each
computed over that pair's results alone; a one-pair report has neither. It validates against
``regionready/schemas/report.schema.json`` (``schema_version`` 1). Keys are sorted, the
output is ASCII (non-ASCII and control characters are ``\\u`` escapes) and ends with a
newline, so the same report always renders to the same bytes.

The module is named ``jsonreport`` so it does not shadow the standard library's ``json``;
its ``FORMAT`` is ``"json"``.
"""

from __future__ import annotations

import json
from typing import IO, Any

from regionready.model import Report, Severity
from regionready.scoring import (
    DEFAULT_FAIL_ON,
    Scorecard,
    for_reporter,
    pair_scorecards,
    several_pairs,
)

FORMAT = "json"
EXTENSION = ".json"

#: The standard library's encoder with the report's settings (ASCII output).
_ENCODER = json.JSONEncoder(indent=2, sort_keys=True)


def document(
    report: Report, *, redact: bool = False, fail_on: Severity | None = DEFAULT_FAIL_ON
) -> dict[str, Any]:
    """The JSON document as a dict (what :func:`render` serialises)."""
    report, card = for_reporter(report, redact=redact, fail_on=fail_on)
    data = report.to_dict()
    data["score"], data["verdict"] = _score_and_verdict(report, card, fail_on)
    return data


def _score_and_verdict(
    report: Report, card: Scorecard, fail_on: Severity | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``score`` and ``verdict`` objects, with their ``pairs`` for several pairs."""
    score = card.score_dict()
    verdict = card.verdict_dict()
    if several_pairs(report):
        cards = pair_scorecards(report, fail_on)
        score["pairs"] = {label: c.pair_score_dict() for label, c in cards.items()}
        verdict["pairs"] = {label: c.pair_verdict_dict() for label, c in cards.items()}
    return score, verdict


def render(
    report: Report, *, redact: bool = False, fail_on: Severity | None = DEFAULT_FAIL_ON
) -> str:
    """The report as indented, key-sorted JSON (deterministic, pure)."""
    return _ENCODER.encode(document(report, redact=redact, fail_on=fail_on)) + "\n"


def write(
    report: Report,
    handle: IO[str],
    *,
    redact: bool = False,
    fail_on: Severity | None = DEFAULT_FAIL_ON,
) -> None:
    """Write :func:`render`'s text to ``handle`` one result at a time.

    The results are most of a report, so they are never all converted to dicts, nor all
    encoded, at once: ``"results"`` is the document's first key (the keys are sorted), so
    it is written first, each result encoded alone and indented to its depth, and then
    the rest of the document (every other key sorts after it) joined on: its own text
    minus the opening brace. JSON text has no newline but the encoder's own (a newline in
    a string is escaped), so indenting a result is adding spaces after each one.
    """
    report, card = for_reporter(report, redact=redact, fail_on=fail_on)
    score, verdict = _score_and_verdict(report, card, fail_on)
    rest: dict[str, Any] = {
        "schema_version": report.schema_version,
        "scan": report.scan.to_dict(),
        "rules": {rid: info.to_dict() for rid, info in sorted(report.rules.items())},
        "summary": {
            "status": report.counts(),
            "failing_by_severity": report.failing_severity_counts(),
        },
        "score": score,
        "verdict": verdict,
    }
    handle.write('{\n  "results": ')
    if not report.results:
        handle.write("[]")
    for index, result in enumerate(report.results):
        text = _ENCODER.encode(result.to_dict()).replace("\n", "\n    ")
        handle.write(("[\n    " if index == 0 else ",\n    ") + text)
    if report.results:
        handle.write("\n  ]")
    handle.write("," + _ENCODER.encode(rest)[1:] + "\n")
