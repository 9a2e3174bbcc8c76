"""Faults: throttling, 5xx and connection resets are retried to the same results; a
persistent AccessDenied on any one API gives a completed scan that says so."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.endpoint
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectionClosedError
from moto import mock_aws

from regionready import registry
from regionready.cli import main
from regionready.collect import sessions
from regionready.collect.api_names import IAM_ACTION_OVERRIDES
from regionready.demo import moto_gaps
from regionready.demo.seed import seed_demo
from regionready.engine.rules import load_rules

RULES = {rule.id: rule for rule in load_rules()}
SOURCE = "me-central-1"
TARGET = "eu-central-1"
NOW = "2026-11-23T00:00:00Z"
# Actions whose denial the collectors work around with other calls (Clients.resource_tags).
TAG_FALLBACK = {"tag:GetResources"}


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


# service id (hyphenated, as in event names) -> wire protocol, learnt from a clean scan
PROTOCOLS: dict[str, str] = {}


def learn_protocol(model: Any, **_: Any) -> None:
    PROTOCOLS[model.service_model.service_id.hyphenize()] = model.service_model.protocol


def _wire(request: Any, service_id: str) -> str:
    """The protocol the request was sent in (a service may speak more than one)."""
    headers = {k.lower(): str(v) for k, v in dict(getattr(request, "headers", {}) or {}).items()}
    if "smithy-protocol" in headers:
        return "smithy-rpc-v2-cbor"
    if "x-amz-target" in headers or "json" in headers.get("content-type", ""):
        return "json"
    return PROTOCOLS.get(service_id, "json")


def _response(status: int, code: str, service_id: str, protocol: str | None = None) -> AWSResponse:
    """An error response in the service's own wire format, as AWS would send it."""
    protocol = protocol or PROTOCOLS.get(service_id, "json")
    if protocol == "smithy-rpc-v2-cbor":  # e.g. acm-pca in current botocore
        body = _cbor_map({"__type": code, "message": "injected"})
        headers = {"smithy-protocol": "rpc-v2-cbor", "content-type": "application/cbor"}
    elif protocol in ("json", "rest-json"):
        body = json.dumps({"__type": code, "message": "injected"}).encode()
        headers = {"x-amzn-errortype": code, "content-type": "application/x-amz-json-1.1"}
    elif service_id == "s3":
        body = f"<Error><Code>{code}</Code><Message>injected</Message></Error>".encode()
        headers = {"content-type": "application/xml"}
    else:
        body = (
            f"<ErrorResponse><Error><Code>{code}</Code><Message>injected</Message></Error>"
            "</ErrorResponse>"
        ).encode()
        headers = {"content-type": "text/xml"}
    return AWSResponse("https://injected", status, headers, _Raw(body))


def _cbor_text(text: str) -> bytes:
    data = text.encode()
    head = bytes([0x60 + len(data)]) if len(data) < 24 else bytes([0x78, len(data)])
    return head + data


def _cbor_map(values: dict[str, str]) -> bytes:
    """A CBOR map of short strings: enough for an error body."""
    encoded = bytes([0xA0 + len(values)])
    for key, value in values.items():
        encoded += _cbor_text(key) + _cbor_text(value)
    return encoded


def _service_id(event_name: str) -> str:
    return event_name.split(".")[1]


class Faults:
    """A before-send hook: a seeded share of requests fail the way AWS and networks do.

    One request (the same URL and body) fails at most ``MAX_FAULTS_PER_REQUEST`` times, fewer
    than the driver's attempts: the faults are transient by construction, whatever order
    the threads and worker processes of the scan draw them in (otherwise about one
    request in a thousand would fail all five attempts, and the test would be a lottery).
    """

    MAX_FAULTS_PER_REQUEST = 2

    def __init__(self, seed: int, throttle: float = 0.20, server: float = 0.05) -> None:
        self.random = random.Random(seed)
        self.throttle = throttle
        self.server = server
        self.injected = 0
        self.faults: dict[tuple[str, bytes], int] = {}

    def __call__(self, request: Any, event_name: str, **_: Any) -> Any:
        roll = self.random.random()
        body = request.body if isinstance(request.body, bytes) else str(request.body).encode()
        key = (str(request.url), body)
        if self.faults.get(key, 0) >= self.MAX_FAULTS_PER_REQUEST:
            return None
        service_id = _service_id(event_name)
        protocol = _wire(request, service_id)
        if roll < self.throttle + self.server:
            self.faults[key] = self.faults.get(key, 0) + 1
        if roll < self.throttle:
            self.injected += 1
            code = "Throttling" if protocol == "query" else "ThrottlingException"
            return _response(400, code, service_id, protocol)
        if roll < self.throttle + self.server:
            self.injected += 1
            choice = self.random.choice(["500", "503", "reset"])
            if choice == "reset":
                raise ConnectionClosedError(endpoint_url=request.url)
            return _response(int(choice), "InternalFailure", service_id, protocol)
        return None


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, Any]]]:
    """The demo account in moto; hooks registered on every session the CLI opens."""
    monkeypatch.setattr(botocore.endpoint.time, "sleep", lambda _s: None)  # backoff: no wait
    extra: list[tuple[str, Any]] = []
    original = sessions.open_session

    def open_session(spec: Any, base: Any = None) -> boto3.Session:
        session = moto_gaps.install(original(spec, base))
        for event, handler in extra:
            # First: an injected fault must win over a moto_gaps answer for the same call.
            session.events.register_first(event, handler)
        return session

    monkeypatch.setattr(sessions, "open_session", open_session)
    with mock_aws():
        seed_demo(
            moto_gaps.install(boto3.Session(region_name=SOURCE)),
            source=SOURCE,
            target=TARGET,
            now=dt.datetime.now(dt.UTC),
        )
        yield extra


def scan(out: Path, *extra: str) -> tuple[int, list[dict[str, Any]]]:
    code = main(
        [
            "scan",
            "--source",
            SOURCE,
            "--target",
            TARGET,
            "--out",
            str(out),
            "--quiet",
            "--format",
            "json",
            "--now",
            NOW,
            *extra,
        ]
    )
    results = json.loads((out / "regionready.json").read_text())["results"]
    return code, results


def verdicts(results: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    return sorted((r["rule_id"], r["resource_id"], r["region"], r["status"]) for r in results)


def test_throttling_5xx_and_resets_give_the_clean_results(
    world: list[tuple[str, Any]], tmp_path: Path
) -> None:
    world.append(("before-call", learn_protocol))
    clean_code, clean = scan(tmp_path / "clean")
    faults = Faults(seed=20261123)
    world.append(("before-send", faults))
    faulty_code, faulty = scan(tmp_path / "faulty")
    assert faults.injected > 10, "faults were injected"
    unread = [r["message"] for r in faulty if r["rule_id"] == "GEN-005" and r["status"] == "FAIL"]
    assert faulty_code == clean_code, unread
    assert verdicts(faulty) == verdicts(clean)


def lost_findings(clean: list[dict[str, Any]], faulty: list[dict[str, Any]]) -> list[str]:
    """Clean FAILs that the faulty scan turned into anything but FAIL or ERROR (an ERROR
    of the resource, or of its whole resource type in that Region)."""
    statuses = {(r["rule_id"], r["resource_id"], r["region"]): r["status"] for r in faulty}
    whole_errors = {
        (r["rule_id"], r["region"])
        for r in faulty
        if r["status"] == "ERROR" and r["correlation_key"].startswith("error@")
    }
    lost = []
    for result in clean:
        if result["status"] != "FAIL":
            continue
        key = (result["rule_id"], result["resource_id"], result["region"])
        now = statuses.get(key)
        if now in ("FAIL", "ERROR"):
            continue
        if now is None and (result["rule_id"], result["region"]) in whole_errors:
            continue
        lost.append(f"{key}: FAIL -> {now or 'absent'}")
    return lost


def test_persistent_access_denied_on_each_api_in_turn(
    world: list[tuple[str, Any]], tmp_path: Path
) -> None:
    """For every API a scan calls: deny it, and the scan completes, names the action in
    GEN-005, turns the rules that needed the data into ERROR (never PASS), and exits 3.

    Each collector is scanned on its own, so each denial re-runs one collector only."""
    owner: dict[tuple[str, str], tuple[str, str]] = {}
    current: list[str] = []

    def record(model: Any, **_: Any) -> None:
        learn_protocol(model)
        prefix = model.service_model.signing_name
        name = model.http["method"] if prefix == "apigateway" else model.name
        action = IAM_ACTION_OVERRIDES.get(f"{prefix}:{name}", f"{prefix}:{name}")
        key = (model.service_model.service_id.hyphenize(), model.name)
        owner.setdefault(key, (current[0], action))

    world.append(("before-parameter-build", record))
    clean: dict[str, tuple[int, list[dict[str, Any]]]] = {}
    for collector in registry.names("collectors"):
        current[:] = [collector]
        clean[collector] = scan(tmp_path / f"clean-{collector}", "--services", collector)
    world.clear()
    apis = sorted(api for api in owner if api != ("sts", "GetCallerIdentity"))
    assert len(apis) > 10
    for (service, operation), (collector, action) in ((api, owner[api]) for api in apis):
        denied = "AccessDeniedException" if PROTOCOLS.get(service) == "json" else "AccessDenied"

        def deny(_code: str = denied, **_: Any) -> Any:
            # before-call: answered here, the call never reaches moto or a moto_gaps hook.
            error = {"Error": {"Code": _code, "Message": "injected"}}
            return AWSResponse("https://injected", 403, {}, None), {
                **error,
                "ResponseMetadata": {"HTTPStatusCode": 403},
            }

        world[:] = [(f"before-call.{service}.{operation}", deny)]
        code, results = scan(tmp_path / f"denied-{service}-{operation}", "--services", collector)
        where = (collector, service, operation)
        if action in TAG_FALLBACK:
            # Tags are read one resource at a time instead: the same, complete scan.
            assert (code, verdicts(results)) == (clean[collector][0], verdicts(clean[collector][1]))
            continue
        assert code == 3, where
        gen = [r for r in results if r["rule_id"] == "GEN-005" and r["status"] == "FAIL"]
        named = [r for r in gen if action in r["message"]]
        assert named, where
        unevaluated = {
            rule.strip()
            for r in named
            for rule in r["message"].rsplit("unevaluated: ", 1)[-1].split(",")
            if rule.strip() not in ("", "-")
        }
        for rule_id in unevaluated:
            statuses = {r["status"] for r in results if r["rule_id"] == rule_id}
            # The resources the failed call was about are ERROR; the others of the rule are
            # judged as before, so a PASS may remain, but no clean FAIL is lost.
            assert "ERROR" in statuses, (*where, rule_id, statuses)
            messages = [r["message"] for r in results if r["rule_id"] == rule_id]
            assert any(action in m for m in messages), (*where, rule_id)
        assert not lost_findings(clean[collector][1], results), where
