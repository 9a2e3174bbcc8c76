"""The collector driver: sessions, threads (and worker processes) across service x
Region, retries, errors.

Collectors are resolved by name and given a ``Clients`` factory; the driver owns
everything else: credentials (standard chain, ``--profile``, ``--role-arn``), the
endpoint (``--endpoint-url`` / ``AWS_ENDPOINT_URL``), botocore adaptive retries and
timeouts, a thread pool over the (service x Region) tasks, per-collector error capture
and progress on stderr (:mod:`regionready.collect.progress`). On Linux the tasks are
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
import functools
import os
import sys
import threading
import traceback
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import boto3
import botocore.loaders
import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from regionready import __version__, atomic, registry, topology
from regionready.collect import forks, scope
from regionready.collect.clients import Clients, concurrency_setting
from regionready.collect.connectivity import (
    RetryCounter,
    count_retries,
    first_call_config,
    unreachable,
)
from regionready.collect.progress import Progress
from regionready.errors import RegionReadyError
from regionready.settings import number_setting
from regionready.snapshot import (
    GLOBAL,
    LOCAL,
    CollectionError,
    ServiceData,
    iso,
    jsonable,
    manifest_document,
    region_document,
    sort_items,
)
from regionready.topology import Pair

GLOBAL_CLIENT_REGION = "us-east-1"


class CollectError(RegionReadyError):
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


#: An organisation's accounts are entered from several threads, all from one ``base``
#: session (boto3 sessions are not thread-safe).
_SHARED_SESSION = threading.Lock()


def open_session(spec: SessionSpec, base: boto3.Session | None = None) -> boto3.Session:
    """The standard credential chain, a named profile, and optionally an assumed role."""
    try:
        session = base or boto3.Session(profile_name=spec.profile)
    except BotoCoreError as exc:
        raise CollectError(f"cannot open AWS profile {spec.profile!r}: {exc}") from exc
    with _SHARED_SESSION:
        credentials = session.get_credentials()
    if credentials is None:
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
    if base is not None:
        sts = _assume_role_client(base, spec.endpoint_url, config)
    else:
        with _SHARED_SESSION:
            sts = session.client("sts", endpoint_url=spec.endpoint_url, config=config)
    kwargs: dict[str, Any] = {
        "RoleArn": spec.role_arn,
        "RoleSessionName": f"regionready-{__version__}",
    }
    if spec.external_id:
        kwargs["ExternalId"] = spec.external_id
    try:
        assumed = sts.assume_role(**kwargs)
    except (ClientError, BotoCoreError) as exc:
        where = unreachable(exc, config)
        if where:
            raise CollectError(f"{where} (sts:AssumeRole of {spec.role_arn})") from exc
        raise CollectError(f"cannot assume role {spec.role_arn}: {exc}") from exc
    creds = assumed["Credentials"]
    core = botocore.session.get_session()
    core.register_component("data_loader", _service_models())
    session = boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        botocore_session=core,
    )
    role_user = str(assumed.get("AssumedRoleUser", {}).get("Arn", ""))  # arn:aws:sts::ACCOUNT:...
    if role_user.count(":") >= 5 and role_user.split(":")[4].isdigit():
        _ASSUMED_ACCOUNT[session] = role_user.split(":")[4]
    return session


#: The account each assumed-role session is in, as sts:AssumeRole answered it.
_ASSUMED_ACCOUNT: weakref.WeakKeyDictionary[boto3.Session, str] = weakref.WeakKeyDictionary()


def assumed_account(session: boto3.Session) -> str | None:
    """The account of an assumed-role ``session`` of :func:`open_session` (from
    AssumeRole's ``AssumedRoleUser``: no sts:GetCallerIdentity needed), else None."""
    return _ASSUMED_ACCOUNT.get(session)


@functools.cache
def _service_models() -> botocore.loaders.Loader:
    """One loader of botocore's data files (service models, endpoints) for every
    assumed-role session of the run.

    A new botocore session reads and parses each service's model and the endpoint rules
    again (tens of milliseconds a client); an organisation's accounts each have their
    own session. The files do not change while the run lasts, and the loader only
    caches what it parsed."""
    loader: botocore.loaders.Loader = botocore.session.get_session().get_component("data_loader")
    return loader


#: The STS client an organisation's roles are assumed with, per base session and endpoint.
_ASSUMERS: weakref.WeakKeyDictionary[boto3.Session, dict[str | None, Any]] = (
    weakref.WeakKeyDictionary()
)


def _assume_role_client(base: boto3.Session, endpoint_url: str | None, config: Config) -> Any:
    """``base``'s STS client for ``endpoint_url``, made once with ``config`` (clients
    are thread-safe; sessions are not, hence the lock)."""
    with _SHARED_SESSION:
        made = _ASSUMERS.setdefault(base, {})
        if endpoint_url not in made:
            made[endpoint_url] = base.client("sts", endpoint_url=endpoint_url, config=config)
        return made[endpoint_url]


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
        unread=[e.to_dict() for e in clients.unread],
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
