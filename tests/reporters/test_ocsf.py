"""OCSF reporter: one Detection Finding per result, each valid for py-ocsf-models, fields
mapped, several pairs, redaction; without py-ocsf-models ``--format ocsf`` is a usage
error before any work."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from py_ocsf_models.events.findings.detection_finding import DetectionFinding

from regionready.cli import main
from regionready.model import Report, Severity, Status
from regionready.reporters import ocsf

from .conftest import ACCOUNT, OTHER_ACCOUNT, SOURCE, TARGET, build_report
from .test_pairs import CENTRAL, PAIR_C, PAIR_W, WEST, two_pair_report


def events(report: Report, **kwargs: Any) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(ocsf.render(report, **kwargs))
    return data


def by_uid(found: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["finding_info"]["uid"]: e for e in found}


def test_one_valid_detection_finding_per_result() -> None:
    report = build_report()
    found = events(report)
    assert [e["finding_info"]["uid"] for e in found] == [r.fingerprint for r in report.results]
    for event in found:
        parsed = DetectionFinding.model_validate(event)
        # Re-serialising the parsed event gives the same data: nothing was dropped.
        assert parsed.model_dump(mode="json", exclude_none=True) == event
        assert event["class_uid"] == 2004 and event["category_uid"] == 2
        assert event["type_uid"] == 200401 and event["activity_id"] == 1
        assert event["metadata"]["product"]["name"] == "regionready"
        assert event["metadata"]["product"]["version"] == "0.1.0"
        assert event["metadata"]["version"] == "1.5.0"
    text = ocsf.render(report)
    assert text == ocsf.render(build_report()) and text.endswith("\n")
    text.encode("utf-8")  # the hostile message's lone surrogate is gone
    assert (ocsf.FORMAT, ocsf.EXTENSION) == ("ocsf", ".ocsf.json")


def test_fields_map_from_the_result() -> None:
    report = build_report()
    found = by_uid(events(report))
    severities = {
        Severity.CRITICAL: (5, "Critical"),
        Severity.HIGH: (4, "High"),
        Severity.MEDIUM: (3, "Medium"),
        Severity.LOW: (2, "Low"),
        Severity.NOTE: (1, "Informational"),
    }
    for result in report.results:
        event = found[result.fingerprint]
        assert (event["severity_id"], event["severity"]) == severities[result.severity]
        assert event["status_code"] == result.status.value
        if result.status is Status.SUPPRESSED:
            assert (event["status_id"], event["status"]) == (3, "Suppressed")
            assert event["comment"].startswith("Suppressed: Legacy endpoint retired")
        else:
            assert (event["status_id"], event["status"]) == (1, "New")
            assert "comment" not in event
        assert event["metadata"]["event_code"] == result.rule_id
        assert event["cloud"]["provider"] == "AWS"
        assert event["cloud"]["region"] == result.target_region
        if result.account:
            assert event["cloud"]["account"]["uid"] == result.account
            assert event["cloud"]["account"]["type_id"] == 10
        else:
            assert "account" not in event["cloud"]
        [resource] = event["resources"]
        assert resource["uid"] == result.resource_id
        assert resource["type"] == result.resource_type
        assert resource["group"] == {"name": result.service}
        assert resource["region"] == (result.region or result.target_region)
        assert event["unmapped"]["regionready"]["pair"] == result.pair
    api = next(r for r in report.results if r.rule_id == "ACM-001" and r.status is Status.FAIL)
    event = found[api.fingerprint]
    assert event["finding_info"]["title"] == "Source certificate has no twin in the target"
    assert event["message"] == event["status_detail"] == api.message
    assert event["resources"][0]["name"] == "api.example.com"
    assert event["remediation"]["desc"].startswith("Request or import a matching certificate")
    assert event["remediation"]["references"][0].endswith("/docs/rules/ACM-001.md")
    assert event["unmapped"]["regionready"]["blocks_cutover"] is True
    assert event["time"] == 1748779200000  # 2025-06-01T12:00:00Z in milliseconds
    assert event["time_dt"] == "2025-06-01T12:00:00Z"
    iac = next(r for r in report.results if r.rule_id == "IAC-002")
    assert found[iac.fingerprint]["resources"][0]["data"]["location"] == {
        "path": "templates/app.yaml",
        "line": 12,
        "column": 3,
    }


def test_two_pairs() -> None:
    report = two_pair_report()
    found = events(report)
    assert len(found) == len(report.results)
    for event, result in zip(found, report.results, strict=True):
        DetectionFinding.model_validate(event)
        assert event["cloud"]["region"] == result.target_region
        assert event["unmapped"]["regionready"]["pair"] == result.pair
    assert {e["cloud"]["region"] for e in found} == {CENTRAL, WEST}
    assert {e["unmapped"]["regionready"]["pair"] for e in found} == {PAIR_C, PAIR_W}


def test_redaction_masks_account_ids_and_keeps_fingerprints() -> None:
    report = build_report()
    plain = events(report)
    redacted = events(report, redact=True)
    text = json.dumps(redacted, ensure_ascii=False)
    assert ACCOUNT not in text and OTHER_ACCOUNT not in text and "********9012" in text
    assert [e["finding_info"]["uid"] for e in redacted] == [e["finding_info"]["uid"] for e in plain]
    for event in redacted:
        DetectionFinding.model_validate(event)
        if "account" in event["cloud"]:
            assert event["cloud"]["account"]["uid"].startswith("********")
            assert event["cloud"]["account"]["type_id"] == 10


def test_target_region_and_partition_for_a_result_without_region() -> None:
    report = build_report(source="cn-north-1", target="cn-northwest-1")
    found = events(report)
    iac = next(e for e in found if e["metadata"]["event_code"] == "IAC-002")
    assert iac["resources"][0]["region"] == "cn-northwest-1"
    assert iac["resources"][0]["cloud_partition"] == "aws-cn"
    assert SOURCE not in json.dumps(iac["cloud"]) and TARGET not in json.dumps(iac["cloud"])


@pytest.fixture
def without_ocsf_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """py-ocsf-models not importable (as when the [ocsf] extra is not installed)."""
    for name in [n for n in sys.modules if n == "py_ocsf_models" or n.startswith("py_ocsf_")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "py_ocsf_models", None)


def test_without_py_ocsf_models_the_reporter_names_the_extra(without_ocsf_models: None) -> None:
    assert ocsf.missing_dependency() == ocsf.MISSING
    assert ocsf.MISSING == "--format ocsf needs py-ocsf-models: pip install 'regionready[ocsf]'"
    with pytest.raises(ImportError, match=r"pip install 'regionready\[ocsf\]'"):
        ocsf.render(build_report())


def test_without_py_ocsf_models_format_ocsf_is_a_usage_error_before_any_work(
    without_ocsf_models: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    # The snapshot does not exist: the format is checked before it is read.
    code = main(
        ["evaluate", str(tmp_path / "no-snapshot"), "--format", "json,ocsf", "--out", str(out)]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [f"regionready: error: {ocsf.MISSING}"]
    assert not out.exists()


def test_with_py_ocsf_models_nothing_is_missing() -> None:
    assert ocsf.missing_dependency() is None
