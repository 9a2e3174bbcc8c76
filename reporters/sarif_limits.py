"""Keeping the SARIF log within GitHub code scanning's limits.

One job: whatever the size of the report, the document :mod:`regionready.reporters.sarif`
writes stays within what code scanning accepts, and says what it left out.

The limits (GitHub Docs: the table of "SARIF support for code scanning", and "SARIF
results file is too large"):

- at most :data:`MAX_RESULTS_PER_RUN` results per run (GitHub rejects more than 25,000);
- at most ``max_bytes`` bytes of UTF-8, :data:`MAX_BYTES` by default (GitHub's limit is
  10 MB gzip-compressed; 10 MiB uncompressed is always safe);
- our own: at most :data:`MAX_ERROR_NOTIFICATIONS` error notifications, one per ERROR
  result, so that their number too is bounded; the rest are summarised in one more.

Over either of the first two the most severe results are kept (:func:`most_severe_first`:
FAIL before SUPPRESSED at equal severity) and a warning notification says how many were
dropped (:func:`run_notifications`); ``executionSuccessful`` stays true because the scan
itself completed. :func:`fit` encodes the document, measures it and drops results from
the least severe end until it fits.

A helper of the ``sarif`` reporter, not a reporter (no ``FORMAT``; listed in
``regionready.registry.HELPERS``). It never imports ``sarif``: ``sarif`` imports it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from regionready.model import SEVERITIES_DESCENDING, Result, ResultSet, Status
from regionready.results import select
from regionready.wording import plural

#: GitHub code scanning rejects a run with more results than this.
MAX_RESULTS_PER_RUN = 25_000
#: Uncompressed size cap (GitHub's 10 MB limit applies to the gzip-compressed upload).
MAX_BYTES = 10 * 1024 * 1024
#: ERROR results beyond this many are summarised in one notification.
MAX_ERROR_NOTIFICATIONS = 1_000

_SURROGATE = re.compile("[\ud800-\udfff]")


def most_severe_first(results: ResultSet) -> Iterator[Result]:
    """The FAIL and SUPPRESSED results, most severe first, FAIL before SUPPRESSED at equal
    severity, report order otherwise: read once per severity and status, never held."""
    for severity in SEVERITIES_DESCENDING:
        for status in (Status.FAIL, Status.SUPPRESSED):
            for result in select(results, statuses=(status,)):
                if result.severity is severity:
                    yield result


def first_errors(results: ResultSet) -> Iterator[Result]:
    """The first :data:`MAX_ERROR_NOTIFICATIONS` ERROR results, in report order."""
    return islice(select(results, statuses=(Status.ERROR,)), MAX_ERROR_NOTIFICATIONS)


@dataclass(frozen=True)
class Errors:
    """The first error notifications, and how many ERROR results there are in all."""

    notifications: list[dict[str, Any]]
    total: int


def run_notifications(
    total: int, keep: int, errors: Errors, max_results: int, max_bytes: int
) -> list[dict[str, Any]]:
    """The run's ``toolExecutionNotifications``: a warning when only ``keep`` of the
    ``total`` FAIL and SUPPRESSED results went in, then the error notifications, then one
    for the ERROR results beyond :data:`MAX_ERROR_NOTIFICATIONS`."""
    notifications: list[dict[str, Any]] = []
    if keep < total:
        limits = []
        if total > max_results:
            limits.append(f"{max_results} results per run")
        if keep < min(total, max_results):
            limits.append(f"{max_bytes} bytes per file")
        limit = " and ".join(limits)
        notifications.append(
            {
                "level": "warning",
                "descriptor": {"id": "regionready/truncated"},
                "message": {
                    "text": (
                        f"SARIF output truncated: {total - keep} of {total} "
                        f"results omitted to stay within {limit}; the {keep} most severe "
                        "were kept. The JSON report has every result."
                    )
                },
            }
        )
    notifications.extend(errors.notifications)
    if errors.total > MAX_ERROR_NOTIFICATIONS:
        notifications.append(
            {
                "level": "error",
                "descriptor": {"id": "regionready/errors-truncated"},
                "message": {
                    "text": (
                        f"{plural(errors.total - MAX_ERROR_NOTIFICATIONS, 'more check')} could "
                        "not be evaluated; the JSON report lists them all."
                    )
                },
            }
        )
    return notifications


def fit(
    results: list[dict[str, Any]], max_bytes: int, document: Callable[[int], dict[str, Any]]
) -> list[str]:
    """The text of ``document(keep)`` in pieces (``"".join`` of them is the text, with a
    final newline), for the largest ``keep`` (at most ``len(results)``, the SARIF results
    most severe first) whose text is at most ``max_bytes`` bytes of UTF-8, or for
    ``keep == 0``."""
    keep = len(results)
    costs: list[int] | None = None
    while True:
        doc = document(keep)
        # Pieces, not one string: mostly ASCII, they take a byte per character, where the
        # joined text would take 2 or 4 as soon as one character anywhere needs it.
        chunks = [_fix_surrogates(c) for c in _pieces(doc)]
        chunks.append("\n")
        del doc
        excess = sum(_utf8_size(c) for c in chunks) - max_bytes
        if excess <= 0 or keep == 0:
            return chunks
        del chunks
        if costs is None:
            costs = [_utf8_size(_dump(r)) for r in results]
        # Drop results from the least severe end until their estimated size covers the
        # excess (at least one per round), then re-measure the real document.
        dropped = 0
        while keep > 0 and (dropped < excess or dropped == 0):
            keep -= 1
            dropped += costs[keep]


def _fix_surrogates(text: str) -> str:
    """Lone surrogates (not encodable in UTF-8) become U+FFFD."""
    return text if text.isascii() else _SURROGATE.sub("\ufffd", text)


#: The standard library's encoder with the SARIF file's settings (UTF-8 output).
_ENCODER = json.JSONEncoder(indent=2, ensure_ascii=False)
#: Encoder tokens (a few characters each) joined into one piece.
_TOKENS_PER_PIECE = 4096


def _pieces(value: object) -> Iterator[str]:
    """``_ENCODER.encode(value)`` in pieces of a few thousand tokens."""
    tokens: list[str] = []
    for token in _ENCODER.iterencode(value):
        tokens.append(token)
        if len(tokens) >= _TOKENS_PER_PIECE:
            yield "".join(tokens)
            tokens.clear()
    if tokens:
        yield "".join(tokens)


def _dump(value: object) -> str:
    """Indented UTF-8 JSON; lone surrogates (not encodable) become U+FFFD."""
    return _fix_surrogates(_ENCODER.encode(value))


def _utf8_size(text: str) -> int:
    """``len(text.encode("utf-8"))`` without the copy when the text is ASCII."""
    return len(text) if text.isascii() else len(text.encode("utf-8"))
