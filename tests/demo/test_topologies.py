"""`regionready demo --topology`: the flag, its pairs, and one topology's demo run.

The exact verdicts of each topology's other pair are in tests/e2e/test_topologies.py (a
scan over HTTP); this module checks the command line and what the demo prints.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from regionready import topology
from regionready.cli import build_parser, main
from regionready.cli.commands import demo as demo_command
from regionready.demo import run as demo_run
from regionready.demo import topologies
from regionready.demo.seed import DemoPlan, service_seeders
from regionready.model import Status
from regionready.topology import Pair

SOURCE, TARGET = "me-central-1", "eu-central-1"
SHAPES = {
    "two-targets": ("several targets", [Pair(SOURCE, TARGET), Pair(SOURCE, "eu-west-1")]),
    "active-active": ("active-active", [Pair(SOURCE, TARGET), Pair(TARGET, SOURCE)]),
    "consolidation": ("consolidation", [Pair(SOURCE, TARGET), Pair("me-south-1", TARGET)]),
}


@pytest.mark.parametrize("name", list(SHAPES))
def test_topology_flag_parses(name: str) -> None:
    args = build_parser().parse_args(["demo", "--topology", name])
    assert args.topology == name
    assert build_parser().parse_args(["demo"]).topology is None


def test_unknown_topology_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["demo", "--topology", "three-targets"])
    assert info.value.code == 2
    assert "--topology: invalid choice: 'three-targets'" in capsys.readouterr().err


def test_remediate_with_a_topology_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "--topology", "consolidation", "--remediate", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"regionready: error: {demo_run.REMEDIATE_ONE_PAIR}\n"
    assert not out.exists(), "refused before seeding anything"


def test_help_teaches_the_three_shapes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    for name in SHAPES:
        assert f"{name} (" in help_text
    for region in ("eu-west-1", "me-south-1", "<->"):
        assert region in help_text


def test_each_choice_is_a_seeded_topology_of_its_shape() -> None:
    assert tuple(demo_command.TOPOLOGIES) == topologies.NAMES == tuple(SHAPES)
    for name, (shape, pairs) in SHAPES.items():
        found = topologies.pairs(name, SOURCE, TARGET)
        assert found == pairs
        assert topology.shape(found) == shape
        assert topologies.story(name)
    assert topologies.pairs(None, SOURCE, TARGET) == [Pair(SOURCE, TARGET)]
    with pytest.raises(ValueError, match="unknown topology 'ring'"):
        topologies.pairs("ring", SOURCE, TARGET)


def test_the_one_pair_demo_does_not_run_the_topology_seeding() -> None:
    assert topologies not in service_seeders()


def test_a_topology_leaves_the_iac_options_out(tmp_path: Path) -> None:
    from regionready.demo import seed_iac

    plan = DemoPlan(SOURCE, TARGET, "123456789012", dt.datetime.now(dt.UTC), workdir=tmp_path)
    local = {"aws_config_file": str(tmp_path / "local" / "config")}
    plan.options = {**local, **seed_iac.scan_options(plan)}
    assert demo_run._scan_options(plan, [Pair(SOURCE, TARGET)]) == plan.options
    assert demo_run._scan_options(plan, SHAPES["two-targets"][1]) == local


def _result(pair: Pair, rule: str, name: str, status: Status) -> Any:
    return SimpleNamespace(
        pair=pair.label, rule_id=rule, resource_name=name, resource_id=f"id-{name}", status=status
    )


def test_target_difference_names_what_only_the_other_target_is_ready_for() -> None:
    first, backup = SHAPES["two-targets"][1]
    results = [
        _result(first, "ACM-001", "api.example.com", Status.FAIL),
        _result(backup, "ACM-001", "api.example.com", Status.PASS),
        _result(first, "ACM-001", "www.example.com", Status.PASS),
        _result(backup, "ACM-001", "www.example.com", Status.FAIL),
        _result(first, "KMS-001", "alias/billing", Status.FAIL),
        _result(backup, "KMS-001", "alias/billing", Status.FAIL),
        _result(backup, "SM-001", "prod/orders/db", Status.FAIL),
    ]
    assert demo_run.target_difference(results, [first, backup]) == [
        "\neu-west-1 against eu-central-1 (both take over from me-central-1):",
        "  ready in eu-west-1, not in eu-central-1: ACM-001 api.example.com",
        "  failing in eu-west-1 only: 2 checks (see the reports)",
    ]
    for other in ("active-active", "consolidation"):
        assert demo_run.target_difference(results, SHAPES[other][1]) == []
    assert demo_run.target_difference(results, [first]) == []


def test_two_targets_demo_collects_each_region_once_and_prints_each_pair(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo"
    assert demo_run.run_demo(out, progress=False, topology_name="two-targets") == 0
    printed = capsys.readouterr().out
    manifest = json.loads((out / "snapshot" / "manifest.json").read_text())
    assert manifest["pairs"] == [
        {"source": SOURCE, "target": TARGET},
        {"source": SOURCE, "target": "eu-west-1"},
    ]
    [account] = manifest["accounts"]
    regions = sorted(p.stem for p in (out / "snapshot" / account).glob("*.json"))
    assert regions == ["eu-central-1", "eu-west-1", "global", "me-central-1"]
    assert (
        f"simulated account {account}, two-targets, me-central-1 -> eu-central-1, "
        "me-central-1 -> eu-west-1 (moto" in printed
    )
    assert demo_run.IAC_NOTE in printed
    assert (
        "  ready in eu-west-1, not in eu-central-1: ACM-001 api.example.com, KMS-001 "
        "alias/audit-mrk, KMS-002 alias/audit-mrk, SM-001 prod/billing/api-key" in printed
    )
    report = json.loads((out / "regionready.json").read_text())
    assert {(r["source_region"], r["target_region"]) for r in report["results"]} == {
        (SOURCE, TARGET),
        (SOURCE, "eu-west-1"),
    }
    assert not [r for r in report["results"] if r["status"] == "ERROR"]
    assert not [
        r for r in report["results"] if r["service"] == "iac" and r["status"] != "NOT_APPLICABLE"
    ]
