"""Fixtures for the remediation action tests: moto in-process with moto_gaps, and a
harness that collects, evaluates, plans and applies the way the CLI does, watching
every call apply makes (operation, Region, parameters)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from regionready import __version__, collect, remediation
from regionready.demo.seed import DemoPlan
from regionready.engine import evaluate
from regionready.model import Result, Status
from regionready.rules import Rule, load_rules
from regionready.snapshot import Scan, read_scan, write_scan
from regionready.testing import moto_gaps

SOURCE = "me-central-1"
TARGET = "eu-central-1"
READ = ("List", "Describe", "Get", "BatchGet", "Head", "Search", "Lookup")
#: IAM action prefixes that differ from the botocore service name.
IAM_PREFIX = {"sso-admin": "sso"}


@pytest.fixture
def aws() -> Iterator[boto3.Session]:
    """moto in-process, empty: a session whose clients carry the moto corrections."""
    with mock_aws():
        yield moto_gaps.install(boto3.Session(region_name=SOURCE))


@cache
def all_rules() -> dict[str, Rule]:
    return {rule.id: rule for rule in load_rules()}


@dataclass
class Call:
    service: str
    operation: str
    region: str
    params: dict[str, Any]

    @property
    def iam_action(self) -> str:
        return f"{IAM_PREFIX.get(self.service, self.service)}:{self.operation}"

    @property
    def mutating(self) -> bool:
        return not self.operation.startswith(READ)


def watcher(calls: list[Call]) -> Any:
    """A ``before-call`` hook recording every call; JSON bodies hold the parameters."""

    def watch(model: Any, params: dict[str, Any], request_signer: Any, **_: Any) -> None:
        body = params.get("body") or b"{}"
        try:
            parsed = json.loads(body)
        except (TypeError, ValueError):
            parsed = {}
        calls.append(
            Call(
                model.service_model.service_name,
                model.name,
                request_signer.region_name,
                parsed if isinstance(parsed, dict) else {},
            )
        )

    return watch


def watch_every_call(client: Any, calls: list[Call]) -> None:
    """Register the watcher on each operation's own ``before-call`` event, first: botocore
    runs the most specific handlers first and stops at the first answer, and moto_gaps
    answers some operations there (sso-admin AddRegion), so a plain ``before-call``
    handler would never see them."""
    model = client.meta.service_model
    event = model.service_id.hyphenize()
    for operation in model.operation_names:
        client.meta.events.register_first(f"before-call.{event}.{operation}", watcher(calls))


@dataclass
class Harness:
    """Collect -> evaluate -> plan -> apply, in process, as ``regionready`` does."""

    session: boto3.Session
    tmp: Path
    source: str = SOURCE
    target: str = TARGET
    collect_options: dict[str, Any] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    scans: int = 0

    def collect(self, services: list[str]) -> Scan:
        self.scans += 1
        now = dt.datetime.now(dt.UTC)
        account = collect.AccountSession(self.session, None, collect.botocore_config())
        result = collect.collect_account(
            account,
            regions=[self.source, self.target],
            services=services,
            workers=2,
            progress=False,
            options=dict(self.collect_options),
        )
        manifest = collect.build_manifest(
            source=self.source,
            target=self.target,
            results=[result],
            services=services,
            started_at=now,
            finished_at=now,
            rules_version=__version__,
        )
        folder = self.tmp / f"scan-{self.scans}"
        write_scan(folder, manifest, result.documents, result.local)
        return read_scan(folder)

    def results(self, scan: Scan, *rule_ids: str) -> list[Result]:
        rules = [all_rules()[r] for r in rule_ids]
        return evaluate(scan, rules, now=dt.datetime.now(dt.UTC))

    def failing(self, scan: Scan, *rule_ids: str) -> set[tuple[str, str]]:
        return {
            (r.rule_id, r.resource_id)
            for r in self.results(scan, *rule_ids)
            if r.status is Status.FAIL
        }

    def status(self, scan: Scan, rule_id: str, resource_id: str) -> Status:
        found = [r for r in self.results(scan, rule_id) if r.resource_id == resource_id]
        assert len(found) == 1, found
        return found[0].status

    def plan(
        self, scan: Scan, *rule_ids: str, options: dict[str, Any] | None = None
    ) -> tuple[list[remediation.Change], list[str]]:
        return remediation.plan(self.results(scan, *rule_ids), all_rules(), scan, options=options)

    def make_client(self, service: str, region: str) -> Any:
        client = self.session.client(service, region_name=region)
        watch_every_call(client, self.calls)
        return client

    def clients(self) -> remediation.TargetClients:
        return remediation.TargetClients(self.make_client, self.source, self.target)

    def apply(
        self, changes: list[remediation.Change], log: Path | None = None
    ) -> list[remediation.Outcome]:
        self.calls.clear()
        clients = self.clients()
        return remediation.apply(changes, lambda _account: clients, audit_log=log)

    def writes(self) -> list[Call]:
        return [c for c in self.calls if c.mutating]


def assert_only_in_target(calls: list[Call], target: str = TARGET) -> None:
    for call in calls:
        assert not call.operation.startswith(("Delete", "Disable", "Schedule", "Remove", "Stop")), (
            call.operation
        )
        if call.mutating:
            assert call.region == target, (call.operation, call.region)


def assert_permissions(module: Any, calls: list[Call]) -> None:
    """Every call the action made is among its declared PERMISSIONS."""
    missing = {c.iam_action for c in calls} - set(module.PERMISSIONS)
    assert not missing, f"{module.ACTION} calls {missing} without declaring them"


def audit(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines()]


@pytest.fixture
def harness(aws: boto3.Session, tmp_path: Path) -> Harness:
    return Harness(aws, tmp_path)


@pytest.fixture
def seeded_harness(seeded: DemoPlan, tmp_path: Path) -> Harness:
    session = moto_gaps.install(boto3.Session(region_name=SOURCE))
    return Harness(session, tmp_path)
