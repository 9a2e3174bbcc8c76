"""regionready.trend (reports -> Trend) and regionready.trend_render, on reports made here
from model results: the order of the scans, new / fixed / still open / not evaluated /
suppressed findings and new errors, the oldest open findings, the scores per service and
per Region pair, scopes that differ, damaged reports, and untrusted text in both formats."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from regionready import trend, trend_html, trend_render
from regionready.errors import RegionReadyError
from regionready.model import Report, Result, ScanInfo, Severity, Status

ACCOUNT = "111111111111"
OTHER_ACCOUNT = "222222222222"
SRC, TGT, WEST = "me-central-1", "eu-central-1", "eu-west-1"


def result(
    rule: str,
    resource: str,
    status: Status,
    *,
    severity: Severity = Severity.HIGH,
    service: str = "acm",
    target: str = TGT,
    account: str = ACCOUNT,
    message: str = "",
) -> Result:
    return Result(
        rule_id=rule,
        status=status,
        severity=severity,
        service=service,
        kind="parity",
        message=message or f"{resource} is {status.value}",
        account=account,
        region=target,
        resource_type="acm.certificate",
        resource_id=resource,
        correlation_key=resource,
        source_region=SRC,
        target_region=target,
    )


def report(
    finished: str | None,
    *results: Result,
    started: str | None = None,
    now: str = "2026-01-01T00:00:00Z",
    targets: tuple[str, ...] = (TGT,),
    accounts: tuple[str, ...] = (ACCOUNT,),
) -> dict[str, Any]:
    """A JSON report (``Report.to_dict``) of ``results``."""
    scan = ScanInfo(
        source_region=SRC,
        target_region=targets[0],
        accounts=list(accounts),
        now=now,
        started_at=started,
        finished_at=finished,
        pairs=[{"source": SRC, "target": t} for t in targets],
    )
    # Fresh copies: a Result is mutable, and a test may use one in several reports.
    made = Report(scan=scan, rules={}, results=[Result.from_dict(r.to_dict()) for r in results])
    data: dict[str, Any] = made.to_dict()
    return data


def build(*named: tuple[str, dict[str, Any]], allow_mixed: bool = False) -> trend.Trend:
    return trend.build([trend.parse(name, data) for name, data in named], allow_mixed=allow_mixed)


def rules_of(findings: tuple[trend.Finding, ...]) -> list[str]:
    return [f"{f.rule_id} {f.resource}" for f in findings]


F, P, E = Status.FAIL, Status.PASS, Status.ERROR


# -- order -----------------------------------------------------------------------------------


def test_scans_are_ordered_by_scan_time_then_file_name() -> None:
    made = build(
        ("d.json", report("2026-03-01T00:00:00Z")),
        ("c.json", report(None, started="2026-02-01T00:00:00Z")),  # no finished_at
        ("b.json", report(None, now="2026-01-15T00:00:00+00:00")),  # only now
        ("a.json", report("2026-03-01T00:00:00Z")),  # ties with d.json: by file name
        ("e.json", report("2026-01-20T01:00:00+02:00")),  # an offset: 2026-01-19T23:00Z
    )
    assert [p.name for p in made.points] == ["b.json", "e.json", "c.json", "a.json", "d.json"]
    assert made.steps[0].changes is None
    assert all(step.changes is not None for step in made.steps[1:])


def test_a_trend_of_one_scan() -> None:
    made = build(("only.json", report("2026-01-05T00:00:00Z", result("ACM-001", "api", F))))
    assert len(made.steps) == 1 and made.previous is None
    text = trend_render.markdown(made)
    assert '    x-axis ["2026-01-05"]' in text and "    line [0.0]" in text
    assert "| 2026-01-05 00:00 | only.json | NOT READY | 0.0 |  | 1 | — | — |" in text
    assert "The latest scan against the previous one" not in text
    (oldest,) = made.oldest()
    assert (oldest.scans, oldest.days, oldest.first_scan) == (1, 0, "only.json")


# -- changes against the previous scan ---------------------------------------------------------


def test_new_fixed_still_open_not_evaluated_suppressed_and_new_errors() -> None:
    before = report(
        "2026-01-01T00:00:00Z",
        result("ACM-001", "open", F),
        result("ACM-001", "passes", F),
        result("ACM-001", "gone", F),  # gone next week while ACM-001 ran: fixed
        result("ACM-002", "errs", F),  # ERROR next week: not evaluated
        result("ACM-003", "accepted", F),
        result("ACM-004", "unjudged", F),  # ACM-004 does not run next week
        result("ACM-005", "still-erring", E),
    )
    after = report(
        "2026-01-08T00:00:00Z",
        result("ACM-001", "open", F),
        result("ACM-001", "passes", P),
        result("ACM-001", "new", F),
        result("ACM-002", "errs", E),
        result("ACM-003", "accepted", Status.SUPPRESSED),
        result("ACM-005", "still-erring", E),
        result("ACM-006", "newly-erring", E, severity=Severity.CRITICAL),
    )
    made = build(("w1.json", before), ("w2.json", after))
    changes = made.latest.changes
    assert changes is not None
    assert rules_of(changes.new) == ["ACM-001 new"]
    assert rules_of(changes.fixed) == ["ACM-001 gone", "ACM-001 passes"]
    assert rules_of(changes.still_open) == ["ACM-001 open"]
    assert rules_of(changes.not_evaluated) == ["ACM-002 errs", "ACM-004 unjudged"]
    assert rules_of(changes.suppressed) == ["ACM-003 accepted"]
    # Errors new this week: a check that could not run before either is not new.
    assert rules_of(changes.new_errors) == ["ACM-006 newly-erring", "ACM-002 errs"]
    latest = made.latest.point
    assert (latest.open, latest.errors, latest.suppressed) == (2, 3, 1)
    text = trend_render.markdown(made)
    assert "| 2026-01-08 00:00 | w2.json | NOT READY |" in text
    assert "| 2 | 1 | 2 | 1 | 2 | 1 | 2 |" in text  # open, new, fixed, still, n/e, supp, err
    assert "**Suppressed**: 1" in text and "**New errors**: 2" in text


def test_changes_list_the_most_severe_first() -> None:
    made = build(
        ("w1.json", report("2026-01-01T00:00:00Z")),
        (
            "w2.json",
            report(
                "2026-01-08T00:00:00Z",
                result("ACM-001", "a", F, severity=Severity.LOW),
                result("ACM-009", "b", F, severity=Severity.CRITICAL),
                result("ACM-005", "c", F, severity=Severity.CRITICAL),
            ),
        ),
    )
    assert made.latest.changes is not None
    assert rules_of(made.latest.changes.new) == ["ACM-005 c", "ACM-009 b", "ACM-001 a"]


# -- the oldest open findings ------------------------------------------------------------------

WEEKS = [f"2026-01-{day:02d}T06:00:00Z" for day in (1, 8, 15, 22)]


def test_first_seen_is_the_start_of_the_uninterrupted_run_of_fail() -> None:
    statuses = {
        # resource: its status in each of the four weeks (None: no result)
        "always": [F, F, F, F],
        "fixed-then-back": [F, P, F, F],
        "error-gap": [F, E, F, F],
        "suppressed-gap": [F, Status.SUPPRESSED, F, F],
        "gone-gap": [F, None, F, F],  # gone while ACM-001 ran: fixed in between
        "before-the-rule": [None, None, F, F],
        "this-week": [P, P, P, F],
        "fixed-now": [F, F, F, P],
    }
    reports = []
    for week, when in enumerate(WEEKS):
        results = [
            # error-gap's rule is its own: an ERROR of ACM-001 would cover every ACM-001
            # finding gone that week (baseline's rule), gone-gap's too.
            result("ACM-002" if name == "error-gap" else "ACM-001", name, states[week])
            for name, states in statuses.items()
            if states[week] is not None
        ]
        reports.append((f"week{week + 1}.json", report(when, *results)))
    made = build(*reports)
    found = {o.finding.resource: (o.first_scan, o.scans, o.days) for o in made.open_findings}
    assert found == {
        "always": ("week1.json", 4, 21),
        "error-gap": ("week1.json", 3, 21),  # not evaluated does not interrupt
        "fixed-then-back": ("week3.json", 2, 7),
        "suppressed-gap": ("week3.json", 2, 7),
        "gone-gap": ("week3.json", 2, 7),
        "before-the-rule": ("week3.json", 2, 7),
        "this-week": ("week4.json", 1, 0),
    }
    # Oldest first; then by rule and resource.
    assert [o.finding.resource for o in made.open_findings] == [
        "always",
        "error-gap",
        "before-the-rule",
        "fixed-then-back",
        "gone-gap",
        "suppressed-gap",
        "this-week",
    ]
    assert [o.finding.resource for o in made.oldest(2)] == ["always", "error-gap"]
    text = trend_render.markdown(made, top=2)
    assert "### Oldest open findings (2 of 7)" in text
    assert "| 2026-01-01 | 21 days, 4 scans | 🟧 high | ACM-001 | always |" in text
    assert "this-week" not in text.split("### Oldest open findings", 1)[1].split("###")[0]


def test_open_findings_of_one_week_sort_the_most_severe_first() -> None:
    made = build(
        (
            "w.json",
            report(
                "2026-01-01T00:00:00Z",
                result("ACM-001", "low", F, severity=Severity.LOW),
                result("ACM-001", "critical", F, severity=Severity.CRITICAL),
                result("ACM-001", "medium", F, severity=Severity.MEDIUM),
            ),
        )
    )
    assert [o.finding.resource for o in made.open_findings] == ["critical", "medium", "low"]


# -- scores --------------------------------------------------------------------------------------


def test_scores_overall_and_per_service() -> None:
    made = build(
        (
            "w1.json",
            report(
                "2026-01-01T00:00:00Z",
                result("ACM-001", "a", F),
                result("ACM-001", "b", P),
                result("KMS-001", "k", F, service="kms", severity=Severity.CRITICAL),
            ),
        ),
        (
            "w2.json",
            report(
                "2026-01-08T00:00:00Z",
                result("ACM-001", "a", P),
                result("ACM-001", "b", P),
            ),
        ),
        (
            "w3.json",
            report(
                "2026-01-15T00:00:00Z",
                result("ACM-001", "a", P),
                result("ACM-001", "b", E),  # ERROR counts as not passing
                result("KMS-001", "k", P, service="kms", severity=Severity.CRITICAL),
            ),
        ),
    )
    # w1: pass 5 of 5 + 5 + 10 = 25.0; w2: 100.0; w3: (5 + 10) of 20 = 75.0
    assert [p.score for p in made.points] == [25.0, 100.0, 75.0]
    assert made.services == ("acm", "kms")
    assert made.service_series("acm") == [50.0, 100.0, 50.0]
    assert made.service_series("kms") == [0.0, None, 100.0]
    text = trend_render.markdown(made)
    assert "    line [25.0, 100.0, 75.0]" in text
    assert "| acm | 50.0 | 100.0 | 50.0 | -50.0 | ±0.0 | ▅█▅ |" in text
    assert "| kms | 0.0 | — | 100.0 |  | +100.0 | ▁·█ |" in text
    assert "score 25.0 → 75.0 \\(+50.0\\)" in text


def test_spark_and_change_texts() -> None:
    assert trend_render.spark([0.0, 12.5, 50.0, 99.9, 100.0, None]) == "▁▂▅██·"
    assert trend_render.change_text(50.0, 25.0) == "+25.0"
    assert trend_render.change_text(25.0, 50.0) == "-25.0"
    assert trend_render.change_text(25.04, 25.0) == "±0.0"
    assert trend_render.change_text(None, 25.0) == ""


# -- Region pairs --------------------------------------------------------------------------------


def test_several_pairs_are_scored_and_fixed_each_on_its_own() -> None:
    both = (TGT, WEST)
    made = build(
        (
            "w1.json",
            report(
                "2026-01-01T00:00:00Z",
                result("ACM-001", "api", F),
                result("ACM-001", "api", F, target=WEST),
                targets=both,
            ),
        ),
        (
            "w2.json",
            report(
                "2026-01-08T00:00:00Z",
                result("ACM-001", "api", P),
                result("ACM-001", "api", F, target=WEST),
                targets=both,
            ),
        ),
    )
    assert made.several_pairs and made.pairs == (f"{SRC}:{TGT}", f"{SRC}:{WEST}")
    assert made.pair_series(f"{SRC}:{TGT}") == [0.0, 100.0]
    assert made.pair_series(f"{SRC}:{WEST}") == [0.0, 0.0]
    changes = made.latest.changes
    assert changes is not None
    assert [f.pair for f in changes.fixed] == [f"{SRC}:{TGT}"]
    assert [f.pair for f in changes.still_open] == [f"{SRC}:{WEST}"]
    (oldest,) = made.open_findings
    assert oldest.finding.pair == f"{SRC}:{WEST}" and oldest.scans == 2
    text = trend_render.markdown(made)
    assert f"## 📈 Readiness trend: {SRC} → {TGT}, {SRC} → {WEST}" in text
    assert "### Score by Region pair" in text
    assert f"| {SRC} → {TGT} | 0.0 | 0.0 | 100.0 | +100.0 | +100.0 | ▁█ |" in text
    assert f"| ACM-001 | api | {SRC} → {WEST} |" in text  # the pair column of the oldest


def test_one_pair_has_no_pair_table() -> None:
    made = build(("w.json", report("2026-01-01T00:00:00Z", result("ACM-001", "a", F))))
    text = trend_render.markdown(made)
    assert "Score by Region pair" not in text and "| Region pair |" not in text


# -- scopes --------------------------------------------------------------------------------------


def test_reports_of_different_scopes_are_refused_naming_both_files() -> None:
    one = report("2026-01-01T00:00:00Z", result("ACM-001", "a", F))
    two_targets = report("2026-01-08T00:00:00Z", targets=(TGT, WEST))
    with pytest.raises(trend.TrendError) as info:
        build(("history/w1.json", one), ("history/w2.json", two_targets))
    message = str(info.value)
    assert "history/w1.json and history/w2.json" in message
    assert f"Region pairs ({SRC} -> {WEST} only in w2.json)" in message
    assert "--allow-mixed" in message and "\n" not in message
    accounts = report("2026-01-08T00:00:00Z", accounts=(ACCOUNT, OTHER_ACCOUNT))
    with pytest.raises(trend.TrendError, match=f"accounts \\({OTHER_ACCOUNT} only in w2.json\\)"):
        build(("w1.json", one), ("w2.json", accounts))


def test_allow_mixed_marks_the_change_and_never_calls_a_left_out_pair_fixed() -> None:
    before = report(
        "2026-01-01T00:00:00Z",
        result("ACM-001", "api", F),
        result("ACM-001", "api", F, target=WEST),
        targets=(TGT, WEST),
    )
    after = report("2026-01-08T00:00:00Z", result("ACM-001", "api", F))  # eu-west-1 left out
    made = build(("w1.json", before), ("w2.json", after), allow_mixed=True)
    assert made.mixed and [s.scope_changed for s in made.steps] == [False, True]
    changes = made.latest.changes
    assert changes is not None
    assert changes.fixed == ()
    assert [f.pair for f in changes.not_evaluated] == [f"{SRC}:{WEST}"]
    assert made.pair_series(f"{SRC}:{WEST}") == [0.0, None]
    text = trend_render.markdown(made)
    assert "scope changed" in text and "--allow-mixed" in text
    assert "| Pairs | Accounts |" in text


# -- reading reports -----------------------------------------------------------------------------


def good() -> dict[str, Any]:
    return report("2026-01-01T00:00:00Z", result("ACM-001", "a", F))


def damaged(change: Any) -> dict[str, Any]:
    data = good()
    change(data)
    return data


@pytest.mark.parametrize(
    ("data", "says"),
    [
        pytest.param(damaged(lambda d: d.update(schema_version=2)), "schema_version 2", id="v2"),
        pytest.param(damaged(lambda d: d.pop("schema_version")), "schema_version None", id="none"),
        pytest.param(
            damaged(lambda d: d.update(schema_version="1")), "schema_version '1'", id="str"
        ),
        pytest.param(
            damaged(lambda d: d["results"][0].pop("fingerprint")),
            "results[0]: no fingerprint",
            id="fingerprint",
        ),
        pytest.param(
            damaged(lambda d: d["results"][0].update(status="MAYBE")),
            "results[0]: unknown status 'MAYBE'",
            id="status",
        ),
        pytest.param(
            damaged(lambda d: d["results"][0].update(resource_id=7)),
            "results[0]: resource_id must be text",
            id="text",
        ),
        pytest.param(
            damaged(lambda d: d["scan"].update(finished_at="last tuesday")),
            "scan.finished_at is not an ISO-8601 time: 'last tuesday'",
            id="time",
        ),
        pytest.param(
            damaged(lambda d: d["scan"].update(accounts="111111111111")),
            "scan.accounts must be a list",
            id="accounts",
        ),
    ],
)
def test_a_damaged_report_or_another_version_is_one_line_naming_the_file(
    data: dict[str, Any], says: str
) -> None:
    with pytest.raises(trend.TrendError) as info:
        trend.parse("reports/r.json", data)
    assert not isinstance(info.value, trend.NotAReport)
    message = str(info.value)
    assert message.startswith("reports/r.json: ") and says in message and "\n" not in message


@pytest.mark.parametrize("data", [[], {"version": "2.1.0", "runs": []}, {"scan": {}}, "text"])
def test_another_json_document_is_not_a_report(data: Any) -> None:
    with pytest.raises(trend.NotAReport, match=r"r\.json: not a regionready JSON report"):
        trend.parse("r.json", data)


def test_no_report_is_a_usage_error() -> None:
    with pytest.raises(RegionReadyError, match="no regionready JSON report"):
        trend.build([])


def test_redact_masks_account_ids_and_keeps_fingerprints() -> None:
    data = report("2026-01-01T00:00:00Z", result("ACM-001", f"arn:aws:acm::{ACCOUNT}:x", F))
    plain, masked = trend.parse("r.json", data), trend.parse("r.json", data, redact=True)
    assert masked.accounts == ("********1111",)
    assert masked.records[0]["resource_id"] == "arn:aws:acm::********1111:x"
    assert masked.records[0]["fingerprint"] == plain.records[0]["fingerprint"]
    made = trend.build([masked])
    for text in (trend_render.markdown(made), trend_html.html(made)):
        assert ACCOUNT not in text and "1111" in text


# -- untrusted text ------------------------------------------------------------------------------

HOSTILE = "<img src=x onerror=alert(1)>|col\n::error::x ##[warning]@team"


class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def hostile_trend() -> trend.Trend:
    return build(
        ("w1.json", report("2026-01-01T00:00:00Z")),
        (
            "w2|<b>.json",
            report("2026-01-08T00:00:00Z", result("ACM-001", HOSTILE, F, message=HOSTILE)),
        ),
    )


def test_markdown_makes_report_values_inert() -> None:
    text = trend_render.markdown(hostile_trend())
    assert "<img" not in text and "<b>" not in text and "\n::error::" not in text
    assert "@team" not in text  # no @-mention: a word joiner follows the @
    # Every table row keeps its number of columns: no value adds a |.
    for block in text.split("\n\n"):
        rows = [line for line in block.splitlines() if line.startswith("|")]
        assert len({line.count("|") for line in rows}) <= 1, block


def test_html_escapes_report_values_and_loads_nothing() -> None:
    page = trend_html.html(hostile_trend())
    parsed = Collect()
    parsed.feed(page)
    assert "img" not in parsed.tags and "b" not in parsed.tags and "script" not in parsed.tags
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert any("<img src=x onerror=alert(1)>" in chunk for chunk in parsed.text)
    assert "http" not in page and " src=" not in page.replace("&lt;img src=", "")
    # Each value on one line: the line break in the message is shown, not made.
    assert not any(line.lstrip().startswith("::") for line in page.splitlines())
    assert "&gt;|col\\n::error::x" in page


def test_html_chart_has_a_line_per_pair_when_there_are_several() -> None:
    made = build(
        ("w1.json", report("2026-01-01T00:00:00Z", targets=(TGT, WEST))),
        ("w2.json", report("2026-01-08T00:00:00Z", targets=(TGT, WEST))),
    )
    chart = trend_html.chart(made)
    assert [line["name"] for line in chart["lines"]] == [
        "overall",
        f"{SRC} → {TGT}",
        f"{SRC} → {WEST}",
    ]
    assert chart["legend"]
    page = trend_html.html(made)
    assert page.count("data-series=") == 3


def test_chart_labels_say_the_time_when_two_scans_share_a_day() -> None:
    made = build(
        ("a.json", report("2026-01-01T06:00:00Z")),
        ("b.json", report("2026-01-01T18:30:00Z")),
    )
    assert trend_render.labels(made) == ["2026-01-01 06:00", "2026-01-01 18:30"]
    made = build(
        ("a.json", report("2026-01-01T06:00:01Z")),
        ("b.json", report("2026-01-01T06:00:02Z")),
    )
    assert trend_render.labels(made) == ["2026-01-01 06:00:01", "2026-01-01 06:00:02"]
    assert [row[0] for row in trend_render.scan_rows(made)] == [
        "2026-01-01 06:00:01",
        "2026-01-01 06:00:02",
    ]


def test_rendering_is_deterministic() -> None:
    made = hostile_trend()
    assert trend_render.markdown(made) == trend_render.markdown(made)
    assert trend_html.html(made) == trend_html.html(made)


def test_every_severity_has_an_icon_and_a_colour() -> None:
    page = trend_html.html(
        build(
            (
                "w.json",
                report(
                    "2026-01-01T00:00:00Z",
                    *(result("ACM-001", f"r{i}", F, severity=s) for i, s in enumerate(Severity)),
                ),
            )
        )
    )
    for severity in Severity:
        assert f"sev-{severity.value}" in page
