"""The progress of an organisation collection on stderr, one display for all accounts: a
rich bar on a terminal (accounts done of all, API calls made, errors, calls retried),
else one plain line per finished account, e.g. ``[3/300] account 111111111111: ok
(412 calls)``; nothing with ``--quiet``. (One account's collection: ``progress.Progress``.)
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from regionready.collect.connectivity import RetryCounter
from regionready.collect.driver import CollectResult
from regionready.snapshot import ServiceData
from regionready.wording import plural

#: The longest reason a plain line gives for an account that was not collected.
REASON_LIMIT = 300

#: What another process's share tells (``org_forks.Relay``): ("task", calls, errors),
#: ("done", result, calls retried) or ("failed", result, reason).
Message = tuple[Any, ...]


class OrganisationProgress:
    """Counts of an organisation collection, told as they change (the scheduler's thread
    calls every method; a terminal's bar is redrawn from rich's own thread)."""

    def __init__(self, total: int, enabled: bool = True) -> None:
        self.total = total
        self.enabled = enabled
        self.done = 0
        self.api_calls = 0
        self.errors = 0
        self._lock = threading.Lock()
        self._retried_closed = 0  # calls retried by the accounts already done
        self._open: list[RetryCounter] = []
        self._bar: Any = None
        self._task: Any = None

    @property
    def retries(self) -> int:
        with self._lock:
            return self._retried_closed + sum(counter.count for counter in self._open)

    @contextmanager
    def running(self) -> Iterator[OrganisationProgress]:
        if not (self.enabled and sys.stderr.isatty()):
            yield self
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, ProgressColumn, TextColumn
        from rich.progress import Progress as RichProgress
        from rich.text import Text

        counts = self

        class CountsColumn(ProgressColumn):
            def render(self, task: Any) -> Text:
                text = Text(f"{plural(counts.api_calls, 'call')}")
                if counts.errors:
                    text.append(f", {plural(counts.errors, 'error')}", style="red")
                retries = counts.retries
                if retries:
                    text.append(f", retrying ({retries})", style="yellow")
                return text

        self._bar = RichProgress(
            TextColumn("collecting accounts"),
            BarColumn(),
            MofNCompleteColumn(),
            CountsColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        with self._bar:
            self._task = self._bar.add_task("", total=self.total)
            yield self

    def account_opened(self, retries: RetryCounter) -> None:
        with self._lock:
            self._open.append(retries)

    def task_done(self, data: ServiceData) -> None:
        self.api_calls += data.api_calls
        self.errors += len(data.errors)

    def account_done(self, result: CollectResult, retries: RetryCounter) -> None:
        with self._lock:
            self._open = [counter for counter in self._open if counter is not retries]
        self._closed(result, retries.count)

    def told(self, message: Message) -> CollectResult | None:
        """A message of another process's share (``org_forks.Relay``): the counts it
        tells, and the account it hands over, if any."""
        if message[0] == "task":
            self.api_calls += message[1]
            self.errors += message[2]
            return None
        if message[0] == "done":
            self._closed(message[1], message[2])
        else:
            self.account_failed(message[1], message[2])
        result: CollectResult = message[1]
        return result

    def _closed(self, result: CollectResult, retried: int) -> None:
        with self._lock:
            self._retried_closed += retried
        errors = _errors(result)
        state = "ok" if not errors else plural(errors, "error")
        calls = plural(sum(result.api_calls.values()), "call")
        extra = f", {plural(result.retries, 'call')} retried" if result.retries else ""
        self._advance(f"account {result.account}: {state} ({calls}{extra})", shown=False)

    def account_failed(self, result: CollectResult, reason: str) -> None:
        """An account that could not be entered (its data: every service ERROR)."""
        self.errors += _errors(result)
        reason = " ".join(reason.split())[:REASON_LIMIT]
        self._advance(f"account {result.account}: not collected: {reason}", shown=True)

    def _advance(self, line: str, *, shown: bool) -> None:
        """One account done: the bar moves, or ``line`` is printed (on a terminal too
        when ``shown``: the bar is gone at the end, and so would the reason be)."""
        self.done += 1
        if not self.enabled:
            return
        if self._bar is None:
            print(f"[{self.done}/{self.total}] {line}", file=sys.stderr)
            return
        self._bar.update(self._task, advance=1)
        if shown:
            self._bar.console.print(line, markup=False, highlight=False)


def _errors(result: CollectResult) -> int:
    return sum(
        len(service["errors"])
        for document in result.documents.values()
        for service in document["services"].values()
    )
