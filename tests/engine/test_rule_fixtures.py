"""Every shipped rule's fixtures run as tests; every rule fires once and stays quiet once."""

from __future__ import annotations

from pathlib import Path

import pytest

from regionready import yamlsafe
from regionready.engine.fixtures import fixture_files, run_fixture_file
from regionready.engine.rules import builtin_rules_dir, load_rules

RULES = {r.id: r for r in load_rules()}
FILES = fixture_files(builtin_rules_dir())


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_fixture_cases_pass(path: Path) -> None:
    outcomes = run_fixture_file(path, RULES)
    assert outcomes
    failures = [f"{o.label}: {'; '.join(o.problems)}" for o in outcomes if not o.ok]
    assert not failures, "\n".join(failures)


def test_every_rule_has_a_firing_and_a_quiet_case() -> None:
    fires: set[str] = set()
    quiet: set[str] = set()
    for path in FILES:
        data, _ = yamlsafe.load(path)
        for case in data["cases"]:
            expect = case["expect"]
            if expect.get("FAIL"):
                fires.add(data["rule"])
            if set(expect) - {"FAIL", "ERROR"}:
                quiet.add(data["rule"])
    assert set(RULES) - fires == set(), "rules that never fire in a fixture"
    assert set(RULES) - quiet == set(), "rules that never stay quiet in a fixture"


def test_a_wrong_expectation_is_reported(tmp_path: Path) -> None:
    """The runner itself can fail: a fixture expecting PASS for a failing resource."""
    source = (builtin_rules_dir() / "kms" / "tests" / "KMS-002.yaml").read_text()
    broken = tmp_path / "KMS-002.yaml"
    broken.write_text(source.replace("FAIL: [mrk-audit]", "PASS: [mrk-audit]", 1))
    outcomes = run_fixture_file(broken, RULES)
    assert not outcomes[0].ok
    assert any("unexpected FAIL for mrk-audit" in p for p in outcomes[0].problems)
