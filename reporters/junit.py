"""JUnit XML valid against the Apache Ant schema (``tests/schemas/junit-ant.xsd``).

What that schema imposes, and how this reporter meets it:

- ``<testsuites>`` carries *no* attributes (the schema declares none, so totals that
  other tools put there would make the document invalid); each ``<testsuite>`` inside it
  needs ``package`` and ``id`` (0, 1, 2, ... in document order) besides ``name``,
  ``timestamp``, ``hostname``, ``tests``, ``failures``, ``errors`` and ``time``;
  ``skipped`` is optional and always written.
- ``timestamp`` must match ``YYYY-MM-DDTHH:MM:SS`` with no zone and no fraction: the
  scan start (else ``scan.now``) converted to UTC; ``1970-01-01T00:00:00`` if neither parses.
- ``hostname`` is required: ``localhost`` (the schema's own fallback; a pure reporter does
  not look at the machine, and the scan is about AWS accounts anyway).
- each suite holds exactly one ``<properties>`` first, then its test cases, then one
  ``<system-out>`` and one ``<system-err>`` (all required, in that order).
- a ``<testcase>`` needs ``name``, ``classname`` and ``time``, and may hold at most one of
  ``<skipped>``, ``<error>`` or ``<failure>`` (``type`` is required on the last two).

Mapping: one suite per service (``name`` ``regionready.<service>``), one test case per
result (``classname`` ``regionready.<service>.<rule id>``, ``name`` the resource id),
PASS is a plain test case, FAIL a ``<failure type="<severity>">``, ERROR an
``<error type="evaluation-error">``, SUPPRESSED and NOT_APPLICABLE a ``<skipped>`` whose
message says which and why. A scan of several Region pairs has one suite per pair and
service, in pair order (``name`` ``regionready.<service> (<source> -> <target>)``), whose
properties add ``pair`` (``source:target``) and the whole scan's ``scan_verdict`` and
``scan_overall_score``, and whose ``source_region``, ``target_region``, ``score``,
``overall_score`` and ``verdict`` are the pair's. Times are 0: regionready evaluates
rules over a snapshot, so a per-check duration means nothing. Characters XML 1.0
cannot carry (most control characters, lone surrogates, U+FFFE/U+FFFF) are removed; the
rest is escaped as ElementTree escapes it (the document is written directly, laid out
byte for byte as ``ET.indent`` and ``ET.tostring`` would, without building a tree).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO

from regionready.model import Report, Result, ResultSet, Severity, Status, pair_title
from regionready.results import group_keys, select
from regionready.scoring import (
    DEFAULT_FAIL_ON,
    Scorecard,
    for_reporter,
    pair_scorecards,
    results_by_pair,
    several_pairs,
)
from regionready.wording import plural

FORMAT = "junit"
EXTENSION = ".xml"

HOSTNAME = "localhost"
EPOCH = "1970-01-01T00:00:00"
#: ``message`` attributes are one line of at most this many characters (CI UIs show them
#: as titles); the element text carries the whole message.
MAX_MESSAGE_CHARS = 500

#: Test cases per write when streaming.
_BATCH = 256

_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SPACES = re.compile(r"\s+")


def render(
    report: Report, *, redact: bool = False, fail_on: Severity | None = DEFAULT_FAIL_ON
) -> str:
    """The report as JUnit XML (deterministic, pure)."""
    out: list[str] = []
    _write(report, out.append, redact=redact, fail_on=fail_on)
    return "".join(out)


def write(
    report: Report,
    handle: IO[str],
    *,
    redact: bool = False,
    fail_on: Severity | None = DEFAULT_FAIL_ON,
) -> None:
    """Write :func:`render`'s text to ``handle`` in pieces (one test suite at a time)."""
    _write(report, handle.write, redact=redact, fail_on=fail_on)


def _write(
    report: Report,
    emit: Callable[[str], object],
    *,
    redact: bool,
    fail_on: Severity | None,
) -> None:
    """The document, written as ``ET.indent`` + ``ET.tostring(short_empty_elements=True)``
    would lay it out (two-space indentation, ``<tag ... />`` for empty elements), without
    building a tree: the same bytes, several times faster for large reports.
    """
    report, card = for_reporter(report, redact=redact, fail_on=fail_on)
    scan = report.scan
    timestamp = _timestamp(scan.started_at) or _timestamp(scan.now) or EPOCH

    # One suite per service; for several Region pairs, one per pair and service.
    suites: list[_Suite] = []
    if several_pairs(report):
        cards = pair_scorecards(report, fail_on)
        for label, pair_results in results_by_pair(report).items():
            source, _, target = label.partition(":")
            pair = _PairSuite(label, source, target, cards[label], card)
            suites += _suites(pair_results, pair)
    else:
        single = _PairSuite("", scan.source_region, scan.target_region, card, card)
        suites = _suites(report.results, single)

    emit('<?xml version="1.0" encoding="UTF-8"?>\n')
    if not suites:
        emit("<testsuites />\n")
        return
    emit("<testsuites>")
    classnames: dict[tuple[str, str], str] = {}
    for suite_id, (service, results, pair) in enumerate(suites):
        summary = pair.card.services[service]
        title = f"{service} ({pair_title(pair.label)})" if pair.label else service
        parts = [
            "\n  "
            + _open(
                "testsuite",
                (
                    ("name", _token(f"regionready.{title}") or "regionready"),
                    ("package", "regionready"),
                    ("id", str(suite_id)),
                    ("timestamp", timestamp),
                    ("hostname", HOSTNAME),
                    ("tests", str(summary.checks)),
                    ("failures", str(summary.failed)),
                    ("errors", str(summary.errors)),
                    ("skipped", str(summary.suppressed + summary.not_applicable)),
                    ("time", "0"),
                ),
            )
            + ">\n    <properties>"
        ]
        properties = [
            ("service", service),
            ("source_region", pair.source),
            ("target_region", pair.target),
            ("accounts", ",".join(scan.accounts)),
            ("now", scan.now),
            ("cutover_date", scan.cutover_date or ""),
            ("tool_version", scan.tool_version),
            ("score", f"{summary.score:.1f}"),
            ("overall_score", f"{pair.card.overall.score:.1f}"),
            ("verdict", pair.card.verdict.value),
            ("fail_on", card.fail_on_label),
        ]
        if pair.label:
            properties[1:1] = [("pair", pair.label)]
            properties += [
                ("scan_overall_score", f"{pair.scan_card.overall.score:.1f}"),
                ("scan_verdict", pair.scan_card.verdict.value),
            ]
        for name, value in properties:
            parts.append(
                "\n      " + _open("property", (("name", name), ("value", _clean(value)))) + " />"
            )
        parts.append("\n    </properties>")
        for result in results:
            parts.append("\n    " + _testcase(result, report, classnames))
            if len(parts) >= _BATCH:  # a suite can hold most of the report: emit as we go
                emit("".join(parts))
                parts.clear()
        parts.append(
            "\n    "
            + _element(
                "system-out",
                (),
                _clean(
                    f"{title}: score {summary.score:.1f}/100, {plural(summary.checks, 'check')}, "
                    f"{summary.passed} pass, {summary.failed} fail, {summary.errors} error, "
                    f"{summary.suppressed} suppressed, {summary.not_applicable} not applicable"
                ),
            )
            + "\n    <system-err />\n  </testsuite>"
        )
        emit("".join(parts))
    emit("\n</testsuites>\n")


@dataclass(frozen=True)
class _PairSuite:
    """The pair a suite belongs to: ``label`` is "" in a one-pair scan (names unchanged);
    ``card`` is the pair's scorecard, ``scan_card`` the whole scan's."""

    label: str
    source: str
    target: str
    card: Scorecard
    scan_card: Scorecard


#: A suite to write: its service, its results (report order, read when written) and its
#: pair.
_Suite = tuple[str, ResultSet, _PairSuite]


def _suites(results: ResultSet, pair: _PairSuite) -> list[_Suite]:
    """One suite per service of ``results``, services sorted by name."""
    services = sorted({service for _, service in group_keys(results)})
    return [(service, select(results, service=service), pair) for service in services]


_TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_ATTRIBUTE_ESCAPES = (
    *_TEXT_ESCAPES,
    ('"', "&quot;"),
    ("\r", "&#13;"),
    ("\n", "&#10;"),
    ("\t", "&#09;"),
)


def _escaped(text: str, escapes: tuple[tuple[str, str], ...]) -> str:
    for char, entity in escapes:
        if char in text:
            text = text.replace(char, entity)
    return text


def _escape_attribute(text: str) -> str:
    """What ElementTree (Python 3.11) writes for an attribute value."""
    return _escaped(text, _ATTRIBUTE_ESCAPES)


def _escape_text(text: str) -> str:
    """What ElementTree writes for character data."""
    return _escaped(text, _TEXT_ESCAPES)


def _open(tag: str, attributes: Iterable[tuple[str, str]]) -> str:
    """``<tag name="value" ...`` (not closed), attributes in the order given."""
    return "<" + tag + "".join(f' {k}="{_escape_attribute(v)}"' for k, v in attributes)


def _element(tag: str, attributes: Iterable[tuple[str, str]], text: str) -> str:
    """A leaf element: ``<tag ...>text</tag>``, or ``<tag ... />`` when ``text`` is empty."""
    if text:
        return _open(tag, attributes) + ">" + _escape_text(text) + "</" + tag + ">"
    return _open(tag, attributes) + " />"


def _testcase(result: Result, report: Report, classnames: dict[tuple[str, str], str]) -> str:
    name = result.resource_id or result.correlation_key or "(no resource)"
    key = (result.service, result.rule_id)
    classname = classnames.get(key)
    if classname is None:  # one per rule: computed once
        classname = _escape_attribute(_token(f"regionready.{result.service}.{result.rule_id}"))
        classnames[key] = classname
    name = _escape_attribute(_token(name) or "(no resource)")
    case = f'<testcase classname="{classname}" name="{name}" time="0"'
    info = report.rules.get(result.rule_id)
    if result.status is Status.FAIL:
        lines = [result.message]
        if info and info.remediation_text:
            lines.append(f"Remediation: {info.remediation_text}")
        if info and info.remediation_action:
            lines.append(f"Remediation action: {info.remediation_action} (regionready remediate)")
        if result.blocked_by:
            lines.append("Blocked by: " + ", ".join(result.blocked_by))
        lines += _context(result, report)
        child = _element(
            "failure",
            (("message", _summary(result.message)), ("type", result.severity.value)),
            _clean("\n".join(lines)),
        )
    elif result.status is Status.ERROR:
        child = _element(
            "error",
            (("message", _summary(result.message)), ("type", "evaluation-error")),
            _clean("\n".join([result.message, *_context(result, report)])),
        )
    elif result.status is Status.SUPPRESSED:
        details = result.suppression or {}
        reason = details.get("reason", "") or "no reason given"
        extra = ", ".join(f"{k}: {details[k]}" for k in sorted(details) if k != "reason")
        message = f"suppressed: {reason}" + (f" ({extra})" if extra else "")
        child = _element("skipped", (("message", _clean(message)),), _clean(result.message))
    elif result.status is Status.NOT_APPLICABLE:
        child = _element(
            "skipped",
            (("message", _clean(f"not applicable: {result.message}")),),
            _clean(result.message),
        )
    else:
        return case + " />"
    return case + ">\n      " + child + "\n    </testcase>"


def _context(result: Result, report: Report) -> list[str]:
    info = report.rules.get(result.rule_id)
    lines = [
        f"Rule: {result.rule_id}" + (f" - {info.title}" if info else ""),
        f"Severity: {result.severity.value}",
        f"Resource: {result.resource_type} {result.resource_id}",
        f"Account: {result.account}",
        f"Region: {result.region} ({result.source_region} -> {result.target_region})",
        f"Fingerprint: {result.fingerprint}",
    ]
    if result.location is not None:
        where = result.location.path
        if result.location.line:
            where += f":{result.location.line}"
            if result.location.column:
                where += f":{result.location.column}"
        lines.append(f"Location: {where}")
    return lines


def _clean(text: str) -> str:
    """Remove characters XML 1.0 cannot represent (ElementTree escapes the rest)."""
    if text.isascii() and text.isprintable():  # the common case: nothing to remove
        return text
    return _XML_INVALID.sub("", text)


def _summary(text: str) -> str:
    """The ``message`` attribute: first line, at most MAX_MESSAGE_CHARS (the body has it all)."""
    first = _clean(text).strip().split("\n", 1)[0].strip()
    if len(first) > MAX_MESSAGE_CHARS:
        first = first[: MAX_MESSAGE_CHARS - 1] + "…"
    return first


def _token(text: str) -> str:
    """An ``xs:token`` value: valid characters, whitespace collapsed, trimmed."""
    if text.isascii() and text.isprintable() and "  " not in text:
        return text.strip()  # no other whitespace than single spaces
    return _SPACES.sub(" ", _clean(text)).strip()


def _timestamp(value: str | None) -> str | None:
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(UTC).replace(tzinfo=None)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S")
