"""JSON: the whole report, stable and documented, for other tools.

The document is ``Report.to_dict()`` plus two keys computed by
:mod:`regionready.scoring`: ``score`` (overall and per-service scores with their counts,
and the severity weights) and ``verdict`` (``READY``/``NOT_READY``, the ``fail_on``
severity, the number of blocking findings and of ERROR results). It validates against
``regionready/schemas/report.schema.json`` (``schema_version`` 1). Keys are sorted, the
output is ASCII (non-ASCII and control characters are ``\\u`` escapes) and ends with a
newline, so the same report always renders to the same bytes.

The module is named ``jsonreport`` so it does not shadow the standard library's ``json``;
its ``FORMAT`` is ``"json"``.
"""

from __future__ import annotations

from typing import IO, Any

from regionready import jsonout
from regionready.model import Report, Result, Severity
from regionready.scoring import DEFAULT_FAIL_ON, redact_report, scorecard

FORMAT = "json"
EXTENSION = ".json"


def document(
    report: Report, *, redact: bool = False, fail_on: Severity | None = DEFAULT_FAIL_ON
) -> dict[str, Any]:
    """The JSON document as a dict (what :func:`render` serialises)."""
    if redact:
        report = redact_report(report)
    card = scorecard(report, fail_on)
    data = report.to_dict()
    data["score"] = card.score_dict()
    data["verdict"] = card.verdict_dict()
    return data


def render(
    report: Report, *, redact: bool = False, fail_on: Severity | None = DEFAULT_FAIL_ON
) -> str:
    """The report as indented, key-sorted JSON (deterministic, pure).

    The text is ``json.dumps(document(...), indent=2, sort_keys=True) + "\\n"``, written by
    a faster encoder of the same bytes (:mod:`regionready.jsonout`).
    """
    return jsonout.dumps(document(report, redact=redact, fail_on=fail_on), sort_keys=True) + "\n"


def write(
    report: Report,
    handle: IO[str],
    *,
    redact: bool = False,
    fail_on: Severity | None = DEFAULT_FAIL_ON,
) -> None:
    """Write :func:`render`'s text to ``handle`` in chunks, never holding all of it."""
    if redact:
        report = redact_report(report)
    card = scorecard(report, fail_on)
    data: dict[str, Any] = {
        "schema_version": report.schema_version,
        "scan": report.scan.to_dict(),
        "rules": {rid: info.to_dict() for rid, info in sorted(report.rules.items())},
        "results": jsonout.LazyList(report.results, Result.to_dict),
        "summary": {
            "status": report.counts(),
            "failing_by_severity": report.failing_severity_counts(),
        },
        "score": card.score_dict(),
        "verdict": card.verdict_dict(),
    }
    for chunk in jsonout.iterencode(data, sort_keys=True):
        handle.write(chunk)
    handle.write("\n")
