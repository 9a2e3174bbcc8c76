"""The collector driver: sessions, processes and threads across service x Region,
retries, errors.

Collectors are resolved by name and given a ``Clients`` factory; the driver owns
everything else: credentials (standard chain, ``--profile``, ``--role-arn``), the
endpoint (``--endpoint-url`` / ``AWS_ENDPOINT_URL``), botocore adaptive retries and
timeouts, a thread pool, per-collector error capture and progress on stderr.

A large collection is CPU-bound in botocore (building, signing and parsing thousands of
requests), so on Linux the (service x Region) tasks are shared among up to
``REGIONREADY_PROCESSES`` processes (default: the usable cores, at most 4; 1 keeps
everything in this process): the process forks before it starts any thread, each child
runs its share in its own thread pool and sends back each task's ``ServiceData`` (plain
JSON data) through a pipe, and this process runs the first share itself. A child that
dies leaves its unfinished tasks as collection errors, never a hang or a silent pass.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
import queue
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from regionready import __version__, atomic, registry
from regionready.clients import Clients, concurrency_setting
from regionready.connectivity import RetryCounter, count_retries, first_call_config, unreachable
from regionready.settings import number_setting, whole_setting
from regionready.snapshot import (
    GLOBAL,
    LOCAL,
    ServiceData,
    iso,
    jsonable,
    manifest_document,
    region_document,
    sort_items,
)
from regionready.wording import plural

DRIVER_PERMISSIONS = ("sts:GetCallerIdentity",)
DEFAULT_SERVICES = ("acm", "kms")
GLOBAL_CLIENT_REGION = "us-east-1"


class CollectError(Exception):
    """The scan cannot start (no credentials, a role that cannot be assumed, ...)."""


#: Environment variables that lower (or raise) the per-call bounds of a run, e.g. so a
#: CI gate fails fast against an endpoint that accepts connections and never answers:
#: each call takes at most about attempts * (connect + read timeout) plus backoff. The
#: defaults bound a call to about a minute: against an endpoint that accepts and never
#: answers, 5 attempts x 10 s read + at most 1+2+4+8 s of backoff (<= 65 s, ~57 s on
#: average); one that never accepts, 5 x 5 s connect + backoff. MAX_ATTEMPTS counts every
#: attempt, the first included (botocore's ``total_max_attempts``). The run's first call
#: (sts:GetCallerIdentity) has its own, shorter bounds: connectivity.first_call_config.
TIMEOUT_SETTINGS: dict[str, tuple[type, float]] = {
    "REGIONREADY_CONNECT_TIMEOUT": (float, 5),
    "REGIONREADY_READ_TIMEOUT": (float, 10),
    "REGIONREADY_MAX_ATTEMPTS": (int, 5),
}


def _setting(name: str) -> Any:
    cast, default = TIMEOUT_SETTINGS[name]
    try:
        value = number_setting(name, default, high=3600, whole=cast is int)
    except ValueError as exc:
        raise CollectError(str(exc)) from None
    return cast(value)


def concurrency() -> int:
    """Per-resource calls in flight per collector task: ``REGIONREADY_CONCURRENCY``
    (1..256, default 16; 1 makes every collector sequential)."""
    try:
        return concurrency_setting()
    except ValueError as exc:
        raise CollectError(str(exc)) from None


def botocore_config(max_pool: int | None = None) -> Config:
    """Adaptive retries and timeouts; a connection pool per client at least as large as
    the per-resource calls a task keeps in flight (``Clients.map``), so none waits for a
    connection or has its connection discarded."""
    if max_pool is None:
        max_pool = max(16, concurrency())
    return Config(
        retries={
            "mode": "adaptive",
            "total_max_attempts": _setting("REGIONREADY_MAX_ATTEMPTS"),
        },
        connect_timeout=_setting("REGIONREADY_CONNECT_TIMEOUT"),
        read_timeout=_setting("REGIONREADY_READ_TIMEOUT"),
        max_pool_connections=max_pool,
        user_agent_extra=f"regionready/{__version__}",
    )


@dataclass
class SessionSpec:
    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    endpoint_url: str | None = None


@dataclass
class AccountSession:
    """Thread-safe client creation for one account (boto3 sessions are not thread-safe)."""

    session: boto3.Session
    endpoint_url: str | None
    config: Config
    _lock: threading.Lock = field(default_factory=threading.Lock)
    #: Retried calls of this account's clients (the progress display shows them).
    retries: RetryCounter = field(default_factory=RetryCounter)

    def client(self, service: str, region: str, config: Config | None = None) -> Any:
        """A client of ``service`` in ``region`` (``config``: instead of the account's;
        only the account's own clients count their retries)."""
        with self._lock:
            client = self.session.client(
                service,
                region_name=region,
                endpoint_url=self.endpoint_url,
                config=config or self.config,
            )
        return client if config is not None else count_retries(client, self.retries)

    def forget_models(self) -> None:
        """Drop the service models botocore's loader keeps for the session's whole life.

        A client created later reloads what it needs; the clients alive now keep theirs.
        Shared data (endpoints, partitions, retry config) stays cached. The loader's
        cache is private to botocore: if its shape changes, nothing is dropped.
        """
        loader = self.session._session.get_component("data_loader")
        cache = getattr(loader, "_cache", None)
        if not isinstance(cache, dict):
            return
        with self._lock:
            for key in list(cache):
                if not isinstance(key, tuple) or len(key) < 2:
                    continue
                if key[0] == "load_service_model" or (
                    key[0] == "load_data_with_path"
                    and any(f"/{name}" in str(key[1]) for name in _MODEL_FILES)
                ):
                    cache.pop(key, None)


#: The per-service files of botocore's data (the service model and its companions).
_MODEL_FILES = ("service-2", "paginators-1", "waiters-2", "endpoint-rule-set-1")


def open_session(spec: SessionSpec, base: boto3.Session | None = None) -> boto3.Session:
    """The standard credential chain, a named profile, and optionally an assumed role."""
    try:
        session = base or boto3.Session(profile_name=spec.profile)
    except BotoCoreError as exc:
        raise CollectError(f"cannot open AWS profile {spec.profile!r}: {exc}") from exc
    if session.get_credentials() is None:
        raise CollectError(
            "no AWS credentials found: set AWS_PROFILE or pass --profile, export "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where a role is available "
            "(try 'regionready demo' to see the tool without an account)"
        )
    if not spec.role_arn:
        return session
    # The run's first call fails fast (one attempt, short timeouts); an organisation's
    # per-account roles (``base`` given) keep the retries.
    config = botocore_config() if base is not None else first_call_config(botocore_config())
    sts = session.client("sts", endpoint_url=spec.endpoint_url, config=config)
    kwargs: dict[str, Any] = {
        "RoleArn": spec.role_arn,
        "RoleSessionName": f"regionready-{__version__}",
    }
    if spec.external_id:
        kwargs["ExternalId"] = spec.external_id
    try:
        creds = sts.assume_role(**kwargs)["Credentials"]
    except (ClientError, BotoCoreError) as exc:
        where = unreachable(exc, config)
        if where:
            raise CollectError(f"{where} (sts:AssumeRole of {spec.role_arn})") from exc
        raise CollectError(f"cannot assume role {spec.role_arn}: {exc}") from exc
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        botocore_session=None,
    )


def account_id(account: AccountSession, region: str) -> str:
    """The account of ``account``'s credentials: the collection's first call, made with
    short timeouts and no retry, so a dead or wrong endpoint is one line naming it and
    why within seconds (``cannot reach URL: connection refused``), not minutes later."""
    config = first_call_config(account.config)
    try:
        identity = account.client("sts", region, config=config).get_caller_identity()
    except (ClientError, BotoCoreError) as exc:
        where = unreachable(exc, config)
        if where:
            raise CollectError(f"{where} (sts:GetCallerIdentity, the first call)") from exc
        raise CollectError(
            f"cannot identify the AWS account (sts:GetCallerIdentity): {exc}"
        ) from exc
    return str(identity["Account"])


@dataclass
class Task:
    service: str
    region: str  # "global" for global collectors, "local" for this machine
    module: ModuleType


def plan_tasks(services: list[str], regions: list[str]) -> list[Task]:
    tasks: list[Task] = []
    for name in services:
        module = registry.collector(name)
        if getattr(module, "LOCAL", False):
            tasks.append(Task(module.SERVICE, LOCAL, module))
        elif getattr(module, "GLOBAL", False):
            tasks.append(Task(module.SERVICE, GLOBAL, module))
        else:
            tasks.extend(Task(module.SERVICE, region, module) for region in regions)
    return tasks


def run_task(
    account: AccountSession, task: Task, options: dict[str, Any] | None = None
) -> ServiceData:
    data, notes = _run_task(account, task, options)
    _print_notes(task, notes)
    return data


def _print_notes(task: Task, notes: list[str]) -> None:
    for note in notes:  # complete data, read another way: worth a line, not an error
        print(f"note: {task.service} {task.region}: {note}", file=sys.stderr)


def _run_task(
    account: AccountSession, task: Task, options: dict[str, Any] | None = None
) -> tuple[ServiceData, list[str]]:
    """One task's data and its notes (printed by the caller, in the parent process)."""
    try:
        return _collect_task(account, task, options)
    finally:
        # The task's clients are garbage now, but in reference cycles (client <-> event
        # hooks): only a full collection frees them and the service model each holds;
        # then the loader's copies go too. Measured on the benchmark account (one
        # process): scan peak RSS 117 -> 88 MiB, wall time unchanged within noise.
        gc.collect()
        account.forget_models()


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
    )
    return data, list(clients.notes)


def _crash_data(task: Task, exc: Exception, where: str = "") -> ServiceData:
    """A task whose collection failed outside its collector (e.g. its worker died);
    ``where``: what :func:`_log_traceback` returned for it."""
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


def _crash_error(task: Task, exc: Exception, types: list[str], where: str = "") -> Any:
    """``where``: what :func:`_log_traceback` returned, kept whole at the message's end."""
    from regionready.clients import CollectionError

    text = str(exc) if isinstance(exc, WorkerDied) else f"collector failed: {exc}"
    where = where[:MESSAGE_LIMIT]
    return CollectionError(
        api=f"{task.service}:collect",
        code=type(exc).__name__,
        message=text[: MESSAGE_LIMIT - len(where)] + where,
        action=f"{task.service}:*",
        resource_types=types,
    )


#: Collection worker processes: ``REGIONREADY_PROCESSES`` (1..64; 1 collects in this
#: process only). Default: the cores this process may use, at most DEFAULT_MAX_PROCESSES.
PROCESSES_ENV = "REGIONREADY_PROCESSES"
DEFAULT_MAX_PROCESSES = 4
MAX_PROCESSES = 64

#: Expected relative work of a task (its API calls in a typical account: one call or more
#: per certificate, per key, ...), to balance the shares of the processes; 1 otherwise.
TASK_WEIGHTS = {"acm": 20, "kms": 15, "iam": 4, "wafv2": 3, "secretsmanager": 2, "ssm": 1}


class WorkerDied(Exception):
    """A collection worker process ended before it sent a task's data."""


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def processes_setting() -> int:
    """``REGIONREADY_PROCESSES`` (1..64); default: the usable cores, at most 4."""
    default = min(DEFAULT_MAX_PROCESSES, usable_cores())
    try:
        return whole_setting(PROCESSES_ENV, default, high=MAX_PROCESSES)
    except ValueError as exc:
        raise CollectError(str(exc)) from None


def can_fork() -> bool:
    """Worker processes are forked (they inherit the session, its credentials and botocore
    hooks): only on Linux (fork is unsafe on macOS), and only from the main thread (a
    scan of several accounts runs each in a thread: those stay in-process)."""
    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.current_thread() is threading.main_thread()
    )


def partition(tasks: list[Task], count: int) -> list[list[int]]:
    """Task indexes in at most ``count`` shares of about equal expected work: heaviest
    first, each to the lightest share; on a tie, to the share with fewest tasks of the
    same Region (ACM of the source and KMS of the target on one side, so a busy source
    Region and a nearly empty target still split). Each share in plan order."""
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


Outcome = tuple[int, ServiceData, list[str]]


def _run_share(
    account: AccountSession,
    tasks: list[Task],
    share: list[int],
    options: dict[str, Any] | None,
    workers: int,
    deliver: Callable[[Outcome], None],
) -> None:
    """Run the tasks ``share`` in a thread pool, ``deliver`` each outcome as it ends."""
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {pool.submit(_run_task, account, tasks[i], options): i for i in share}
        for future in as_completed(futures):
            index = futures[future]
            try:
                data, notes = future.result()
            except Exception as exc:  # outside the collector (its Clients, ...)
                where = _log_traceback(tasks[index], exc, options)
                data, notes = _crash_data(tasks[index], exc, where), []
            deliver((index, data, notes))


def _child_main(
    account: AccountSession,
    tasks: list[Task],
    share: list[int],
    options: dict[str, Any] | None,
    workers: int,
    conn: Any,
) -> None:
    """A forked worker: its share's outcomes, one message per task, down ``conn``."""
    try:
        _run_share(account, tasks, share, options, workers, conn.send)
    finally:
        conn.close()


@dataclass
class _Worker:
    process: Any
    conn: Any
    share: list[int]


def _start_workers(
    account: AccountSession,
    tasks: list[Task],
    shares: list[list[int]],
    options: dict[str, Any] | None,
    workers: int,
) -> tuple[list[int], list[_Worker]]:
    """Fork a process for every share but the first (this process runs it): called
    before any thread of the collection starts. A share whose fork fails runs here."""
    context = multiprocessing.get_context("fork")
    local = list(shares[0])
    started: list[_Worker] = []
    for share in shares[1:]:
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(
            target=_child_main,
            args=(account, tasks, share, options, workers, writer),
            name="regionready-collect",
            daemon=True,
        )
        try:
            process.start()
        except OSError:
            reader.close()
            local.extend(share)
            continue
        finally:
            writer.close()  # the child's end: EOF here once the child has gone
        started.append(_Worker(process, reader, share))
    return sorted(local), started


def _read_worker(
    worker: _Worker, tasks: list[Task], deliver: Callable[[Outcome | None], None]
) -> None:
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
            code = worker.process.exitcode
            how = (
                f"was killed by signal {-code}"
                if code is not None and code < 0
                else f"exited with status {code}"
            )
            exc = WorkerDied(f"collection worker process (pid {worker.process.pid}) {how}")
            for index in sorted(pending):
                deliver((index, _crash_data(tasks[index], exc), []))
        deliver(None)


def _outcomes(
    account: AccountSession,
    tasks: list[Task],
    local: list[int],
    workers_started: list[_Worker],
    options: dict[str, Any] | None,
    workers: int,
) -> Iterator[Outcome]:
    """Every task's outcome as it ends: this process's share and the workers'."""
    events: queue.Queue[Outcome | None] = queue.Queue()
    readers = [
        threading.Thread(
            target=_read_worker, args=(w, tasks, events.put), name="regionready-worker", daemon=True
        )
        for w in workers_started
    ]
    for reader in readers:
        reader.start()

    def run_local() -> None:
        try:
            _run_share(account, tasks, local, options, workers, events.put)
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
        for w in workers_started:
            if w.process.is_alive():
                w.process.kill()
        runner.join()
        for reader in readers:
            reader.join()


class Progress:
    """A rich progress bar when stderr is a terminal, plain lines when it is not.

    With ``retries`` (the account's :class:`~regionready.connectivity.RetryCounter`),
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


@dataclass
class CollectResult:
    account: str
    documents: dict[tuple[str, str], dict[str, Any]]
    api_calls: dict[str, int]
    local: dict[str, Any] | None = None


_FROZEN_LOCK = threading.Lock()
_frozen_users = 0


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """Objects alive before the collection (imports, rules, botocore's shared data) are
    kept out of the garbage collector's reach while it runs: the full collection each
    task ends with (``_run_task``) then walks only what the collection made (measured:
    ~100 ms -> a few ms per task), and forked workers do not write to, and so do not
    copy, the parent's pages. Nested and concurrent collections (an organisation scan
    runs accounts in threads) share one freeze; the last one out undoes it."""
    global _frozen_users
    with _FROZEN_LOCK:
        if _frozen_users == 0:
            gc.collect()
            gc.freeze()
        _frozen_users += 1
    try:
        yield
    finally:
        with _FROZEN_LOCK:
            _frozen_users -= 1
            if _frozen_users == 0:
                gc.unfreeze()


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
    """One account's snapshot. ``processes``: worker processes (None: the
    ``REGIONREADY_PROCESSES`` setting; 1, or where fork cannot be used: threads only)."""
    account_number = account_id(account, regions[-1])
    tasks = plan_tasks(services, regions)
    count = processes_setting() if processes is None else max(1, processes)
    shares = partition(tasks, count) if count > 1 and len(tasks) > 1 and can_fork() else []
    by_region: dict[str, dict[str, ServiceData]] = {}
    api_calls: dict[str, int] = {}

    def record(task: Task, data: ServiceData) -> None:
        by_region.setdefault(task.region, {})[task.service] = data
        api_calls[task.service] = api_calls.get(task.service, 0) + data.api_calls
        bar.advance(f"{task.service} {task.region}", data)

    bar = Progress(len(tasks), enabled=progress, retries=getattr(account, "retries", None))
    with _frozen_heap():
        if len(shares) > 1:
            # Fork first: no thread of this collection (progress bar, pools) may exist yet.
            mine, started = _start_workers(account, tasks, shares, options, workers)
            with bar.running():
                for index, data, notes in _outcomes(
                    account, tasks, mine, started, options, workers
                ):
                    _print_notes(tasks[index], notes)
                    record(tasks[index], data)
        else:
            with bar.running(), ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
                futures = {pool.submit(run_task, account, task, options): task for task in tasks}
                for future in as_completed(futures):
                    record(futures[future], future.result())
    stamp = iso(clock())
    local_data = by_region.pop(LOCAL, None)
    documents = {
        (account_number, region): region_document(account_number, region, data, stamp)
        for region, data in by_region.items()
    }
    local = region_document(LOCAL, LOCAL, local_data, stamp) if local_data else None
    return CollectResult(account_number, documents, api_calls, local)


def _failed_account(
    account: str, regions: list[str], services: list[str], exc: Exception
) -> CollectResult:
    """An account that could not be entered: every service ERROR, the scan goes on."""
    stamp = iso(dt.datetime.now(dt.UTC))
    by_region: dict[str, dict[str, ServiceData]] = {}
    for task in plan_tasks(services, regions):
        if task.region == LOCAL:
            continue
        types = list(task.module.RESOURCE_TYPES)
        by_region.setdefault(task.region, {})[task.service] = ServiceData(
            status="error",
            errors=[
                {
                    "api": "sts:AssumeRole",
                    "code": "AccountUnavailable",
                    "message": str(exc)[:300],
                    "action": "sts:AssumeRole",
                    "resource_types": sorted(types),
                }
            ],
            id_fields=dict(task.module.RESOURCE_TYPES),
        )
    documents = {
        (account, region): region_document(account, region, data, stamp)
        for region, data in by_region.items()
    }
    return CollectResult(account, documents, {})


def collect_organisation(
    base: boto3.Session,
    specs: list[Any],
    *,
    source: str,
    target: str,
    services: list[str],
    endpoint_url: str | None,
    workers: int = 8,
    account_workers: int = 4,
    progress: bool = True,
    options: dict[str, Any] | None = None,
) -> list[CollectResult]:
    """Every account of ``specs`` in parallel; one account's failure stays its own."""

    def one(spec: Any) -> CollectResult:
        regions = [spec.source or source, spec.target or target]
        try:
            session = open_session(
                SessionSpec(None, spec.role_arn, spec.external_id, endpoint_url), base=base
            )
            account = AccountSession(session, endpoint_url, botocore_config())
            result = collect_account(
                account,
                regions=regions,
                services=services,
                workers=workers,
                progress=False,
                options=options,
                processes=1,  # accounts already run in threads: no fork from a thread
            )
            if result.account != spec.id:
                raise CollectError(
                    f"credentials for {spec.id} resolved to account {result.account}"
                )
            return result
        except CollectError as exc:
            return _failed_account(spec.id, regions, services, exc)

    results: list[CollectResult] = []
    with ThreadPoolExecutor(max_workers=max(1, account_workers)) as pool:
        futures = {pool.submit(one, spec): spec for spec in specs}
        for future in as_completed(futures):
            result = future.result()
            results.append(result)
            if progress:
                errors = sum(
                    len(svc["errors"])
                    for doc in result.documents.values()
                    for svc in doc["services"].values()
                )
                state = "ok" if not errors else plural(errors, "error")
                print(f"account {result.account}: {state}", file=sys.stderr)
    return sorted(results, key=lambda r: r.account)


def build_manifest(
    *,
    source: str,
    target: str,
    results: list[CollectResult],
    services: list[str],
    started_at: dt.datetime,
    finished_at: dt.datetime,
    rules_version: str,
    account_regions: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    api_calls: dict[str, int] = {}
    for result in results:
        for name, count in result.api_calls.items():
            api_calls[name] = api_calls.get(name, 0) + count
    manifest = manifest_document(
        source_region=source,
        target_region=target,
        accounts=[r.account for r in results],
        tool_version=__version__,
        rules_version=rules_version,
        started_at=iso(started_at),
        finished_at=iso(finished_at),
        services=[registry.collector(s).SERVICE for s in services],
        api_calls=api_calls,
    )
    if account_regions:
        manifest["account_regions"] = dict(sorted(account_regions.items()))
    return manifest


def permissions(services: list[str]) -> list[str]:
    """Every IAM action a collection of these services may call."""
    actions = set(DRIVER_PERMISSIONS)
    for name in services:
        actions.update(registry.collector(name).PERMISSIONS)
    return sorted(actions)


def permission_resources(services: list[str]) -> dict[str, tuple[str, ...]]:
    """The resources each action of ``permissions(services)`` is granted on: ``("*",)``
    unless every collector calling it scopes it in ``PERMISSION_RESOURCES`` (action ->
    an ARN pattern, or a tuple of them), then the union of their patterns."""
    scoped: dict[str, set[str]] = {}
    for name in services:
        module = registry.collector(name)
        declared = getattr(module, "PERMISSION_RESOURCES", {})
        undeclared = set(declared) - set(module.PERMISSIONS)
        if undeclared:
            raise ValueError(f"{name}: PERMISSION_RESOURCES of undeclared {sorted(undeclared)}")
        for action in module.PERMISSIONS:
            value = declared.get(action, "*")
            scoped.setdefault(action, set()).update((value,) if isinstance(value, str) else value)
    for action in DRIVER_PERMISSIONS:
        scoped.setdefault(action, set()).add("*")
    return {
        action: ("*",) if "*" in resources else tuple(sorted(resources))
        for action, resources in sorted(scoped.items())
    }


def iam_policy(services: list[str]) -> dict[str, Any]:
    """The read-only policy: one statement on ``*`` (Sid RegionReadyReadOnly, first), then
    one per set of resources that collectors scope actions to (``PERMISSION_RESOURCES``),
    e.g. ``ssm:GetParametersByPath`` on AWS's public parameters only."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for action, resources in permission_resources(services).items():
        groups.setdefault(resources, []).append(action)
    everywhere = groups.pop(("*",), [])
    statements = [
        {"Sid": "RegionReadyReadOnly", "Effect": "Allow", "Action": everywhere, "Resource": "*"}
    ]
    sids = {"RegionReadyReadOnly"}
    for resources, actions in sorted(groups.items()):
        prefixes = sorted({a.split(":", 1)[0] for a in actions})
        sid = "RegionReadyReadOnly" + "".join(
            "".join(ch for ch in p.title() if ch.isalnum()) for p in prefixes
        )
        base, number = sid, 2
        while sid in sids:
            sid, number = f"{base}{number}", number + 1
        sids.add(sid)
        statements.append(
            {
                "Sid": sid,
                "Effect": "Allow",
                "Action": actions,
                "Resource": resources[0] if len(resources) == 1 else list(resources),
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}
