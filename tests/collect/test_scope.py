"""Collecting for selected checks only (``scan --only``): the calls that feed nothing
those checks read are not made, their results are exactly a full collection's, and
whatever else is later judged on that snapshot is ERROR where it reads what was not read,
never PASS."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from regionready import registry, snapshot_manifest, snapshot_write
from regionready.cli import main
from regionready.collect import driver, scope, sessions
from regionready.collect.clients import Clients
from regionready.engine.data import META_COLLECTOR as META
from regionready.engine.evaluation import evaluate
from regionready.engine.rules import Rule, load_rules
from regionready.model import Result
from regionready.remediation import planning
from regionready.snapshot import NOT_SELECTED, Scan
from regionready.topology import Pair

RULES = {rule.id: rule for rule in load_rules()}
SOURCE, TARGET = "me-central-1", "eu-central-1"
NOW = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
#: The six checks the organisation benchmark runs (benchmarks/c7n/policies.yml).
SIX = ["ACM-003", "KMS-002", "KMS-004", "SM-001", "WAF-002", "WAF-007"]
#: GEN-005 judges what the *other* checks' collection could not read: alone it has no
#: collection of its own to compare, so the per-check comparison leaves it out.
JUDGES_OTHERS = {"GEN-005"}


# -- Clients: a call that feeds nothing wanted ---------------------------------------------


def _clients(wanted: dict[str, frozenset[str] | None] | None, made: list[str]) -> Clients:
    class Answer:
        def __getattr__(self, operation: str) -> Any:
            return lambda **_: {"Answered": operation}

    def make_client(service: str) -> Any:
        made.append(service)
        return Answer()

    return Clients(make_client=make_client, region=SOURCE, service="kms", wanted=wanted)


def test_a_call_feeding_nothing_wanted_is_not_made_and_is_recorded_once() -> None:
    made: list[str] = []
    clients = _clients({"key": frozenset({"KeyId", "KeyRotationEnabled"})}, made)
    for _ in range(3):
        assert clients.call("kms", "get_key_policy", feeds=["key.Policy"], KeyId="k") is None
        error = clients.last_error()
        assert error is not None and error.code == NOT_SELECTED
    assert made == [], "no client is made for a call not made"
    assert clients.api_calls == 0 and clients.errors == []
    assert [e.to_dict() for e in clients.unread] == [
        {
            "api": "kms:GetKeyPolicy",
            "code": NOT_SELECTED,
            "message": "not read: the snapshot was collected for selected checks only",
            "action": "kms:GetKeyPolicy",
            "resource_types": ["key"],
            "fields": {"key": ["Policy"]},
        }
    ]
    assert clients.resource_tags("kms:key", ["key.Tags"]) is None and made == []
    # What the checks read is called: a wanted field, the whole type, a call feeding nothing.
    assert clients.call("kms", "get_key_rotation_status", feeds=["key.KeyRotationEnabled"])
    assert clients.call("kms", "list_keys", feeds=["key", "alias.Key"])
    assert clients.call("sts", "get_caller_identity", feeds=[])
    assert clients.last_error() is None and clients.api_calls == 3


def test_without_a_scope_every_call_is_made() -> None:
    made: list[str] = []
    clients = _clients(None, made)
    assert clients.call("kms", "get_key_policy", feeds=["key.Policy"]) is not None
    assert clients.unread == [] and made == ["kms"]


def test_the_six_checks_read_key_rotation_but_not_policies_grants_or_tags() -> None:
    needed = scope.of_rules([RULES[i] for i in SIX], [Pair(SOURCE, TARGET)])
    assert sorted(needed["anywhere"]) == ["acm", "kms", "secretsmanager", "wafv2"]
    for region in (SOURCE, TARGET):
        key = set(needed["regions"][region]["kms"]["key"] or ["*"])
        assert {"KeyRotationEnabled", "MultiRegionConfiguration", "KeyId"} <= key
        assert not key & {"Policy", "Grants", "Tags"}
    # ACM-003 judges the target's certificates: the source's are not read.
    assert "acm" in needed["regions"][TARGET] and "acm" not in needed["regions"][SOURCE]
    assert scope.services(needed) == ["acm", "kms", "secretsmanager", "wafv2"]
    assert scope.services(needed, ["kms", "guardduty"]) == ["kms"]
    assert scope.wanted({scope.SCOPE_OPTION: needed}, "acm", SOURCE) == {}
    assert scope.wanted({}, "acm", SOURCE) is None


def test_a_region_that_is_a_source_and_a_target_reads_for_both_roles() -> None:
    pairs = [Pair(SOURCE, TARGET), Pair(TARGET, SOURCE)]  # active-active
    needed = scope.of_rules([RULES["ACM-003"]], pairs)
    assert needed["regions"][SOURCE] == needed["regions"][TARGET] == needed["anywhere"]


def test_names_and_dependency_references_are_read_too() -> None:
    # SM-001 names its results by Name and follows KmsKeyId to KMS-002's failures.
    reads = scope.reads_of([RULES["SM-001"], RULES["KMS-002"]])[scope.SOURCE]
    assert {"Name", "KmsKeyId"} <= set(reads["secretsmanager.secret"] or ["*"])
    assert "Aliases" in set(reads["kms.key"] or ["*"])


# -- against the demo account ----------------------------------------------------------


@pytest.fixture(scope="module")
def demo() -> Iterator[sessions.AccountSession]:
    import boto3
    from moto import mock_aws

    from regionready.demo import moto_gaps
    from regionready.demo.seed import seed_demo

    with mock_aws():
        session = moto_gaps.install(boto3.Session(region_name=SOURCE))
        seed_demo(session, source=SOURCE, target=TARGET, now=dt.datetime.now(dt.UTC))
        yield sessions.AccountSession(session, None, sessions.botocore_config())


def _collect(
    account: sessions.AccountSession, root: Path, rules: list[Rule] | None = None
) -> tuple[Scan, int]:
    """A snapshot of the demo account (for ``rules`` only, if given) and its API calls."""

    options: dict[str, Any] = {}
    # iac checks code under paths given on the command line: none here.
    services = [n for n in registry.names("collectors") if n != "iac"]
    if rules is not None:
        options[scope.SCOPE_OPTION] = scope.of_rules(rules, [Pair(SOURCE, TARGET)])
        services = scope.services(options[scope.SCOPE_OPTION], services)
    result = driver.collect_account(
        account,
        regions=[SOURCE, TARGET],
        services=services,
        workers=8,
        progress=False,
        options=options,
    )
    manifest = driver.build_manifest(
        pairs=[Pair(SOURCE, TARGET)],
        results=[result],
        services=services,
        started_at=NOW,
        finished_at=NOW,
        rules_version="test",
    )
    snapshot_write.write_scan(root, manifest, result.documents, result.local)
    return snapshot_manifest.read_scan(root), sum(result.api_calls.values())


@pytest.fixture(scope="module")
def full(demo: sessions.AccountSession, tmp_path_factory: pytest.TempPathFactory) -> Scan:
    return _collect(demo, tmp_path_factory.mktemp("full"))[0]


def _verdicts(results: list[Result], rule_ids: set[str] | None = None) -> list[tuple[str, ...]]:
    return sorted(
        (r.rule_id, r.resource_id, r.region, r.status.value, r.message)
        for r in results
        if rule_ids is None or r.rule_id in rule_ids
    )


# Rules of collectors that read this machine or code (local, iac) are compared as well:
# they make no AWS call, so their scope is the whole collector.
@pytest.mark.parametrize("rule_id", sorted(set(RULES) - JUDGES_OTHERS))
def test_one_check_collected_alone_judges_as_a_full_collection(
    rule_id: str, demo: sessions.AccountSession, full: Scan, tmp_path: Path
) -> None:
    rule = RULES[rule_id]
    scoped, _ = _collect(demo, tmp_path, [rule])
    assert _verdicts(evaluate(scoped, [rule], now=NOW)) == _verdicts(
        evaluate(full, [rule], now=NOW)
    )


def test_the_six_checks_make_fewer_calls_and_the_rest_reads_error_never_a_wrong_verdict(
    demo: sessions.AccountSession, full: Scan, tmp_path: Path
) -> None:
    six = [RULES[i] for i in SIX]
    scoped, calls = _collect(demo, tmp_path, six)
    _, calls_of_their_services = _collect(
        demo, tmp_path / "services", None
    )  # the whole catalogue's reads, for scale
    assert calls < calls_of_their_services / 2
    apis = {
        e["api"]
        for doc in scoped.documents.values()
        for svc in doc["services"].values()
        for e in svc.get("unread", [])
    }
    assert {"kms:GetKeyPolicy", "kms:ListGrants"} <= apis
    everything = list(RULES.values())
    clean = {(r.rule_id, r.resource_id, r.region): r for r in evaluate(full, everything, now=NOW)}
    judged = evaluate(scoped, everything, now=NOW)
    not_called = [r for r in judged if r.status.value == "ERROR" and "was not called" in r.message]
    assert {r.rule_id for r in not_called} >= {"KMS-003"}, "a key policy check cannot judge"
    wrong = [
        (r.rule_id, r.resource_id, r.region, r.status.value)
        for r in judged
        if r.status.value != "ERROR"
        and (r.rule_id, r.resource_id, r.region) in clean
        and clean[(r.rule_id, r.resource_id, r.region)].status is not r.status
    ]
    assert wrong == []
    assert _verdicts(judged, set(SIX)) == _verdicts(list(clean.values()), set(SIX))


def test_no_fix_is_planned_from_data_that_was_not_read(
    demo: sessions.AccountSession, full: Scan, tmp_path: Path
) -> None:
    rules = [RULES["KMS-002"]]
    scoped, _ = _collect(demo, tmp_path, rules)
    # KMS-002's fix replicates the source key with its policy, which --only KMS-002 did not read.
    results = evaluate(scoped, rules, now=NOW)
    assert any(r.status.value == "FAIL" for r in results)
    changes, notes = planning.plan(results, {"KMS-002": rules[0]}, scoped)
    assert changes == []
    assert notes and all("collected for selected checks only" in n for n in notes)
    full_changes, _ = planning.plan(evaluate(full, rules, now=NOW), {"KMS-002": rules[0]}, full)
    assert full_changes, "from a full collection the same findings are planned"


def test_scan_only_writes_the_calls_it_did_not_make_into_a_valid_snapshot(
    demo: sessions.AccountSession, hooked_sessions: Any, tmp_path: Path
) -> None:
    args = ["scan", "--source", SOURCE, "--target", TARGET, "--out", str(tmp_path)]
    args += ["--only", "KMS-004", "--format", "json", "--quiet", "--now", NOW.isoformat()]
    assert main(args) in (0, 1)
    # every file checked against its schema
    scan = snapshot_manifest.read_scan(tmp_path / "snapshot")
    assert scan.manifest["services"] == ["kms"]
    kms = scan.service(scan.accounts[0], TARGET, "kms")
    assert kms is not None and kms["errors"] == []
    # Once per API, in API order (whichever thread skipped first).
    assert [e["api"] for e in kms["unread"]] == [
        "kms:GetKeyPolicy",
        "kms:ListGrants",
        "kms:ListResourceTags",
    ]
    results = json.loads((tmp_path / "regionready.json").read_text())["results"]
    assert {r["rule_id"] for r in results} == {"KMS-004"}


def test_collect_only_then_other_checks_are_error_and_the_chosen_ones_judged(
    demo: sessions.AccountSession,
    full: Scan,
    hooked_sessions: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    snap = tmp_path / "snap"
    args = ["collect", "--source", SOURCE, "--target", TARGET, "--out", str(snap)]
    assert main([*args, "--only", "ACM-003", "--quiet"]) == 0
    scan = snapshot_manifest.read_scan(snap)
    assert scan.manifest["services"] == ["acm"]
    source_acm = scan.service(scan.accounts[0], SOURCE, "acm")
    assert source_acm is not None and source_acm["resources"]["certificate"] == []
    assert {e["api"] for e in source_acm["unread"]} >= {"acm:ListCertificates"}
    # ACM-003 is judged as from a full collection; ACM-001 (source vs target) cannot be.
    acm003, acm001 = RULES["ACM-003"], RULES["ACM-001"]
    assert _verdicts(evaluate(scan, [acm003], now=NOW)) == _verdicts(
        evaluate(full, [acm003], now=NOW)
    )
    judged = evaluate(scan, [acm001], now=NOW)
    assert judged and {r.status.value for r in judged} == {"ERROR"}
    assert all("acm:ListCertificates" in r.message and "not called" in r.message for r in judged)
    assert main(["collect", "--only", "NOPE-001", *args[1:]]) == 2
    assert "--only names unknown rules: NOPE-001" in capsys.readouterr().err
    # Judged with the whole catalogue: the checks of services it lacks are named, not
    # silently left out.
    out = ["--out", str(tmp_path / "r"), "--format", "json", "--now", NOW.isoformat()]
    assert main(["evaluate", str(snap), *out]) == 3  # ERROR results: incomplete
    err = capsys.readouterr().err
    [note] = [line for line in err.splitlines() if line.startswith("note: ")]
    uncollected = [
        r for r in RULES.values() if not {n.split(".")[0] for n in r.resources} & {"acm", META}
    ]
    assert f"{len(uncollected)} of {len(RULES)} checks not judged" in note
    assert "kms" in note and "acm," not in note
    assert main(["evaluate", str(snap), *out, "--only", "ACM-003"]) in (0, 1)
    assert "not judged" not in capsys.readouterr().err
