"""JUnit reporter: valid against the Ant schema, counts, hostile text, redaction."""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
import xmlschema

from regionready.model import Report, Status
from regionready.reporters import junit

ACCOUNT = "123456789012"


@functools.cache
def _load_xsd(path: Path) -> object:
    return xmlschema.XMLSchema(str(path))


@pytest.fixture
def xsd(shared_schemas: Path) -> object:
    return _load_xsd(shared_schemas / "junit-ant.xsd")


def parse(text: str) -> ET.Element:
    return ET.fromstring(text.encode("utf-8"))


def test_contract() -> None:
    assert junit.FORMAT == "junit"
    assert junit.EXTENSION == ".xml"


@pytest.mark.parametrize("redact", [False, True])
def test_golden(check_golden: Callable[[str, bool], None], redact: bool) -> None:
    check_golden("junit", redact)


@pytest.mark.parametrize("redact", [False, True])
def test_valid_against_ant_schema(xsd: object, report: Report, redact: bool) -> None:
    xsd.validate(junit.render(report, redact=redact))  # type: ignore[attr-defined]


def test_schema_validation_bites(xsd: object, report: Report) -> None:
    text = junit.render(report)
    # The Ant schema allows no attributes on <testsuites> and requires hostname.
    for broken in (
        text.replace("<testsuites>", '<testsuites tests="14">'),
        text.replace(' hostname="localhost"', "", 1),
        text.replace('timestamp="2025-06-01T11:58:30"', 'timestamp="2025-06-01T11:58:30Z"', 1),
    ):
        assert broken != text
        assert not xsd.is_valid(broken)  # type: ignore[attr-defined]


def test_declaration_and_empty_report(xsd: object, report: Report) -> None:
    report.results = []
    text = junit.render(report)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')
    xsd.validate(text)  # type: ignore[attr-defined]


def test_one_suite_per_service_and_counts(report: Report) -> None:
    root = parse(junit.render(report))
    assert root.tag == "testsuites" and root.attrib == {}
    suites = root.findall("testsuite")
    services = sorted({r.service for r in report.results})
    assert [s.get("name") for s in suites] == [f"regionready.{s}" for s in services]
    assert [s.get("id") for s in suites] == [str(i) for i in range(len(services))]
    for suite, service in zip(suites, services, strict=True):
        results = [r for r in report.results if r.service == service]
        cases = suite.findall("testcase")
        assert len(cases) == len(results) == int(suite.get("tests", "-1"))

        def count(status: Status, results: list = results) -> int:
            return sum(1 for r in results if r.status is status)

        assert int(suite.get("failures", "-1")) == count(Status.FAIL)
        assert len(suite.findall("testcase/failure")) == count(Status.FAIL)
        assert int(suite.get("errors", "-1")) == count(Status.ERROR)
        assert len(suite.findall("testcase/error")) == count(Status.ERROR)
        skipped = count(Status.SUPPRESSED) + count(Status.NOT_APPLICABLE)
        assert int(suite.get("skipped", "-1")) == skipped
        assert len(suite.findall("testcase/skipped")) == skipped
        for case, result in zip(cases, results, strict=True):
            assert case.get("classname") == f"regionready.{service}.{result.rule_id}"
            if result.status is Status.PASS:
                assert len(case) == 0
        assert suite.get("hostname") == "localhost"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", suite.get("timestamp", ""))
    total = len(root.findall("testsuite/testcase"))
    assert total == len(report.results)


def test_failure_has_severity_message_and_remediation(report: Report) -> None:
    root = parse(junit.render(report))
    case = root.find("testsuite/testcase[@classname='regionready.kms.KMS-002']")
    assert case is not None
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("type") == "high"
    assert failure.get("message", "").startswith("multi-Region primary mrk-1234")
    assert "Remediation: Replicate the key into the target." in (failure.text or "")
    assert "replicate-key" in (failure.text or "")
    blocked = root.find("testsuite/testcase[@classname='regionready.kms.KMS-004']/failure")
    assert blocked is not None and "Blocked by: KMS-002" in (blocked.text or "")


def test_error_and_skipped(report: Report) -> None:
    root = parse(junit.render(report))
    error = root.find("testsuite/testcase[@classname='regionready.gen.GEN-005']/error")
    assert error is not None and error.get("type") == "evaluation-error"
    assert "AccessDenied" in error.get("message", "")
    skipped = root.findall("testsuite/testcase/skipped")
    messages = sorted(s.get("message", "") for s in skipped)
    assert messages[0].startswith("not applicable: ")
    assert messages[1].startswith("suppressed: Legacy endpoint retired | before <cutover>")
    assert "owner: platform-team" in messages[1]


def test_hostile_text_is_escaped_and_cleaned(report: Report) -> None:
    text = junit.render(report)
    assert "\x01" not in text and "\x07" not in text and "\x1b" not in text
    assert "<script>" not in text and "]]>" not in text
    root = parse(text)  # well-formed
    case = root.find("testsuite/testcase[@classname='regionready.kms.KMS-007']")
    assert case is not None
    name = case.get("name", "")
    assert "<script>alert(1)</script>" in name and "\n" not in name
    failure = case.find("failure")
    assert failure is not None
    assert "\n" not in failure.get("message", "")
    assert len(failure.get("message", "")) <= junit.MAX_MESSAGE_CHARS
    assert ("A" * 5000) in (failure.text or "")
    assert "<img src=x onerror=alert(1)>" in (failure.text or "")


def test_iac_location_in_failure_text(report: Report) -> None:
    root = parse(junit.render(report))
    failure = root.find("testsuite/testcase[@classname='regionready.iac.IAC-002']/failure")
    assert failure is not None and "Location: templates/app.yaml:12:3" in (failure.text or "")


def test_redact(report: Report) -> None:
    assert ACCOUNT in junit.render(report)
    redacted = junit.render(report, redact=True)
    assert ACCOUNT not in redacted and "210987654321" not in redacted
    assert "********9012" in redacted


def test_deterministic(report: Report, make_report: Callable[..., Report]) -> None:
    assert junit.render(report) == junit.render(make_report())
