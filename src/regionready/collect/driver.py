"""The collector driver: threads (and worker processes) across service x Region, errors.

Collectors are resolved by name and given a ``Clients`` factory; the driver owns
everything else: an account's sessions and clients (:mod:`regionready.collect.sessions`:
credentials, endpoint, adaptive retries and timeouts), a thread pool over the (service x
Region) tasks, per-collector error capture and progress on stderr
(:mod:`regionready.collect.progress`). On Linux the tasks are
shared among ``REGIONREADY_PROCESSES`` forked processes (:mod:`regionready.collect.forks`,
which says why). An organisation's accounts are collected by
:mod:`regionready.collect.organisation`, on these parts. The IAM actions a collection
needs: :mod:`regionready.collect.permissions`.

A frozen garbage-collector heap, a full collection after each task and dropping
botocore's cached service models (a private cache) were tried too, for time and memory;
measured with and without (``benchmarks/tricks.py``, table in benchmarks/RESULTS.md),
none saved a quarter of the wall time of ``regionready demo`` or of the benchmark scan,
so they are gone.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from regionready import __version__, atomic, registry, topology
from regionready.collect import forks, scope
from regionready.collect.clients import Clients
from regionready.collect.progress import Progress
from regionready.collect.sessions import AccountSession, CollectError, account_id, concurrency
from regionready.snapshot import (
    GLOBAL,
    LOCAL,
    CollectionError,
    ServiceData,
    iso,
    jsonable,
    region_document,
    sort_items,
)
from regionready.snapshot_manifest import manifest_document
from regionready.topology import Pair

GLOBAL_CLIENT_REGION = "us-east-1"


@dataclass
class Task:
    service: str
    region: str  # "global" for global collectors, "local" for this machine
    module: ModuleType


def plan_tasks(services: list[str], regions: list[str]) -> list[Task]:
    tasks: list[Task] = []
    for name in services:
        module = registry.collector(name)
        if module.LOCAL:
            tasks.append(Task(module.SERVICE, LOCAL, module))
        elif module.GLOBAL:
            tasks.append(Task(module.SERVICE, GLOBAL, module))
        else:
            tasks.extend(Task(module.SERVICE, region, module) for region in regions)
    return tasks


def run_task(
    account: AccountSession, task: Task, options: dict[str, Any] | None = None
) -> ServiceData:
    """One task's data (its notes printed on stderr: complete data, read another way,
    worth a line, not an error)."""
    data, notes = task_outcome(account, task, options)
    _print_notes(task, notes)
    return data


def _print_notes(task: Task, notes: list[str]) -> None:
    for note in notes:
        print(f"note: {task.service} {task.region}: {note}", file=sys.stderr)


def task_outcome(
    account: AccountSession, task: Task, options: dict[str, Any] | None
) -> tuple[ServiceData, list[str]]:
    """One task's data and notes; never raises, so one task cannot end the others'.

    A collector's own exception is caught inside (:func:`_collect_task`); one outside it
    (making the task's ``Clients``, ...) makes the task's data ERROR as well."""
    try:
        return _collect_task(account, task, options)
    except Exception as exc:
        return _crash_data(task, exc, _log_traceback(task, exc, options)), []


def _collect_task(
    account: AccountSession, task: Task, options: dict[str, Any] | None
) -> tuple[ServiceData, list[str]]:
    client_region = task.region if task.region not in (GLOBAL, LOCAL) else GLOBAL_CLIENT_REGION
    clients = Clients(
        make_client=lambda svc: account.client(svc, client_region),
        region=client_region,
        service=task.service,
        options=dict(options or {}),
        concurrency=concurrency(),
        wanted=scope.wanted(options, task.service, task.region),
    )
    id_fields: dict[str, str] = dict(task.module.RESOURCE_TYPES)
    try:
        raw: dict[str, list[dict[str, Any]]] = task.module.collect(clients, client_region)
    except Exception as exc:  # a collector bug must not sink the whole scan
        clients.errors.append(
            _crash_error(task, exc, list(id_fields), _log_traceback(task, exc, options)),
        )
        raw = {}
    resources = {
        rtype: sort_items(jsonable(items), id_fields.get(rtype, "")) for rtype, items in raw.items()
    }
    errors = [e.to_dict() for e in clients.errors]
    data = ServiceData(
        status="error" if errors else "ok",
        errors=errors,
        id_fields=id_fields,
        resources=resources,
        api_calls=clients.api_calls,
        not_run=dict(clients.not_run),
        # In a fixed order, whichever thread skipped first: the same scan, the same file.
        unread=sorted((e.to_dict() for e in clients.unread), key=lambda e: (e["api"], str(e))),
    )
    return data, list(clients.notes)


def _crash_data(task: Task, exc: Exception, where: str = "") -> ServiceData:
    """A task whose collection failed outside its collector (or whose worker process
    died); ``where``: what :func:`_log_traceback` returned for it."""
    types = list(task.module.RESOURCE_TYPES)
    return ServiceData(
        status="error",
        errors=[_crash_error(task, exc, types, where).to_dict()],
        id_fields=dict(task.module.RESOURCE_TYPES),
    )


#: ``options`` key set by ``collect``/``scan --debug``: the debug log file (snapshot.DEBUG_LOG
#: in the snapshot folder) that the traceback of a collector's Python error is appended to.
DEBUG_LOG_OPTION = "debug_log"
MESSAGE_LIMIT = 300


def _log_traceback(task: Task, exc: BaseException, options: dict[str, Any] | None) -> str:
    """With ``--debug``: append ``exc``'s full traceback to the debug log, as one entry
    (a header line naming the entry, time, task and process, then the traceback) written
    whole or not at all; returns what the error message adds to say where it is. Without
    ``--debug`` (no log in ``options``): nothing, and "". A log that cannot be written
    (a symlink, a full disk) is said in the message instead; the scan goes on."""
    path = (options or {}).get(DEBUG_LOG_OPTION)
    if not path:
        return ""
    entry = os.urandom(4).hex()
    header = (
        f"--- entry {entry} {iso(dt.datetime.now(dt.UTC))} regionready {__version__}: "
        f"{task.service} collector failed in {task.region} (pid {os.getpid()}, thread "
        f"{threading.current_thread().name})"
    )
    text = "".join(traceback.format_exception(exc)).rstrip("\n")
    try:
        atomic.append_line(path, f"{header}\n{text}\n")
    except OSError as err:
        name = os.path.basename(str(path))
        return f" (its traceback could not be written to {name}: {err.strerror or err})"
    return f" (traceback: entry {entry} of {os.path.basename(str(path))} in the snapshot folder)"


def _crash_error(task: Task, exc: Exception, types: list[str], where: str = "") -> CollectionError:
    """``where``: what :func:`_log_traceback` returned, kept whole at the message's end."""
    text = str(exc) if isinstance(exc, forks.WorkerDied) else f"collector failed: {exc}"
    where = where[:MESSAGE_LIMIT]
    return CollectionError(
        api=f"{task.service}:collect",
        code=type(exc).__name__,
        message=text[: MESSAGE_LIMIT - len(where)] + where,
        action=f"{task.service}:*",
        resource_types=types,
    )


@dataclass
class CollectResult:
    account: str
    documents: dict[tuple[str, str], dict[str, Any]]
    api_calls: dict[str, int]
    local: dict[str, Any] | None = None
    #: Calls of the account's clients that were retried (throttling, 5xx, resets).
    retries: int = 0


def account_result(
    account: str,
    by_region: dict[str, dict[str, ServiceData]],
    api_calls: dict[str, int],
    stamp: str,
    retries: int = 0,
) -> CollectResult:
    """An account's documents from its tasks' data by Region (the LOCAL one's becomes
    the local.json document)."""
    local_data = by_region.pop(LOCAL, None)
    documents = {
        (account, region): region_document(account, region, data, stamp)
        for region, data in by_region.items()
    }
    local = region_document(LOCAL, LOCAL, local_data, stamp) if local_data else None
    return CollectResult(account, documents, api_calls, local, retries)


def processes_setting() -> int:
    """``REGIONREADY_PROCESSES`` (:func:`regionready.collect.forks.processes_setting`)."""
    try:
        return forks.processes_setting()
    except ValueError as exc:
        raise CollectError(str(exc)) from None


def collect_account(
    account: AccountSession,
    *,
    regions: list[str],
    services: list[str],
    workers: int = 8,
    progress: bool = True,
    options: dict[str, Any] | None = None,
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    processes: int | None = None,
) -> CollectResult:
    """One account's snapshot: its (service x Region) tasks on ``workers`` threads in each
    of ``processes`` processes (None: the ``REGIONREADY_PROCESSES`` setting; 1, or where
    fork cannot be used: this process only)."""
    account_number = account_id(account, regions[-1])
    tasks = plan_tasks(services, regions)
    count = processes_setting() if processes is None else max(1, processes)
    shares = (
        forks.partition(tasks, count) if count > 1 and len(tasks) > 1 and forks.can_fork() else []
    )
    by_region: dict[str, dict[str, ServiceData]] = {}
    api_calls: dict[str, int] = {}

    def record(task: Task, data: ServiceData) -> None:
        by_region.setdefault(task.region, {})[task.service] = data
        api_calls[task.service] = api_calls.get(task.service, 0) + data.api_calls
        bar.advance(f"{task.service} {task.region}", data)

    def run(index: int) -> tuple[ServiceData, list[str]]:
        return task_outcome(account, tasks[index], options)

    def crash(index: int, exc: Exception) -> ServiceData:
        return _crash_data(tasks[index], exc)

    bar = Progress(len(tasks), enabled=progress, retries=getattr(account, "retries", None))
    if len(shares) > 1:
        # Fork first: no thread of this collection (progress bar, pools) may exist yet.
        mine, started = forks.start(shares, run, workers)
        with bar.running():
            for index, data, notes in forks.outcomes(mine, started, run, crash, workers):
                _print_notes(tasks[index], notes)
                record(tasks[index], data)
    else:
        with bar.running(), ThreadPoolExecutor(max_workers=max(1, workers)) as threads:
            futures = {threads.submit(run_task, account, task, options): task for task in tasks}
            for future in as_completed(futures):
                record(futures[future], future.result())
    retries = getattr(account, "retries", None)
    return account_result(
        account_number, by_region, api_calls, iso(clock()), retries.count if retries else 0
    )


def failed_account(
    account: str, regions: list[str], services: list[str], exc: Exception
) -> CollectResult:
    """An account that could not be entered: every service ERROR, the scan goes on."""
    by_region: dict[str, dict[str, ServiceData]] = {}
    for task in plan_tasks(services, regions):
        if task.region == LOCAL:
            continue
        error = CollectionError(
            api="sts:AssumeRole",
            code="AccountUnavailable",
            message=str(exc)[:MESSAGE_LIMIT],
            action="sts:AssumeRole",
            resource_types=list(task.module.RESOURCE_TYPES),
        )
        by_region.setdefault(task.region, {})[task.service] = ServiceData(
            status="error",
            errors=[error.to_dict()],
            id_fields=dict(task.module.RESOURCE_TYPES),
        )
    return account_result(account, by_region, {}, iso(dt.datetime.now(dt.UTC)))


def build_manifest(
    *,
    pairs: list[Pair],
    results: list[CollectResult],
    services: list[str],
    started_at: dt.datetime,
    finished_at: dt.datetime,
    rules_version: str,
    account_pairs: dict[str, list[Pair]] | None = None,
) -> dict[str, Any]:
    """The manifest of a collection of ``pairs``; ``account_pairs``: the accounts of an
    organisation scan that have pairs of their own."""
    api_calls: dict[str, int] = {}
    for result in results:
        for name, count in result.api_calls.items():
            api_calls[name] = api_calls.get(name, 0) + count
    manifest = manifest_document(
        source_region=pairs[0].source,
        target_region=pairs[0].target,
        pairs=pairs,
        accounts=[r.account for r in results],
        tool_version=__version__,
        rules_version=rules_version,
        started_at=iso(started_at),
        finished_at=iso(finished_at),
        services=[registry.collector(s).SERVICE for s in services],
        api_calls=api_calls,
    )
    if account_pairs:
        manifest["account_regions"] = {
            account: own[0].to_dict() if len(own) == 1 else {"pairs": topology.to_list(own)}
            for account, own in sorted(account_pairs.items())
        }
    return manifest
