"""Every report format with several Region pairs (issue 18): per-pair verdicts, scores,
tables and suites; a one-pair report shows none of it.

The two-pair report: me-central-1 -> eu-central-1 (READY: its one finding is medium) and
me-central-1 -> eu-west-1 (NOT READY: two high findings and a check not evaluated).
KMS-002 on the same key passes in the first pair and fails in the second; KMS-004 fails
on the same resource in both.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema

from regionready import console, scoring
from regionready.model import Report, Result, RuleInfo, ScanInfo, Severity, Status
from regionready.reporters import jsonreport, junit, markdown, sarif

from .conftest import RULES, build_report

ACCOUNT = "123456789012"
SOURCE = "me-central-1"
CENTRAL = "eu-central-1"
WEST = "eu-west-1"
PAIR_C = f"{SOURCE}:{CENTRAL}"
PAIR_W = f"{SOURCE}:{WEST}"
SHARED_KEY = f"arn:aws:kms:{SOURCE}:{ACCOUNT}:key/mrk-2"
MRK_1 = "key/mrk-1"


def _result(
    target: str,
    rule_id: str,
    status: Status,
    severity: Severity,
    resource_id: str,
    message: str,
    *,
    correlation_key: str = "",
) -> Result:
    service = rule_id.split("-")[0].lower()
    return Result(
        rule_id=rule_id,
        status=status,
        severity=severity,
        service=service,
        kind="parity",
        message=f"{SOURCE} -> {target}: {message}",
        account=ACCOUNT,
        region=target,
        resource_type=f"{service}.resource",
        resource_id=resource_id,
        correlation_key=correlation_key or resource_id,
        source_region=SOURCE,
        target_region=target,
    )


def two_pair_report(pairs: tuple[str, ...] = (CENTRAL, WEST)) -> Report:
    c, w = CENTRAL, WEST
    results = [
        _result(c, "ACM-001", Status.PASS, Severity.HIGH, "cert/www", "www has a twin"),
        _result(c, "KMS-002", Status.PASS, Severity.HIGH, MRK_1, "replicated", correlation_key="k"),
        _result(c, "KMS-004", Status.FAIL, Severity.MEDIUM, SHARED_KEY, "rotation off"),
        _result(w, "ACM-001", Status.FAIL, Severity.HIGH, "cert/api", "api has no twin"),
        _result(w, "KMS-002", Status.FAIL, Severity.HIGH, MRK_1, "no replica", correlation_key="k"),
        _result(w, "KMS-004", Status.FAIL, Severity.MEDIUM, SHARED_KEY, "rotation off"),
        _result(w, "GEN-005", Status.ERROR, Severity.HIGH, "kms.key", "AccessDenied"),
    ]
    rules: dict[str, RuleInfo] = {r.id: r for r in RULES if r.id in {x.rule_id for x in results}}
    return Report(
        scan=ScanInfo(
            source_region=SOURCE,
            target_region=pairs[0],
            accounts=[ACCOUNT],
            now="2025-06-01T12:00:00+00:00",
            started_at="2025-06-01T11:58:30+00:00",
            tool_version="0.1.0",
            pairs=[{"source": SOURCE, "target": t} for t in pairs],
        ),
        rules=rules,
        results=results,
    )


@pytest.fixture
def report() -> Report:
    return two_pair_report()


# --- scoring ------------------------------------------------------------------------------


def test_pair_scorecards(report: Report) -> None:
    assert scoring.several_pairs(report)
    cards = scoring.pair_scorecards(report)
    assert list(cards) == [PAIR_C, PAIR_W]
    central, west = cards[PAIR_C], cards[PAIR_W]
    assert central.ready and not west.ready
    assert (central.blocking_findings, central.errors) == (0, 0)
    assert (west.blocking_findings, west.errors) == (2, 1)
    assert (central.services["kms"].passed, central.services["kms"].failed) == (1, 1)
    assert (west.services["kms"].passed, west.services["kms"].failed) == (0, 2)
    assert "gen" not in central.services and west.services["gen"].errors == 1
    # The overall card is every result's: NOT READY because one pair is.
    overall = scoring.scorecard(report)
    assert not overall.ready and overall.blocking_findings == 2
    # fail_on applies per pair: at "medium" the first pair's KMS-004 blocks too.
    assert scoring.pair_scorecards(report, Severity.MEDIUM)[PAIR_C].blocking_findings == 1


def test_results_by_pair_keeps_a_pair_without_results_and_an_unlisted_one(
    report: Report,
) -> None:
    report.scan.pairs.append({"source": SOURCE, "target": "eu-north-1"})
    stray = _result("eu-south-1", "KMS-004", Status.FAIL, Severity.LOW, "key/x", "stray")
    report.results.append(stray)
    grouped = scoring.results_by_pair(report)
    assert list(grouped) == [PAIR_C, PAIR_W, f"{SOURCE}:eu-north-1", f"{SOURCE}:eu-south-1"]
    assert list(grouped[f"{SOURCE}:eu-north-1"]) == []
    assert list(grouped[f"{SOURCE}:eu-south-1"]) == [stray]
    assert sum(len(v) for v in grouped.values()) == len(report.results)


# --- JSON ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    text = resources.files("regionready.schemas").joinpath("report.schema.json").read_text("utf-8")
    schema = json.loads(text)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _errors(validator: jsonschema.protocols.Validator, data: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(data)]


def test_json_has_per_pair_scores_and_verdicts(
    report: Report, validator: jsonschema.protocols.Validator
) -> None:
    text = jsonreport.render(report)
    data = json.loads(text)
    assert _errors(validator, data) == []
    assert sorted(data["score"]["pairs"]) == [PAIR_C, PAIR_W]
    west = data["score"]["pairs"][PAIR_W]
    assert west["services"]["kms"]["fail"] == 2 and west["services"]["kms"]["pass"] == 0
    assert west["totals"]["error"] == 1
    assert data["score"]["pairs"][PAIR_C]["services"]["kms"]["fail"] == 1
    assert data["score"]["pairs"][PAIR_C]["overall"] > west["overall"]
    assert data["verdict"]["pairs"] == {
        PAIR_C: {"status": "READY", "blocking_findings": 0, "errors": 0},
        PAIR_W: {"status": "NOT_READY", "blocking_findings": 2, "errors": 1},
    }
    assert data["verdict"]["status"] == "NOT_READY"
    # The streaming writer writes the same bytes.
    handle = io.StringIO()
    jsonreport.write(report, handle)
    assert handle.getvalue() == text


def test_json_schema_checks_the_pair_entries(
    report: Report, validator: jsonschema.protocols.Validator
) -> None:
    data = json.loads(jsonreport.render(report))
    data["verdict"]["pairs"][PAIR_W]["fail_on"] = "high"
    data["score"]["pairs"]["not-a-pair"] = data["score"]["pairs"].pop(PAIR_C)
    found = _errors(validator, data)
    assert any("verdict" in e and "fail_on" in e for e in found), found
    assert any("not-a-pair" in e for e in found), found


# --- console ------------------------------------------------------------------------------


def _console(report: Report, **kwargs: Any) -> str:
    out = io.StringIO()
    console.print_summary(report, fail_on="high", file=out, **kwargs)
    return out.getvalue()


def _table_rows(text: str, title: str) -> dict[str, list[str]]:
    """``{service: [PASS, FAIL, ERROR, SUPPRESSED, N/A]}`` of the rich table ``title``."""
    lines = text.splitlines()
    start = lines.index(title)
    rows: dict[str, list[str]] = {}
    for line in lines[start + 1 :]:
        if line.startswith("└"):
            break
        cells = [c.strip() for c in line.strip("│").split("│")]
        if line.startswith("│") and len(cells) == 6:
            rows[cells[0]] = cells[1:]
    return rows


def test_console_verdict_per_pair_and_a_table_per_pair(report: Report) -> None:
    text = _console(report)
    lines = text.splitlines()
    assert lines[0] == (
        "NOT READY for cutover of 2 Region pairs: 4 findings (2 high, 2 medium), "
        "2 at or above --fail-on high; INCOMPLETE: 1 check could not be evaluated"
    )
    assert lines[1] == (
        f"  READY for cutover {SOURCE} -> {CENTRAL}: 1 finding (1 medium), "
        "0 at or above --fail-on high"
    )
    assert lines[2] == (
        f"  NOT READY for cutover {SOURCE} -> {WEST}: 3 findings (2 high, 1 medium), "
        "2 at or above --fail-on high; INCOMPLETE: 1 check could not be evaluated"
    )
    assert "Readiness by service" not in lines  # no table of every pair at once
    central = _table_rows(text, f"Readiness by service: {SOURCE} -> {CENTRAL}")
    west = _table_rows(text, f"Readiness by service: {SOURCE} -> {WEST}")
    assert central == {"acm": ["1", "0", "0", "0", "0"], "kms": ["1", "1", "0", "0", "0"]}
    assert west == {
        "acm": ["0", "1", "0", "0", "0"],
        "gen": ["0", "0", "1", "0", "0"],
        "kms": ["0", "2", "0", "0", "0"],
    }
    # The findings list is one, each message carrying its pair.
    assert f"KMS-002 {WEST}: {SOURCE} -> {WEST}: no replica" in text


def test_console_baseline_counts_new_findings_per_pair(report: Report) -> None:
    # Only the eu-west-1 ACM-001 finding is new.
    gated = [r for r in report.results if r.status is not Status.FAIL or r.rule_id == "ACM-001"]
    line = console.plain_verdict_line(report, fail_on="high", gated=gated)
    overall, central, west = line.split("\n")
    assert "1 new (2 in total) at or above" in overall
    assert "0 new (0 in total) at or above" in central and CENTRAL in central
    assert "1 new (2 in total) at or above" in west and WEST in west


def test_plain_verdict_line_has_every_pair(report: Report) -> None:
    lines = console.plain_verdict_line(report, fail_on="high").split("\n")
    assert len(lines) == 3
    assert lines[0].startswith("NOT READY for cutover of 2 Region pairs: ")
    assert lines[1].startswith(f"  READY for cutover {SOURCE} -> {CENTRAL}: ")
    assert lines[2].startswith(f"  NOT READY for cutover {SOURCE} -> {WEST}: ")


# --- Markdown -----------------------------------------------------------------------------


def _md_rows(text: str, heading: str) -> dict[str, list[str]]:
    lines = text.splitlines()
    start = lines.index(heading)
    rows: dict[str, list[str]] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


def test_markdown_verdict_and_table_per_pair(report: Report) -> None:
    text = markdown.render(report)
    lines = text.splitlines()
    assert lines[0] == "## ❌ NOT READY for cutover: 2 findings, 1 check not evaluated"
    assert lines[2].startswith("**2 Region pairs** · readiness score ")
    assert f"- ✅ READY for cutover **{SOURCE} → {CENTRAL}** · readiness score " in text
    assert (
        f"- ❌ NOT READY for cutover **{SOURCE} → {WEST}**: 2 findings, 1 check not "
        "evaluated · readiness score "
    ) in text
    assert "gate: **0** of 1 finding at or above **high**" in text
    assert "gate: **2** of 3 findings at or above **high**" in text
    assert "### Readiness by service" not in lines
    central = _md_rows(text, f"### Readiness by service: {SOURCE} → {CENTRAL}")
    west = _md_rows(text, f"### Readiness by service: {SOURCE} → {WEST}")
    # Checks, Pass, Fail, Error, Suppressed, N/A, Score
    assert central["kms"][:6] == ["2", "1", "1", "0", "0", "0"]
    assert west["kms"][:6] == ["2", "0", "2", "0", "0", "0"]
    assert "gen" not in central and west["gen"][:6] == ["1", "0", "0", "1", "0", "0"]
    assert central["**all**"][:3] == ["3", "2", "1"]
    assert west["**all**"][:4] == ["4", "0", "3", "1"]
    # Findings stay one list: the same rule appears once per pair, each naming its pair.
    assert text.count(f"{SOURCE} -&gt; {WEST}: rotation off") == 1
    assert text.count(f"{SOURCE} -&gt; {CENTRAL}: rotation off") == 1


def test_markdown_escapes_pair_text(report: Report) -> None:
    hostile = "eu-west-1*[x](y)<b>"
    report.scan.pairs[1]["target"] = hostile
    for result in report.results:
        if result.target_region == WEST:
            result.target_region = hostile
    text = markdown.render(report)
    assert "<b>" not in text and "[x](y)" not in text
    assert f"### Readiness by service: {SOURCE} → eu-west-1\\*\\[x\\]\\(y\\)&lt;b&gt;" in text


def test_markdown_pairs_stay_within_the_size_cap(report: Report) -> None:
    report.results += [
        _result(WEST, "KMS-004", Status.FAIL, Severity.MEDIUM, f"key/k{i}", "x" * 200)
        for i in range(200)
    ]
    text = markdown.render(report, max_bytes=12_000)
    assert len(text.encode("utf-8")) <= 12_000
    assert f"### Readiness by service: {SOURCE} → {WEST}" in text
    assert re.search(r"_… \d+ more entries omitted to stay under 12000 bytes", text)


# --- SARIF --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.protocols.Validator:
    path = Path(__file__).resolve().parents[1] / "schemas" / "sarif-schema-2.1.0.json"
    schema = json.loads(path.read_text("utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def test_sarif_names_pairs_and_keeps_their_alerts_apart(
    report: Report, sarif_validator: jsonschema.protocols.Validator
) -> None:
    doc = json.loads(sarif.render(report))
    assert _errors(sarif_validator, doc) == []
    run = doc["runs"][0]
    results = run["results"]
    assert len(results) == 4
    for result in results:
        props = result["properties"]
        assert props["source_region"] == SOURCE
        assert props["target_region"] in (CENTRAL, WEST)
        assert props["pair"] == f"{SOURCE}:{props['target_region']}"
    shared = [
        r
        for r in results
        if r["ruleId"] == "KMS-004"
        and r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == SHARED_KEY
    ]
    assert sorted(r["properties"]["pair"] for r in shared) == [PAIR_C, PAIR_W]
    assert shared[0]["partialFingerprints"] != shared[1]["partialFingerprints"]
    # Same rule file location for both: only the fingerprint tells them apart.
    assert (
        shared[0]["locations"][0]["physicalLocation"]
        == (shared[1]["locations"][0]["physicalLocation"])
    )
    error = run["invocations"][0]["toolExecutionNotifications"][0]
    assert error["properties"]["pair"] == PAIR_W
    assert run["automationDetails"]["id"] == (
        f"regionready/{SOURCE}-to-{CENTRAL},{SOURCE}-to-{WEST}/"
    )
    assert CENTRAL in run["automationDetails"]["description"]["text"]
    assert WEST in run["automationDetails"]["description"]["text"]
    pairs = run["properties"]["regionready"]["pairs"]
    assert [(p["pair"], p["verdict"], p["blocking_findings"]) for p in pairs] == [
        (PAIR_C, "READY", 0),
        (PAIR_W, "NOT_READY", 2),
    ]
    assert pairs[1]["service_scores"]["kms"] == 0.0
    assert pairs[0]["service_scores"]["kms"] > 0.0


def test_sarif_category_does_not_depend_on_pair_order() -> None:
    forward = json.loads(sarif.render(two_pair_report((CENTRAL, WEST))))["runs"][0]
    backward = json.loads(sarif.render(two_pair_report((WEST, CENTRAL))))["runs"][0]
    assert forward["automationDetails"]["id"] == backward["automationDetails"]["id"]


# --- JUnit --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def xsd() -> xmlschema.XMLSchema:
    path = Path(__file__).resolve().parents[1] / "schemas" / "junit-ant.xsd"
    return xmlschema.XMLSchema(str(path))


def test_junit_suite_per_pair_and_service(report: Report, xsd: xmlschema.XMLSchema) -> None:
    text = junit.render(report)
    xsd.validate(text)
    root = ET.fromstring(text.encode("utf-8"))
    suites = root.findall("testsuite")
    names = [s.get("name") for s in suites]
    assert names == [
        f"regionready.acm ({SOURCE} -> {CENTRAL})",
        f"regionready.kms ({SOURCE} -> {CENTRAL})",
        f"regionready.acm ({SOURCE} -> {WEST})",
        f"regionready.gen ({SOURCE} -> {WEST})",
        f"regionready.kms ({SOURCE} -> {WEST})",
    ]
    assert [s.get("id") for s in suites] == ["0", "1", "2", "3", "4"]
    counts = {s.get("name"): (s.get("tests"), s.get("failures"), s.get("errors")) for s in suites}
    assert counts[f"regionready.kms ({SOURCE} -> {CENTRAL})"] == ("2", "1", "0")
    assert counts[f"regionready.kms ({SOURCE} -> {WEST})"] == ("2", "2", "0")
    assert counts[f"regionready.gen ({SOURCE} -> {WEST})"] == ("1", "0", "1")
    for suite in suites:
        props = {p.get("name"): p.get("value") for p in suite.iter("property")}
        pair = props["pair"]
        assert pair in (PAIR_C, PAIR_W)
        assert pair == f"{props['source_region']}:{props['target_region']}"
        assert props["verdict"] == ("READY" if pair == PAIR_C else "NOT_READY")
        assert props["scan_verdict"] == "NOT_READY"
        assert suite.get("name", "").endswith(f"({SOURCE} -> {props['target_region']})")
        cases = suite.findall("testcase")
        assert len(cases) == int(suite.get("tests", "-1"))
        assert len(suite.findall("testcase/failure")) == int(suite.get("failures", "-1"))
    handle = io.StringIO()
    junit.write(report, handle)
    assert handle.getvalue() == text


# --- one pair -----------------------------------------------------------------------------


def test_one_pair_report_has_no_pair_sections() -> None:
    report = build_report()
    assert not scoring.several_pairs(report)
    data = jsonreport.document(report)
    assert "pairs" not in data["score"] and "pairs" not in data["verdict"]
    run = json.loads(sarif.render(report))["runs"][0]
    assert "pairs" not in run["properties"]["regionready"]
    assert all("pair" not in r["properties"] for r in run["results"])
    assert run["automationDetails"]["id"] == "regionready/us-east-1-to-eu-west-1/"
    root = ET.fromstring(junit.render(report).encode("utf-8"))
    assert all(" (" not in (s.get("name") or "") for s in root.findall("testsuite"))
    assert not [p for p in root.iter("property") if p.get("name") in ("pair", "scan_verdict")]
    text = markdown.render(report)
    assert "Region pairs" not in text and "### Readiness by service:" not in text
    assert "### Readiness by service" in text.splitlines()
    out = _console(report)
    assert "Region pairs" not in out and "Readiness by service:" not in out
    assert "Readiness by service" in out.splitlines()
    assert "\n" not in console.plain_verdict_line(report, fail_on="high")
