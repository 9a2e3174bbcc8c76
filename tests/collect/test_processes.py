"""Collection in worker processes (REGIONREADY_PROCESSES): the same snapshot, API-call
counts and verdicts as in one process, in-process moto (forked) and over HTTP; a worker
that dies leaves ERROR data and exit 3, never a hang; where fork cannot be used, threads.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from regionready.cli import main
from regionready.collect import driver as collect
from regionready.collect import forks, sessions
from regionready.demo import moto_gaps
from regionready.demo.seed import DemoPlan, seed_demo
from regionready.snapshot import GLOBAL, LOCAL

from .conftest import SOURCE, TARGET
from .test_concurrency import api_calls, snapshot, verdicts
from .test_driver import report, scan_args

#: A scan that does not end in this long is taken as hung.
HANG_LIMIT = 180


@pytest.fixture
def alarm() -> Iterator[None]:
    """Fail (instead of hanging the suite) if the test runs longer than HANG_LIMIT."""

    def hung(*_: Any) -> None:
        raise TimeoutError(f"the scan did not end within {HANG_LIMIT} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(HANG_LIMIT)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_same_scan(one: Path, two: Path) -> None:
    docs_one, docs_two = snapshot(one), snapshot(two)
    assert docs_one and set(docs_two) == set(docs_one)
    for name, doc in docs_one.items():
        for service, data in doc["services"].items():
            assert docs_two[name]["services"][service] == data, (name, service)
    assert docs_two == docs_one
    assert api_calls(two) == api_calls(one)
    assert verdicts(two) == verdicts(one)


needs_fork = pytest.mark.skipif(not forks.can_fork(), reason="worker processes need fork")


@needs_fork
def test_snapshot_is_identical_in_one_and_two_processes(
    seeded: DemoPlan,
    hooked_sessions: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    alarm: None,
) -> None:
    forked: list[int] = []
    real_start = forks.start

    def start(*args: Any) -> Any:
        mine, started = real_start(*args)
        forked.extend(w.process.pid for w in started)
        return mine, started

    monkeypatch.setattr(forks, "start", start)
    monkeypatch.setenv("REGIONREADY_PROCESSES", "1")
    assert main(scan_args(tmp_path / "one")) == 1
    assert not forked, "1 process: nothing forked"
    monkeypatch.setenv("REGIONREADY_PROCESSES", "2")
    assert main(scan_args(tmp_path / "two")) == 1
    assert len(forked) == 1, "2 processes: this one and one worker"
    assert not multiprocessing.active_children(), "the worker was reaped"
    assert_same_scan(tmp_path / "one", tmp_path / "two")


@needs_fork
def test_a_worker_killed_mid_collection_gives_errors_and_exit_3(
    seeded: DemoPlan,
    hooked_sessions: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    alarm: None,
) -> None:
    parent = os.getpid()

    def die_in_worker(**_: Any) -> None:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)

    hooked_sessions.extra.append(("before-parameter-build.kms.ListKeys", die_in_worker))
    monkeypatch.setenv("REGIONREADY_PROCESSES", "2")
    assert main(scan_args(tmp_path)) == 3, "incomplete: exit 3"
    assert not multiprocessing.active_children()
    died = {}
    for path in (tmp_path / "snapshot").rglob("*.json"):
        if path.name == "manifest.json":
            continue
        doc = json.loads(path.read_text())
        for service, data in doc["services"].items():
            for error in data["errors"]:
                if error["code"] == "WorkerDied":
                    assert "killed by signal 9" in error["message"]
                    died[(doc["region"], service)] = data["status"]
    kms = [region for region, service in died if service == "kms"]
    assert len(kms) == 1, died  # the Region whose KMS task the worker ran
    assert set(died.values()) == {"error"}
    results = report(tmp_path)["results"]
    kms_rules = {r["status"] for r in results if r["rule_id"] == "KMS-003"}
    assert "ERROR" in kms_rules
    # The other Region's KMS, read in this process, is complete.
    [other] = {SOURCE, TARGET} - set(kms)
    docs = snapshot(tmp_path)
    [doc] = [d for d in docs.values() if d["region"] == other]
    assert doc["services"]["kms"]["status"] == "ok" and doc["services"]["kms"]["resources"]


@needs_fork
def test_an_exception_outside_a_collector_in_a_worker_is_an_error(
    monkeypatch: pytest.MonkeyPatch, alarm: None
) -> None:
    """A worker turns any exception of a task, outside its collector too, into ERROR
    data for that task; the worker and the other tasks go on."""
    parent = os.getpid()
    real_clients = collect.Clients

    def clients(**kwargs: Any) -> Any:
        if os.getpid() != parent:
            raise RuntimeError("no clients")
        return real_clients(**kwargs)

    monkeypatch.setattr(collect, "Clients", clients)
    account = sessions.AccountSession(
        boto3.Session(region_name=SOURCE), None, sessions.botocore_config()
    )
    with mock_aws():
        result = collect.collect_account(
            account, regions=[SOURCE, TARGET], services=["kms"], progress=False, processes=2
        )
    statuses = {
        region: result.documents[(result.account, region)]["services"]["kms"]
        for region in (SOURCE, TARGET)
    }
    failed = [data for data in statuses.values() if data["status"] == "error"]
    assert len(failed) == 1, "the Region whose KMS task the worker ran"
    [error] = failed[0]["errors"]
    assert error["code"] == "RuntimeError" and error["message"] == "collector failed: no clients"
    assert [data["status"] for data in statuses.values()].count("ok") == 1


def test_partition_balances_the_heavy_tasks_across_regions() -> None:
    tasks = collect.plan_tasks(
        ["acm", "kms", "iam", "wafv2", "cloudtrail", "local"], [SOURCE, TARGET]
    )
    shares = forks.partition(tasks, 2)
    assert sorted(i for share in shares for i in share) == list(range(len(tasks)))
    assert all(share == sorted(share) for share in shares)
    heavy = [
        {(tasks[i].service, tasks[i].region) for i in s if tasks[i].service in ("acm", "kms")}
        for s in shares
    ]
    # Each side has one ACM and one KMS task, of different Regions: a busy source
    # Region with an almost empty target still splits.
    for side in heavy:
        assert {s for s, _ in side} == {"acm", "kms"} and len({r for _, r in side}) == 2
    assert forks.partition(tasks, 1) == [list(range(len(tasks)))]
    assert len(forks.partition(tasks[:1], 4)) == 1, "no empty share"
    regions = {tasks[i].region for share in shares for i in share}
    assert {GLOBAL, LOCAL} <= regions


def test_processes_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REGIONREADY_PROCESSES", raising=False)
    assert collect.processes_setting() == min(4, forks.usable_cores())
    monkeypatch.setenv("REGIONREADY_PROCESSES", "3")
    assert collect.processes_setting() == 3
    for bad in ("0", "two", "65"):
        monkeypatch.setenv("REGIONREADY_PROCESSES", bad)
        with pytest.raises(sessions.CollectError, match="REGIONREADY_PROCESSES"):
            collect.processes_setting()


def test_no_fork_from_a_thread() -> None:
    seen: list[bool] = []
    thread = threading.Thread(target=lambda: seen.append(forks.can_fork()))
    thread.start()
    thread.join()
    assert seen == [False]


# -- over HTTP: a moto server in this process, the workers its clients --------------------


@needs_fork
def test_over_http_two_processes_scan_exactly_as_one(
    empty_moto_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, alarm: None
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", empty_moto_server)
    with moto_gaps.everywhere():
        plan = seed_demo(
            boto3.Session(region_name=SOURCE),
            source=SOURCE,
            target=TARGET,
            now=dt.datetime.now(dt.UTC),
        )
        monkeypatch.setenv("REGIONREADY_PROCESSES", "1")
        assert main(scan_args(tmp_path / "one")) == 1
        monkeypatch.setenv("REGIONREADY_PROCESSES", "2")
        assert main(scan_args(tmp_path / "two")) == 1
    assert_same_scan(tmp_path / "one", tmp_path / "two")
    results = report(tmp_path / "two")["results"]
    failing = {(r["rule_id"], r["resource_id"]) for r in results if r["status"] == "FAIL"}
    assert failing == {(check, rid) for check, ids in plan.failing.items() for rid in ids}
    assert not [r for r in results if r["status"] == "ERROR"]
