"""Fixtures for the Access Analyzer, GuardDuty, Secrets Manager and WAF remediation tests.

``seeded`` and ``hooked_sessions`` are the driver tests' fixtures (the demo account in
moto with moto_gaps; hooks on every session the CLI opens), with two additions:

* ``Hooks.first`` registers a hook ahead of moto_gaps' own on the same event, so a
  watcher also sees the calls moto_gaps answers itself (botocore stops at the first
  ``before-call`` hook that answers, and runs the most specific event's hooks first);
* ``Hooks.wcu``: moto has no wafv2 CheckCapacity (it raises NotImplementedError), so a
  ``before-call`` hook answers it: every referenced ARN must exist in the calling Region
  (as AWS checks: a reference left pointing at the source fails here), and the capacity
  is the sum of ``Hooks.wcu`` per rule plus each referenced rule group's capacity.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from regionready import collect
from regionready.demo.seed import DemoPlan, seed_demo
from regionready.remediation import READ_ONLY
from regionready.testing import moto_gaps
from regionready.waf_clone import parse_arn, references

SOURCE = "me-central-1"
TARGET = "eu-central-1"
SERVICES = ("accessanalyzer", "guardduty", "secretsmanager", "wafv2", "kms")

Write = tuple[str, str, dict[str, Any]]  # (operation, Region, parameters)
IAM_PREFIX = {"accessanalyzer": "access-analyzer"}  # IAM action prefix, if not the name


@pytest.fixture
def seeded() -> Iterator[DemoPlan]:
    """moto in-process, seeded with the demo account."""
    with mock_aws():
        session = moto_gaps.install(boto3.Session(region_name=SOURCE))
        yield seed_demo(session, source=SOURCE, target=TARGET, now=dt.datetime.now(dt.UTC))


class Hooks:
    """Sessions the CLI opened, and extra botocore hooks to register on each."""

    def __init__(self) -> None:
        self.sessions: list[boto3.Session] = []
        self.extra: list[tuple[str, Any]] = []
        self.first: list[tuple[str, Any]] = []
        self.wcu = 1
        self.calls: list[str] = []  # IAM actions of the calls watch_writes saw

    def watch_writes(self, services: tuple[str, ...] = SERVICES) -> list[Write]:
        """Record every call that is not a read, ahead of any other hook, by the Region
        its request is signed for; and the IAM action of every call (reads too) in
        ``self.calls``."""
        seen: list[Write] = []

        def watcher(prefix: str) -> Callable[..., None]:
            def watch(model: Any, params: dict[str, Any], request_signer: Any, **_: Any) -> None:
                self.calls.append(f"{prefix}:{model.name}")
                if READ_ONLY.match(model.name):
                    return
                try:
                    parsed = json.loads(params.get("body") or b"{}")
                except (TypeError, ValueError):
                    parsed = {}
                seen.append((model.name, request_signer.region_name, parsed))

            return watch

        loader = botocore.session.get_session()
        for service in services:
            model = loader.get_service_model(service)
            event_service = model.service_id.hyphenize()
            watch = watcher(IAM_PREFIX.get(service, service))
            for operation in model.operation_names:
                self.first.append((f"before-call.{event_service}.{operation}", watch))
        return seen


def _check_capacity(hooks: Hooks) -> Callable[..., Any]:
    def answer(params: dict[str, Any], context: dict[str, Any], **_: Any) -> Any:
        from moto.wafv2.models import wafv2_backends

        region = str(context.get("client_region"))
        rules = json.loads(params.get("body") or b"{}").get("Rules") or []
        known: dict[str, Any] = {}
        for by_region in list(wafv2_backends.values()):
            backend = dict.get(by_region, region)
            if backend is None:
                continue
            known.update(backend.ip_sets)
            known.update(backend.regex_pattern_sets)
            known.update(backend.rule_groups)
        capacity = hooks.wcu * len(rules)
        for arn in references(rules):
            ref = parse_arn(arn)
            if arn not in known or ref is None or ref.region != region:
                body = {
                    "Error": {
                        "Code": "WAFNonexistentItemException",
                        "Message": f"AWS WAF couldn't perform the operation: {arn} not found",
                    }
                }
                return AWSResponse("https://moto-gaps.invalid/", 400, {}, None), {
                    **body,
                    "ResponseMetadata": {"HTTPStatusCode": 400},
                }
            if ref.kind == "rule_group":
                capacity += int(known[arn].capacity)
        return AWSResponse("https://moto-gaps.invalid/", 200, {}, None), {"Capacity": capacity}

    return answer


@pytest.fixture
def hooked_sessions(monkeypatch: pytest.MonkeyPatch) -> Hooks:
    """Every session the CLI opens gets moto_gaps, a CheckCapacity answer and the hooks a
    test adds."""
    hooks = Hooks()
    original = collect.open_session

    def open_session(spec: Any, base: Any = None) -> boto3.Session:
        session = original(spec, base)
        moto_gaps.install(session)
        # Watchers first; then the CheckCapacity answer, ahead of any moto_gaps may get.
        for event, handler in hooks.first:
            session.events.register_first(event, handler)
        session.events.register_first("before-call.wafv2.CheckCapacity", _check_capacity(hooks))
        for event, handler in hooks.extra:
            session.events.register(event, handler)
        hooks.sessions.append(session)
        return session

    monkeypatch.setattr(collect, "open_session", open_session)
    return hooks
