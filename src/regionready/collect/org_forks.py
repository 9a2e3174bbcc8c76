"""An organisation's accounts shared among forked processes (``REGIONREADY_PROCESSES``).

Why: collection is CPU-bound in botocore (making clients, building, signing and parsing
requests), and one process does all of it under one GIL. Measured in
``benchmarks/org_bench.py`` (benchmarks/RESULTS.md, "Organisation scale").

How: the accounts are dealt out in id order, one to each share in turn. The process
forks once per share but the first, before any thread of the collection starts (forking a
threaded process copies locks in whatever state they are); each share runs the usual
scheduler of :mod:`regionready.collect.organisation` on its own pool, and tells its
progress and each account's data, as messages, to the calling process, which runs the
first share itself. Every message reaches one queue read by the caller's thread alone:
the progress bar is told there, and each account is handed over there. The queue is
bounded, so a share whose accounts are not taken waits, and at most ``account_workers``
accounts a share are alive. Only the first share runs the local collectors.

A process that dies leaves its accounts not yet sent as ERROR data
(:func:`driver.failed_account` with :class:`forks.WorkerDied`), never a hang or a silent
pass.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from regionready.collect import driver
from regionready.collect.accounts import AccountSpec
from regionready.collect.connectivity import RetryCounter
from regionready.collect.driver import CollectResult
from regionready.collect.forks import died, fork_sending
from regionready.collect.org_progress import Message, OrganisationProgress
from regionready.snapshot import ServiceData

#: A share's progress and data, sent to the calling process (see ``Relay``), or None
#: when the share is done.
Event = tuple[int, Message | None]
#: Runs the scheduler over a share of the accounts, telling ``progress``.
RunShare = Callable[[list[AccountSpec], Any, bool], object]


class Relay:
    """What a share's scheduler tells its progress, sent on as messages (``send``) to
    the :class:`OrganisationProgress` of the calling process."""

    def __init__(self, send: Callable[[Message], None]) -> None:
        self.send = send

    def account_opened(self, retries: RetryCounter) -> None:
        pass  # only accounts done count; a share's live retries stay its own

    def task_done(self, data: ServiceData) -> None:
        self.send(("task", data.api_calls, len(data.errors)))

    def account_done(self, result: CollectResult, retries: RetryCounter) -> None:
        self.send(("done", result, retries.count))

    def account_failed(self, result: CollectResult, reason: str) -> None:
        self.send(("failed", result, reason))


def deal(specs: list[AccountSpec], count: int) -> list[list[AccountSpec]]:
    """``specs`` in id order dealt out to at most ``count`` shares, none empty."""
    ordered = sorted(specs, key=lambda spec: spec.id)
    shares = [ordered[index :: max(1, count)] for index in range(max(1, count))]
    return [share for share in shares if share]


@dataclass
class _Share:
    specs: list[AccountSpec]
    conn: Any = None  # the pipe a forked share sends on; None for the caller's own
    process: Any = None
    pending: set[str] = field(default_factory=set)
    failure: Exception | None = None  # what the caller's own share raised


def collect(
    specs: list[AccountSpec],
    processes: int,
    run_share: RunShare,
    *,
    regions: Callable[[AccountSpec], list[str]],
    services: list[str],
    bar: OrganisationProgress,
    account_workers: int,
) -> Iterator[CollectResult]:
    """Every account of ``specs``, collected by ``processes`` processes, as each is
    complete. ``run_share(specs, progress, with_local)`` runs one share to its end."""
    dealt = [_Share(share, pending={spec.id for spec in share}) for share in deal(specs, processes)]
    mine = dealt[0]
    for share in dealt[1:]:
        if not _fork(share, run_share):  # run here instead
            mine.specs += share.specs
            mine.pending |= share.pending
    shares = [mine, *(share for share in dealt[1:] if share.conn is not None)]
    events: queue.Queue[Event] = queue.Queue(maxsize=max(1, account_workers) * len(shares))
    threads = [
        threading.Thread(target=_read, args=(number, share, events.put), daemon=True)
        for number, share in enumerate(shares)
        if share.conn is not None
    ]
    stopped = threading.Event()

    def put_local(event: Event) -> None:
        if stopped.is_set():  # the consumer has gone: the caller's share stops here
            raise _Stopped
        events.put(event)

    local = threading.Thread(target=_run_local, args=(mine, run_share, put_local), daemon=True)
    try:
        with bar.running():  # after the forks: rich redraws the bar from a thread
            for thread in [local, *threads]:
                thread.start()
            yield from _handed_over(shares, events, len(threads) + 1, regions, services, bar)
    finally:
        stopped.set()
        for share in shares:
            if share.process is not None and share.process.is_alive():
                share.process.kill()
        # A thread blocked on the full queue would never end: empty it as they finish.
        while any(thread.is_alive() for thread in [local, *threads]):
            with contextlib.suppress(queue.Empty):
                events.get(timeout=0.1)


def _fork(share: _Share, run_share: RunShare) -> bool:
    """A process for ``share``, sending its messages down a pipe; False if it could not
    be forked."""
    forked = fork_sending(_child_main, (share.specs, run_share), "regionready-accounts")
    if forked is not None:
        share.process, share.conn = forked
    return forked is not None


def _child_main(specs: list[AccountSpec], run_share: RunShare, conn: Any) -> None:
    try:
        run_share(specs, Relay(conn.send), False)
    finally:
        conn.close()


class _Stopped(Exception):
    """The consumer of the accounts has gone."""


def _run_local(share: _Share, run_share: RunShare, put: Callable[[Event], None]) -> None:
    """The caller's share (with any that could not be forked), and the local
    collectors. What it raises is raised again to the consumer (``share.failure``)."""
    with contextlib.suppress(_Stopped):
        try:
            run_share(share.specs, Relay(lambda message: put((0, message))), True)
        except Exception as exc:  # handed to the consuming thread
            share.failure = exc
        finally:
            put((0, None))


def _read(number: int, share: _Share, put: Callable[[Event], None]) -> None:
    """A forked share's messages, onto the queue, until its pipe closes."""
    try:
        while True:
            try:
                message: Message = share.conn.recv()
            except (EOFError, OSError):
                break
            put((number, message))
    finally:
        share.conn.close()
        share.process.join(timeout=30)
        put((number, None))


def _handed_over(
    shares: list[_Share],
    events: queue.Queue[Event],
    sources: int,
    regions: Callable[[AccountSpec], list[str]],
    services: list[str],
    bar: OrganisationProgress,
) -> Iterator[CollectResult]:
    while sources:
        number, message = events.get()
        share = shares[number]
        if message is None:
            if share.failure is not None:
                raise share.failure
            sources -= 1
            yield from _lost(share, regions, services, bar)
            continue
        result = bar.told(message)
        if result is not None:
            share.pending.discard(result.account)
            yield result
            del result


def _lost(
    share: _Share,
    regions: Callable[[AccountSpec], list[str]],
    services: list[str],
    bar: OrganisationProgress,
) -> Iterator[CollectResult]:
    """The accounts a share ended without sending: ERROR data naming why."""
    if not share.pending:
        return
    exc = died(share.process)
    reason = str(exc)
    for spec in share.specs:
        if spec.id in share.pending:
            failed = driver.failed_account(spec.id, regions(spec), services, exc)
            bar.account_failed(failed, reason)
            yield failed
    share.pending.clear()
