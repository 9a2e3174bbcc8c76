"""A hanging or refused endpoint: the scan is bounded by its timeouts and completes, saying
what it could not read; a first call that cannot reach its endpoint says which and why.

The endpoint (``hanging.HangingEndpoint``) is a socket server on 127.0.0.1 that accepts
every connection and never answers. The scan runs as a real ``regionready`` process
(``python -m regionready``) so that nothing of the test process (moto, patched clients)
is involved, and so that it can be killed if it does not stop by itself.

Measured with the shipped settings (connect_timeout=5, read_timeout=30, adaptive retries
with max_attempts=10): ``regionready scan --services kms`` against this endpoint (STS
answered, everything else held) took 713 s, almost 12 minutes, before it exited 3 with
every KMS rule ERROR: each call waits 30 s, ten times, with backoff in between, and the
KMS collector makes two calls one after the other in each Region. That is far too long
for a test and, in CI, for a gate that should fail fast. These tests therefore use three
environment variables the driver is expected to honour (REGIONREADY_CONNECT_TIMEOUT,
REGIONREADY_READ_TIMEOUT, REGIONREADY_MAX_ATTEMPTS) and fail at once, with that message,
while it does not.

Issue 21 lowered the defaults to about a minute per call (connect 5 s, read 10 s, 5
attempts in all, the first included), made the first call (sts:GetCallerIdentity) a
single attempt with short timeouts that names the endpoint and the reason when it cannot
reach it, and made the progress display say ``retrying (N)`` while calls are retried.
The wall time of a scan against a refused endpoint is a benchmark line, not a timed test:
``python benchmarks/refused_endpoint.py``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from regionready.collect import sessions
from regionready.collect.connectivity import first_call_config
from regionready.collect.progress import Progress

from ._support import CLOSED_PORT, NOW, SOURCE, TARGET, collect_argv, run
from .hanging import HangingEndpoint

SHORT = {
    "REGIONREADY_CONNECT_TIMEOUT": "1",
    "REGIONREADY_READ_TIMEOUT": "1",
    "REGIONREADY_MAX_ATTEMPTS": "2",
}
#: Each Region's KMS collection makes 2 calls in a row; each call makes 2 attempts of at
#: most 1 s plus one backoff of at most 2 s (2**1): 2 * (2 * 1 + 2) = 8 s, the two Regions
#: in parallel. Interpreter start-up and evaluation add a few seconds.
EXPECTED_BOUND = 45
#: The test kills the scan after this long, whatever happens.
HARD_LIMIT = 120


def _timeouts_configurable(monkeypatch: pytest.MonkeyPatch) -> bool:
    for name, value in SHORT.items():
        monkeypatch.setenv(name, value)
    config = sessions.botocore_config()
    ok = (
        config.read_timeout == 1
        and config.connect_timeout == 1
        and (config.retries or {}).get("total_max_attempts") == 2
    )
    for name in SHORT:
        monkeypatch.delenv(name)
    return ok


NOT_CONFIGURABLE = (
    "PRODUCT CHANGE NEEDED: sessions.botocore_config() ignores REGIONREADY_CONNECT_TIMEOUT, "
    "REGIONREADY_READ_TIMEOUT and REGIONREADY_MAX_ATTEMPTS, so a hanging endpoint holds a "
    "scan for connect 5 s + 10 attempts x 30 s read + backoff per call (many minutes); "
    "see the diff to src/regionready/collect/driver.py in the report of this change"
)


def _env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("REGIONREADY_") and key not in ("AWS_ENDPOINT_URL", "AWS_PROFILE")
    }
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def _scan(url: str, out: Path, env: dict[str, str]) -> tuple[int, str, str, float]:
    scan = collect_argv(out, "--format", "json", "--now", NOW, command="scan", endpoint=url)
    argv = [sys.executable, "-m", "regionready", *map(str, scan)]
    started = time.monotonic()
    try:
        done = subprocess.run(
            argv, env=env, capture_output=True, text=True, timeout=HARD_LIMIT, check=False
        )
    except subprocess.TimeoutExpired as exc:  # subprocess.run has killed it
        pytest.fail(
            f"the scan was still running after {HARD_LIMIT} s against a hanging endpoint "
            f"(killed); stderr so far: {exc.stderr!r}"
        )
    return done.returncode, done.stdout, done.stderr, time.monotonic() - started


def test_the_driver_timeouts_can_be_lowered_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _timeouts_configurable(monkeypatch), NOT_CONFIGURABLE
    config = sessions.botocore_config()  # unset again: the shipped defaults
    assert (config.connect_timeout, config.read_timeout) == (5, 10)
    # Every attempt counted, the first included: at most 5 x 10 s + 1+2+4+8 s of backoff
    # against an endpoint that accepts and never answers, about a minute per call.
    assert config.retries == {"mode": "adaptive", "total_max_attempts": 5}


def test_a_bad_timeout_setting_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert _timeouts_configurable(monkeypatch), NOT_CONFIGURABLE
    monkeypatch.setenv("REGIONREADY_READ_TIMEOUT", "soon")
    result = run(*collect_argv(tmp_path / "s"))
    assert result.crash is None, result.describe()
    assert result.code == 2, result.describe()
    assert len(result.err_lines) == 1 and "REGIONREADY_READ_TIMEOUT" in result.err


def test_scan_against_a_hanging_endpoint_completes_with_errors_and_exit_3(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """STS answers (the account is known); every KMS call hangs. The scan ends on its own
    within the bound, every KMS rule is ERROR (never PASS), GEN-005 names the calls that
    timed out, and the exit code is 3 (incomplete)."""
    assert _timeouts_configurable(monkeypatch), NOT_CONFIGURABLE
    with HangingEndpoint(answer_sts=True, max_hold=HARD_LIMIT + 30) as endpoint:
        code, _out, err, elapsed = _scan(endpoint.url, tmp_path / "out", _env(**SHORT))
        accepted, answered = endpoint.accepted, endpoint.answered
    assert code == 3, err
    assert elapsed < EXPECTED_BOUND, f"took {elapsed:.1f} s"
    assert answered >= 1 and accepted > answered, "STS answered, KMS calls held"
    report = json.loads((tmp_path / "out" / "regionready.json").read_text("utf-8"))
    kms = [r for r in report["results"] if r["service"] == "kms"]
    assert kms and all(r["status"] == "ERROR" for r in kms), {r["status"] for r in kms}
    assert any("ReadTimeout" in r["message"] for r in kms), kms[0]["message"]
    gen = [r for r in report["results"] if r["rule_id"] == "GEN-005" and r["status"] == "FAIL"]
    assert any("kms:ListKeys" in r["message"] for r in gen)
    snapshot = tmp_path / "out" / "snapshot"
    assert (snapshot / "manifest.json").is_file(), "the snapshot was still written"


def test_scan_against_an_endpoint_that_never_answers_is_a_bounded_usage_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Nothing answers, not even STS: the account cannot be identified, so the scan stops
    early with one line on stderr and exit 2, still within the bound."""
    assert _timeouts_configurable(monkeypatch), NOT_CONFIGURABLE
    with HangingEndpoint(max_hold=HARD_LIMIT + 30) as endpoint:
        code, _out, err, elapsed = _scan(endpoint.url, tmp_path / "out", _env(**SHORT))
    assert code == 2, err
    assert elapsed < EXPECTED_BOUND, f"took {elapsed:.1f} s"
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "sts:GetCallerIdentity" in lines[0] and "Traceback" not in err


def test_the_endpoint_helper_stops_by_itself() -> None:
    """The helper never outlives its bound: threads are daemons and waits are bounded."""
    started = time.monotonic()
    endpoint = HangingEndpoint(max_hold=1)
    with endpoint:
        import socket

        with socket.create_connection(("127.0.0.1", endpoint.port), timeout=5) as conn:
            conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            conn.settimeout(0.5)
            with pytest.raises(TimeoutError):
                conn.recv(1)  # accepted, never answered
    assert time.monotonic() - started < 10
    assert endpoint.accepted == 1


# -- issue 21: the first call fails fast and names the endpoint; retries are said -----------


def _first_call_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize("command", ["scan", "collect"])
def test_a_refused_endpoint_is_named_with_the_reason(command: str, tmp_path: Path) -> None:
    """Nothing listens: sts:GetCallerIdentity, the first call, is made once (no retry) and
    its failure is one line naming the endpoint and why. (How long it takes is a benchmark
    line: benchmarks/refused_endpoint.py.)"""
    result = run(*collect_argv(tmp_path / "out", command=command))
    assert result.crash is None, result.describe()
    assert result.code == 2, result.describe()
    line = _first_call_line(result.err)
    assert line == (
        f"regionready: error: cannot reach {CLOSED_PORT}: connection refused "
        "(sts:GetCallerIdentity, the first call)"
    ), result.describe()


def test_the_first_call_is_one_attempt_with_short_timeouts() -> None:
    config = first_call_config(sessions.botocore_config())
    assert config.retries == {"mode": "standard", "total_max_attempts": 1}
    assert config.connect_timeout <= 3 and config.read_timeout <= 5
    assert config.max_pool_connections == sessions.botocore_config().max_pool_connections


def test_a_silent_endpoint_is_named_within_the_first_calls_timeout(tmp_path: Path) -> None:
    """Nothing answers, with the shipped settings: the first call gives up after its own
    read timeout (one attempt of 5 s), not after the collectors' minute of retries, and
    says which endpoint did not answer."""
    with HangingEndpoint(max_hold=HARD_LIMIT + 30) as endpoint:
        code, _out, err, _elapsed = _scan(endpoint.url, tmp_path / "out", _env())
        requests = len(endpoint.requests)
    assert code == 2, err
    line = _first_call_line(err)
    assert f"cannot reach {endpoint.url}: connected, but no answer within 5 s" in line, line
    assert "sts:GetCallerIdentity" in line
    assert requests == 1, "one attempt, no retry"


def test_retries_are_said_while_they_happen(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """STS answers, every KMS call hangs and is retried: the progress lines (stderr is not
    a terminal) say "retrying (N)" with the call, before the scan ends with exit 3."""
    assert _timeouts_configurable(monkeypatch), NOT_CONFIGURABLE
    for name, value in SHORT.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(Progress, "RETRY_LINE_EVERY", 0.2)
    with HangingEndpoint(answer_sts=True, max_hold=HARD_LIMIT + 30) as endpoint:
        result = run(
            "collect",
            "--source",
            SOURCE,
            "--target",
            TARGET,
            "--services",
            "kms",
            "--endpoint-url",
            endpoint.url,
            "--out",
            tmp_path / "snapshot",
        )
    assert result.crash is None, result.describe()
    assert result.code == 0, result.describe()  # collect writes what it could: ERROR data
    retrying = [line for line in result.err_lines if line.startswith("retrying (")]
    assert retrying, result.describe()
    assert all(re.fullmatch(r"retrying \(\d+\): kms \w+", line) for line in retrying), retrying
    counts = [int(line.split("(", 1)[1].split(")", 1)[0]) for line in retrying]
    assert counts == sorted(counts) and len(set(counts)) == len(counts), retrying
    done = [line for line in result.err_lines if line.startswith("[")]
    assert done and all(re.search(r"\d+ errors?$", line) for line in done), result.describe()
