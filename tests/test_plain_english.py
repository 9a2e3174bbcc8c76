"""Every message in plain English (issue 21): days in words and whole numbers, singular
and plural counts, every rule function documented from one docstring, tables that wrap
instead of cutting, and --services spelt as the user types it."""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest

from regionready import registry, wording
from regionready.cli import main
from regionready.engine.fixtures import scan_from_case
from regionready.engine.functions import (
    CUSTOM_FUNCTIONS,
    RegionReadyFunctions,
    function_arguments,
    function_summary,
)
from regionready.engine.rules import load_rules
from regionready.runner import Clock, build_report

NOW = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
RULES = {rule.id: rule for rule in load_rules([])}


# -- days and counts -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "words"),
    [
        (10.0, "expires in 10 days"),
        (9.9993, "expires in 10 days"),  # "10.0 days" once, beside "10 days"
        (9.2, "expires in 10 days"),  # counted up: "in N days" holds when days_until <= N
        (1.0, "expires in 1 day"),
        (0.3, "expires in less than a day"),
        (0.0, "expired less than a day ago"),
        (-0.5, "expired less than a day ago"),
        (-1.1, "expired 1 day ago"),  # "in -1.1 days" once
        (-2.9, "expired 2 days ago"),
    ],
)
def test_expiry_in_words(days_left: float, words: str) -> None:
    assert wording.expiry_in_words(days_left) == words


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "0 findings"),
        (1, "1 finding"),
        (2, "2 findings"),
        (1.0, "1 finding"),
        (3.0, "3 findings"),
    ],
)
def test_plural(count: float, text: str) -> None:
    assert wording.plural(count, "finding") == text


def test_plural_with_an_irregular_form() -> None:
    assert wording.plural(2, "policy", "policies") == "2 policies"
    assert wording.plural(1, "policy", "policies") == "1 policy"


def _certificate(name: str, not_after: str) -> dict[str, str]:
    return {
        "CertificateArn": f"arn:aws:acm:eu-central-1:111111111111:certificate/{name}",
        "DomainName": f"{name}.example.com",
        "Type": "IMPORTED",
        "Status": "ISSUED",
        "NotAfter": not_after,
    }


def _report(rule_id: str, case: dict[str, object]):  # type: ignore[no-untyped-def]
    rule = RULES[rule_id]
    return build_report(scan_from_case(rule, case), [rule], Clock(NOW))


def test_expiry_messages_say_days_in_words() -> None:
    report = _report(
        "ACM-003",
        {
            "target": {
                "acm": {
                    "certificate": [
                        _certificate("gone", "2026-11-21T21:36:00Z"),  # 1.1 days ago
                        _certificate("soon", "2026-12-02T23:00:00Z"),  # 9.96 days
                    ]
                }
            }
        },
    )
    messages = {r.resource_id.rsplit("/", 1)[1]: r.message for r in report.findings()}
    assert messages["gone"] == (
        "imported certificate gone.example.com in eu-central-1 expired 1 day ago "
        "(2026-11-21T21:36:00Z); ACM will not renew it"
    )
    assert "expires in 10 days (2026-12-02T23:00:00Z)" in messages["soon"]
    for message in messages.values():
        assert not re.search(r"in -\d|\d\.\d+ days?", message), message


def test_counts_in_console_and_reports_agree_with_their_noun() -> None:
    from regionready.console import plain_verdict_line

    report = _report(
        "ACM-003",
        {"target": {"acm": {"certificate": [_certificate("soon", "2026-12-03T00:00:00Z")]}}},
    )
    assert len(report.findings()) == 1
    line = plain_verdict_line(report, fail_on="high")
    assert ": 1 finding (1 high)" in line, line
    markdown = registry.reporter("markdown").render(report)
    assert "of 1 finding " in markdown and "1 findings" not in markdown
    junit = registry.reporter("junit").render(report)
    assert "1 check," in junit and "1 checks" not in junit


def test_rule_messages_count_in_words() -> None:
    """No rule message prints "(s)"; counts go through plural()."""
    for rule in RULES.values():
        for text in (rule.message, rule.unpaired_message or ""):
            assert "(s)" not in text, rule.id
            assert not re.search(r"\{length\([^{}]*\)\} [a-z]+s\b", text), (rule.id, text)


# -- functions -----------------------------------------------------------------------


@pytest.mark.parametrize("name", CUSTOM_FUNCTIONS)
def test_every_rule_function_has_a_summary(name: str) -> None:
    summary = function_summary(name)
    assert summary, f"{name}: no docstring; add one (regionready rules functions shows it)"
    assert summary[-1] in ".)", f"{name}: the first paragraph should be a sentence"


def test_every_fn_module_function_is_documented_at_its_source() -> None:
    """The docstring belongs to the Python function of the FUNCTIONS table, not only to a
    module docstring."""
    import pkgutil

    import regionready

    for info in pkgutil.iter_modules(regionready.__path__):
        if info.name.startswith("fn_"):
            module = importlib.import_module(f"regionready.{info.name}")
            for name, (func, _spec) in module.FUNCTIONS.items():
                assert (func.__doc__ or "").strip(), f"{info.name}.{name}"
    for name in CUSTOM_FUNCTIONS:
        assert getattr(RegionReadyFunctions, f"_func_{name}").__doc__, name


def test_rules_functions_prints_each_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "functions"]) == 0
    out = capsys.readouterr().out
    for name in ("days_until", "arn_region", "normalize_policy", "plural", "expiry_in_words"):
        args = ", ".join(function_arguments(name))
        assert f"  {name}({args})  {function_summary(name)}\n" in out


# -- tables ---------------------------------------------------------------------------


LONG_ARN = "arn:aws:acm:eu-central-1:123456789012:certificate/" + "0123456789abcdef" * 4


def _columns(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.delenv("NO_COLOR", raising=False)


def test_remediation_plan_table_wraps_at_80_columns(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from regionready.cli.commands.remediate import print_plan
    from regionready.remediation import Change

    _columns(monkeypatch, 80)
    change = Change(
        action="reimport",
        rule_id="ACM-004",
        fingerprint="f" * 16,
        account="123456789012",
        region="eu-central-1",
        resource=LONG_ARN,
        summary="re-import the renewed certificate material from the source copy " * 2,
    )
    print_plan([change], [], "table")
    out = capsys.readouterr().out
    assert "…" not in out and "..." not in out
    assert "remediation plan: 1 change\n" in out
    assert all(len(line) <= 80 for line in out.splitlines()), out
    rows = [line.split("│") for line in out.splitlines() if line.startswith("│")]
    assert "".join(row[3].strip() for row in rows) == LONG_ARN  # the resource column, whole


def test_console_tables_wrap_at_narrow_widths(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _columns(monkeypatch, 40)
    assert main(["rules", "list"]) == 0
    out = capsys.readouterr().out
    assert "…" not in out
    assert out.startswith(f"{len(RULES)} rules\n")


# -- --services -----------------------------------------------------------------------


def test_service_names_are_what_the_user_types() -> None:
    for module_name in registry.names("collectors"):
        module = registry.collector(module_name)
        assert registry.service_name(module_name) == module.SERVICE
        assert registry.collector(module.SERVICE) is module
    assert "lambda" in registry.service_names() and "lambda_" not in registry.service_names()
    assert registry.collector_names(["lambda", "lambda_", "cognito-idp", "kms"]) == [
        "lambda_",
        "cognito_idp",
        "kms",
    ]


def test_services_help_names_what_the_user_types(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["scan", "--help"])
    help_text = re.sub(r"\s+", " ", capsys.readouterr().out)
    assert "cognito-idp" in help_text and "lambda," in help_text
    assert "lambda_" not in help_text and "cognito_idp" not in help_text


def test_services_accepts_both_spellings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["iam-policy", "--services", "lambda,cognito-idp"]) == 0
    typed = capsys.readouterr().out
    assert main(["iam-policy", "--services", "lambda_,cognito_idp"]) == 0
    assert capsys.readouterr().out == typed
    assert "lambda:ListFunctions" in typed and "cognito-idp:ListUserPools" in typed
    assert main(["iam-policy", "--services", "lambda-nope"]) == 2
    err = capsys.readouterr().err
    assert "known: " in err and "cognito-idp" in err and "lambda_" not in err


def test_fixture_findings_render_every_message_template() -> None:
    """A template a rule's message cannot evaluate is left as it is: every failing result
    of every fixture must have had each of its ``{...}`` replaced."""
    import yaml

    from regionready.engine.evaluation import evaluate
    from regionready.engine.fixtures import DEFAULT_NOW, fixture_files
    from regionready.engine.functions import parse_time
    from regionready.engine.rules import TEMPLATE_RE, builtin_rules_dir

    left = []
    for path in fixture_files(builtin_rules_dir()):
        data = yaml.safe_load(path.read_text("utf-8"))
        for case in data["cases"]:
            rule = RULES[data["rule"]]
            if case.get("params"):
                rule = rule.with_params(case["params"])
            now = parse_time(case.get("now", data.get("now", DEFAULT_NOW)))
            cutover = parse_time(case["cutover"]) if case.get("cutover") else None
            assert now is not None
            for result in evaluate(scan_from_case(rule, case), [rule], now=now, cutover=cutover):
                if result.status.value != "FAIL":
                    continue
                for template in (rule.message, rule.unpaired_message or ""):
                    for expression in TEMPLATE_RE.findall(template):
                        if "{" + expression + "}" in result.message:
                            left.append(f"{rule.id}: {{{expression}}} in {result.message!r}")
    assert not left, "\n".join(left)
