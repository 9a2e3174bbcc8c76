"""Markdown reporter: verdict first, per-service table, escaping of untrusted text, size cap."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from markdown_it import MarkdownIt

from regionready.model import Report, Status
from regionready.reporters import markdown

ACCOUNT = "123456789012"


def gfm() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table").enable("strikethrough")


def unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_contract() -> None:
    assert markdown.FORMAT == "markdown"
    assert markdown.EXTENSION == ".md"


@pytest.mark.parametrize("redact", [False, True])
def test_golden(check_golden: Callable[[str, bool], None], redact: bool) -> None:
    check_golden("markdown", redact)


def test_verdict_first_not_ready(report: Report) -> None:
    first = markdown.render(report).splitlines()[0]
    # 1 critical + 2 high FAIL at or above the default gate (high); 1 ERROR.
    assert first == "## ❌ NOT READY for cutover: 3 findings, 1 check not evaluated"


def test_verdict_fail_on_changes_count(report: Report) -> None:
    from regionready.model import Severity

    first = markdown.render(report, fail_on=Severity.CRITICAL).splitlines()[0]
    assert first == "## ❌ NOT READY for cutover: 1 finding, 1 check not evaluated"


def test_verdict_ready(report: Report) -> None:
    report.results = [
        r for r in report.results if r.status in (Status.PASS, Status.NOT_APPLICABLE)
    ] + [r for r in report.results if r.status is Status.FAIL and r.severity.value == "low"]
    text = markdown.render(report)
    assert text.splitlines()[0] == "## ✅ READY for cutover"


def test_errors_alone_make_it_not_ready(report: Report) -> None:
    report.results = [r for r in report.results if r.status in (Status.PASS, Status.ERROR)]
    assert markdown.render(report).splitlines()[0] == (
        "## ❌ NOT READY for cutover: 0 findings, 1 check not evaluated"
    )


def test_summary_lines(report: Report) -> None:
    text = markdown.render(report)
    assert "**us-east-1 → eu-west-1**" in text
    assert "readiness score **23.9/100**" in text
    assert (
        "🟥 critical **1** · 🟧 high **2** · 🟨 medium **3** · 🟦 low **1** · ⬜ note **1**" in text
    )


def test_service_table(report: Report) -> None:
    lines = markdown.render(report).splitlines()
    start = lines.index("| Service | Checks | Pass | Fail | Error | Suppressed | N/A | Score |")
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split("|")])
    assert rows == [
        ["acm", "6", "1", "3", "0", "1", "1", "38.5"],
        ["gen", "2", "1", "0", "1", "0", "0", "50.0"],
        ["iac", "1", "0", "1", "0", "0", "0", "0.0"],
        ["kms", "5", "1", "4", "0", "0", "0", "5.0"],
        ["**all**", "14", "3", "8", "1", "1", "1", "**23.9**"],
    ]


def test_mermaid_chart(report: Report) -> None:
    text = markdown.render(report)
    block = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert block.startswith("xychart-beta\n")
    assert 'x-axis ["acm", "gen", "iac", "kms"]' in block
    assert "bar [38.5, 50.0, 0.0, 5.0]" in block


def test_mermaid_pass_fail_chart(report: Report) -> None:
    text = markdown.render(report)
    blocks = [b.split("```", 1)[0] for b in text.split("```mermaid\n")[1:]]
    (chart,) = [b for b in blocks if "pass (green) and fail (red)" in b]
    lines = chart.splitlines()
    assert lines[0].startswith("%%{init: ") and '"#cf222e, #2da44e"' in lines[0]
    assert lines[1] == "xychart-beta"
    assert '    x-axis ["acm", "gen", "iac", "kms"]' in lines
    # Pass+fail behind (fail colour), pass in front: acm 1 pass 3 fail, kms 1 pass 4 fail.
    assert lines[-2:] == ["    bar [4, 1, 1, 5]", "    bar [1, 1, 0, 1]"]
    assert '    y-axis "checks" 0 --> 5' in lines


def test_findings_grouped_by_severity_critical_first(report: Report) -> None:
    headings = [line for line in markdown.render(report).splitlines() if line.startswith("#### ")]
    assert [h.split()[2] for h in headings] == ["Critical", "High", "Medium", "Low", "Note"]
    assert headings[0] == "#### 🟥 Critical (1)"


def test_root_causes_before_blocked_findings(report: Report) -> None:
    text = markdown.render(report)
    assert "### Root causes first" in text
    assert "- **KMS-002** alias/app blocks 1 other finding" in text
    blocked = next(line for line in text.splitlines() if line.startswith("- **KMS-004**"))
    assert "blocked by KMS-002 alias/app" in blocked
    medium = text.split("#### 🟨 Medium", 1)[1].split("####", 1)[0]
    items = [line.split("**")[1] for line in medium.splitlines() if line.startswith("- **")]
    assert items[-1] == "KMS-004"  # the blocked one after the root causes of its group


def test_remediation_shown(report: Report) -> None:
    text = markdown.render(report)
    line = next(x for x in text.splitlines() if x.startswith("- **KMS-002** Multi-Region"))
    assert "🔧 Replicate the key into the target." in line
    assert "replicate-key" in line


def test_hostile_values_are_inert(report: Report) -> None:
    text = markdown.render(report)
    for raw in ("<script>", "<img", "]]>", "\x01", "\x07", "\x1b", "`rm", "@octocat", "\ud800"):
        assert raw not in text, raw
    assert "&lt;script&gt;" in text
    # No injected line: every line was written by the reporter.
    assert not any(
        line.startswith(("# Fake", "## injected", "- fake")) for line in text.splitlines()
    )
    hostile = [line for line in text.splitlines() if "KMS-007" in line and "evil" in line]
    assert len(hostile) == 1
    line = hostile[0]
    assert unescaped_pipes(line) == 0
    assert "\\[click\\]\\(javascript:alert\\(1\\)\\)" in line
    assert "A" * 301 not in line and "…" in line


def test_rendered_html_has_no_injection(report: Report) -> None:
    md = gfm()
    tokens = md.parse(markdown.render(report))
    inline_html = {
        child.content
        for token in tokens
        if token.type == "inline"
        for child in token.children or []
        if child.type == "html_inline"
    }
    assert inline_html <= {"<br>"}
    assert not [t for t in tokens if t.type == "html_block"]
    links = [
        child
        for token in tokens
        if token.type == "inline"
        for child in token.children or []
        if child.type in ("link_open", "image")
    ]
    assert links == []
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert not any("injected" in h or "Fake" in h for h in headings)


def test_table_cells_cannot_be_split(report: Report) -> None:
    report.results[0].service = "acm|<b>x</b>|`y`"
    text = markdown.render(report)
    lines = text.splitlines()
    start = lines.index("| Service | Checks | Pass | Fail | Error | Suppressed | N/A | Score |")
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        assert unescaped_pipes(line) == 9, line
    html = gfm().render(text)
    assert "<b>" not in html
    assert "acm&amp;#124;" not in html  # the entity is decoded once, not double-escaped


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("plain-name_1", "plain-name\\_1"),
        ("a|b", "a&#124;b"),
        ("`code`", "&#96;code&#96;"),
        ("<script>&", "&lt;script&gt;&amp;"),
        ("*[x](y)#!~\\", "\\*\\[x\\]\\(y\\)\\#\\!\\~\\\\"),
        ("line1\nline2\r\n\tx\x01y", "line1 line2 x y"),
        ("@team", "@\u2060team"),
        ("a\u202eb\u200bc", "abc"),
        ("x" * 400, "x" * 299 + "…"),
    ],
)
def test_escape(raw: str, escaped: str) -> None:
    assert markdown.escape(raw) == escaped


def test_size_cap_omits_findings(report: Report) -> None:
    full = markdown.render(report)
    cap = len(full.encode("utf-8")) - 1500
    text = markdown.render(report, max_bytes=cap)
    assert len(text.encode("utf-8")) <= cap
    assert text.splitlines()[0] == full.splitlines()[0]
    last = text.rstrip("\n").splitlines()[-1]
    match = re.fullmatch(r"_… (\d+) more entries omitted to stay under \d+ bytes; .*_", last)
    assert match, last
    shown = sum(1 for line in text.splitlines() if line.startswith("- **") and "blocks" not in line)
    all_items = sum(
        1 for line in full.splitlines() if line.startswith("- **") and "blocks" not in line
    )
    assert shown + int(match.group(1)) == all_items
    assert not text.rstrip("\n").splitlines()[-3].startswith("#")


def test_size_cap_large_report_stays_under_one_mib(report: Report) -> None:
    template = next(r for r in report.results if r.rule_id == "KMS-007")
    for i in range(3000):
        clone = type(template).from_dict({**template.to_dict(), "fingerprint": ""})
        clone.resource_id = f"{clone.resource_id}-{i}"
        report.results.append(clone)
    text = markdown.render(report)
    assert len(text.encode("utf-8")) <= markdown.MAX_BYTES
    assert "more entries omitted" in text


def test_redact(report: Report) -> None:
    assert ACCOUNT in markdown.render(report)
    redacted = markdown.render(report, redact=True)
    assert ACCOUNT not in redacted and "210987654321" not in redacted
    assert "\\*\\*\\*\\*\\*\\*\\*\\*9012" in redacted


def test_deterministic(report: Report, make_report: Callable[..., Report]) -> None:
    assert markdown.render(report) == markdown.render(make_report())
