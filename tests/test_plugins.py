"""Every collector, reporter and remediation action against its contract
(``regionready.plugins``), and the one way plugins are found (``registry.PLUGINS``).

A new plugin that breaks its contract, declares another name than its table entry, is
not in the table, or (an action) imports another action or evaluates rules fails here.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path
from types import ModuleType
from typing import IO, Any

import pytest

from regionready import plugins, registry, remediation
from regionready.collect.clients import Clients
from regionready.model import Report, Severity

ENTRIES = [(kind, name) for kind, table in registry.PLUGINS.items() for name in table]


@pytest.mark.parametrize(("kind", "name"), ENTRIES, ids=[f"{k}:{n}" for k, n in ENTRIES])
def test_every_plugin_keeps_its_contract(kind: str, name: str) -> None:
    module = registry.load(kind, name)
    assert plugins.plugin_problems(kind, name, module) == []


@pytest.mark.parametrize("name", list(registry.COLLECTORS))
def test_a_collector_scopes_only_actions_it_declares(name: str) -> None:
    module = registry.collector(name)
    assert set(module.PERMISSION_RESOURCES) <= set(module.PERMISSIONS)


@pytest.mark.parametrize("kind", list(registry.PLUGINS))
def test_every_module_is_in_the_table(kind: str) -> None:
    package = importlib.import_module(registry.PACKAGES[kind])
    modules = {i.name for i in pkgutil.iter_modules(package.__path__) if not i.name.startswith("_")}
    listed = set(registry.PLUGINS[kind].values())
    assert modules - registry.HELPERS[kind] == listed, "add the module to registry.PLUGINS"
    assert not listed & registry.HELPERS[kind]


def test_the_names_users_give_are_unchanged() -> None:
    assert registry.service_names() == [
        "accessanalyzer",
        "account",
        "acm",
        "apigateway",
        "backup",
        "cloudfront",
        "cloudtrail",
        "cognito-identity",
        "cognito-idp",
        "dlm",
        "dynamodb",
        "ec2",
        "ecr",
        "efs",
        "elbv2",
        "events",
        "guardduty",
        "iac",
        "iam",
        "kms",
        "lambda",
        "local",
        "logs",
        "organizations",
        "rds",
        "route53",
        "s3",
        "secretsmanager",
        "servicequotas",
        "sns",
        "sqs",
        "ssm",
        "sso",
        "wafv2",
    ]
    assert registry.formats() == ["asff", "html", "json", "junit", "markdown", "ocsf", "sarif"]
    assert remediation.action_names() == [
        "add-region",
        "clone-web-acl",
        "create-analyzer",
        "create-archive-rule",
        "create-detector",
        "create-filter",
        "create-key",
        "create-trail",
        "enable-key-rotation",
        "reimport",
        "replicate-key",
        "replicate-secret",
        "request-certificate",
        "set-sts-regional",
        "sync-key-policy",
        "update-detector-features",
    ]


def test_a_name_is_found_one_way_in_either_spelling() -> None:
    # --services takes the service name or the module name (collect.py passes the latter).
    assert registry.collector_names(["lambda", "lambda_", "cognito_idp", "cognito-idp"]) == [
        "lambda_",
        "cognito_idp",
    ]
    assert registry.collector("lambda").SERVICE == "lambda"
    assert registry.names("collectors")[:3] == ["accessanalyzer", "account", "acm"]
    assert {registry.service_name(m) for m in registry.names("collectors")} == set(
        registry.COLLECTORS
    )
    assert registry.reporter("json").FORMAT == "json"
    assert remediation.action("create_key") is remediation.action("create-key")
    with pytest.raises(registry.UnknownPlugin, match=r"unknown collector 'ec9' \(known: acc"):
        registry.collector("ec9")
    with pytest.raises(registry.UnknownPlugin, match="unknown format 'jsonreport'"):
        registry.reporter("jsonreport")  # the module name is not a --format name
    with pytest.raises(remediation.RemediationError, match="'nope' is not implemented yet"):
        remediation.action("nope")
    with pytest.raises(remediation.RemediationError, match=r"unknown remediation action '\.\./x'"):
        remediation.action("../x")


# -- the checker catches a broken plugin ------------------------------------------------


def _module(**attributes: Any) -> ModuleType:
    module = ModuleType("fake")
    vars(module).update(attributes)
    return module


def _collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    return {}


def _render(report: Report, *, redact: bool = False, fail_on: Severity | None = None) -> str:
    return ""


def _write(
    report: Report, handle: IO[str], *, redact: bool = False, fail_on: Severity | None = None
) -> None:
    pass


GOOD_COLLECTOR = {
    "SERVICE": "fake",
    "GLOBAL": False,
    "LOCAL": False,
    "RESOURCE_TYPES": {"thing": "Id"},
    "PERMISSIONS": ("fake:ListThings",),
    "PERMISSION_RESOURCES": {"fake:ListThings": ("arn:aws:fake:*:*:thing/*",)},
    "collect": _collect,
}


def test_a_conforming_fake_passes() -> None:
    assert plugins.problems(_module(**GOOD_COLLECTOR), plugins.Collector) == []
    reporter = _module(FORMAT="fake", EXTENSION=".txt", render=_render, write=_write)
    assert plugins.contract_for("reporters", reporter) is plugins.StreamingReporter
    assert plugins.problems(reporter, plugins.StreamingReporter) == []


def _no_region(clients: Clients) -> dict[str, list[dict[str, Any]]]:
    return {}


def _swapped(region: str, clients: Clients) -> dict[str, list[dict[str, Any]]]:
    return {}


def _untyped(clients, region):  # type: ignore[no-untyped-def]
    return {}


def _wrong_return(clients: Clients, region: str) -> list[dict[str, Any]]:
    return []


def _extra_required(clients: Clients, region: str, deep: bool) -> dict[str, list[dict[str, Any]]]:
    return {}


def _optional_extra(
    clients: Clients, region: str, deep: bool = False
) -> dict[str, list[dict[str, Any]]]:
    return {}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"LOCAL": None}, "LOCAL: missing"),
        ({"GLOBAL": "no"}, "GLOBAL: 'no' is not bool"),
        ({"PERMISSIONS": ["fake:ListThings"]}, "PERMISSIONS: ['fake:ListThings'] is not"),
        ({"PERMISSIONS": ("fake:ListThings", 3)}, "PERMISSIONS: ('fake:ListThings', 3) is not"),
        ({"RESOURCE_TYPES": {"thing": 1}}, "RESOURCE_TYPES: {'thing': 1} is not"),
        ({"PERMISSION_RESOURCES": {"fake:ListThings": ["*"]}}, "PERMISSION_RESOURCES: "),
        ({"collect": None}, "collect(): missing"),
        ({"collect": "collect"}, "collect(): not callable"),
        ({"collect": _no_region}, "collect(): no parameter 'region'"),
        ({"collect": _swapped}, "collect(): 'clients' is not parameter 1"),
        ({"collect": _untyped}, "collect(): 'clients' is not annotated"),
        ({"collect": _wrong_return}, "collect(): return is list"),
        ({"collect": _extra_required}, "collect(): extra parameter 'deep' has no default"),
    ],
)
def test_the_checker_finds_a_broken_collector(change: dict[str, Any], problem: str) -> None:
    attributes = {k: v for k, v in {**GOOD_COLLECTOR, **change}.items() if v is not None}
    found = plugins.problems(_module(**attributes), plugins.Collector)
    assert any(p.startswith(problem) for p in found), found


def test_an_optional_extra_parameter_is_allowed() -> None:
    module = _module(**{**GOOD_COLLECTOR, "collect": _optional_extra})
    assert plugins.problems(module, plugins.Collector) == []


def _positional_redact(report: Report, redact: bool = False) -> str:
    return ""


def _required_fail_on(report: Report, *, redact: bool = False, fail_on: Severity | None) -> str:
    return ""


@pytest.mark.parametrize(
    ("render", "problem"),
    [
        (_positional_redact, "render(): 'redact' is positional or keyword, not keyword-only"),
        (_required_fail_on, "render(): 'fail_on' has no default"),
    ],
)
def test_the_checker_finds_a_broken_reporter(render: Any, problem: str) -> None:
    found = plugins.problems(_module(FORMAT="x", EXTENSION=".x", render=render), plugins.Reporter)
    assert problem in found


def test_a_plugin_must_declare_its_table_name() -> None:
    module = _module(**{**GOOD_COLLECTOR, "SERVICE": "other"})
    assert plugins.plugin_problems("collectors", "fake", module) == [
        "SERVICE: 'other', but the registry lists it as 'fake'"
    ]


# -- actions: one errors module, no action imported by another, no rule evaluated -------

ACTIONS_DIR = Path(importlib.import_module("regionready.remediation.actions").__path__[0])


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


@pytest.mark.parametrize("name", sorted(registry.ACTIONS))
def test_an_action_imports_no_other_action_and_evaluates_no_rule(name: str) -> None:
    module = registry.ACTIONS[name]
    imports = _imports(ACTIONS_DIR / f"{module}.py")
    others = {
        f"regionready.remediation.actions.{m}" for m in registry.ACTIONS.values() if m != module
    }
    assert not imports & others, "shared code goes to regionready.remediation.actions.common"
    assert "regionready.engine.evaluation" not in imports, (
        "a finding's blocked_by says what blocks it"
    )
    assert (
        not {"regionready.engine.rules.parse_rule", "regionready.engine.rules.load_rules"} & imports
    )
    tree = ast.parse((ACTIONS_DIR / f"{module}.py").read_text())
    classes = [n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    assert not [c for c in classes if c.endswith(("Error", "Input", "Call"))], (
        "errors live in regionready.remediation.actions.errors"
    )


def test_remediation_and_actions_share_one_error_module() -> None:
    from regionready.remediation.actions import errors

    assert remediation.RemediationError is errors.RemediationError
    assert remediation.UnsafeCall is errors.UnsafeCall
    assert issubclass(errors.NeedsInput, errors.RemediationError)
