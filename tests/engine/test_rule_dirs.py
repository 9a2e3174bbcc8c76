"""Rule directories in any layout (issue 14, point 5), and ``rules validate`` reporting
every error of every file.

Every ``*.yaml``/``*.yml`` under ``--rules DIR``, at any depth, is a rule file, except
those in a ``tests/`` folder (the fixtures beside the rules). A directory that is not laid
out as ``<service>/<ID>.yaml`` used to be ignored: ``rules validate my-rules/`` said "0 rule
files valid" and ``--rules my-rules/`` ran none of its rules, silently.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from regionready.cli import main
from regionready.engine import rules as rules_module
from regionready.engine.fixtures import fixture_files
from regionready.engine.rules import (
    RuleError,
    builtin_rules_dir,
    load_rules,
    parse_rule,
    rule_files,
)


def rule(rule_id: str, *, severity: str = "medium", key: str = "DomainName") -> str:
    return f"""\
id: {rule_id}
title: A test rule
description: A rule used by the tests only.
service: acm
kind: readiness
severity: {severity}
resource: acm.certificate
fail_when:
  - {{key: "{key}", op: present}}
message: "{{DomainName}} is bad"
remediation: {{text: Fix it., action: null}}
references: ["seed 000"]
"""


FIXTURE = """\
rule: XX-001
cases:
  - name: fires
    target: {acm: {certificate: [{CertificateArn: arn:a, DomainName: a.example}]}}
    expect: {FAIL: [arn:a]}
  - name: quiet
    target: {acm: {certificate: [{CertificateArn: arn:b}]}}
    expect: {PASS: [arn:b]}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, list[str], list[str]]:
    """(exit code, stdout lines, stderr lines) of ``regionready ARGV`` in-process."""
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err.splitlines()


class Hung(BaseException):
    """Raised by the alarm: a BaseException, so no ``except OSError`` can swallow it."""


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """A FIFO below is a rule file: a build that opens it blindly would wait forever for
    a writer. The alarm interrupts that wait (the open is retried unless the handler
    raises), so the test fails instead of hanging."""

    def hung(signum: int, frame: Any) -> None:
        raise Hung("still running after 20 s: blocked on a FIFO?")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def no_builtin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the rules under test (``rules test`` would run every built-in fixture)."""
    empty = tmp_path / "no-builtin-rules"
    empty.mkdir()
    monkeypatch.setattr(rules_module, "builtin_rules_dir", lambda: empty)


# -- discovery ---------------------------------------------------------------------------------


def test_a_flat_rules_dir_is_loaded_and_validated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    my = tmp_path / "my-rules"
    write(my / "XX-001.yaml", rule("XX-001"))
    assert [r.id for r in load_rules([my], include_builtin=False)] == ["XX-001"]
    assert "XX-001" in {r.id for r in load_rules([my])}
    assert cli(capsys, "rules", "validate", my) == (0, ["1 rule file valid"], [])
    code, out, _ = cli(capsys, "rules", "list", "--format", "json", "--rules", my)
    assert code == 0 and '"id": "XX-001",' in "\n".join(out)


def test_a_rule_file_not_named_after_its_id_is_reported_not_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``my-rules/r.yaml`` is a rule file: it is read and checked. Its id is not its file
    name, which loading refuses, so validating says so (it used to say "0 rule files
    valid")."""
    path = write(tmp_path / "my-rules" / "r.yaml", rule("XX-001"))
    code, out, err = cli(capsys, "rules", "validate", path.parent)
    message = f"{path}:1: id: XX-001 does not match the file name r.yaml"
    assert code == 2
    assert [line.split(" (")[0] for line in out] == [message]
    assert len(err) == 1 and err[0].startswith(f"regionready: error: {message}")
    with pytest.raises(RuleError, match=r"does not match the file name r\.yaml"):
        load_rules([path.parent], include_builtin=False)


def test_nested_rule_files_at_any_depth_yaml_and_yml(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    my = tmp_path / "my-rules"
    write(my / "a" / "b" / "XX-001.yaml", rule("XX-001"))
    write(my / "a" / "b" / "c" / "d" / "XX-002.yml", rule("XX-002"))
    write(my / "XX-003.yaml", rule("XX-003"))
    assert [r.id for r in load_rules([my], include_builtin=False)] == [
        "XX-001",
        "XX-002",
        "XX-003",
    ]
    assert cli(capsys, "rules", "validate", my) == (0, ["3 rule files valid"], [])
    assert cli(capsys, "rules", "validate", "--rules", my)[1] == [
        f"{len(rule_files(builtin_rules_dir())) + 3} rule files valid"
    ]


def test_files_in_a_tests_folder_are_fixtures_not_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], no_builtin: None
) -> None:
    my = tmp_path / "my-rules"
    write(my / "XX-001.yaml", rule("XX-001"))
    write(my / "tests" / "XX-001.yaml", FIXTURE)  # beside a flat rule
    write(my / "deep" / "tests" / "more" / "XX-001.yml", FIXTURE)
    assert rule_files(my) == [my / "XX-001.yaml"]
    assert fixture_files(my) == [
        my / "deep" / "tests" / "more" / "XX-001.yml",
        my / "tests" / "XX-001.yaml",
    ]
    assert cli(capsys, "rules", "validate", my) == (0, ["1 rule file valid"], [])
    code, out, _ = cli(capsys, "rules", "test", "--rules", my)
    assert code == 0, out
    assert out[-1] == "4 passed, 0 failed"


def test_the_builtin_catalogue_is_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    """81 rules; its ``<service>/tests/`` folders are fixtures, one per rule."""
    root = builtin_rules_dir()
    loaded = load_rules()
    assert len(loaded) == 81
    assert rule_files(root) == sorted(root.glob("*/*.yaml"))
    assert fixture_files(root) == sorted(root.glob("*/tests/*.yaml"))
    assert {r.path for r in loaded} == {
        f"rules/{p.relative_to(root).as_posix()}" for p in root.glob("*/*.yaml")
    }
    assert cli(capsys, "rules", "validate") == (0, ["81 rule files valid"], [])


@pytest.mark.parametrize("layout", ["empty", "only-fixtures", "only-other-files"])
def test_a_dir_without_rule_files_is_exit_2(
    layout: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    my = tmp_path / "my-rules"
    my.mkdir()
    if layout == "only-fixtures":
        write(my / "acm" / "tests" / "XX-001.yaml", FIXTURE)
    if layout == "only-other-files":
        write(my / "README.md", "# my rules\n")
        write(my / "acm" / "XX-001.json", "{}")
    for argv in (["rules", "validate", my], ["rules", "list", "--rules", my]):
        code, _, err = cli(capsys, *argv)
        assert code == 2, argv
        assert len(err) == 1 and err[0].startswith(f"regionready: error: {my}: no rule files")
    snapshot = tmp_path / "no-snapshot-needed"
    code, _, err = cli(capsys, "evaluate", snapshot, "--rules", my)
    assert code == 2 and len(err) == 1 and str(my) in err[0]


def test_a_special_file_named_like_a_rule_is_listed_not_skipped(tmp_path: Path) -> None:
    my = tmp_path / "my-rules"
    write(my / "XX-001.yaml", rule("XX-001"))
    os.mkfifo(my / "XX-002.yaml")
    (my / "XX-003.yaml").symlink_to("XX-003.yaml")
    (my / "XX-004.yml").symlink_to(my / "gone.yaml")
    assert rule_files(my) == [my / n for n in ("XX-001.yaml", "XX-002.yaml", "XX-003.yaml")] + [
        my / "XX-004.yml"
    ]
    with pytest.raises(RuleError, match=r"XX-002\.yaml:1: a FIFO"):
        load_rules([my], include_builtin=False)


def test_a_symlinked_folder_is_followed_inside_and_refused_outside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    my = tmp_path / "my-rules"
    write(my / "real" / "XX-001.yaml", rule("XX-001"))
    (my / "again").symlink_to(my / "real")  # the same folder: read once
    (my / "loop").symlink_to(my)
    assert [r.id for r in load_rules([my], include_builtin=False)] == ["XX-001"]
    write(tmp_path / "elsewhere" / "XX-002.yaml", rule("XX-002"))
    (my / "shared").symlink_to(tmp_path / "elsewhere")
    code, out, _ = cli(capsys, "rules", "validate", my)
    assert code == 2
    leads = f"a symlink that leads outside {my} (to {tmp_path / 'elsewhere'})"
    assert out == [f"{my / 'shared'}:1: {leads}"]


# -- every error of every file ------------------------------------------------------------------


def test_two_files_with_two_errors_each_give_four_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    my = tmp_path / "my-rules"
    a = write(my / "a" / "XX-001.yaml", rule("XX-001", severity="urgent", key="eval(x)"))
    b = write(
        my / "b" / "XX-002.yml",
        rule("XX-002").replace("kind: readiness", "kind: readiness\nbogus: 1")
        + "where:\n  - {key: Type, op: eq}\n",
    )
    code, out, err = cli(capsys, "rules", "validate", my)
    assert code == 2
    assert out == [
        f"{a}:6: severity: 'urgent' is not one of ['critical', 'high', 'medium', 'low', 'note']",
        f"{a}:9: fail_when.0.key: unknown function eval() (see 'regionready rules functions')",
        f"{b}:6: rule: unknown key ('bogus' was unexpected)",
        f"{b}:15: where[0]: op 'eq' needs a value",
    ]
    assert err == [f"regionready: error: {out[0]} (and 3 more, all 4 listed on stdout)"]
    # the same files given one by one, and through --rules
    assert cli(capsys, "rules", "validate", a, b)[1] == out
    assert cli(capsys, "rules", "validate", "--rules", my)[1] == out


def test_each_file_is_checked_after_an_unreadable_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    my = tmp_path / "my-rules"
    my.mkdir()
    os.mkfifo(my / "XX-001.yaml")
    bad = write(my / "XX-002.yaml", rule("XX-002", severity="urgent"))
    write(my / "XX-003.yaml", "- not\n- a mapping\n")
    code, out, err = cli(capsys, "rules", "validate", my, tmp_path / "missing.yaml")
    assert code == 2 and len(err) == 1
    assert out == [
        f"{my}/XX-001.yaml:1: a FIFO (named pipe), not a regular file",
        f"{bad}:6: severity: 'urgent' is not one of ['critical', 'high', 'medium', 'low', 'note']",
        f"{my}/XX-003.yaml:1: a rule file must be a YAML mapping",
        f"{tmp_path}/missing.yaml: no such file or directory",
    ]


def test_duplicate_ids_and_unknown_dependencies_are_reported_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    my = tmp_path / "my-rules"
    write(my / "a" / "XX-001.yaml", rule("XX-001"))
    write(my / "b" / "XX-001.yaml", rule("XX-001"))
    write(my / "XX-002.yaml", rule("XX-002") + "depends_on: [XX-009, ACM-001]\n")
    code, out, _ = cli(capsys, "rules", "validate", my)
    assert code == 2
    assert out == [
        f"{my}/b/XX-001.yaml:1: rule id XX-001 is already defined by {my}/a/XX-001.yaml",
        f"{my}/XX-002.yaml:1: depends_on names unknown rule XX-009",
    ]


def test_semantic_errors_are_found_beside_schema_errors(tmp_path: Path) -> None:
    """A rule that breaks the schema is still checked for everything else, without a
    crash on the parts the schema refused."""
    text = (
        rule("XX-001", severity="urgent")
        .replace("title: A test rule", "title: [not, text]")
        .replace("resource: acm.certificate", "resource: acm.certificate\nparams: [1]")
        + "where:\n  - {key: 'nope(x)', op: eq, value: 1}\n  - 5\n  - {key: 7, op: what}\n"
        + "escalate: [{when: 3}, 4]\nlookups: {x: 1, y: {key: '['}}\nquota: [1, {where: 2}]\n"
    )
    path = write(tmp_path / "XX-001.yaml", text)
    _, errors = rules_module.rule_problems(path, "x")
    assert any("severity: 'urgent'" in e for e in errors)
    assert any("title: ['not', 'text'] is not of type 'string'" in e for e in errors)
    assert any("where.0.key: unknown function nope()" in e for e in errors)
    assert any("lookups.y.key: invalid JMESPath expression '['" in e for e in errors)
    assert all(e.startswith(f"{path}:") for e in errors)
    with pytest.raises(RuleError) as info:
        parse_rule(path, "x")
    assert str(info.value) == errors[0]  # parse_rule still raises the first


def test_a_missing_kind_does_not_claim_pair_by_or_quota_are_required(tmp_path: Path) -> None:
    path = write(tmp_path / "XX-001.yaml", rule("XX-001").replace("kind: readiness\n", ""))
    _, errors = rules_module.rule_problems(path, "x")
    assert errors == [f"{path}:1: rule: 'kind' is a required property"]
