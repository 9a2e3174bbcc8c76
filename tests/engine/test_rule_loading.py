"""Bad rule files give exit-2 errors that name the file, the line and what is wrong."""

from pathlib import Path

import pytest

from regionready.cli import main
from regionready.engine.operators import OPERATORS
from regionready.engine.rules import RuleError, load_rules, parse_rule
from regionready.engine.schema import rule_schema

GOOD = """\
id: TST-001
title: A test rule
description: A rule used by the tests only.
service: acm
kind: readiness
severity: medium
resource: acm.certificate
params: {days: 30}
where:
  - {key: Type, op: eq, value: IMPORTED}
fail_when:
  - {key: "days_until(NotAfter)", op: le, value: "{params.days}"}
message: "{DomainName} expires"
remediation: {text: Renew it., action: null}
references: ["seed 000"]
"""


def write(tmp_path: Path, text: str, name: str = "TST-001.yaml") -> Path:
    folder = tmp_path / "rules" / "acm"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def test_good_rule_parses(tmp_path: Path) -> None:
    rule = parse_rule(write(tmp_path, GOOD), "x")
    assert rule.id == "TST-001"
    assert rule.params == {"days": 30}
    assert rule.where[0].op == "eq"


@pytest.mark.parametrize(
    ("change", "line", "fragment"),
    [
        (("severity: medium", "severity: urgent"), 6, "severity: 'urgent' is not one of"),
        (("op: eq", "op: equals"), 10, "'equals' is not one of"),
        (
            ("kind: readiness", "kind: readiness\nbogus: 1"),
            6,
            "unknown key ('bogus' was unexpected)",
        ),
        (('"days_until(NotAfter)"', '"days_until(NotAfter"'), 12, "invalid JMESPath expression"),
        (('"days_until(NotAfter)"', '"days_left(NotAfter)"'), 12, "unknown function days_left()"),
        (('"{params.days}"', '"{params.weeks}"'), 12, "unknown parameter 'weeks'"),
        (
            ("  - {key: Type, op: eq, value: IMPORTED}", "  - {key: Type, op: eq}"),
            10,
            "needs a value",
        ),
        (
            ("  - {key: Type, op: eq, value: IMPORTED}", "  - {key: Type, op: absent, value: 1}"),
            10,
            "takes no value",
        ),
        (('references: ["seed 000"]', "references: []"), 15, "should be non-empty"),
        (("title: A test rule", "title: A test rule: [unclosed"), 2, ""),
    ],
)
def test_bad_rule_names_file_and_line(
    tmp_path: Path, change: tuple[str, str], line: int, fragment: str
) -> None:
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(RuleError) as info:
        parse_rule(path, "x")
    message = str(info.value)
    assert message.startswith(f"{path}:{line}:"), message
    assert fragment in message


def test_aliases_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "x: &a [1]\ny: *a\n")
    with pytest.raises(RuleError, match="aliases"):
        parse_rule(path, "x")


def test_parity_needs_pair_by(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("kind: readiness", "kind: parity"))
    with pytest.raises(RuleError, match="'pair_by' is a required property"):
        parse_rule(path, "x")


def test_id_must_match_file_name_and_be_unique(tmp_path: Path) -> None:
    write(tmp_path, GOOD, name="TST-002.yaml")
    with pytest.raises(RuleError, match="does not match the file name"):
        load_rules([tmp_path / "rules"], include_builtin=False)
    clash = GOOD.replace("TST-001", "ACM-001")
    (tmp_path / "rules" / "acm" / "TST-002.yaml").unlink()
    write(tmp_path, clash, name="ACM-001.yaml")
    with pytest.raises(RuleError, match="already defined"):
        load_rules([tmp_path / "rules"])


def test_cli_reports_bad_rule_with_exit_2_and_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, GOOD.replace("op: eq", "op: equals"))
    code = main(["rules", "validate", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"regionready: error: {path}:10:")
    assert "Traceback" not in err
    assert err.count("\n") == 1


def test_shipped_rules_are_valid_and_schema_is_generated_from_tables() -> None:
    rules = load_rules()
    assert {"ACM-001", "ACM-003", "KMS-003", "GEN-005"} <= {r.id for r in rules}
    schema = rule_schema()
    ops = schema["$defs"]["condition"]["properties"]["op"]["enum"]
    # The operator list is checked in test_operators.py.
    assert set(ops) == set(OPERATORS)


ESCALATE = GOOD.replace(
    "message:",
    """escalate:
  - when: [{key: Type, op: eq, value: IMPORTED}]
    severity: high
message:""",
)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ("{key: Type, op: present, value: IMPORTED}", "escalate.0.when[0]: op 'present' takes no"),
        ("{key: Type, op: eq}", "escalate.0.when[0]: op 'eq' needs a value"),
        ("{key: Type, op: eq, value: '{params.weeks}'}", "unknown parameter 'weeks'"),
        ("{key: Type, op: eq, value_from: 'Type('}", "invalid JMESPath expression"),
    ],
)
def test_escalate_conditions_are_checked_like_the_others(
    tmp_path: Path, change: str, fragment: str
) -> None:
    """Every list of conditions (escalate and quota ones included) gets every check."""
    assert parse_rule(write(tmp_path, ESCALATE), "x").escalate
    path = write(tmp_path, ESCALATE.replace("{key: Type, op: eq, value: IMPORTED}]", change + "]"))
    with pytest.raises(RuleError) as info:
        parse_rule(path, "x")
    assert str(info.value).startswith(f"{path}:14:"), info.value
    assert fragment in str(info.value)
