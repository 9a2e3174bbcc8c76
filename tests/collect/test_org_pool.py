"""An organisation collection runs every account's tasks on one pool of ``--workers``
threads; an account that cannot be entered is ERROR and the others are not; a throttled
account retries its own calls and ends complete; one progress display for all accounts."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.endpoint
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError

from regionready.cli import main
from regionready.collect import driver, sessions
from regionready.collect import organisation as org
from regionready.collect.accounts import AccountSpec
from regionready.snapshot import ServiceData
from regionready.topology import Pair

from ._org import ACCOUNTS, SERVICES, account_of, collect_argv, organisation, snapshot_files
from .conftest import SOURCE, TARGET


@pytest.fixture
def accounts_file(
    tmp_path: Path, hooked_sessions: Any, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    # One process: what is counted here is counted in it (test_org_forks.py: several).
    monkeypatch.setenv("REGIONREADY_PROCESSES", "1")
    with organisation(tmp_path) as path:
        yield path


def collect_all(*, workers: int, account_workers: int, progress: bool = False) -> list[Any]:
    results = org.collect(
        boto3.Session(region_name=SOURCE),
        [AccountSpec(a, f"arn:aws:iam::{a}:role/audit") for a in ACCOUNTS],
        pairs=[Pair(SOURCE, TARGET)],
        services=SERVICES,
        endpoint_url=None,
        workers=workers,
        account_workers=account_workers,
        progress=progress,
    )
    return sorted(results, key=lambda r: r.account)


class Threads:
    """The threads that enter accounts and run tasks, and the most at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.busy = 0
        self.most_busy = 0
        self.names: set[str] = set()
        self.most_alive = 0

    def around(self, work: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            with self.lock:
                self.busy += 1
                self.most_busy = max(self.most_busy, self.busy)
                self.names.add(threading.current_thread().name)
                self.most_alive = max(self.most_alive, threading.active_count())
            try:
                return work(*args, **kwargs)
            finally:
                with self.lock:
                    self.busy -= 1

        return counted


def test_every_accounts_tasks_share_workers_threads(
    accounts_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One call in flight per task: no per-resource threads, so every thread is counted.
    monkeypatch.setenv("REGIONREADY_CONCURRENCY", "1")
    threads = Threads()
    monkeypatch.setattr(driver, "task_outcome", threads.around(driver.task_outcome))
    monkeypatch.setattr(sessions, "open_session", threads.around(sessions.open_session))
    before = threading.active_count()
    results = collect_all(workers=3, account_workers=4)
    assert [r.account for r in results] == ACCOUNTS
    assert threads.most_busy <= 3 and len(threads.names) <= 3, threads.names
    assert threads.most_alive <= before + 3
    assert all(name.startswith("regionready-org") for name in threads.names)
    assert threading.active_count() == before, "the pool's threads are gone at the end"


def test_the_account_assume_role_names_is_checked_without_get_caller_identity(
    accounts_file: Path, hooked_sessions: Any
) -> None:
    identities: list[str] = []
    hooked_sessions.extra.append(
        ("before-call.sts.GetCallerIdentity", lambda **_: identities.append("called"))
    )
    # The role of the last spec is in another account than the spec says.
    wrong = AccountSpec(ACCOUNTS[0][:-1] + "9", f"arn:aws:iam::{ACCOUNTS[1]}:role/audit")
    results = org.collect(
        boto3.Session(region_name=SOURCE),
        [AccountSpec(ACCOUNTS[0], f"arn:aws:iam::{ACCOUNTS[0]}:role/audit"), wrong],
        pairs=[Pair(SOURCE, TARGET)],
        services=SERVICES,
        endpoint_url=None,
        progress=False,
    )
    done = {result.account: result for result in results}
    assert sorted(done) == sorted([ACCOUNTS[0], wrong.id])
    errors = [
        error
        for document in done[wrong.id].documents.values()
        for service in document["services"].values()
        for error in service["errors"]
    ]
    assert errors and all(
        f"credentials for {wrong.id} resolved to account {ACCOUNTS[1]}" in e["message"]
        for e in errors
    )
    assert all(
        service["status"] == "ok"
        for document in done[ACCOUNTS[0]].documents.values()
        for service in document["services"].values()
    )
    assert identities == []


def test_an_account_whose_role_cannot_be_assumed_is_error_and_the_others_are_fine(
    accounts_file: Path,
    tmp_path: Path,
    hooked_sessions: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    denied = ACCOUNTS[2]

    def deny(params: dict[str, Any], **_: Any) -> None:
        if params["RoleArn"].split(":")[4] == denied:
            raise ClientError(
                {"Error": {"Code": "AccessDenied", "Message": "not authorized"}}, "AssumeRole"
            )

    hooked_sessions.extra.append(("before-parameter-build.sts.AssumeRole", deny))
    out = tmp_path / "s"
    assert main(collect_argv(out, accounts_file, "--account-workers", "2")) == 0
    files = snapshot_files(out)
    for path, document in files.items():
        statuses = {service["status"] for service in document["services"].values()}
        if path.startswith(denied):
            assert statuses == {"error"}, path
            for service in document["services"].values():
                [error] = service["errors"]
                assert error["code"] == "AccountUnavailable" and denied in error["message"]
        else:
            assert statuses == {"ok"}, path
    assert {path.split("/")[0] for path in files} == set(ACCOUNTS)
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("[")]
    assert len(lines) == len(ACCOUNTS)
    assert [line.split("]")[0] for line in lines] == [f"[{n}/6" for n in range(1, 7)]
    [failed] = [line for line in lines if denied in line]
    assert failed.endswith("AccessDenied) when calling the AssumeRole operation: not authorized")
    assert f"account {denied}: not collected: cannot assume role arn:aws:iam::{denied}" in failed
    for account in set(ACCOUNTS) - {denied}:
        [line] = [line for line in lines if f"account {account}:" in line]
        assert line.split(": ", 1)[1].startswith("ok (") and line.endswith(" calls)"), line


class Throttle:
    """A before-send hook: the first ``times`` KMS requests are answered ThrottlingException."""

    def __init__(self, times: int) -> None:
        self.times = times
        self.sent = 0
        self.lock = threading.Lock()

    def __call__(self, **_: Any) -> AWSResponse | None:
        with self.lock:
            if self.sent >= self.times:
                return None
            self.sent += 1
        body = json.dumps({"__type": "ThrottlingException", "message": "slow down"}).encode()
        headers = {"x-amzn-errortype": "ThrottlingException"}
        return AWSResponse("https://injected", 400, headers, _Body(body))


class _Body:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


def test_a_throttled_account_retries_its_own_calls_and_the_others_are_unaffected(
    accounts_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(botocore.endpoint.time, "sleep", lambda _s: None)  # backoff: no wait
    clean = {r.account: r for r in collect_all(workers=4, account_workers=3)}
    throttled, throttle = ACCOUNTS[1], Throttle(times=3)
    open_session = sessions.open_session

    def throttling(spec: Any, base: Any = None) -> Any:
        session = open_session(spec, base)
        if base is not None and account_of(spec) == throttled:
            session.events.register_first("before-send.kms", throttle)
        return session

    monkeypatch.setattr(sessions, "open_session", throttling)
    results = {r.account: r for r in collect_all(workers=4, account_workers=3)}
    assert throttle.sent == 3
    assert results[throttled].retries == 3
    for account, result in results.items():
        documents = {key: without_time(doc) for key, doc in result.documents.items()}
        expected = {key: without_time(doc) for key, doc in clean[account].documents.items()}
        assert documents == expected, account  # the throttled account ends complete too
        assert result.api_calls == clean[account].api_calls, account
        if account != throttled:
            assert result.retries == 0, account


def without_time(document: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in document.items() if key != "collected_at"}


# -- one progress display --------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_one_bar_for_the_organisation_on_one_more_thread(
    accounts_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGIONREADY_CONCURRENCY", "1")
    stderr = Terminal()
    monkeypatch.setattr("sys.stderr", stderr)
    threads = Threads()
    monkeypatch.setattr(driver, "task_outcome", threads.around(driver.task_outcome))
    before = threading.active_count()
    collect_all(workers=2, account_workers=2, progress=True)
    assert threads.most_alive <= before + 2 + 1, "the pool's two, and the bar's"
    written = stderr.getvalue()
    assert "\x1b[" in written and "collecting accounts" in written
    assert "6/6" in written and " calls" in written
    assert "[1/6]" not in written and "account 111111111111" not in written


def test_without_a_terminal_each_account_is_one_plain_line(
    accounts_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stderr = io.StringIO()
    monkeypatch.setattr("sys.stderr", stderr)
    results = {r.account: r for r in collect_all(workers=4, account_workers=2, progress=True)}
    lines = stderr.getvalue().splitlines()
    assert [line.split(" account ")[0] for line in lines] == [f"[{n}/6]" for n in range(1, 7)]
    for account, result in results.items():
        calls = sum(result.api_calls.values())
        assert f"account {account}: ok ({calls} calls)" in [line.split("] ")[1] for line in lines]


def test_the_progress_counts_calls_errors_and_retries() -> None:
    from regionready.collect.connectivity import RetryCounter
    from regionready.collect.org_progress import OrganisationProgress

    progress = OrganisationProgress(2, enabled=False)
    first, second = RetryCounter(), RetryCounter()
    progress.account_opened(first)
    progress.account_opened(second)
    first.add("kms ListKeys")
    second.add("acm ListCertificates")
    progress.task_done(ServiceData(api_calls=5))
    progress.task_done(ServiceData(status="error", errors=[{"code": "x"}], api_calls=2))
    assert (progress.api_calls, progress.errors, progress.retries) == (7, 1, 2)
    progress.account_done(driver.CollectResult("111111111111", {}, {"kms": 5}, retries=1), first)
    second.add("acm ListCertificates")
    assert progress.retries == 3 and progress.done == 1
