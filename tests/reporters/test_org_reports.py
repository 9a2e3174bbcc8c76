"""Reports of an organisation are written from results kept on disk (issue 20): every
format reads a ResultLog exactly as it reads a list (the same bytes), and while a scan of
many accounts is judged and its reports written, the results alive at any moment are one
account's and a bounded few, never the organisation's (counted, not timed)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import io
import json
import sys
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from regionready import accountstore, registry, runner
from regionready.console import MAX_FINDINGS_SHOWN, print_summary
from regionready.engine.evaluation import Clock
from regionready.engine.rules import load_rules
from regionready.gate import exit_code
from regionready.model import Report, Result, Status
from regionready.reporters import asff, html
from regionready.results import ResultLog
from regionready.snapshot_manifest import manifest_document
from regionready.snapshot_write import write_scan

from .test_result_log import logged, org_results

REPO = Path(__file__).resolve().parents[2]
FORMATS = [name for name in registry.formats() if registry.missing_dependency(name) is None]
NOW = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)


def org_report(results: Any) -> Report:
    from .conftest import build_report

    sample = build_report()
    accounts = sorted({r.account for r in org_results()})
    scan = dataclasses.replace(sample.scan, accounts=accounts)
    return Report(scan=scan, rules=sample.rules, results=results)


@pytest.mark.parametrize("redact", [False, True])
@pytest.mark.parametrize("name", FORMATS)
def test_every_format_writes_the_same_bytes_from_a_log_as_from_a_list(
    name: str, redact: bool
) -> None:
    log, expected = logged(org_results())
    module = registry.reporter(name)
    with log:
        from_log = module.render(org_report(log), redact=redact)
        from_list = module.render(org_report(expected), redact=redact)
        assert from_log == from_list
        writer = getattr(module, "write", None)
        if writer is not None:  # what write_reports calls: the same bytes as render
            handle = io.StringIO()
            writer(org_report(log), handle, redact=redact)
            assert handle.getvalue() == from_list


def test_asff_streams_what_findings_lists() -> None:
    log, expected = logged(org_results())
    with log:
        handle = io.StringIO()
        asff.write(org_report(log), handle)
        assert json.loads(handle.getvalue()) == asff.findings(org_report(expected))


def test_the_html_page_embeds_at_most_its_maximum_problems_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    log, expected = logged(org_results())
    problems = [r for r in expected if r.status in html.FIRST_SHOWN]
    assert 0 < len(problems) < len(expected)
    monkeypatch.setattr(html, "MAX_EMBEDDED", len(problems) + 1)
    with log:
        page = html.render(org_report(log))
    start = page.index('<script type="application/json" id="report-data">')
    data = json.loads(page[page.index(">", start) + 1 : page.index("</script>", start)])
    statuses = [r["status"] for r in data["results"]]
    assert len(statuses) == len(problems) + 1
    order = [s.value for s in html.STATUS_ORDER]
    assert statuses == sorted(statuses, key=order.index)  # problems first, by status
    omitted = len(expected) - len(problems) - 1
    assert f"{omitted} results left out" in page


# --- An organisation judged and reported: what is alive ------------------------------

ACCOUNTS = [f"{n:012d}" for n in range(100000000001, 100000000007)]  # 6 accounts


@pytest.fixture(scope="module")
def org_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic account (every service of the catalogue, from the rules' fixtures),
    copied into six accounts."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import synth
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    built = synth.build(250)
    documents: dict[tuple[str, str], dict[str, Any]] = {}
    for side, services in built["data"].items():
        if not services or side == "local":
            continue
        doc = {
            "kind": "regionready-snapshot",
            "schema_version": 1,
            "account": synth.ACCOUNT,
            "region": side,
            "collected_at": synth.NOW,
            "services": {
                name: {
                    "status": "ok",
                    "errors": [],
                    "id_fields": built["id_fields"].get(name, {}),
                    "resources": types,
                    "api_calls": 0,
                }
                for name, types in sorted(services.items())
            },
        }
        text = json.dumps(doc)
        for account in ACCOUNTS:
            documents[(account, side)] = json.loads(text.replace(synth.ACCOUNT, account))
    manifest = manifest_document(
        source_region=synth.SOURCE,
        target_region=synth.TARGET,
        accounts=ACCOUNTS,
        tool_version="test",
        rules_version="test",
        started_at=synth.NOW,
        finished_at=synth.NOW,
        services=sorted({name for doc in documents.values() for name in doc["services"]}),
        api_calls={},
    )
    root = tmp_path_factory.mktemp("org") / "snapshot"
    write_scan(root, manifest, documents)
    return root


class Watch:
    """Watches every Result the engine adds to the log and every Result the reporters
    read back (weakrefs), and counts how many of them are alive at each add and each
    read: results of earlier accounts, or of chunks read before, that something holds."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, bound: Callable[[], int]) -> None:
        self.at_add: list[int] = []
        self.at_read: list[int] = []
        self.added: list[int] = []
        self._alive = 0
        self._bound = bound
        add, read = ResultLog.add, ResultLog._read

        def watched_add(log: ResultLog, results: list[Result]) -> None:
            self.added.append(len(results))
            self.at_add.append(self.alive())
            self._track(results)
            add(log, results)

        def watched_read(log: ResultLog, chunk: Any) -> list[Result]:
            found = read(log, chunk)
            self.at_read.append(self.alive())
            self._track(found)
            return found

        monkeypatch.setattr(ResultLog, "add", watched_add)
        monkeypatch.setattr(ResultLog, "_read", watched_read)

    def _track(self, results: list[Result]) -> None:
        for result in results:
            self._alive += 1
            weakref.finalize(result, self._gone)

    def _gone(self) -> None:
        self._alive -= 1

    def alive(self) -> int:
        if self._alive > self._bound():  # what only a reference cycle keeps: collect
            gc.collect()
        return self._alive


def test_judging_and_reporting_an_organisation_holds_one_accounts_results(
    org_snapshot: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # What a report may keep besides the chunk it reads: the console's first findings and
    # the HTML page's root causes (each bounded by a constant, not by the accounts).
    kept = MAX_FINDINGS_SHOWN + html.MAX_ROOT_CAUSES * html.MAX_BLOCKED_SHOWN
    watch = Watch(monkeypatch, bound=lambda: max(watch.added, default=0) + kept)
    report = runner.build_report(accountstore.open_scan(org_snapshot), load_rules(None), Clock(NOW))
    assert len(watch.added) == len(ACCOUNTS)
    largest = max(watch.added)
    total = len(report.results)
    assert total == sum(watch.added)
    assert total > 2 * (largest + kept), "too few accounts to tell the bound from the total"

    # Judging: when an account's results are added, no earlier account's are alive.
    assert max(watch.at_add) == 0
    written = runner.write_reports(report, FORMATS, tmp_path / "out")
    assert {p.name for p in written} == {
        f"regionready{registry.reporter(n).EXTENSION}" for n in FORMATS
    }
    print_summary(report, fail_on="high", file=io.StringIO())
    code = exit_code(report.results, fail_on="high", allow_incomplete=False)
    assert watch.at_read, "the reporters read the results back from the log"
    assert max(watch.at_read) <= largest + kept
    # And the reports say what a report of the same results held in memory says.
    whole = Report(report.scan, report.rules, list(report.results))
    assert exit_code(whole.results, fail_on="high", allow_incomplete=False) == code
    for name in ("json", "junit", "sarif"):
        module = registry.reporter(name)
        written_text = (tmp_path / "out" / f"regionready{module.EXTENSION}").read_text("utf-8")
        assert written_text == module.render(whole)
    assert sum(1 for r in whole.results if r.status is Status.FAIL) > 0
