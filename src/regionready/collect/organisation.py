"""Organisation collection (``--accounts``): the (account x service x Region) tasks of
every account on one shared pool of ``workers`` threads, each account handed over as
soon as it is complete.

Accounts are entered (sts:AssumeRole, whose answer names the account, checked against the
expected one; sts:GetCallerIdentity for a session opened another way) on the pool, in
account-id order, while fewer than ``account_workers`` are open; an entered account's
tasks then queue behind those of the accounts opened before it. When an account's last
task is done its documents are built, its session and clients are let
go, and it is yielded; its slot is given to the next account only when the consumer
(which writes the account's files) asks for the next one. So the data alive is that of
at most ``account_workers`` accounts, and the threads are the pool's ``workers`` (each
task keeps up to ``REGIONREADY_CONCURRENCY`` per-resource calls in flight, as in a
single-account collection).

An account that cannot be entered is ERROR data (:func:`driver.failed_account`), and
the others go on. Retries stay per client (botocore's adaptive mode,
:func:`sessions.botocore_config`): each client is of one account and Region, so a
throttled account slows only its own calls. The local collectors (no AWS call) run once,
with the first account entered. On Linux the accounts are shared among
``REGIONREADY_PROCESSES`` forked processes, each running this scheduler and claiming the
next account in id order whenever it has a slot free
(:mod:`regionready.collect.org_forks`).

The driver's ``open_session`` and ``task_outcome`` are looked up on the driver module
when called, so that what replaces them there (tests, benchmarks) is used here too.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import boto3

from regionready import topology
from regionready.collect import driver, forks, org_forks, sessions
from regionready.collect.accounts import AccountSpec
from regionready.collect.driver import CollectResult, Task, plan_tasks
from regionready.collect.org_forks import Claim
from regionready.collect.org_progress import OrganisationProgress
from regionready.collect.sessions import AccountSession, CollectError, SessionSpec
from regionready.snapshot import LOCAL, ServiceData, iso
from regionready.topology import Pair


@dataclass
class _OpenAccount:
    """An account entered and being collected."""

    spec: AccountSpec
    session: AccountSession
    left: int = 0  # its tasks not done yet
    by_region: dict[str, dict[str, ServiceData]] = field(default_factory=dict)
    api_calls: dict[str, int] = field(default_factory=dict)


#: What handles a finished future of the pool: the account it completed, if any.
_Handler = Callable[[Future[Any]], CollectResult | None]


def collect(
    base: boto3.Session,
    specs: list[AccountSpec],
    *,
    pairs: list[Pair],
    services: list[str],
    endpoint_url: str | None,
    workers: int = 8,
    account_workers: int = 4,
    progress: bool = True,
    options: dict[str, Any] | None = None,
    processes: int | None = None,
) -> Iterator[CollectResult]:
    """Every account of ``specs``, each in the Regions of its own pairs (by default
    ``pairs``), yielded as it is complete (in no set order); one account's failure stays
    its own. The consumer should let each account go before asking for the next.
    ``processes`` (default ``REGIONREADY_PROCESSES``): the accounts are shared among that
    many processes (:mod:`regionready.collect.org_forks`), each with ``workers`` threads
    and ``account_workers`` accounts open."""
    bar = OrganisationProgress(len(specs), enabled=progress)
    count = driver.processes_setting() if processes is None else max(1, processes)
    make = partial(
        _Scheduler,
        base=base,
        pairs=pairs,
        services=services,
        endpoint_url=endpoint_url,
        workers=max(1, workers),
        account_workers=max(1, account_workers),
        options=options,
    )

    def share(
        claim: Claim, bar: OrganisationProgress | org_forks.Relay, with_local: bool
    ) -> Iterator[CollectResult]:
        """The accounts ``claim`` gives, on one pool of this process, telling ``bar``."""
        pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="regionready-org")
        try:
            yield from make(pool, claim=claim, bar=bar, with_local=with_local).results()
        finally:
            # Stopped early (an error, the consumer gone): nothing more is started.
            pool.shutdown(wait=True, cancel_futures=True)

    if count > 1 and len(specs) > 1 and forks.can_fork():
        yield from org_forks.collect(
            specs,
            count,
            lambda claim, told, local: deque(share(claim, told, local), maxlen=0),
            regions=lambda spec: topology.regions(list(spec.pairs) or pairs),
            services=services,
            bar=bar,
            account_workers=max(1, account_workers),
        )
        return
    waiting = deque(sorted(specs, key=lambda spec: spec.id))
    with bar.running():
        yield from share(lambda: waiting.popleft() if waiting else None, bar, True)


class _Scheduler:
    """Keeps the pool's ``workers`` threads busy: entering accounts first (while fewer
    than ``account_workers`` are open), then the tasks of the open accounts in the
    order they were entered. Accounts come from ``claim`` (None: there are no more),
    asked for one at a time as a slot frees, so processes sharing the accounts each take
    as many as they get through. Only the calling thread changes its state."""

    def __init__(
        self,
        pool: ThreadPoolExecutor,
        *,
        base: boto3.Session,
        claim: Claim,
        pairs: list[Pair],
        services: list[str],
        endpoint_url: str | None,
        workers: int,
        account_workers: int,
        options: dict[str, Any] | None,
        bar: OrganisationProgress | org_forks.Relay,
        with_local: bool = True,
    ) -> None:
        self.pool = pool
        self.base = base
        self.pairs = pairs
        self.services = services
        self.endpoint_url = endpoint_url
        self.workers = workers
        self.account_workers = account_workers
        self.options = options
        self.bar = bar
        self.claim = claim
        self.claimable = True  # until claim() has given every account
        self.ready: deque[tuple[_OpenAccount, Task]] = deque()
        self.running: dict[Future[Any], _Handler] = {}
        self.open = 0  # accounts entered (or being entered) and not yet handed over
        self.local_tasks = [t for t in plan_tasks(services, []) if t.region == LOCAL and with_local]

    def results(self) -> Iterator[CollectResult]:
        while self.claimable or self.ready or self.running:
            self._start_work()
            future = next(iter(wait(self.running, return_when=FIRST_COMPLETED).done))
            finished = self.running.pop(future)(future)
            del future  # its data is the account's now
            if finished is not None:
                yield finished
                del finished  # before the next account is entered
                self.open -= 1

    def _start_work(self) -> None:
        while len(self.running) < self.workers:
            if self.claimable and self.open < self.account_workers:
                spec = self.claim()
                if spec is None:
                    self.claimable = False
                    continue
                self.open += 1
                entering = self.pool.submit(self._enter, spec)
                self.running[entering] = partial(self._entered, spec)
            elif self.ready:
                account, task = self.ready.popleft()
                outcome = self.pool.submit(driver.task_outcome, account.session, task, self.options)
                self.running[outcome] = partial(self._task_done, account, task)
            else:
                return

    def _regions(self, spec: AccountSpec) -> list[str]:
        return topology.regions(list(spec.pairs) or self.pairs)

    def _enter(self, spec: AccountSpec) -> AccountSession:
        """On a pool thread: the account's session, checked to be the account's."""
        session_spec = SessionSpec(None, spec.role_arn, spec.external_id, self.endpoint_url)
        session = sessions.open_session(session_spec, base=self.base)
        account = AccountSession(session, self.endpoint_url, sessions.botocore_config())
        number = sessions.assumed_account(session) or sessions.account_id(
            account, self._regions(spec)[-1]
        )
        if number != spec.id:
            raise CollectError(f"credentials for {spec.id} resolved to account {number}")
        return account

    def _entered(self, spec: AccountSpec, future: Future[AccountSession]) -> CollectResult | None:
        try:
            session = future.result()
        except CollectError as exc:
            failed = driver.failed_account(spec.id, self._regions(spec), self.services, exc)
            self.bar.account_failed(failed, str(exc))
            return failed
        account = _OpenAccount(spec, session)
        tasks = [t for t in plan_tasks(self.services, self._regions(spec)) if t.region != LOCAL]
        tasks += self.local_tasks
        self.local_tasks = []
        self.bar.account_opened(session.retries)
        if not tasks:
            return self._finish(account)
        account.left = len(tasks)
        self.ready.extend((account, task) for task in tasks)
        return None

    def _task_done(
        self,
        account: _OpenAccount,
        task: Task,
        future: Future[tuple[ServiceData, list[str]]],
    ) -> CollectResult | None:
        data, notes = future.result()  # task_outcome never raises
        for note in notes:
            print(f"note: {account.spec.id} {task.service} {task.region}: {note}", file=sys.stderr)
        account.by_region.setdefault(task.region, {})[task.service] = data
        account.api_calls[task.service] = account.api_calls.get(task.service, 0) + data.api_calls
        account.left -= 1
        self.bar.task_done(data)
        return self._finish(account) if account.left == 0 else None

    def _finish(self, account: _OpenAccount) -> CollectResult:
        retries = account.session.retries
        result = driver.account_result(
            account.spec.id,
            account.by_region,
            account.api_calls,
            iso(dt.datetime.now(dt.UTC)),
            retries.count,
        )
        account.by_region = {}
        self.bar.account_done(result, retries)
        return result
