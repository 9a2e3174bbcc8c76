"""Partial reads: whatever calls fail, no clean FAIL becomes PASS or NOT_APPLICABLE.

The demo account is scanned once cleanly; then hypothesis chooses which APIs fail (a
set of the operations the clean scan called) and, for each, which of its calls (all of
them, or a seeded share), and the scan runs again. Every FAIL of the clean scan must
be, in the faulty scan, the same FAIL or an ERROR: an ERROR of that resource, or an
ERROR of the whole resource type in that Region when the list itself was lost. Rules
that do not read the data a failure left incomplete are judged as before.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from .test_faults import (  # noqa: F401 (world is a fixture)
    PROTOCOLS,
    learn_protocol,
    lost_findings,
    scan,
    world,
)


def _deny(code: str) -> Any:
    def answer(**_: Any) -> Any:
        # before-call: answered here, the call never reaches moto or a moto_gaps hook.
        error = {"Error": {"Code": code, "Message": "injected"}}
        return AWSResponse("https://injected", 403, {}, None), {
            **error,
            "ResponseMetadata": {"HTTPStatusCode": 403},
        }

    return answer


class Chooser:
    """A before-call hook failing the chosen calls: every call of an API at share 1.0,
    else each call with that probability (seeded, so an example replays)."""

    def __init__(self, shares: dict[tuple[str, str], float], seed: int) -> None:
        self.shares = shares
        self.random = random.Random(seed)
        self.failed = 0

    def hooks(self) -> list[tuple[str, Any]]:
        """One per API: botocore calls the handlers of the most specific event first, so a
        generic ``before-call`` would come after a moto_gaps answer for the same call."""
        return [(f"before-call.{service}.{name}", self) for service, name in self.shares]

    def __call__(self, model: Any, **_: Any) -> Any:
        api = (model.service_model.service_id.hyphenize(), model.name)
        share = self.shares.get(api)
        if share is None or (share < 1.0 and self.random.random() >= share):
            return None
        self.failed += 1
        code = "AccessDeniedException" if PROTOCOLS.get(api[0]) == "json" else "AccessDenied"
        return _deny(code)()


@pytest.fixture
def clean_scan(
    world: list[tuple[str, Any]],  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[list[tuple[str, Any]], list[tuple[str, str]], list[dict[str, Any]]]]:
    apis: set[tuple[str, str]] = set()

    def record(model: Any, **_: Any) -> None:
        learn_protocol(model)
        apis.add((model.service_model.service_id.hyphenize(), model.name))

    world.append(("before-parameter-build", record))
    _code, results = scan(tmp_path_factory.mktemp("clean"))
    world.clear()
    apis.discard(("sts", "GetCallerIdentity"))  # a failed identity call stops the scan
    yield world, sorted(apis), results


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    # A failing example is a full scan: shrinking it would take minutes; the assertion
    # message names the failed calls and the findings lost.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_finding_is_lost_whatever_calls_fail(
    clean_scan: tuple[list[tuple[str, Any]], list[tuple[str, str]], list[dict[str, Any]]],
    tmp_path_factory: pytest.TempPathFactory,
    data: st.DataObject,
) -> None:
    hooks, apis, clean = clean_scan
    chosen = data.draw(st.lists(st.sampled_from(apis), min_size=1, max_size=6, unique=True))
    shares = {api: data.draw(st.sampled_from([1.0, 0.5, 0.2]), label=str(api)) for api in chosen}
    chooser = Chooser(shares, data.draw(st.integers(0, 2**16), label="seed"))
    hooks[:] = chooser.hooks()
    try:
        code, faulty = scan(tmp_path_factory.mktemp("faulty"))
    finally:
        hooks.clear()
    lost = lost_findings(clean, faulty)
    assert not lost, (shares, lost)
    if any(r["status"] == "ERROR" for r in faulty):
        assert code == 3, shares


def _scan_with(
    hooks: list[tuple[str, Any]], out: Path, shares: dict[tuple[str, str], float], *args: str
) -> tuple[int, list[dict[str, Any]]]:
    hooks[:] = Chooser(shares, seed=1).hooks()
    try:
        return scan(out, *args)
    finally:
        hooks.clear()


def _by_rule(results: list[dict[str, Any]], rule_id: str) -> dict[str, str]:
    return {r["resource_id"]: r["status"] for r in results if r["rule_id"] == rule_id}


def test_a_key_that_cannot_be_described_makes_its_aliases_error_not_out_of_scope(
    world: list[tuple[str, Any]],  # noqa: F811
    tmp_path: Path,
) -> None:
    world.append(("before-call", learn_protocol))
    _, clean = scan(tmp_path / "clean", "--services", "kms")
    world.clear()
    _, faulty = _scan_with(
        world, tmp_path / "faulty", {("kms", "DescribeKey"): 1.0}, "--services", "kms"
    )
    before, after = _by_rule(clean, "KMS-001"), _by_rule(faulty, "KMS-001")
    failing = {alias for alias, status in before.items() if status == "FAIL"}
    assert failing, "the demo plants KMS-001 failures"
    # Every alias whose key could not be described is ERROR, never "not in scope".
    assert {after[alias] for alias in failing} == {"ERROR"}
    assert "NOT_APPLICABLE" not in {after[a] for a in before if before[a] != "NOT_APPLICABLE"}
    errors = [r for r in faulty if r["rule_id"] == "KMS-001" and r["status"] == "ERROR"]
    assert all("kms:DescribeKey" in r["message"] for r in errors)
    assert not lost_findings(clean, faulty)


def test_a_failed_list_of_keys_leaves_every_alias_unjudged(
    world: list[tuple[str, Any]],  # noqa: F811
    tmp_path: Path,
) -> None:
    world.append(("before-call", learn_protocol))
    _, clean = scan(tmp_path / "clean", "--services", "kms")
    world.clear()
    _, faulty = _scan_with(
        world, tmp_path / "faulty", {("kms", "ListKeys"): 1.0}, "--services", "kms"
    )
    statuses = {r["status"] for r in faulty if r["rule_id"] == "KMS-001"}
    assert statuses == {"ERROR"}, statuses
    assert not lost_findings(clean, faulty)


def test_a_failed_association_read_errors_only_the_rule_that_reads_associations(
    world: list[tuple[str, Any]],  # noqa: F811
    tmp_path: Path,
) -> None:
    world.append(("before-call", learn_protocol))
    _, clean = scan(tmp_path / "clean", "--services", "wafv2")
    world.clear()
    _, faulty = _scan_with(
        world,
        tmp_path / "faulty",
        {("wafv2", "ListResourcesForWebACL"): 1.0},
        "--services",
        "wafv2",
    )
    # WAF-002, WAF-003 and WAF-007 (and WAF-001, WAF-005) never read associations.
    for rule_id in ("WAF-001", "WAF-002", "WAF-003", "WAF-005", "WAF-007"):
        assert _by_rule(faulty, rule_id) == _by_rule(clean, rule_id), rule_id
    # WAF-006 compares associations; WAF-004 looks every ARN of a web ACL up whole.
    for rule_id in ("WAF-004", "WAF-006"):
        assert "ERROR" in _by_rule(faulty, rule_id).values(), rule_id
    assert not lost_findings(clean, faulty)
