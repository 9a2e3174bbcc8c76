"""Progress on stderr: a rich progress bar when stderr is a terminal, plain lines when not
(the plain-line form over a whole collection is tested in test_driver.py)."""

from __future__ import annotations

import io

import pytest

from regionready.collect import Progress
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
    assert progress._bar is not None
    assert progress._bar.tasks[0].completed == 2
    assert progress.done == 2
    written = stderr.getvalue()
    assert "\x1b[" in written, "the bar draws with terminal escapes"
    assert "[1/2]" not in written and "error(s)" not in written


def test_not_a_terminal_gets_one_plain_line_per_task(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)
    progress = run(2)
    assert progress._bar is None
    assert stderr.getvalue().splitlines() == [
        "[1/2] acm me-central-1: ok",
        "[2/2] kms eu-central-1: 1 error(s)",
    ]


def test_quiet_writes_nothing_even_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    stderr = Terminal()
    monkeypatch.setattr("sys.stderr", stderr)
    progress = run(2, enabled=False)
    assert progress._bar is None and progress.done == 2
    assert stderr.getvalue() == ""
