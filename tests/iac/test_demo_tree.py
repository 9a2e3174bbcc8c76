"""The demo IaC tree: every check flags exactly the ids write_tree promises."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from regionready.demo import seed_iac
from regionready.iac.scan import ScanOptions, ScanOutcome, scan

SOURCE, TARGET = "me-central-1", "eu-central-1"


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    root = tmp_path_factory.mktemp("demo-iac")
    return root, seed_iac.write_tree(root, SOURCE, TARGET)


def failing(outcome: ScanOutcome, check: str) -> list[str]:
    return sorted(
        i["Id"]
        for items in outcome.items.values()
        for i in items
        if i.get("Check") == check and not i["Clean"]
    )


def test_each_check_flags_exactly_the_planted_hazards(
    tree: tuple[Path, dict[str, list[str]]], checkov_path: str
) -> None:
    root, expected = tree
    outcome = scan(ScanOptions([root], root, SOURCE, TARGET, checkov_path=checkov_path))
    assert outcome.errors == []
    for check in ("IAC-001", "IAC-002", "IAC-004", "STS-002"):
        assert failing(outcome, check) == sorted(expected[check]), check
    assert set(expected["IAC-003"]) <= set(failing(outcome, "IAC-003"))
    flagged = {
        i["Path"] for items in outcome.items.values() for i in items if not i.get("Clean", True)
    }
    assert not flagged & set(expected["healthy"])


def test_seed_writes_only_where_the_demo_says(tmp_path: Path) -> None:
    plan = SimpleNamespace(source=SOURCE, target=TARGET, failing={}, healthy=[])
    seed_iac.seed(None, plan)
    assert plan.failing == {} and plan.healthy == []
    plan.code_root = tmp_path
    seed_iac.seed(None, plan)
    assert (tmp_path / "templates" / "devices.yaml").exists()
    assert plan.failing["STS-002"] == ["app/identity.py:5:11:sts-client-no-region"]
    assert "templates/portable.yaml" in plan.healthy
