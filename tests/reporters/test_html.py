"""HTML reporter without a browser: the page parses and nests, its embedded JSON is the
report, untrusted text stays text, nothing is loaded from elsewhere, and the fixed
report renders to the golden file (tests/test_html_browser.py drives the page itself)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import replace
from html.parser import HTMLParser
from typing import Any

import pytest

from regionready import registry, scoring
from regionready.model import Report, ScanInfo, Severity, Status
from regionready.reporters import html as html_reporter

from .conftest import ACCOUNT, GOLDEN, REPO, build_report

GOLDEN_HTML = GOLDEN / "report.html"
VOID = {"meta", "link", "input", "br", "hr", "img", "wbr", "source", "col", "area", "base"}
#: What a hostile resource name, id or message tries.
HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_ID = "</script><script>alert(1)</script><!--"
HOSTILE_MESSAGE = "</SCRIPT ><!-- <script>alert(2)</script> & <b>bold</b> '\" -->"


class Page(HTMLParser):
    """Every element with its attributes, the text of each script, and every nesting
    error (an end tag that does not close the innermost open element)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self.problems: list[str] = []
        self.text: list[str] = []
        self._open: list[str] = []
        self.feed(text)
        self.close()
        if self._open:
            self.problems.append(f"never closed: {self._open}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if tag == "script":
            self.scripts.append((attributes, ""))
        if tag not in VOID:
            self._open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self._open[-1:]}")
            return
        self._open.pop()

    def handle_data(self, data: str) -> None:
        inside = self._open[-1] if self._open else ""
        if inside == "script":
            attributes, text = self.scripts[-1]
            self.scripts[-1] = (attributes, text + data)
        elif inside not in ("style", "title"):
            self.text.append(data)

    def tags(self, name: str) -> list[dict[str, str]]:
        return [attributes for tag, attributes in self.elements if tag == name]

    def data(self) -> Any:
        [(_, text)] = [(a, t) for a, t in self.scripts if a.get("id") == "report-data"]
        return json.loads(text)


def two_pair_report() -> Report:
    """The fixed report's results for two pairs, me-central-1 to eu-central-1 and to
    eu-west-1 (hostile text in both)."""
    central = build_report("me-central-1", "eu-central-1")
    west = build_report("me-central-1", "eu-west-1")
    central.scan.pairs = [
        {"source": "me-central-1", "target": "eu-central-1"},
        {"source": "me-central-1", "target": "eu-west-1"},
    ]
    central.results += west.results
    return central


def hostile_report() -> Report:
    """The fixed report plus a failing result whose name, id and message are markup, and
    a second one blocked by it (so the server-rendered root causes show it too)."""
    report = build_report()
    base = next(r for r in report.results if r.rule_id == "KMS-002")
    hostile = replace(
        base,
        resource_name=HOSTILE_NAME,
        resource_id=HOSTILE_ID,
        message=HOSTILE_MESSAGE,
        correlation_key="hostile",
        fingerprint="",
    )
    blocked = replace(
        base,
        rule_id="KMS-004",
        blocked_by=[f"KMS-002 {HOSTILE_NAME}", f"KMS-002 {HOSTILE_ID}"],
        correlation_key="blocked",
        fingerprint="",
    )
    report.results += [hostile, blocked]
    return report


def test_contract() -> None:
    assert html_reporter.FORMAT == "html"
    assert html_reporter.EXTENSION == ".html"
    assert registry.reporter("html") is html_reporter


def test_golden() -> None:
    expected = GOLDEN_HTML.read_bytes()
    assert html_reporter.render(build_report()).encode("utf-8") == expected, (
        f"html output differs from {GOLDEN_HTML.relative_to(REPO)}; if the change is "
        "intended, run `python tests/reporters/regenerate_golden.py` and review the diff"
    )


def test_deterministic() -> None:
    first = html_reporter.render(two_pair_report())
    assert html_reporter.render(two_pair_report()) == first
    assert html_reporter.render(Report.from_dict(two_pair_report().to_dict())) == first


@pytest.mark.parametrize("make", [build_report, two_pair_report, hostile_report])
def test_parses_and_nests(make: Any) -> None:
    text = html_reporter.render(make())
    assert text.startswith('<!DOCTYPE html>\n<html lang="en">')
    page = Page(text)
    assert page.problems == []
    # Two scripts: the data (never executed) and the page's own code.
    assert [a.get("type") for a, _ in page.scripts] == ["application/json", None]
    assert not {"img", "iframe", "object", "embed", "base", "frame"} & {t for t, _ in page.elements}


@pytest.mark.parametrize("redact", [False, True])
@pytest.mark.parametrize("make", [build_report, two_pair_report, hostile_report])
def test_embedded_json_round_trips(make: Any, redact: bool) -> None:
    report = make()
    expected = scoring.redact_report(report) if redact else report
    data = Page(html_reporter.render(report, redact=redact)).data()
    assert Report.from_dict(data).results == list(expected.results)
    assert data == expected.to_dict()


def test_hostile_text_stays_text() -> None:
    report = hostile_report()
    text = html_reporter.render(report)
    lowered = text.lower()
    # No markup of the data reaches the page: not in the JSON, not in the root causes.
    for needle in ("<img", "</script><script>", "<!--", "<b>", "onerror=alert(1)>"):
        assert needle not in lowered
    assert lowered.count("<script") == 2 and lowered.count("</script>") == 2
    page = Page(text)
    assert page.problems == []
    # The root causes show the names as text (the parser decodes the entities back).
    shown = "".join(page.text)
    assert HOSTILE_NAME in shown and HOSTILE_ID in shown
    # The JSON keeps every character, markup included.
    results = Report.from_dict(page.data()).results
    assert {r.resource_name for r in results} >= {HOSTILE_NAME}
    assert {r.message for r in results} >= {HOSTILE_MESSAGE}


def test_untrusted_text_is_cleaned_where_the_server_renders_it() -> None:
    assert html_reporter.clean("a\x00b\x1b[31m\u202ec\ud800\n\nd") == "a b [31mc\ufffd d"
    assert html_reporter.clean("x" * 400) == "x" * 299 + "…"
    # The fixed report's lone surrogate would make the page unwritable as UTF-8.
    html_reporter.render(build_report()).encode("utf-8")


def test_nothing_loaded_from_elsewhere() -> None:
    page = Page(html_reporter.render(hostile_report()))
    for tag, attributes in page.elements:
        for name in ("src", "href", "action", "data", "poster", "srcset", "xlink:href"):
            value = attributes.get(name, "")
            if tag == "a" and name == "href":
                assert "noopener" in attributes.get("rel", "").split()
                continue
            assert not re.match(r"\s*(https?:)?//", value, re.IGNORECASE), (tag, name, value)
    [policy] = [a["content"] for a in page.tags("meta") if a.get("http-equiv")]
    assert policy.startswith("default-src 'none'; ")
    # The policy allows exactly the page's own script and style, by hash.
    [(_, script)] = [(a, t) for a, t in page.scripts if "type" not in a]
    [style] = re.findall(r"<style>(.*?)</style>", html_reporter.render(build_report()), re.S)
    for text, directive in ((script, "script-src"), (style, "style-src")):
        digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
        assert f"{directive} 'sha256-{digest}';" in policy
    assert "url(" not in style and "@import" not in style


def test_script_builds_nodes_never_markup() -> None:
    script = (REPO / "reporters" / "templates" / "report.js").read_text("utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script
    assert "textContent" in script and "createElement" in script


def test_redact() -> None:
    plain = html_reporter.render(build_report())
    masked = html_reporter.render(build_report(), redact=True)
    assert ACCOUNT in plain
    assert ACCOUNT not in masked and "********9012" in masked
    # Fingerprints stay (the JSON's): the same findings in both.
    fingerprints = [r["fingerprint"] for r in Page(plain).data()["results"]]
    assert [r["fingerprint"] for r in Page(masked).data()["results"]] == fingerprints


def test_verdict_scores_and_counts() -> None:
    report = build_report()
    page = Page(html_reporter.render(report, fail_on=Severity.CRITICAL))
    [h1] = page.tags("h1")
    assert h1["data-verdict"] == "NOT_READY"
    text = " ".join("".join(page.text).split())
    assert "gate: 1 of 8 findings at or above critical, 1 check not evaluated" in text
    assert "readiness score 23.9/100" in text
    counts = {a["data-status"]: a for a in page.tags("span") if "data-status" in a}
    assert set(counts) == {s.value for s in Status}
    # Statuses shown at first: FAIL, ERROR and SUPPRESSED.
    checked = {
        a["value"] for a in page.tags("input") if a.get("name") == "status" and "checked" in a
    }
    assert checked == {"FAIL", "ERROR", "SUPPRESSED"}
    # One chart, a service filter of every service; one pair: no pair filter.
    assert len([a for a in page.tags("svg") if a.get("class") == "chart"]) == 1
    services = [a["value"] for a in page.tags("option")][6:]  # after the severities
    assert services == ["", "acm", "gen", "iac", "kms"]
    assert not [a for a in page.tags("select") if a.get("id") == "filter-pair"]


def test_counts_in_text() -> None:
    report = build_report()
    text = html_reporter.render(report)
    for status, count in report.counts().items():
        assert f'<span class="count" data-status="{status}">{count}</span>' in text
    assert f'<span id="total-count">{len(report.results)}</span>' in text


def test_all_passing_is_ready_and_shows_every_status() -> None:
    report = build_report()
    report.results = [r for r in report.results if r.status in (Status.PASS, Status.NOT_APPLICABLE)]
    page = Page(html_reporter.render(report))
    assert page.tags("h1")[0]["data-verdict"] == "READY"
    checked = {
        a["value"] for a in page.tags("input") if a.get("name") == "status" and "checked" in a
    }
    assert checked == {s.value for s in Status}


def test_two_pairs() -> None:
    report = two_pair_report()
    text = html_reporter.render(report)
    page = Page(text)
    labels = ["me-central-1:eu-central-1", "me-central-1:eu-west-1"]
    assert [a["data-pair"] for a in page.tags("section") if "data-pair" in a] == labels
    [select] = [a for a in page.tags("select") if a.get("id") == "filter-pair"]
    assert select
    assert [a["value"] for a in page.tags("option") if ":" in a["value"]] == labels
    assert page.tags("table")[-1]["data-pairs"] == "2"
    # One chart per pair and one for every pair.
    assert len([a for a in page.tags("svg") if a.get("class") == "chart"]) == 3
    shown = " ".join("".join(page.text).split())
    assert "2 Region pairs" in shown
    assert "me-central-1 -> eu-west-1 NOT READY" in shown


def test_root_causes() -> None:
    page = Page(html_reporter.render(build_report()))
    shown = " ".join("".join(page.text).split())
    assert "1 result blocked by 1 root cause" in shown
    assert (
        "KMS-002 alias/app Multi-Region primary key has no replica in the target "
        "blocks 1 result medium fail KMS-004" in shown
    )


def test_root_causes_are_capped() -> None:
    report = build_report()
    base = report.results[0]
    for n in range(html_reporter.MAX_ROOT_CAUSES + 3):
        for m in range(n % 3 + 1 if n else html_reporter.MAX_BLOCKED_SHOWN + 4):
            result = replace(
                base,
                correlation_key=f"k{n}-{m}",
                blocked_by=[f"KMS-002 key-{n:03d}"],
                fingerprint="",
            )
            report.results.append(result)
    shown = " ".join("".join(Page(html_reporter.render(report)).text).split())
    title = "Multi-Region primary key has no replica in the target"
    assert f"KMS-002 key-000 {title} blocks {html_reporter.MAX_BLOCKED_SHOWN + 4} results" in shown
    assert "and 4 more" in shown
    assert "and 4 more root causes" in shown  # 53 + alias/app, 50 listed


def test_no_results() -> None:
    report = Report(
        scan=ScanInfo(source_region="a-1", target_region="b-1", accounts=[], now="2025-01-01"),
        rules={},
        results=[],
    )
    page = Page(html_reporter.render(report))
    assert page.problems == []
    assert page.data()["results"] == []
    assert page.tags("h1")[0]["data-verdict"] == "READY"
