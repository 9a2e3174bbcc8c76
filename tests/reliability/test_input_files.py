"""Input files that are not plain files (issue 14, point 4): a FIFO, a device, a symlink
loop, a dangling symlink, a symlink out of the rules folder, a file over its size limit.

Every file regionready is given is read through ``regionready.inputfile``: each of these
is refused at once with exit 2 and one stderr line naming the path, never a hang (a FIFO
with no writer blocks a plain ``open`` forever) and never gigabytes in memory (a device
such as ``/dev/zero`` never ends, and ``stat`` says it is empty). The AWS shared config
and credentials files of the local collector are recorded as an error naming the path.

Each call runs in-process, in a thread with a deadline and under an address-space cap, so
a regression fails the test instead of hanging it or exhausting memory: a thread stuck
opening a FIFO is released by opening the FIFO's other end.
"""

from __future__ import annotations

import contextlib
import os
import resource
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import botocore.endpoint
import pytest

from regionready.collect.clients import Clients
from regionready.collectors import local
from regionready.engine import rules as rules_module

from ._support import (
    Run,
    acm_snapshot,
    assert_clean_usage_error,
    collect_argv,
    evaluate_argv,
    rule_head,
    run,
)

#: A call still running after this many seconds is hung (each should take milliseconds).
HANG_SECONDS = 10.0
#: "Well under a second": the refusal itself, imports already warm.
FAST_SECONDS = 1.0
#: Address space the call may add: a read of /dev/zero stops here with MemoryError.
MEMORY_HEADROOM = 768 * 1024 * 1024

VALID_RULE = rule_head("a test rule for unreadable input") + (
    "fail_when:\n  - {key: DomainName, op: present}\n"
)
VALID_SUPPRESSIONS = (
    "suppressions:\n  - {rule: ACM-001, resource: '*', reason: test, owner: me, "
    "expires: 2099-01-01}\n"
)
VALID_ACCOUNTS = "accounts:\n  - {id: '111111111111', role: audit}\n"
VALID_CONFIG = "[default]\nregion = eu-central-1\nsts_regional_endpoints = regional\n"

T = TypeVar("T")


@pytest.fixture(autouse=True)
def no_retry_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that is wrongly accepted leads to calls to a closed port: fail those fast."""
    monkeypatch.setattr(botocore.endpoint.time, "sleep", lambda _s: None)


@pytest.fixture(autouse=True)
def no_builtin_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The built-in catalogue is swapped for an empty one: each call times only the
    input file under test (and ``--rules`` has only the rule under test)."""
    empty = tmp_path / "no-builtin-rules"
    empty.mkdir()
    monkeypatch.setattr(rules_module, "builtin_rules_dir", lambda: empty)


@pytest.fixture(scope="module", autouse=True)
def warm_imports(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each command once (each refused), so its lazy imports are not timed below."""
    tmp = tmp_path_factory.mktemp("warm")
    snapshot = acm_snapshot(tmp / "snapshot")
    missing = tmp / "missing.yaml"
    run("rules", "validate", missing)
    run(*evaluate_argv(snapshot, "--suppressions", missing))
    run(*collect_argv(tmp / "collected", "--accounts", missing))


# -- the guard: no hang, no runaway memory ---------------------------------------------------


@contextlib.contextmanager
def memory_cap() -> Iterator[None]:
    """Cap this process's address space at its current size plus ``MEMORY_HEADROOM``."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as handle:
        current = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    cap = current + MEMORY_HEADROOM
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _release(fifo: Path) -> None:
    """Open the FIFO's writing end and close it: a reader blocked on it sees the end."""
    with contextlib.suppress(OSError):
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def bounded(call: Callable[[], T], fifos: list[Path]) -> tuple[T, float]:
    """(what ``call`` returned, seconds it took), failing the test if it hangs."""
    box: dict[str, Any] = {}

    def target() -> None:
        start = time.monotonic()
        try:
            box["value"] = call()
        except BaseException as exc:  # e.g. MemoryError from the cap
            box["error"] = exc
        box["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=target, daemon=True)
    with memory_cap():
        thread.start()
        thread.join(HANG_SECONDS)
        hung = thread.is_alive()
        while thread.is_alive():  # let it finish before the next test starts
            for fifo in fifos:
                _release(fifo)
            thread.join(0.2)
    assert not hung, f"still running after {HANG_SECONDS} s (blocked on a FIFO?)"
    if "error" in box:
        raise AssertionError(f"the call raised {box['error']!r}") from box["error"]
    return box["value"], box["seconds"]


def bounded_run(argv: list[str | Path], fifos: list[Path]) -> Run:
    result, seconds = bounded(lambda: run(*argv), fifos)
    assert seconds < FAST_SECONDS, f"took {seconds:.2f} s\n{result.describe()}"
    return result


# -- the hostile files -------------------------------------------------------------------


def make_fifo(path: Path, content: str, outside: Path) -> list[Path]:
    os.mkfifo(path)
    return [path]


def make_device(path: Path, content: str, outside: Path) -> list[Path]:
    path.symlink_to("/dev/zero")  # what a device gives: never ends, stat size 0
    return []


def make_loop(path: Path, content: str, outside: Path) -> list[Path]:
    path.symlink_to(path.name)
    return []


def make_dangling(path: Path, content: str, outside: Path) -> list[Path]:
    path.symlink_to(path.parent / "no-such-file.yaml")
    return []


def make_outside(path: Path, content: str, outside: Path) -> list[Path]:
    """A symlink to a good file outside the folder the file is looked for in."""
    outside.mkdir(parents=True, exist_ok=True)
    target = outside / path.name
    target.write_text(content)
    path.symlink_to(target)
    return []


def make_oversize(path: Path, content: str, outside: Path) -> list[Path]:
    """A good file, padded with comments past its limit (lowered by the test)."""
    path.write_text(content + "# padding\n" * 200)
    return []


MAKERS: dict[str, Callable[[Path, str, Path], list[Path]]] = {
    "fifo": make_fifo,
    "dev-zero": make_device,
    "symlink-loop": make_loop,
    "dangling-symlink": make_dangling,
    "oversize": make_oversize,
}
#: Where a folder bounds the file (a rules directory), a link out of it is refused too.
FOLDER_MAKERS = {**MAKERS, "symlink-outside": make_outside}

#: The limit each case lowers for "oversize" (the padded file is 2 KB and more).
SMALL_LIMIT = "1024"


def _hostile(
    name: str, path: Path, content: str, tmp: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> list[Path]:
    path.parent.mkdir(parents=True, exist_ok=True)
    if name == "oversize":
        monkeypatch.setenv(f"REGIONREADY_MAX_{kind.upper()}_BYTES", SMALL_LIMIT)
    return FOLDER_MAKERS[name](path, content, tmp / "elsewhere")


# -- rule files ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FOLDER_MAKERS))
def test_rule_file_in_a_rules_dir(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--rules DIR`` whose rule file is hostile: exit 2 naming it (it used to be skipped
    silently, or read without end)."""
    snapshot = acm_snapshot(tmp_path / "snapshot")
    rules = tmp_path / "rules"
    path = rules / "x" / "XX-001.yaml"
    fifos = _hostile(name, path, VALID_RULE, tmp_path, monkeypatch, "rule")
    result = bounded_run(evaluate_argv(snapshot, rules=rules), fifos)
    assert_clean_usage_error(result, path)


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_rules_validate_file(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "XX-001.yaml"
    fifos = _hostile(name, path, VALID_RULE, tmp_path, monkeypatch, "rule")
    assert_clean_usage_error(bounded_run(["rules", "validate", path], fifos), path)


@pytest.mark.parametrize("name", sorted(FOLDER_MAKERS))
def test_rules_validate_dir(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = tmp_path / "rules"
    path = rules / "x" / "XX-001.yaml"
    fifos = _hostile(name, path, VALID_RULE, tmp_path, monkeypatch, "rule")
    result = bounded_run(["rules", "validate", rules], fifos)
    assert_clean_usage_error(result, path)
    assert result.out.splitlines() == [result.err_lines[0].removeprefix("regionready: error: ")]


def test_rule_file_over_the_default_limit(tmp_path: Path) -> None:
    path = tmp_path / "rules" / "XX-001.yaml"
    path.parent.mkdir()
    path.write_text(VALID_RULE + "#" * (1024 * 1024) + "\n")
    result = bounded_run(["rules", "validate", path.parent], [])
    assert_clean_usage_error(result, path)
    assert "REGIONREADY_MAX_RULE_BYTES" in result.err


def test_rule_fixture_fifo(tmp_path: Path) -> None:
    """``rules test``: a fixture file that is a FIFO is refused, naming it."""
    rules = tmp_path / "rules"
    (rules / "x" / "tests").mkdir(parents=True)
    (rules / "x" / "XX-001.yaml").write_text(VALID_RULE)
    fixture = rules / "x" / "tests" / "XX-001.yaml"
    os.mkfifo(fixture)
    result = bounded_run(["rules", "test", "--rules", rules], [fixture])
    assert_clean_usage_error(result, fixture)


# -- suppressions and accounts ---------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_suppressions_file(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    snapshot = acm_snapshot(tmp_path / "snapshot")
    path = tmp_path / "suppressions.yaml"
    fifos = _hostile(name, path, VALID_SUPPRESSIONS, tmp_path, monkeypatch, "suppressions")
    result = bounded_run(evaluate_argv(snapshot, "--suppressions", path), fifos)
    assert_clean_usage_error(result, path)


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_accounts_file(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Refused before any AWS call (the endpoint is a closed port, never reached)."""
    path = tmp_path / "accounts.yaml"
    fifos = _hostile(name, path, VALID_ACCOUNTS, tmp_path, monkeypatch, "accounts")
    result = bounded_run(collect_argv(tmp_path / "collected", "--accounts", path), fifos)
    assert_clean_usage_error(result, path)
    assert not (tmp_path / "collected").exists()


# -- the local collector: AWS shared config and credentials files ---------------------------


def _collect_local(options: dict[str, Any]) -> tuple[Clients, dict[str, Any]]:
    def no_aws(service: str) -> Any:
        raise AssertionError(f"the local collector made an AWS client for {service}")

    clients = Clients(make_client=no_aws, region="us-east-1", service="local", options=options)
    return clients, local.collect(clients, "us-east-1")


@pytest.mark.parametrize("which", ["config", "credentials"])
@pytest.mark.parametrize("name", sorted(MAKERS))
def test_local_aws_file(
    name: str, which: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recorded as a local:Read...File error naming the path (rules over profiles then
    give ERROR), as an unreadable file is; the other file is still read."""
    config = tmp_path / "config"
    credentials = tmp_path / "credentials"
    config.write_text(VALID_CONFIG)
    credentials.write_text("[ci]\n")
    path = config if which == "config" else credentials
    path.unlink()
    content = VALID_CONFIG if which == "config" else "[ci]\n"
    fifos = _hostile(name, path, content, tmp_path, monkeypatch, "material")
    options = {
        "aws_config_file": str(config),
        "aws_credentials_file": str(credentials),
        "local_environment": {},
    }
    (clients, result), seconds = bounded(lambda: _collect_local(options), fifos)
    assert seconds < FAST_SECONDS
    [error] = clients.errors
    api = "local:ReadConfigFile" if which == "config" else "local:ReadCredentialsFile"
    assert error.api == api
    assert error.code == "LocalReadError"
    assert str(path) in error.message and "\n" not in error.message
    names = {p["Name"] for p in result["profile"]}
    assert ("ci" in names) == (which == "config")  # the other file is still read


def test_local_missing_file_is_still_absent(tmp_path: Path) -> None:
    clients, result = _collect_local(
        {
            "aws_config_file": str(tmp_path / "none"),
            "aws_credentials_file": str(tmp_path / "none-either"),
            "local_environment": {},
        }
    )
    assert clients.errors == []
    assert [p["Name"] for p in result["profile"]] == ["default"]


def test_local_credentials_that_cannot_be_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A credentials file the OS refuses to open is an error, and no secret is quoted."""
    credentials = tmp_path / "credentials"
    credentials.write_text("[ci]\naws_secret_access_key = CANARY-SECRET\n")
    original = os.open

    def refuse(path: Any, *args: Any, **kwargs: Any) -> int:
        if Path(path) == credentials.resolve():
            raise PermissionError(13, "Permission denied", str(path))
        return original(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    clients, result = _collect_local(
        {
            "aws_config_file": str(tmp_path / "none"),
            "aws_credentials_file": str(credentials),
            "local_environment": {},
        }
    )
    [error] = clients.errors
    assert error.api == "local:ReadCredentialsFile"
    assert "Permission denied" in error.message and "CANARY" not in error.message
    assert "ci" not in {p["Name"] for p in result["profile"]}
