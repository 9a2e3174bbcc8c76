"""regionready.results: the results of a scan kept on disk one account at a time, and the
views the reporters read them through. Everything a list of the same results would say,
a ResultLog says too: the same results in the same order, the same counts, the same
selections, however many times and however interleaved it is read."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import pytest

from regionready.model import Result, Severity, Status
from regionready.results import (
    RESULT_ORDER,
    Counts,
    ResultLog,
    ResultView,
    group_keys,
    select,
)

from .conftest import build_report
from .test_pairs import two_pair_report


def accounts_of(results: Iterable[Result]) -> dict[str, list[Result]]:
    grouped: dict[str, list[Result]] = {}
    for result in results:
        grouped.setdefault(result.account, []).append(result)
    return grouped


def org_results() -> list[Result]:
    """The sample reports' results, copied into three accounts (as an organisation's)."""
    results: list[Result] = []
    for index, account in enumerate(("111111111111", "222222222222", "333333333333")):
        source = (build_report() if index != 1 else two_pair_report()).results
        for result in source:
            results.append(dataclasses.replace(result, account=account, fingerprint=""))
    return results


def logged(results: list[Result]) -> tuple[ResultLog, list[Result]]:
    """A ResultLog of ``results`` added account by account, and the list it must equal:
    each account's results sorted, the accounts in the order added."""
    log = ResultLog()
    expected: list[Result] = []
    for chunk in accounts_of(results).values():
        log.add(list(chunk))
        expected += sorted(chunk, key=RESULT_ORDER)
    return log, expected


def test_a_log_gives_back_every_result_in_order_as_often_as_asked() -> None:
    log, expected = logged(org_results())
    with log:
        assert list(log) == expected
        assert list(log) == expected  # a second pass reads the file again
        assert len(log) == len(expected)
        # Two walks at once do not disturb each other (pread, no shared file position).
        first, second = iter(log), iter(log)
        assert [(a, b) for a, b in zip(first, second, strict=True)] == [(r, r) for r in expected]


def test_counts_from_the_index_equal_counting_the_results() -> None:
    log, expected = logged(org_results())
    with log:
        assert Counts.of(log) == Counts.of(expected)
        for pair, service in group_keys(expected):
            chosen = [r for r in expected if r.pair == pair and r.service == service]
            assert Counts.of(select(log, pair=pair, service=service)) == Counts.of(chosen)
        assert sorted(group_keys(log)) == sorted(group_keys(expected))


@pytest.mark.parametrize(
    "statuses",
    [(Status.FAIL,), (Status.ERROR,), (Status.SUPPRESSED,), (Status.FAIL, Status.ERROR)],
)
def test_selections_equal_filtering_the_list(statuses: tuple[Status, ...]) -> None:
    log, expected = logged(org_results())
    with log:
        want = [r for r in expected if r.status in statuses]
        assert want, "the sample must hold results of these statuses"
        chosen = select(log, statuses=statuses)
        assert list(chosen) == want
        assert len(chosen) == len(want)
        assert Counts.of(chosen) == Counts.of(want)
        pair = expected[0].pair
        narrowed = select(chosen, pair=pair)
        assert list(narrowed) == [r for r in want if r.pair == pair]


def test_a_view_changes_results_as_they_are_read_and_keeps_the_index() -> None:
    log, expected = logged(org_results())
    with log:

        def louder(result: Result) -> Result:
            return dataclasses.replace(result, message=result.message.upper())

        view = ResultView(log, change=louder)
        assert [r.message for r in view] == [r.message.upper() for r in expected]
        assert len(view) == len(expected)
        assert Counts.of(view) == Counts.of(expected)
        fails = select(view, statuses=(Status.FAIL,))
        assert [r.message for r in fails] == [
            r.message.upper() for r in expected if r.status is Status.FAIL
        ]


def test_counts_know_unread_collections_and_baseline_findings() -> None:
    result = build_report().results[0]
    gen5 = dataclasses.replace(result, rule_id="GEN-005", status=Status.FAIL)
    known = dataclasses.replace(
        result, status=Status.FAIL, severity=Severity.HIGH, details={"baseline": "existing"}
    )
    counts = Counts.of([gen5, known])
    assert counts.unread == 1
    assert counts.known[Severity.HIGH] == 1
    assert counts.only(frozenset({Status.PASS})).unread == 0
    assert counts.only(frozenset({Status.PASS})).total == 0


def test_an_empty_log_is_empty() -> None:
    with ResultLog() as log:
        assert list(log) == []
        assert len(log) == 0
        assert not log
        assert Counts.of(log).total == 0
