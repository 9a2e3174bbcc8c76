"""Forked collection workers: one account's (service x Region) tasks shared among
forked processes, each running its share on its own thread pool.

Why: a large collection is CPU-bound in botocore (building, signing and parsing thousands
of requests), and one process runs all of that under one GIL while the other cores idle.
Measured with and without (``benchmarks/tricks.py``, table in benchmarks/RESULTS.md): the
benchmark scan (the seeded account behind a 30 ms proxy, 2 cores) takes 29 % less wall
time with 2 processes than with threads alone, so this pool stays (issue 15 keeps a speed
trick that saves a quarter of a wall time); it uses only the standard library's public
``multiprocessing`` API. On a machine whose cores are all busy it gains nothing.

How: ``REGIONREADY_PROCESSES`` processes (1..64; default: the usable cores, at most 4; 1
keeps everything in the calling process). The process forks after the run's first call
and before it starts any thread (forking a threaded process copies locks in whatever
state they are); each child runs its share and sends each task's outcome (plain JSON data
and notes) through a pipe as it ends, and the calling process runs the first share
itself. A child that dies leaves its unfinished tasks as :class:`WorkerDied` errors, never
a hang or a silent pass. Only on Linux (fork is unsafe on macOS) and only from the main
thread (an organisation's accounts are shared among processes by
:mod:`regionready.collect.org_forks`, whose shares run their tasks in threads).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from regionready.settings import whole_setting

PROCESSES_ENV = "REGIONREADY_PROCESSES"
DEFAULT_MAX_PROCESSES = 4
MAX_PROCESSES = 64

#: Expected relative work of a task (its API calls in a typical account: one call or more
#: per certificate, per key, ...), to balance the shares of the processes; 1 otherwise.
TASK_WEIGHTS = {"acm": 20, "kms": 15, "iam": 4, "wafv2": 3, "secretsmanager": 2, "ssm": 1}

#: A task's index, its data (``snapshot.ServiceData``) and its notes.
Outcome = tuple[int, Any, list[str]]
#: Runs the task of an index; never raises (a failure is ERROR data).
Run = Callable[[int], tuple[Any, list[str]]]
#: The ERROR data of the task of an index that did not end.
Crash = Callable[[int, Exception], Any]


class WorkerDied(Exception):
    """A collection worker process ended before it sent a task's data."""


def died(process: Any) -> WorkerDied:
    """Why a worker ``process`` that has ended left work undone."""
    code = process.exitcode
    how = (
        f"was killed by signal {-code}"
        if code is not None and code < 0
        else f"exited with status {code}"
    )
    return WorkerDied(f"collection worker process (pid {process.pid}) {how}")


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def processes_setting() -> int:
    """``REGIONREADY_PROCESSES`` (1..64); default: the usable cores, at most 4. ValueError
    on a bad value."""
    default = min(DEFAULT_MAX_PROCESSES, usable_cores())
    return whole_setting(PROCESSES_ENV, default, high=MAX_PROCESSES)


def can_fork() -> bool:
    """Worker processes are forked (they inherit the session, its credentials and botocore
    hooks): only on Linux, and only from the main thread."""
    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.current_thread() is threading.main_thread()
    )


def partition(tasks: Sequence[Any], count: int) -> list[list[int]]:
    """Task indexes in at most ``count`` shares of about equal expected work: heaviest
    first, each to the lightest share; on a tie, to the share with fewest tasks of the
    same Region (ACM of the source and KMS of the target on one side, so a busy source
    Region and a nearly empty target still split). Each share in plan order. ``tasks``:
    anything with ``service`` and ``region``."""
    shares: list[list[int]] = [[] for _ in range(max(1, count))]
    loads = [0] * len(shares)
    regions: list[dict[str, int]] = [{} for _ in shares]
    order = sorted(range(len(tasks)), key=lambda i: -TASK_WEIGHTS.get(tasks[i].service, 1))
    for index in order:
        task = tasks[index]
        best = min(range(len(shares)), key=lambda k: (loads[k], regions[k].get(task.region, 0), k))
        shares[best].append(index)
        loads[best] += TASK_WEIGHTS.get(task.service, 1)
        regions[best][task.region] = regions[best].get(task.region, 0) + 1
    return [sorted(share) for share in shares if share]


def run_share(share: list[int], run: Run, threads: int, deliver: Callable[[Outcome], None]) -> None:
    """Run the tasks of ``share`` on ``threads`` threads, ``deliver`` each outcome as it
    ends (in the calling thread)."""
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        futures = {pool.submit(run, index): index for index in share}
        for future in as_completed(futures):
            data, notes = future.result()
            deliver((futures[future], data, notes))


@dataclass
class Worker:
    process: Any
    conn: Any
    share: list[int]


def _child_main(share: list[int], run: Run, threads: int, conn: Any) -> None:
    """A forked worker: its share's outcomes, one message per task, down ``conn``."""
    try:
        run_share(share, run, threads, conn.send)
    finally:
        conn.close()


def start(shares: list[list[int]], run: Run, threads: int) -> tuple[list[int], list[Worker]]:
    """Fork a process for every share but the first (the calling process runs it): called
    before any thread of the collection starts. A share whose fork fails runs here."""
    local = list(shares[0])
    started: list[Worker] = []
    for share in shares[1:]:
        forked = fork_sending(_child_main, (share, run, threads), "regionready-collect")
        if forked is None:
            local.extend(share)
        else:
            started.append(Worker(forked[0], forked[1], share))
    return sorted(local), started


def fork_sending(
    child_main: Callable[..., None], args: tuple[Any, ...], name: str, *, duplex: bool = False
) -> tuple[Any, Any] | None:
    """A forked process running ``child_main(*args, conn)``, ``conn`` the sending end of
    a pipe (``duplex``: both ends send and receive): (the process, the calling process's
    end), or None if it could not be forked."""
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=duplex)
    process = context.Process(target=child_main, args=(*args, writer), name=name, daemon=True)
    try:
        process.start()
    except OSError:
        reader.close()
        return None
    finally:
        writer.close()  # the child's end: EOF here once the child has gone
    return process, reader


def _read_worker(worker: Worker, crash: Crash, deliver: Callable[[Outcome | None], None]) -> None:
    """Forward a worker's outcomes; the tasks it did not send become ERROR data."""
    pending = set(worker.share)
    try:
        while pending:
            try:
                outcome: Outcome = worker.conn.recv()
            except (EOFError, OSError):
                break
            pending.discard(outcome[0])
            deliver(outcome)
    finally:
        worker.conn.close()
        worker.process.join(timeout=30)
        if pending:
            exc = died(worker.process)
            for index in sorted(pending):
                deliver((index, crash(index, exc), []))
        deliver(None)


def outcomes(
    local: list[int], started: list[Worker], run: Run, crash: Crash, threads: int
) -> Iterator[Outcome]:
    """Every task's outcome as it ends: the calling process's share and the workers'."""
    events: queue.Queue[Outcome | None] = queue.Queue()
    readers = [
        threading.Thread(
            target=_read_worker, args=(w, crash, events.put), name="regionready-worker", daemon=True
        )
        for w in started
    ]
    for reader in readers:
        reader.start()

    def run_local() -> None:
        try:
            run_share(local, run, threads, events.put)
        finally:
            events.put(None)

    runner = threading.Thread(target=run_local, name="regionready-local", daemon=True)
    runner.start()
    try:
        open_sources = len(readers) + 1
        while open_sources:
            event = events.get()
            if event is None:
                open_sources -= 1
            else:
                yield event
    finally:
        for w in started:
            if w.process.is_alive():
                w.process.kill()
        runner.join()
        for reader in readers:
            reader.join()
