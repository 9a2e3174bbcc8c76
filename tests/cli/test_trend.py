"""``regionready trend``, end to end: real ``regionready evaluate`` runs on three small
snapshots of a weekly scan, then the trend of their JSON reports, from the files and from
the folder, as Markdown and as HTML; and the errors, each one line and exit 2.

The weeks (ACM-001: a source certificate with no equivalent in the target, high; ACM-003:
an imported target certificate that expires soon):

1. 2026-11-02: api and www have no copy in the target: 2 findings.
2. 2026-11-09: api is copied (fixed), www is not (still open), the imported shop
   certificate expires soon (new).
3. 2026-11-16: shop is renewed (fixed), www still open, mail is new in the source (new).

A fourth week (in its own folder) cannot list the target's certificates: www is then not
evaluated (never fixed) and ACM-001's ERROR is a new error.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from regionready.cli import main
from regionready.engine.fixtures import ACCOUNT, region_document
from regionready.model import fingerprint
from regionready.snapshot_manifest import manifest_document
from regionready.snapshot_write import write_scan

from .conftest import CERT_EXPIRING, CERT_SOURCE, DENIED, SOURCE, TARGET

REPO = Path(__file__).resolve().parents[2]
NOW = "2026-11-23T00:00:00Z"


def cert(name: str, region: str = SOURCE, **extra: Any) -> dict[str, Any]:
    return dict(
        CERT_SOURCE,
        CertificateArn=f"arn:aws:acm:{region}:{ACCOUNT}:certificate/{name}",
        DomainName=f"{name}.example.com",
        SubjectAlternativeNames=[f"{name}.example.com"],
        **extra,
    )


API, WWW, MAIL = cert("api"), cert("www"), cert("mail")
API_COPY = cert("api", TARGET)
SHOP = CERT_EXPIRING
SHOP_RENEWED = dict(CERT_EXPIRING, NotAfter="2027-09-01T00:00:00Z")


def acm(*certs: dict[str, Any]) -> dict[str, Any]:
    return {"acm": {"certificate": list(certs), "private_ca": []}}


def make_week(
    root: Path,
    finished_at: str,
    source: dict[str, Any],
    target: dict[str, Any],
    target_errors: dict[str, Any] | None = None,
) -> Path:
    """A snapshot like conftest's make_scan, finished at ``finished_at``."""
    docs = {
        (ACCOUNT, SOURCE): region_document(SOURCE, source, {}),
        (ACCOUNT, TARGET): region_document(TARGET, target, target_errors or {}),
    }
    manifest = manifest_document(
        source_region=SOURCE,
        target_region=TARGET,
        accounts=[ACCOUNT],
        tool_version="test",
        rules_version="test",
        started_at=finished_at.replace("00:05:00", "00:00:00"),
        finished_at=finished_at,
        services=sorted({s for d in docs.values() for s in d["services"]}),
        api_calls={},
    )
    write_scan(root, manifest, docs)
    return root


def evaluate(scan: Path, out: Path) -> Path:
    """``regionready evaluate`` of ``scan``: its JSON report."""
    argv = ["evaluate", str(scan), "--now", NOW, "--only", "ACM-001,ACM-003"]
    code = main([*argv, "--format", "json", "--out", str(out), "--allow-incomplete"])
    assert code in (0, 1), code
    return out / "regionready.json"


@pytest.fixture(scope="module")
def weeks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The reports of the three weeks (copied into history/ under names that do not sort
    by time) and of the fourth, denied week (in denied/, after a copy of week 3)."""
    root = tmp_path_factory.mktemp("trend")
    plan = [
        ("week1", "2026-11-02T00:05:00Z", acm(API, WWW), acm(), None),
        ("week2", "2026-11-09T00:05:00Z", acm(API, WWW), acm(API_COPY, SHOP), None),
        ("week3", "2026-11-16T00:05:00Z", acm(API, WWW, MAIL), acm(API_COPY, SHOP_RENEWED), None),
        ("week4", "2026-11-23T00:05:00Z", acm(API, WWW, MAIL), {"acm": {"private_ca": []}}, DENIED),
    ]
    reports = {}
    for name, finished, source, target, errors in plan:
        scan = make_week(root / "scans" / name, finished, source, target, errors)
        reports[name] = evaluate(scan, root / "reports" / name)
    history = root / "history"
    history.mkdir()
    # File names in another order than the scans' times: the trend orders by time.
    for name, alias in (("week1", "c.json"), ("week2", "a.json"), ("week3", "b.json")):
        (history / alias).write_bytes(reports[name].read_bytes())
    denied = root / "denied"
    denied.mkdir()
    (denied / "week3.json").write_bytes(reports["week3"].read_bytes())
    (denied / "week4.json").write_bytes(reports["week4"].read_bytes())
    return {**reports, "history": history, "denied": denied, "root": root}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["trend", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def score_of(report: Path) -> float:
    """The score the JSON reporter wrote: the trend must show the same."""
    value = json.loads(report.read_text())["score"]["overall"]
    assert isinstance(value, float)
    return value


def table(markdown: str, heading: str) -> list[dict[str, str]]:
    """The rows of the Markdown table under ``### heading``, as dicts by column."""
    lines = markdown.split(f"### {heading}\n\n", 1)[1].splitlines()
    rows = []
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    for line in lines[2:]:
        if not line.startswith("|"):
            break
        rows.append(dict(zip(header, (c.strip() for c in line.strip("|").split("|")), strict=True)))
    return rows


def test_the_trend_of_three_weekly_reports(
    weeks: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    files = [str(weeks["week3"]), str(weeks["week1"]), str(weeks["week2"])]
    code, out, err = run(capsys, *files)
    assert (code, err) == (0, "")
    scores = [score_of(weeks[name]) for name in ("week1", "week2", "week3")]
    assert scores[0] < scores[1]  # the weeks do move
    # The mermaid chart: the overall score of each week, in time order.
    chart = re.search(r"```mermaid\n(.*?)```", out, re.S)
    assert chart is not None
    body = chart[1].splitlines()
    assert body[0] == "xychart-beta"
    assert '    x-axis ["2026-11-02", "2026-11-09", "2026-11-16"]' in body
    assert f"    line [{', '.join(f'{s:.1f}' for s in scores)}]" in body
    rows = table(out, "Scans")
    assert [r["Scan (UTC)"] for r in rows] == [
        "2026-11-02 00:05",
        "2026-11-09 00:05",
        "2026-11-16 00:05",
    ]
    assert [r["Score"] for r in rows] == [f"{s:.1f}" for s in scores]
    counts = [
        (r["Open"], r["New"], r["Fixed"], r["Still open"], r["Not evaluated"], r["New errors"])
        for r in rows
    ]
    assert counts == [
        ("2", "—", "—", "—", "—", "—"),
        ("2", "1", "1", "1", "0", "0"),  # shop new, api fixed, www still open
        ("2", "1", "1", "1", "0", "0"),  # mail new, shop fixed, www still open
    ]
    assert rows[1]["Change"] == f"{scores[1] - scores[0]:+.1f}"
    (acm_row,) = table(out, "Score by service")
    assert acm_row["Service"] == "acm"
    assert acm_row["Latest (2026-11-16)"] == f"{scores[2]:.1f}"
    assert len(acm_row["Over time"]) == 3
    oldest = table(out, "Oldest open findings (2)")
    assert [(r["First seen"], r["Rule"], r["Open for"]) for r in oldest] == [
        ("2026-11-02", "ACM-001", "14 days, 3 scans"),
        ("2026-11-16", "ACM-001", "0 days, 1 scan"),
    ]
    assert "www" in oldest[0]["Resource"] and "mail" in oldest[1]["Resource"]
    latest = out.split("### The latest scan against the previous one", 1)[1]
    assert "**New**: 1\n" in latest and "**Fixed**: 1\n" in latest
    assert re.search(r"\*\*New\*\*: 1\n- \S+ high \*\*ACM-001\*\* \S*mail", latest)


def test_the_folder_gives_the_same_trend_and_names_what_it_skipped(
    weeks: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _, from_files, _ = run(capsys, str(weeks["week1"]), str(weeks["week2"]), str(weeks["week3"]))
    folder = tmp_path / "history"
    folder.mkdir()
    for item in weeks["history"].iterdir():
        (folder / item.name).write_bytes(item.read_bytes())
    (folder / "notes.txt").write_text("not a report")
    (folder / "sarif.json").write_text('{"version": "2.1.0", "runs": []}')
    (folder / "torn.json").write_text('{"schema_version": 1, "scan": ')
    (folder / "old").mkdir()
    code, out, err = run(capsys, str(folder))
    assert code == 0
    # The same trend (file names aside: the folder's copies are a, b and c.json).
    names = {"regionready.json": "", "a.json": "", "b.json": "", "c.json": ""}
    pattern = re.compile("|".join(map(re.escape, names)))
    assert pattern.sub("", out) == pattern.sub("", from_files)
    assert [r["Report"] for r in table(out, "Scans")] == ["c.json", "a.json", "b.json"]
    skipped = err.splitlines()
    assert len(skipped) == 4, err
    assert all(line.startswith("regionready: warning: skipped ") for line in skipped)
    assert f"skipped {folder / 'notes.txt'}: not a .json file" in err
    assert f"skipped {folder / 'sarif.json'}: not a regionready JSON report" in err
    assert f"skipped {folder / 'torn.json'}:1: not valid JSON" in err
    assert f"skipped {folder / 'old'}: a folder" in err


def test_a_check_that_turned_error_is_not_evaluated_and_a_new_error(
    weeks: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, str(weeks["denied"]))
    assert code == 0
    rows = table(out, "Scans")
    last = rows[-1]
    # week3's open findings (www, mail) cannot be judged: not evaluated, never fixed.
    assert (last["Fixed"], last["Not evaluated"], last["New errors"]) == ("0", "2", "2")
    assert last["Open"] == "0" and last["Verdict"] == "NOT READY"
    assert "No open finding in the latest scan." in out
    latest = out.split("### The latest scan against the previous one", 1)[1]
    assert "**Fixed**: 0\n" in latest
    # Both rules could not list the target's certificates: an ERROR each, new this week.
    errors = latest.split("**New errors**: 2\n", 1)[1].splitlines()
    assert [line.split("**")[1] for line in errors[:2]] == ["ACM-001", "ACM-003"]
    assert all("AccessDeniedException" in line for line in errors[:2])


class Page(HTMLParser):
    """Every element opened is closed in order (void elements aside); the text."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_html_page_parses_and_shows_the_scores(
    weeks: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    page_file = tmp_path / "out" / "trend.html"
    code, out, err = run(
        capsys, str(weeks["history"]), "--format", "html", "--output", str(page_file)
    )
    assert (code, out) == (0, "")
    assert err == f"wrote {page_file}: 3 scans\n"
    html = page_file.read_text()
    assert html.startswith("<!DOCTYPE html>")
    page = Page()
    page.feed(html)
    page.close()
    assert page.problems == [] and page.stack == []
    text = " ".join(page.text)
    for name in ("week1", "week2", "week3"):
        assert f"{score_of(weeks[name]):.1f}" in text
    assert page.tags.count("svg") == 2  # the chart, and the acm sparkline
    assert page.tags.count("circle") >= 3
    # Self-contained: nothing is loaded from anywhere.
    assert "<script" not in html and "http" not in html and " src=" not in html
    assert list(page_file.parent.iterdir()) == [page_file]  # no temp file left


def test_step_summary_appends_the_markdown(
    weeks: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# before\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out, _ = run(capsys, str(weeks["history"]), "--step-summary", "--top", "1")
    assert code == 0
    assert summary.read_text() == "# before\n" + out
    assert "### Oldest open findings (1 of 2)" in out
    code, html, _ = run(
        capsys, str(weeks["history"]), "--format", "html", "--step-summary", "--top", "1"
    )
    assert html.startswith("<!DOCTYPE html>")
    assert summary.read_text() == "# before\n" + out + out  # Markdown, whatever --format
    monkeypatch.delenv("GITHUB_STEP_SUMMARY")
    code, _, err = run(capsys, str(weeks["history"]), "--step-summary")
    assert code == 0 and "GITHUB_STEP_SUMMARY is not set" in err


def one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("regionready: error: ")
    assert "Traceback" not in err
    return lines[0]


def edited(source: Path, target: Path, change: Any) -> Path:
    data = json.loads(source.read_text())
    change(data)
    target.write_text(json.dumps(data))
    return target


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("notes.txt", "hello", "not valid JSON"),
        ("list.json", "[1, 2]", "not a regionready JSON report"),
        ("torn.json", '{"scan": {', "not valid JSON"),
    ],
)
def test_a_file_that_is_not_a_report_is_one_line_and_exit_2(
    weeks: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    name: str,
    content: str,
    says: str,
) -> None:
    bad = tmp_path / name
    bad.write_text(content)
    code, out, err = run(capsys, str(weeks["week1"]), str(bad))
    assert (code, out) == (2, "")
    line = one_error_line(err)
    assert str(bad) in line and says in line


def test_another_schema_version_or_a_damaged_report_is_exit_2(
    weeks: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def version_2(data: dict[str, Any]) -> None:
        data["schema_version"] = 2

    def no_fingerprint(data: dict[str, Any]) -> None:
        del data["results"][0]["fingerprint"]

    future = edited(weeks["week2"], tmp_path / "future.json", version_2)
    code, _, err = run(capsys, str(weeks["week1"]), str(future))
    assert code == 2
    assert str(future) in one_error_line(err) and "schema_version 2" in err
    # In a folder too: a report of another version is not skipped, it stops the trend.
    folder = tmp_path / "folder"
    folder.mkdir()
    edited(weeks["week2"], folder / "future.json", version_2)
    code, _, err = run(capsys, str(folder))
    assert code == 2 and "future.json: a report of schema_version 2" in one_error_line(err)
    damaged = edited(weeks["week2"], tmp_path / "damaged.json", no_fingerprint)
    code, _, err = run(capsys, str(damaged))
    assert code == 2
    assert f"{damaged}: results[0]: no fingerprint" in one_error_line(err)


def test_reports_of_different_pairs_are_refused_unless_allowed(
    weeks: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    def other_target(data: dict[str, Any]) -> None:
        """The report of a scan of me-central-1 -> eu-west-1 (fingerprints hash the pair)."""
        data["scan"]["target_region"] = "eu-west-1"
        data["scan"]["pairs"] = [{"source": SOURCE, "target": "eu-west-1"}]
        for r in data["results"]:
            r["target_region"] = "eu-west-1"
            r["fingerprint"] = fingerprint(
                r["rule_id"], r["account"], r["correlation_key"], SOURCE, "eu-west-1"
            )

    west = edited(weeks["week2"], tmp_path / "west.json", other_target)
    code, out, err = run(capsys, str(weeks["week1"]), str(west))
    assert (code, out) == (2, "")
    line = one_error_line(err)
    assert str(weeks["week1"]) in line and str(west) in line
    assert "different Region pairs" in line and "--allow-mixed" in line
    code, out, err = run(capsys, str(weeks["week1"]), str(west), "--allow-mixed")
    assert code == 0
    assert "scope changed" in out
    assert "### Score by Region pair" in out
    row = table(out, "Scans")[1]
    # week1's findings were judged for eu-central-1, which west.json does not judge.
    assert (row["Fixed"], row["Not evaluated"]) == ("0", "2")


def test_usage_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["trend"])
    assert exit_info.value.code == 2
    capsys.readouterr()
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsys, str(empty))
    assert code == 2 and "no regionready JSON report to trend" in one_error_line(err)
    code, _, err = run(capsys, str(tmp_path / "missing.json"))
    assert code == 2 and "missing.json: no such file" in one_error_line(err)


def test_the_weekly_workflow_runs_trend_with_real_flags(capsys: pytest.CaptureFixture[str]) -> None:
    workflow = yaml.safe_load((REPO / "examples/workflows/weekly-dr-scan.yml").read_text())
    scripts = [
        step.get("run", "") for job in workflow["jobs"].values() for step in job.get("steps", [])
    ]
    calls = [line for s in scripts for line in s.splitlines() if "regionready trend" in line]
    assert calls, "the weekly workflow publishes a trend"
    with pytest.raises(SystemExit):
        main(["trend", "--help"])
    help_text = capsys.readouterr().out
    for call in calls:
        for flag in re.findall(r"(--[a-z][a-z-]+)", call):
            assert flag in help_text, flag
