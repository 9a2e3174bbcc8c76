"""Test-wide settings. moto reads some settings at import time, so they are set here,
before any test module imports moto."""

import datetime as _dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ["MOTO_ACM_VALIDATION_WAIT"] = "0"
# No test needs moto's default AMI catalogue but the two that show moto listing its public
# AMI snapshots (they turn it back on); parsing it costs about 2 s per Region and test.
os.environ["MOTO_EC2_LOAD_DEFAULT_AMIS"] = "false"
# Never let the developer's or CI machine's AWS settings (a legacy
# AWS_STS_REGIONAL_ENDPOINTS, a profile, an endpoint) reach a scan the tests judge.
for _name in [name for name in os.environ if name.startswith("AWS_")]:
    del os.environ[_name]
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
os.environ["AWS_SESSION_TOKEN"] = "testing"
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
# Collect in this process: a forked collection worker runs the botocore hooks a test
# registers in its own memory, so a test that watches the calls would see only this
# process's share (measured: 125 of a demo scan's 318 calls with 2 processes), and the
# in-process demo scans were no faster forked (11-14 s against 9-10 s). The worker
# processes have their own tests (tests/collect/test_processes.py), which set it.
os.environ["REGIONREADY_PROCESSES"] = "1"


# -- fixtures shared by the driver, remediation and end-to-end tests -------------------
# (moto is imported inside them, after the environment above is set)


DEMO_SOURCE = "me-central-1"
DEMO_TARGET = "eu-central-1"


@pytest.fixture
def seeded() -> Iterator[Any]:
    """moto in-process, seeded with the demo account (its plan lists every planted gap)."""
    import boto3
    from moto import mock_aws

    from regionready.demo import moto_gaps
    from regionready.demo.seed import seed_demo

    with mock_aws():
        session = moto_gaps.install(boto3.Session(region_name=DEMO_SOURCE))
        yield seed_demo(
            session, source=DEMO_SOURCE, target=DEMO_TARGET, now=_dt.datetime.now(_dt.UTC)
        )


class Hooks:
    """Sessions the CLI opened, and extra botocore hooks to register on each."""

    def __init__(self) -> None:
        self.sessions: list[Any] = []
        self.extra: list[tuple[str, Any]] = []


@pytest.fixture
def hooked_sessions(monkeypatch: pytest.MonkeyPatch) -> Hooks:
    """Every session the CLI opens gets moto_gaps, plus any hook a test adds."""
    from regionready.collect import sessions
    from regionready.demo import moto_gaps

    hooks = Hooks()
    original = sessions.open_session

    def open_session(spec: Any, base: Any = None) -> Any:
        session = original(spec, base)
        moto_gaps.install(session)
        for event, handler in hooks.extra:
            session.events.register(event, handler)
        hooks.sessions.append(session)
        return session

    monkeypatch.setattr(sessions, "open_session", open_session)
    return hooks


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """One moto server on 127.0.0.1 for the whole session: scans over real HTTP."""
    import logging

    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="module")
def empty_moto_server(moto_server: str) -> str:
    """The session's moto server with every backend reset, for a module to seed afresh
    (two modules seeding the same demo account would otherwise see each other's)."""
    import urllib.request

    request = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=30):
        pass
    return moto_server


_REPO_ROOT = Path(__file__).resolve().parent.parent
_STRAY = ("regionready.json", ".regionready-reports.json", "regionready.sarif", "regionready.md")


@pytest.fixture(autouse=True)
def _writes_nothing_into_the_repository() -> Iterator[None]:
    """A test that forgets ``--out`` writes reports into the repository: fail it by name."""
    before = {name for name in _STRAY if (_REPO_ROOT / name).exists()}
    yield
    after = {name for name in _STRAY if (_REPO_ROOT / name).exists()}
    assert after <= before, f"wrote {sorted(after - before)} into the repository root"


@pytest.fixture(autouse=True, scope="session")
def _moto_reuses_one_rsa_key_per_size() -> Iterator[None]:
    """moto makes an RSA key for every certificate and KMS key it creates (about 40 ms
    each); the whole suite lets it reuse one per size (moto_gaps.shared_keys)."""
    from regionready.demo import moto_gaps

    with moto_gaps.shared_keys():
        yield
