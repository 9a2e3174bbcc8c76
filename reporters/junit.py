"""JUnit XML valid against the Apache Ant schema (``shared/schemas/junit-ant.xsd``).

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
message says which and why. Times are 0: regionready evaluates rules over a snapshot, so a
per-check duration means nothing. Characters XML 1.0 cannot carry (most control
characters, lone surrogates, U+FFFE/U+FFFF) are removed; the rest is escaped by
ElementTree.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from regionready.model import Report, Result, Severity, Status
from regionready.scoring import DEFAULT_FAIL_ON, redact_report, scorecard

FORMAT = "junit"
EXTENSION = ".xml"

HOSTNAME = "localhost"
EPOCH = "1970-01-01T00:00:00"
#: ``message`` attributes are one line of at most this many characters (CI UIs show them
#: as titles); the element text carries the whole message.
MAX_MESSAGE_CHARS = 500

_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SPACES = re.compile(r"\s+")


def render(
    report: Report, *, redact: bool = False, fail_on: Severity | None = DEFAULT_FAIL_ON
) -> str:
    """The report as JUnit XML (deterministic, pure)."""
    if redact:
        report = redact_report(report)
    card = scorecard(report, fail_on)
    scan = report.scan
    timestamp = _timestamp(scan.started_at) or _timestamp(scan.now) or EPOCH

    by_service: dict[str, list[Result]] = {}
    for result in report.results:
        by_service.setdefault(result.service, []).append(result)

    root = ET.Element("testsuites")
    for suite_id, service in enumerate(sorted(by_service)):
        results = by_service[service]
        summary = card.services[service]
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": _token(f"regionready.{service}") or "regionready",
                "package": "regionready",
                "id": str(suite_id),
                "timestamp": timestamp,
                "hostname": HOSTNAME,
                "tests": str(len(results)),
                "failures": str(summary.failed),
                "errors": str(summary.errors),
                "skipped": str(summary.suppressed + summary.not_applicable),
                "time": "0",
            },
        )
        properties = ET.SubElement(suite, "properties")
        for name, value in (
            ("service", service),
            ("source_region", scan.source_region),
            ("target_region", scan.target_region),
            ("accounts", ",".join(scan.accounts)),
            ("now", scan.now),
            ("cutover_date", scan.cutover_date or ""),
            ("tool_version", scan.tool_version),
            ("score", f"{summary.score:.1f}"),
            ("overall_score", f"{card.overall.score:.1f}"),
            ("verdict", card.verdict.value),
            ("fail_on", card.fail_on_label),
        ):
            ET.SubElement(properties, "property", {"name": name, "value": _clean(value)})
        for result in results:
            _testcase(suite, result, report)
        ET.SubElement(suite, "system-out").text = _clean(
            f"{service}: score {summary.score:.1f}/100, {summary.checks} checks, "
            f"{summary.passed} pass, {summary.failed} fail, {summary.errors} error, "
            f"{summary.suppressed} suppressed, {summary.not_applicable} not applicable"
        )
        ET.SubElement(suite, "system-err").text = ""

    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _testcase(suite: ET.Element, result: Result, report: Report) -> None:
    name = result.resource_id or result.correlation_key or "(no resource)"
    case = ET.SubElement(
        suite,
        "testcase",
        {
            "classname": _token(f"regionready.{result.service}.{result.rule_id}"),
            "name": _token(name) or "(no resource)",
            "time": "0",
        },
    )
    info = report.rules.get(result.rule_id)
    if result.status is Status.FAIL:
        element = ET.SubElement(
            case, "failure", {"message": _summary(result.message), "type": result.severity.value}
        )
        lines = [result.message]
        if info and info.remediation_text:
            lines.append(f"Remediation: {info.remediation_text}")
        if info and info.remediation_action:
            lines.append(f"Remediation action: {info.remediation_action} (regionready remediate)")
        if result.blocked_by:
            lines.append("Blocked by: " + ", ".join(result.blocked_by))
        lines += _context(result, report)
        element.text = _clean("\n".join(lines))
    elif result.status is Status.ERROR:
        element = ET.SubElement(
            case, "error", {"message": _summary(result.message), "type": "evaluation-error"}
        )
        element.text = _clean("\n".join([result.message, *_context(result, report)]))
    elif result.status is Status.SUPPRESSED:
        details = result.suppression or {}
        reason = details.get("reason", "") or "no reason given"
        extra = ", ".join(f"{k}: {details[k]}" for k in sorted(details) if k != "reason")
        message = f"suppressed: {reason}" + (f" ({extra})" if extra else "")
        ET.SubElement(case, "skipped", {"message": _clean(message)}).text = _clean(result.message)
    elif result.status is Status.NOT_APPLICABLE:
        ET.SubElement(
            case, "skipped", {"message": _clean(f"not applicable: {result.message}")}
        ).text = _clean(result.message)


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
    return _XML_INVALID.sub("", text)


def _summary(text: str) -> str:
    """The ``message`` attribute: first line, at most MAX_MESSAGE_CHARS (the body has it all)."""
    first = _clean(text).strip().split("\n", 1)[0].strip()
    if len(first) > MAX_MESSAGE_CHARS:
        first = first[: MAX_MESSAGE_CHARS - 1] + "…"
    return first


def _token(text: str) -> str:
    """An ``xs:token`` value: valid characters, whitespace collapsed, trimmed."""
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
