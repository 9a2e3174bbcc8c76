"""An organisation's accounts shared among forked processes (``REGIONREADY_PROCESSES``).

Why: collection is CPU-bound in botocore (making clients, building, signing and parsing
requests), and one process does all of it under one GIL. Measured in
``benchmarks/org_bench.py`` (benchmarks/RESULTS.md, "Organisation scale").

How: the process forks once per process asked for but the first, before any thread of
the collection starts (forking a threaded process copies locks in whatever state they
are). Each process, the calling one included, runs the usual scheduler of
:mod:`regionready.collect.organisation` on its own pool, and claims the next account in
id order whenever it has a slot free: so a process slowed by other work (the calling
process writes every account's files) takes fewer accounts, and all end together. The
calling process hands the accounts out (:class:`_Accounts`): a forked process asks for
one down its pipe and waits for the answer. Each process tells its progress and each
account's data, as messages, to the calling process. Every message reaches one queue
read by the caller's thread alone: the progress bar is told there, and each account is
handed over there. The queue is bounded, so a process whose accounts are not taken
waits, and at most ``account_workers`` accounts a process are alive. Only the calling
process runs the local collectors.

A process that dies leaves the accounts it claimed and did not send as ERROR data
(:func:`driver.failed_account` with :class:`forks.WorkerDied`), never a hang or a silent
pass; the other processes take the accounts nobody has claimed yet.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
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
#: The next account to collect, or None when every account has been claimed.
Claim = Callable[[], AccountSpec | None]
#: Runs the scheduler over the accounts a ``Claim`` gives, telling ``progress``, with
#: the local collectors or not.
RunShare = Callable[[Claim, Any, bool], object]
#: What a forked process sends to claim an account (the answer: an AccountSpec or None).
_CLAIM = ("claim",)


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


class _Accounts:
    """The accounts not yet claimed, in id order, handed out one at a time to any
    thread of the calling process (the caller's own scheduler, and the readers that
    answer the forked processes)."""

    def __init__(self, specs: list[AccountSpec]) -> None:
        self._left = deque(sorted(specs, key=lambda spec: spec.id))
        self._lock = threading.Lock()

    def claim(self, claimer: _Process) -> AccountSpec | None:
        """The next account, recorded as ``claimer``'s until it is handed over."""
        with self._lock:
            if not self._left:
                return None
            spec = self._left.popleft()
            claimer.pending[spec.id] = spec
            return spec


@dataclass
class _Process:
    """A process collecting accounts: the calling one (``conn`` None) or a forked one."""

    conn: Any = None  # the pipe a forked process talks on; None for the caller's own
    process: Any = None
    #: The accounts it claimed and has not handed over yet, in the order claimed.
    pending: dict[str, AccountSpec] = field(default_factory=dict)
    failure: Exception | None = None  # what the caller's own scheduler raised


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
    complete. ``run_share(claim, progress, with_local)`` runs one process's scheduler to
    its end."""
    accounts = _Accounts(specs)
    mine = _Process()
    # No more processes than accounts: one with none to claim would only start and end.
    forked = [_fork(run_share) for _ in range(min(max(1, processes), len(specs)) - 1)]
    shares = [mine, *(process for process in forked if process is not None)]
    events: queue.Queue[Event] = queue.Queue(maxsize=max(1, account_workers) * len(shares))
    threads = [
        threading.Thread(target=_read, args=(number, share, accounts, events.put), daemon=True)
        for number, share in enumerate(shares)
        if share.conn is not None
    ]
    stopped = threading.Event()

    def put_local(event: Event) -> None:
        if stopped.is_set():  # the consumer has gone: the caller's share stops here
            raise _Stopped
        events.put(event)

    local = threading.Thread(
        target=_run_local,
        args=(mine, lambda: accounts.claim(mine), run_share, put_local),
        daemon=True,
    )
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


def _fork(run_share: RunShare) -> _Process | None:
    """A forked process claiming and collecting accounts, talking down a pipe; None if
    it could not be forked (the others take its accounts)."""
    forked = fork_sending(_child_main, (run_share,), "regionready-accounts", duplex=True)
    return _Process(conn=forked[1], process=forked[0]) if forked is not None else None


def _child_main(run_share: RunShare, conn: Any) -> None:
    try:
        run_share(partial(_claim_over, conn), Relay(conn.send), False)
    finally:
        conn.close()


def _claim_over(conn: Any) -> AccountSpec | None:
    """In a forked process: the next account, asked of the calling process (None: no
    more, or the calling process has gone)."""
    try:
        conn.send(_CLAIM)
        spec: AccountSpec | None = conn.recv()
    except (EOFError, OSError):
        return None
    return spec


class _Stopped(Exception):
    """The consumer of the accounts has gone."""


def _run_local(
    share: _Process, claim: Claim, run_share: RunShare, put: Callable[[Event], None]
) -> None:
    """The caller's own scheduler, with the local collectors. What it raises is raised
    again to the consumer (``share.failure``)."""
    with contextlib.suppress(_Stopped):
        try:
            run_share(claim, Relay(lambda message: put((0, message))), True)
        except Exception as exc:  # handed to the consuming thread
            share.failure = exc
        finally:
            put((0, None))


def _read(number: int, share: _Process, accounts: _Accounts, put: Callable[[Event], None]) -> None:
    """A forked process's messages, onto the queue, until its pipe closes; its claims
    answered with the next account."""
    try:
        while True:
            try:
                message: Message = share.conn.recv()
                if message == _CLAIM:
                    share.conn.send(accounts.claim(share))
                    continue
            except (EOFError, OSError):
                break
            put((number, message))
    finally:
        share.conn.close()
        share.process.join(timeout=30)
        put((number, None))


def _handed_over(
    shares: list[_Process],
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
            share.pending.pop(result.account, None)
            yield result
            del result


def _lost(
    share: _Process,
    regions: Callable[[AccountSpec], list[str]],
    services: list[str],
    bar: OrganisationProgress,
) -> Iterator[CollectResult]:
    """The accounts a process claimed and ended without sending: ERROR data naming why."""
    if not share.pending:
        return
    exc = died(share.process)
    reason = str(exc)
    for spec in list(share.pending.values()):
        failed = driver.failed_account(spec.id, regions(spec), services, exc)
        bar.account_failed(failed, reason)
        yield failed
    share.pending.clear()
