"""Progress on stderr: a rich progress bar when stderr is a terminal, plain lines when not
(the plain-line form over a whole collection is tested in test_driver.py)."""

from __future__ import annotations

import io
import multiprocessing
import time

import pytest

from regionready.collect.connectivity import RetryCounter
from regionready.collect.progress import Progress
from regionready.snapshot import ServiceData


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(total: int, enabled: bool = True) -> Progress:
    progress = Progress(total, enabled=enabled)
    with progress.running() as bar:
        bar.advance("acm me-central-1", ServiceData())
        bar.advance("kms eu-central-1", ServiceData(status="error", errors=[{"code": "x"}]))
    return progress


def test_a_terminal_gets_a_rich_bar_not_plain_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = Terminal()
    monkeypatch.setattr("sys.stderr", stderr)
    progress = run(2)
    assert progress.done == 2
    written = stderr.getvalue()
    assert "\x1b[" in written, "the bar draws with terminal escapes"
    assert "2/2" in written, "the bar's last drawing counts both tasks"
    assert "[1/2]" not in written and "eu-central-1: 1 error" not in written


def test_not_a_terminal_gets_one_plain_line_per_task(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)
    run(2)
    assert "\x1b[" not in stderr.getvalue(), "no bar"
    assert stderr.getvalue().splitlines() == [
        "[1/2] acm me-central-1: ok",
        "[2/2] kms eu-central-1: 1 error",
    ]


def test_quiet_writes_nothing_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = Terminal()
    monkeypatch.setattr("sys.stderr", stderr)
    progress = run(2, enabled=False)
    assert progress.done == 2
    assert stderr.getvalue() == ""


# -- issue 21: retried calls are said while they happen ------------------------------------


def test_a_terminal_bar_says_how_many_calls_are_being_retried(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stderr = Terminal()
    monkeypatch.setattr("sys.stderr", stderr)
    retries = RetryCounter()
    progress = Progress(2, retries=retries)
    with progress.running() as bar:
        assert "\x1b[" in stderr.getvalue(), "the bar is drawn on entry"
        assert "retrying" not in stderr.getvalue(), "nothing retried yet"
        retries.add("kms ListKeys")
        retries.add("kms ListKeys")
        deadline = time.monotonic() + 5
        while "retrying (2)" not in stderr.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)  # the bar redraws itself several times a second
        assert "retrying (2)" in stderr.getvalue(), "said while the bar is running"
        bar.advance("kms eu-central-1", ServiceData())


def test_plain_lines_say_retrying_with_the_latest_call(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)
    monkeypatch.setattr(Progress, "RETRY_LINE_EVERY", 0.01)
    retries = RetryCounter()
    with Progress(1, retries=retries).running() as bar:
        retries.add("acm DescribeCertificate")
        deadline = time.monotonic() + 5
        while "retrying" not in stderr.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.05)  # no second line while the number stays the same
        bar.advance("acm me-central-1", ServiceData())
    assert stderr.getvalue().splitlines() == [
        "retrying (1): acm DescribeCertificate",
        "[1/1] acm me-central-1: ok",
    ]


def test_quiet_says_nothing_about_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)
    monkeypatch.setattr(Progress, "RETRY_LINE_EVERY", 0.01)
    retries = RetryCounter()
    with Progress(1, enabled=False, retries=retries).running():
        retries.add("acm DescribeCertificate")
        time.sleep(0.05)
    assert stderr.getvalue() == ""


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="workers are forked"
)
def test_the_retry_count_adds_up_across_forked_workers() -> None:
    retries = RetryCounter()
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=retries.add, args=("kms ListKeys",)) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert retries.count == 3 and retries.last == "kms ListKeys"
