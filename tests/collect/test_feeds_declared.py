"""Every datum a failed call changes is covered by what the call declares.

A collector's ``clients.call``/``paginate`` declares what its answer fills (``feeds``)
and which items it is about (``about``); when the call fails, that declaration becomes
the ``CollectionError`` that makes the rules reading the data ERROR. A declaration
narrower than what the failure really changes lets a rule PASS on wrong data, and the
same declarations decide which calls are skipped for a selection of checks. So, for
every collector: collect the demo account in moto, then deny each API it called in
turn (AccessDenied, as an unauthorised role gets it), collect again, and require every
item added or removed and every top-level field changed to be covered by an error of
the denied run. A collector that makes no AWS call must declare no AWS permission.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws
from moto.cloudtrail import models as moto_cloudtrail
from moto.core.utils import utcnow as moto_utcnow

from regionready import registry
from regionready.collect import driver, sessions
from regionready.demo import moto_gaps
from regionready.demo.seed import seed_demo
from regionready.snapshot import ServiceData

from .conftest import SOURCE, TARGET

#: (service id, hyphenated as in event names; operation name)
Api = tuple[str, str]

IDENTITY: Api = ("sts", "GetCallerIdentity")
#: Denied, the collectors read tags one resource at a time instead: the same data.
TAGGING: Api = ("resource-groups-tagging-api", "GetResources")
JSON_PROTOCOLS = {"json", "rest-json", "smithy-rpc-v2-cbor"}


def _deny(code: str) -> Any:
    def deny(**_: Any) -> Any:
        # before-call: answered here, the call never reaches moto or a moto_gaps hook.
        error = {"Error": {"Code": code, "Message": "injected"}}
        response = AWSResponse("https://injected", 403, {}, None)
        return response, {**error, "ResponseMetadata": {"HTTPStatusCode": 403}}

    return deny


@dataclass
class Outcome:
    data: ServiceData
    apis: set[Api]


@dataclass
class World:
    """The seeded demo account, one session for every collection, and the APIs called."""

    session: boto3.Session
    account: sessions.AccountSession
    protocols: dict[str, str] = field(default_factory=dict)
    calls: set[Api] | None = None

    def record(self, model: Any, **_: Any) -> None:
        service = model.service_model.service_id.hyphenize()
        self.protocols[service] = model.service_model.protocol
        if self.calls is not None:
            self.calls.add((service, model.name))

    def collect(self, task: driver.Task, denied: frozenset[Api] = frozenset()) -> Outcome:
        """``task``'s data with ``denied`` answering AccessDenied, and the APIs it called
        (clients copy the session's hooks when made, and every task makes its own)."""
        handlers = []
        for service, operation in sorted(denied):
            json = self.protocols.get(service) in JSON_PROTOCOLS
            handler = _deny("AccessDeniedException" if json else "AccessDenied")
            event = f"before-call.{service}.{operation}"
            self.session.events.register_first(event, handler)
            handlers.append((event, handler))
        self.calls = set()
        try:
            data, _notes = driver.task_outcome(self.account, task, None)
            return Outcome(data, self.calls - {IDENTITY})
        finally:
            self.calls = None
            for event, handler in handlers:
                self.session.events.unregister(event, handler)


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with pytest.MonkeyPatch.context() as patch, mock_aws():
        # moto stamps a logging trail's status with the time of each GetTrailStatus: a
        # denied run a second after the baseline would differ for no other reason.
        stopped = moto_utcnow()
        patch.setattr(moto_cloudtrail, "utcnow", lambda: stopped)
        seed_demo(
            moto_gaps.install(boto3.Session(region_name=SOURCE)),
            source=SOURCE,
            target=TARGET,
            now=dt.datetime.now(dt.UTC),
        )
        session = moto_gaps.install(boto3.Session(region_name=SOURCE))
        built = World(session, sessions.AccountSession(session, None, sessions.botocore_config()))
        session.events.register_first("before-parameter-build", built.record)
        yield built


#: (resource type, item id or "" for the whole type, top-level field or "" for the item)
Difference = tuple[str, str, str]
_ABSENT = object()


def differences(before: ServiceData, after: ServiceData) -> list[Difference]:
    found: list[Difference] = []
    for rtype in sorted(set(before.resources) | set(after.resources)):
        if (rtype in before.resources) != (rtype in after.resources):
            found.append((rtype, "", ""))
            continue
        id_field = before.id_fields.get(rtype, "")
        old = _by_id(before.resources[rtype], id_field)
        new = _by_id(after.resources[rtype], id_field)
        for item_id in sorted(set(old) | set(new)):
            if item_id not in old or item_id not in new:
                found.append((rtype, item_id, ""))
            elif len(old[item_id]) != 1 or len(new[item_id]) != 1:
                # Items sharing an id cannot be told apart: compared as one.
                if old[item_id] != new[item_id]:
                    found.append((rtype, item_id, ""))
            else:
                [a], [b] = old[item_id], new[item_id]
                found.extend(
                    (rtype, item_id, name)
                    for name in sorted(set(a) | set(b))
                    if a.get(name, _ABSENT) != b.get(name, _ABSENT)
                )
    return found


def _by_id(items: list[dict[str, Any]], id_field: str) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        grouped.setdefault(str(item.get(id_field)), []).append(item)
    return grouped


def covered(difference: Difference, errors: list[dict[str, Any]]) -> bool:
    """Whether an error marks the difference incomplete (engine.data.reads_missing and
    the per-item ``resources``): an item or the whole type only by an error about
    every item and field of the type."""
    rtype, item_id, name = difference
    for error in errors:
        if rtype not in error["resource_types"]:
            continue
        fields = (error.get("fields") or {}).get(rtype)
        resources = (error.get("resources") or {}).get(rtype)
        if not name:
            if fields is None and resources is None:
                return True
        elif (fields is None or name in fields) and (resources is None or item_id in resources):
            return True
    return False


def _label(apis: frozenset[Api]) -> str:
    return "+".join(f"{service}:{operation}" for service, operation in sorted(apis))


@pytest.mark.parametrize("name", registry.names("collectors"))
def test_a_failed_call_changes_only_what_it_declares(world: World, name: str) -> None:
    module = registry.collector(name)
    tasks = driver.plan_tasks([name], [SOURCE, TARGET])
    baseline = {task.region: world.collect(task) for task in tasks}
    called = set().union(*(outcome.apis for outcome in baseline.values()))
    if not called:
        # An IAM action is "prefix:Action"; nothing else would reach an IAM policy.
        aws = [action for action in module.PERMISSIONS if ":" in action]
        assert not aws, f"{name} made no AWS call but declares the IAM actions {aws}"
        return
    # So that every error of a denied run is the denial's own.
    failed = {region: o.data.errors for region, o in baseline.items() if o.data.errors}
    assert not failed, f"{name}: the undenied collection failed: {failed}"

    uncovered: list[str] = []
    by_region = {task.region: task for task in tasks}
    # Each denial of a task's API; and with it each API its run called that the baseline
    # did not (a fallback's), so the fallback's own declaration is proven too.
    pending = [(region, frozenset({api})) for region in by_region for api in baseline[region].apis]
    pending.sort(key=lambda denial: (denial[0], sorted(denial[1])))
    seen = set(pending)
    while pending:
        region, denied = pending.pop(0)
        outcome = world.collect(by_region[region], denied)
        for api in sorted(outcome.apis - baseline[region].apis - denied):
            follow = (region, denied | {api})
            if follow not in seen:
                seen.add(follow)
                pending.append(follow)
        found = differences(baseline[region].data, outcome.data)
        if denied == {TAGGING}:
            missed = found
        else:
            missed = [d for d in found if not covered(d, outcome.data.errors)]
        uncovered.extend(
            f"{name} {region} {_label(denied)}: {rtype} {item_id or '*'} {field or '*'}"
            for rtype, item_id, field in missed
        )
    assert not uncovered, "\n".join(uncovered)
