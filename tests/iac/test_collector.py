"""collectors/iac.py through the driver's run_task: options in, items and errors out."""

from __future__ import annotations

from typing import Any, cast

from regionready import registry
from regionready.collect.driver import Task, run_task
from regionready.collect.sessions import AccountSession
from regionready.snapshot import LOCAL, ServiceData

from .conftest import FIXTURES, NO_CHECKOV

CHECK_TYPES = ("cfn_lint", "region_literal", "checkov", "global_endpoint", "sts_client")


class NoAws:
    def client(self, service: str, region: str) -> Any:
        raise AssertionError(f"the iac collector called AWS ({service})")


def collect(options: dict[str, Any]) -> ServiceData:
    module = registry.collector("iac")
    return run_task(cast(AccountSession, NoAws()), Task("iac", LOCAL, module), options)


def test_declares_a_local_collector_without_permissions() -> None:
    module = registry.collector("iac")
    assert module.LOCAL is True
    assert module.PERMISSIONS == ()
    assert {"file": "Path", **dict.fromkeys(CHECK_TYPES, "Id")} == module.RESOURCE_TYPES


def test_no_code_paths_collects_nothing_and_is_ok() -> None:
    data = collect({})
    assert data.status == "ok"
    assert data.errors == []
    assert data.resources == {rtype: [] for rtype in ("file", *CHECK_TYPES)}


def test_items_carry_every_field_the_rules_read() -> None:
    data = collect(
        {
            "code_paths": [str(FIXTURES / "python_sts")],
            "code_base": str(FIXTURES),
            "source_region": "me-central-1",
            "target_region": "eu-central-1",
        }
    )
    assert data.status == "ok"
    finding = data.resources["sts_client"][0]
    assert set(finding) == {
        "Id",
        "Check",
        "Path",
        "Line",
        "Column",
        "Code",
        "Message",
        "Severity",
        "Clean",
    }
    assert finding["Id"] == "python_sts/app.py:10:11:sts-client-no-region"
    assert data.resources["file"] == [
        {
            "Path": "python_sts/app.py",
            "Kind": "code",
            "Language": "python",
            "Checks": ["IAC-002", "IAC-004", "STS-002"],
            "Findings": 5,
            "Parsed": True,
            "Skipped": None,
        }
    ]


def test_checkov_missing_is_recorded_against_checkov_only() -> None:
    data = collect(
        {
            "code_paths": [str(FIXTURES / "terraform_region")],
            "code_base": str(FIXTURES),
            "source_region": "me-central-1",
            "target_region": "eu-central-1",
            "checkov": NO_CHECKOV,
        }
    )
    assert data.status == "error"
    assert [(e["api"], e["code"], e["resource_types"]) for e in data.errors] == [
        ("checkov:IAC-003", "NotFound", ["checkov"])
    ]
    assert len(data.resources["region_literal"]) == 2


def test_a_missing_path_is_an_error_for_every_check() -> None:
    data = collect({"code_paths": ["/nonexistent/infra"], "source_region": "me-central-1"})
    assert sorted(t for e in data.errors for t in e["resource_types"]) == sorted(CHECK_TYPES)


def test_missing_regions_are_errors_of_the_checks_that_need_them() -> None:
    data = collect(
        {
            "code_paths": [str(FIXTURES / "cfn_region")],
            "code_base": str(FIXTURES),
            "checkov": NO_CHECKOV,
        }
    )
    assert sorted((e["code"], tuple(e["resource_types"])) for e in data.errors) == [
        ("MissingOption", ("cfn_lint",)),
        ("MissingOption", ("region_literal",)),
        ("NotFound", ("checkov",)),
    ]
    assert data.resources["cfn_lint"] == []
    assert data.resources["region_literal"] == []
    assert [i["Id"] for i in data.resources["global_endpoint"]] == ["cfn_region/template.yaml"]


def test_a_target_cfn_lint_does_not_know_is_an_error() -> None:
    data = collect(
        {
            "code_paths": [str(FIXTURES / "cfn_unavailable")],
            "source_region": "me-central-1",
            "target_region": "xx-nowhere-9",
            "checkov": NO_CHECKOV,
        }
    )
    codes = {e["code"]: e for e in data.errors}
    assert codes["UnsupportedRegion"]["resource_types"] == ["cfn_lint"]
    assert "xx-nowhere-9" in codes["UnsupportedRegion"]["message"]


def test_skipping_checkov_leaves_iac_003_without_items_or_errors() -> None:
    data = collect(
        {
            "code_paths": [str(FIXTURES / "checkov_kms")],
            "code_base": str(FIXTURES),
            "source_region": "me-central-1",
            "target_region": "eu-central-1",
            "checkov": NO_CHECKOV,
            "skip_checkov": True,
        }
    )
    assert data.status == "ok"
    assert data.resources["checkov"] == []
    assert data.not_run == {"checkov": "checkov was turned off (--no-checkov)"}
    assert len(data.resources["cfn_lint"]) == 1
