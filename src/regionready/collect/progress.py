"""The progress of one account's collection on stderr: a rich bar on a terminal (tasks
done of all, the last task, calls being retried), else one plain line per finished task,
e.g. ``[3/40] acm eu-west-1: ok``, and a line when more calls were retried; nothing with
``--quiet``. (An organisation's collection: ``org_progress.OrganisationProgress``.)
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from regionready.collect.connectivity import RetryCounter
from regionready.snapshot import ServiceData
from regionready.wording import plural


class Progress:
    """A rich progress bar when stderr is a terminal, plain lines when it is not.

    With ``retries`` (the account's :class:`~regionready.collect.connectivity.RetryCounter`),
    calls being retried are said while it happens: ``retrying (N)`` at the end of the bar,
    or, on plain lines, ``retrying (N): <service> <operation>`` at most every
    ``RETRY_LINE_EVERY`` seconds while the number grows."""

    RETRY_LINE_EVERY = 5.0

    def __init__(
        self, total: int, enabled: bool = True, retries: RetryCounter | None = None
    ) -> None:
        self.total = total
        self.enabled = enabled
        self.retries = retries
        self.done = 0
        self._bar: Any = None
        self._task: Any = None

    @contextmanager
    def running(self) -> Iterator[Progress]:
        if self.enabled and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, ProgressColumn, TextColumn
            from rich.progress import Progress as RichProgress
            from rich.text import Text

            counter = self.retries

            class RetryColumn(ProgressColumn):
                def render(self, task: Any) -> Text:
                    count = counter.count if counter is not None else 0
                    return Text(f"retrying ({count})" if count else "", style="yellow")

            self._bar = RichProgress(
                TextColumn("collecting"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.description}"),
                RetryColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            with self._bar:
                self._task = self._bar.add_task("", total=self.total)
                yield self
        elif self.enabled and self.retries is not None:
            stop = threading.Event()
            watcher = threading.Thread(
                target=self._say_retries, args=(stop,), name="regionready-retries", daemon=True
            )
            watcher.start()
            try:
                yield self
            finally:
                stop.set()
                watcher.join()
        else:
            yield self

    def _say_retries(self, stop: threading.Event) -> None:
        """Plain lines: a line whenever more calls were retried since the last one."""
        assert self.retries is not None
        shown = 0
        while not stop.wait(self.RETRY_LINE_EVERY):
            count = self.retries.count
            if count > shown:
                shown = count
                last = self.retries.last
                print(f"retrying ({count})" + (f": {last}" if last else ""), file=sys.stderr)

    def advance(self, label: str, data: ServiceData) -> None:
        self.done += 1
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=label)
            return
        state = "ok" if data.status == "ok" else plural(len(data.errors), "error")
        print(f"[{self.done}/{self.total}] {label}: {state}", file=sys.stderr)
