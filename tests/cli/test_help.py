"""The command line teaches: every command has help for each of its options, the
top-level help lists the commands, the exit codes and examples; and the ``rules``
commands answer with the right exit codes."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import pytest

from regionready import cli
from regionready.cli import build_parser, main

COMMANDS = [
    ["collect"],
    ["evaluate"],
    ["scan"],
    ["demo"],
    ["iac"],
    ["merge"],
    ["diff"],
    ["trend"],
    ["plan"],
    ["iam-policy"],
    ["remediate"],
    ["rules"],
    ["rules", "list"],
    ["rules", "validate"],
    ["rules", "test"],
    ["rules", "docs"],
    ["rules", "schema"],
    ["rules", "functions"],
]


class RecordingParser(argparse.ArgumentParser):
    """An ArgumentParser that keeps every argument and subcommand added to it (argparse
    itself lists them only in private attributes)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.arguments: list[argparse.Action] = []
        self.subcommands: dict[str, RecordingParser] = {}
        super().__init__(*args, **kwargs)

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        self.arguments.append(action)
        return action

    def add_subparsers(self, **kwargs: Any) -> Any:
        action = super().add_subparsers(**kwargs)  # its parsers are RecordingParsers too
        self.arguments.append(action)
        self.subcommands = action.choices  # filled as each subcommand's parser is added
        return action


def subparser(path: list[str]) -> RecordingParser:
    """The parser of ``regionready <path>``: its command's arguments (from the command
    table :func:`build_parser` builds from), added to a parser that keeps them."""
    command = {c.NAME: c for c in cli.COMMANDS}[path[0]]
    parser = RecordingParser(prog=f"regionready {command.NAME}", description=command.HELP)
    command.add_arguments(parser)
    for name in path[1:]:
        parser = parser.subcommands[name]
    return parser


def test_top_level_help_lists_commands_exit_codes_and_examples(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for command in ("collect", "evaluate", "scan", "demo", "rules", "iam-policy"):
        assert f"\n    {command}" in out, command
    assert "exit codes:" in out
    for code in ("0  ready", "1  findings", "2  usage", "3  incomplete", "130  interrupted"):
        assert code in out
    assert "examples:" in out and "regionready demo" in out


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_option_is_explained(path: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    parser = subparser(path)
    assert parser.description, "the command says what it does"
    unexplained = [
        action.option_strings or action.dest
        for action in parser.arguments
        if not action.help or action.help == argparse.SUPPRESS
    ]
    assert unexplained == []
    with pytest.raises(SystemExit) as info:
        main([*path, "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: regionready {' '.join(path)}")
    assert f"\n\n{parser.description}\n" in out, "the description, as --help shows it"
    shown = {
        alias.split()[0]
        for line in out.splitlines()
        if (entry := re.match(r"  (-\S.*?)(?:  |$)", line))
        for alias in entry[1].split(", ")
    }
    assert shown and shown <= {o for a in parser.arguments for o in a.option_strings}, (
        "every option --help shows was checked above"
    )


def test_every_command_is_in_the_help_test() -> None:
    names = [command.NAME for command in cli.COMMANDS]
    assert sorted(names) == sorted(path[0] for path in COMMANDS if len(path) == 1)
    assert [p for p in COMMANDS if len(p) == 2] == [
        ["rules", n] for n in subparser(["rules"]).subcommands
    ]


def test_demo_writes_to_regionready_demo_by_default() -> None:
    assert build_parser().parse_args(["demo"]).out == Path("regionready-demo")


def test_rules_list_and_validate_the_shipped_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "list"]) == 0
    out = capsys.readouterr().out
    for rule in ("ACM-001", "ACM-002", "ACM-003", "ACM-004", "KMS-001", "KMS-002", "KMS-003"):
        assert rule in out
    assert "GEN-005" in out
    assert main(["rules", "validate"]) == 0


RULE = """\
id: XX-001
title: A test rule
description: A rule used by the tests only.
service: acm
kind: readiness
severity: medium
resource: acm.certificate
fail_when:
  - {key: Type, op: eq, value: IMPORTED}
message: "{DomainName} is imported"
remediation: {text: Fix it.}
references: [test]
"""

FIXTURE = """\
rule: XX-001
cases:
  - name: imported fires, issued stays quiet
    target:
      acm:
        certificate:
          - CertificateArn: "arn:aws:acm:eu-central-1:1:certificate/a"
            DomainName: a
            Type: IMPORTED
          - CertificateArn: "arn:aws:acm:eu-central-1:1:certificate/b"
            DomainName: b
            Type: AMAZON_ISSUED
    expect:
      FAIL: ["arn:aws:acm:eu-central-1:1:certificate/a"]
      PASS: ["arn:aws:acm:eu-central-1:1:certificate/b"]
"""


def test_rules_test_exits_1_when_a_fixture_expectation_is_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules"
    (rules / "x" / "tests").mkdir(parents=True)
    (rules / "x" / "XX-001.yaml").write_text(RULE)
    fixture = rules / "x" / "tests" / "XX-001.yaml"
    fixture.write_text(FIXTURE)
    args = ["rules", "test", "--rules", str(rules), "--only", "XX-001"]
    assert main(args) == 0, capsys.readouterr()
    swapped = FIXTURE.replace("FAIL:", "WAS:").replace("PASS:", "FAIL:").replace("WAS:", "PASS:")
    fixture.write_text(swapped)
    assert main(args) == 1
    assert "XX-001" in capsys.readouterr().out
