from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from regionready import collect
from regionready.demo.seed import DemoPlan, seed_demo
from regionready.testing import moto_gaps

SOURCE = "me-central-1"
TARGET = "eu-central-1"


@pytest.fixture
def seeded() -> Iterator[DemoPlan]:
    """moto in-process, seeded with the demo account (known ACM and KMS gaps)."""
    with mock_aws():
        session = moto_gaps.install(boto3.Session(region_name=SOURCE))
        yield seed_demo(session, source=SOURCE, target=TARGET, now=dt.datetime.now(dt.UTC))


class Hooks:
    """Sessions the CLI opened, and extra botocore hooks to register on each."""

    def __init__(self) -> None:
        self.sessions: list[boto3.Session] = []
        self.extra: list[tuple[str, Any]] = []


@pytest.fixture
def hooked_sessions(monkeypatch: pytest.MonkeyPatch) -> Hooks:
    """Every session the CLI opens gets moto_gaps, plus any hook a test adds."""
    hooks = Hooks()
    original = collect.open_session

    def open_session(spec: Any, base: Any = None) -> boto3.Session:
        session = original(spec, base)
        moto_gaps.install(session)
        for event, handler in hooks.extra:
            session.events.register(event, handler)
        hooks.sessions.append(session)
        return session

    monkeypatch.setattr(collect, "open_session", open_session)
    return hooks
