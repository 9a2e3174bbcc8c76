"""An organisation's accounts shared among forked processes (REGIONREADY_PROCESSES): the
same data as in one process, one progress display, a dead process's accounts ERROR, and
a consumer that stops early leaves no process behind."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from regionready.collect import driver, forks, org_forks
from regionready.collect import organisation as org
from regionready.collect.accounts import AccountSpec
from regionready.collect.org_progress import OrganisationProgress
from regionready.topology import Pair

from ._org import ACCOUNTS, SERVICES, organisation
from .conftest import SOURCE, TARGET

pytestmark = pytest.mark.skipif(not forks.can_fork(), reason="worker processes are forked")


@pytest.fixture
def accounts_file(tmp_path: Path, hooked_sessions: Any) -> Iterator[Path]:
    with organisation(tmp_path) as path:
        yield path


def specs() -> list[AccountSpec]:
    return [AccountSpec(a, f"arn:aws:iam::{a}:role/audit") for a in ACCOUNTS]


def collecting(
    processes: int, *, services: list[str] = SERVICES, workers: int = 4, account_workers: int = 2
) -> Iterator[Any]:
    return org.collect(
        boto3.Session(region_name=SOURCE),
        specs(),
        pairs=[Pair(SOURCE, TARGET)],
        services=services,
        endpoint_url=None,
        workers=workers,
        account_workers=account_workers,
        progress=False,
        processes=processes,
    )


def collect_all(processes: int, *, services: list[str] = SERVICES) -> list[Any]:
    return sorted(collecting(processes, services=services), key=lambda r: r.account)


def comparable(result: Any) -> dict[str, Any]:
    """An account's data without the time it was collected at, nor the local
    collectors' calls (none, counted with whichever account is entered first)."""
    documents = {
        f"{account}/{region}": {k: v for k, v in doc.items() if k != "collected_at"}
        for (account, region), doc in result.documents.items()
    }
    calls = {service: count for service, count in result.api_calls.items() if count}
    return json.loads(json.dumps({"documents": documents, "calls": calls}))


def test_accounts_are_claimed_one_at_a_time_in_id_order_and_recorded() -> None:
    accounts = org_forks._Accounts(list(reversed(specs())))
    first, second = org_forks._Process(), org_forks._Process()
    claimed = [accounts.claim(first), accounts.claim(second), accounts.claim(first)]
    assert [spec.id for spec in claimed if spec] == ACCOUNTS[:3]
    assert list(first.pending) == [ACCOUNTS[0], ACCOUNTS[2]]
    assert list(second.pending) == [ACCOUNTS[1]]
    rest = [accounts.claim(second) for _ in ACCOUNTS[3:]]
    assert [spec.id for spec in rest if spec] == ACCOUNTS[3:]
    assert accounts.claim(first) is None and accounts.claim(second) is None


def test_no_more_processes_are_forked_than_there_are_accounts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forked: list[int] = []
    monkeypatch.setattr(org_forks, "_fork", lambda run_share: forked.append(1))  # none forked
    two = specs()[:2]
    results = org_forks.collect(
        two,
        8,
        lambda claim, told, local: None,  # claims nothing: only the forks are counted
        regions=lambda spec: [SOURCE],
        services=[],
        bar=OrganisationProgress(len(two), enabled=False),
        account_workers=1,
    )
    assert list(results) == []
    assert len(forked) == 1


def test_shared_among_processes_every_account_has_the_same_data(accounts_file: Path) -> None:
    collect_all(1)  # moto_gaps makes AWS-managed keys when first read (as AWS does)
    alone = collect_all(1, services=[*SERVICES, "iac"])
    shared = collect_all(3, services=[*SERVICES, "iac"])
    assert [r.account for r in shared] == ACCOUNTS
    assert [comparable(r) for r in shared] == [comparable(r) for r in alone]
    # The local collectors run once, in the calling process's share, as in one process.
    assert sum(r.local is not None for r in shared) == sum(r.local is not None for r in alone) == 1


def test_one_progress_display_counts_every_shares_calls_and_accounts(
    accounts_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bars: list[OrganisationProgress] = []
    real = org.OrganisationProgress

    def kept(total: int, enabled: bool = True) -> OrganisationProgress:
        bars.append(real(total, enabled))
        return bars[-1]

    monkeypatch.setattr(org, "OrganisationProgress", kept)
    results = collect_all(2)
    [bar] = bars
    assert bar.done == len(ACCOUNTS)
    assert bar.api_calls == sum(sum(r.api_calls.values()) for r in results) > 0
    assert bar.errors == 0


def test_a_process_that_dies_leaves_its_accounts_error_and_the_others_complete(
    accounts_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    caller = os.getpid()
    outcome = driver.task_outcome

    def dies_in_a_worker(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() != caller:
            os._exit(3)
        return outcome(*args, **kwargs)

    monkeypatch.setattr(driver, "task_outcome", dies_in_a_worker)
    results = {r.account: r for r in collect_all(2)}
    assert sorted(results) == ACCOUNTS
    lost = []
    for account, result in results.items():
        errors = [
            error
            for document in result.documents.values()
            for service in document["services"].values()
            for error in service["errors"]
        ]
        if errors:
            lost.append(account)
            assert all("exited with status 3" in e["message"] for e in errors)
            assert all(e["code"] == "AccountUnavailable" for e in errors)
    # The worker claimed an account (at most account_workers) and died on its first task:
    # what it claimed is ERROR; the calling process took and completed all the others.
    assert 1 <= len(lost) <= 2


def test_accounts_nobody_claimed_are_taken_by_the_processes_still_running(
    accounts_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dies_before_claiming(conn: Any) -> Any:
        os._exit(3)  # only a forked process claims over a pipe

    monkeypatch.setattr(org_forks, "_claim_over", dies_before_claiming)
    results = collect_all(3)
    assert [r.account for r in results] == ACCOUNTS
    assert all(
        not service["errors"]
        for result in results
        for document in result.documents.values()
        for service in document["services"].values()
    )


def test_a_consumer_that_stops_early_leaves_no_process_or_thread_behind(
    accounts_file: Path,
) -> None:
    import multiprocessing
    import threading

    before = threading.active_count()
    results = collecting(3, workers=2, account_workers=1)
    first = next(results)
    assert first.account in ACCOUNTS
    results.close()
    assert multiprocessing.active_children() == []
    assert threading.active_count() == before


def test_what_the_callers_own_share_raises_reaches_the_consumer(
    accounts_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import multiprocessing

    caller = os.getpid()
    outcome = driver.task_outcome

    def breaks_here(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() == caller:
            raise RuntimeError("a bug in the caller's share")
        return outcome(*args, **kwargs)

    monkeypatch.setattr(driver, "task_outcome", breaks_here)
    with pytest.raises(RuntimeError, match="a bug in the caller's share"):
        collect_all(2)
    assert multiprocessing.active_children() == []
