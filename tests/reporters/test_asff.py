"""ASFF reporter: every finding is what BatchImportFindings accepts (botocore's model of the
request, and ASFF's length limits), one per FAIL, ERROR and SUPPRESSED result, mapped
field by field; several pairs; redaction keeps AwsAccountId valid."""

from __future__ import annotations

import json
import re
from typing import Any

import botocore.session
import pytest
from botocore.validate import ParamValidator

from regionready.model import Result, Severity, Status
from regionready.reporters import asff

from .conftest import ACCOUNT, HOSTILE_TAIL, OTHER_ACCOUNT, SOURCE, TARGET, build_report
from .test_pairs import CENTRAL, PAIR_C, PAIR_W, SHARED_KEY, WEST, two_pair_report

FINDING_STATUSES = {Status.FAIL, Status.ERROR, Status.SUPPRESSED}
#: Path in a finding -> ASFF's length limit.
LIMITS = {
    ("Id",): 512,
    ("GeneratorId",): 512,
    ("Title",): 256,
    ("Description",): 1024,
    ("Remediation", "Recommendation", "Text"): 512,
    ("Note", "Text"): 512,
}


@pytest.fixture(scope="module")
def input_shape() -> Any:
    model = botocore.session.get_session().get_service_model("securityhub")
    return model.operation_model("BatchImportFindings").input_shape


def _strings(value: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            found.append(((*path, "<key>"), key))
            found += _strings(item, (*path, key))
        return found
    if isinstance(value, list):
        return [s for item in value for s in _strings(item, path)]
    return []


def problems(findings: list[dict[str, Any]], shape: Any) -> list[str]:
    """Everything BatchImportFindings would refuse in ``findings``: botocore's validation
    of the request (types, required members, enums), then ASFF's own rules botocore does
    not check (non-blank strings, lengths, 12-digit accounts, map sizes)."""
    found: list[str] = []
    for start in range(0, len(findings), 100):  # a request holds at most 100
        report = ParamValidator().validate({"Findings": findings[start : start + 100]}, shape)
        if report.has_errors():
            found.append(report.generate_report())
    for finding in findings:
        where = finding.get("Id", "?")
        for path, text in _strings(finding):
            if not text.strip():
                found.append(f"{where}: blank string at {'.'.join(path)}")
            if re.search("[\ud800-\udfff]", text):
                found.append(f"{where}: lone surrogate at {'.'.join(path)}")
        for path, limit in LIMITS.items():
            value: Any = finding
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            if isinstance(value, str) and len(value) > limit:
                found.append(f"{where}: {'.'.join(path)} is {len(value)} > {limit}")
        if not re.fullmatch(r"\d{12}", finding["AwsAccountId"]):
            found.append(f"{where}: AwsAccountId {finding['AwsAccountId']!r}")
        fields = finding.get("ProductFields", {})
        if len(fields) > 50 or any(len(k) > 128 or len(v) > 2048 for k, v in fields.items()):
            found.append(f"{where}: ProductFields over the limits")
        for resource in finding["Resources"]:
            other = resource.get("Details", {}).get("Other", {})
            if any(len(k) >= 128 or len(v) >= 1024 for k, v in other.items()):
                found.append(f"{where}: Details.Other over the limits")
    return found


def by_id(findings: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f["Id"]: f for f in findings}


def test_golden_report_findings_are_valid_and_one_per_finding_result(input_shape: Any) -> None:
    report = build_report()
    findings = asff.findings(report)
    assert problems(findings, input_shape) == []
    expected = [r for r in report.results if r.status in FINDING_STATUSES]
    assert [f["Id"] for f in findings] == [r.fingerprint for r in expected]
    assert len({f["Id"] for f in findings}) == len(findings)
    # PASS and NOT_APPLICABLE are not findings.
    passing = {r.fingerprint for r in report.results if r.status not in FINDING_STATUSES}
    assert passing and not passing & {f["Id"] for f in findings}


def test_render_is_the_findings_as_deterministic_utf8_json() -> None:
    text = asff.render(build_report())
    assert text == asff.render(build_report())
    assert text.endswith("\n")
    text.encode("utf-8")  # no lone surrogate left
    assert json.loads(text) == asff.findings(build_report())
    assert (asff.FORMAT, asff.EXTENSION) == ("asff", ".asff.json")


def test_fields_map_from_the_result_and_its_rule() -> None:
    report = build_report()
    results = {r.fingerprint: r for r in report.results}
    findings = by_id(asff.findings(report))
    api = next(r for r in report.results if r.rule_id == "ACM-001" and r.status is Status.FAIL)
    finding = findings[api.fingerprint]
    assert finding["SchemaVersion"] == "2018-10-08"
    assert finding["ProductArn"] == (
        f"arn:aws:securityhub:{TARGET}:{ACCOUNT}:product/{ACCOUNT}/default"
    )
    assert finding["GeneratorId"] == "regionready/ACM-001"
    assert finding["AwsAccountId"] == ACCOUNT
    assert finding["Types"] == [asff.FINDING_TYPE]
    assert finding["Types"][0].startswith("Software and Configuration Checks/")
    assert finding["CreatedAt"] == finding["UpdatedAt"] == "2025-06-01T12:00:00.000Z"
    assert finding["LastObservedAt"] == "2025-06-01T11:59:45.000Z"
    assert finding["Severity"] == {"Label": "HIGH", "Original": "high"}
    assert finding["FindingProviderFields"]["Severity"] == finding["Severity"]
    assert finding["Title"] == "Source certificate has no twin in the target"
    assert finding["Description"] == api.message
    recommendation = finding["Remediation"]["Recommendation"]
    assert recommendation["Text"].startswith("Request or import a matching certificate")
    assert "request-certificate" in recommendation["Text"]
    assert recommendation["Url"].endswith("/docs/rules/ACM-001.md")
    assert finding["Resources"] == [
        {
            "Type": "AwsCertificateManagerCertificate",
            "Id": api.resource_id,
            "Region": TARGET,
            "Partition": "aws",
            "Details": {
                "Other": {
                    "ResourceType": "acm.certificate",
                    "Name": "api.example.com",
                    "Region": TARGET,
                }
            },
        }
    ]
    assert finding["Compliance"] == {"Status": "FAILED"}
    assert finding["Workflow"] == {"Status": "NEW"}
    assert finding["RecordState"] == "ACTIVE"
    assert "Note" not in finding
    fields = finding["ProductFields"]
    assert fields["ProviderName"] == "regionready"
    assert fields["ProviderVersion"] == "0.1.0"
    assert fields["regionready/pair"] == f"{SOURCE}:{TARGET}"
    assert fields["regionready/rule_id"] == "ACM-001"
    assert fields["regionready/service"] == "acm"
    assert fields["regionready/kind"] == "parity"
    assert fields["regionready/fingerprint"] == api.fingerprint
    assert fields["regionready/blocks_cutover"] == "true"
    # Every severity maps to its label; a help_uri given by the rule is the Url.
    labels = {results[i].severity: f["Severity"]["Label"] for i, f in findings.items()}
    assert labels == {
        Severity.CRITICAL: "CRITICAL",
        Severity.HIGH: "HIGH",
        Severity.MEDIUM: "MEDIUM",
        Severity.LOW: "LOW",
        Severity.NOTE: "INFORMATIONAL",
    }
    kms7 = next(f for f in findings.values() if f["GeneratorId"] == "regionready/KMS-007")
    assert kms7["Remediation"]["Recommendation"]["Url"] == "https://example.com/regionready/KMS-007"


def test_statuses_map_to_compliance_and_workflow() -> None:
    report = build_report()
    findings = by_id(asff.findings(report))
    for result in report.results:
        if result.status not in FINDING_STATUSES:
            continue
        finding = findings[result.fingerprint]
        if result.status is Status.ERROR:
            assert finding["Compliance"] == {"Status": "NOT_AVAILABLE"}
            assert finding["Description"].startswith("Not evaluated: AccessDenied")
            assert finding["Workflow"] == {"Status": "NEW"}
        elif result.status is Status.SUPPRESSED:
            assert finding["Compliance"] == {"Status": "FAILED"}
            assert finding["Workflow"] == {"Status": "SUPPRESSED"}
            assert finding["Note"] == {
                "Text": "Suppressed in regionready: Legacy endpoint retired | before <cutover> "
                "(owner platform-team, expires 2025-12-31)",
                "UpdatedBy": "regionready",
                "UpdatedAt": "2025-06-01T12:00:00.000Z",
            }
            assert finding["ProductFields"]["regionready/blocks_cutover"] == "false"
        else:
            assert finding["Compliance"] == {"Status": "FAILED"}
            assert finding["Workflow"] == {"Status": "NEW"}


def test_results_without_account_or_region_take_the_scanning_account_and_target() -> None:
    report = build_report()
    iac = next(r for r in report.results if r.rule_id == "IAC-002")
    assert (iac.account, iac.region) == ("", "")
    # Default: the scan's first 12-digit account.
    finding = by_id(asff.findings(report))[iac.fingerprint]
    assert finding["AwsAccountId"] == ACCOUNT
    assert finding["Resources"][0]["Region"] == TARGET
    assert finding["Resources"][0]["Type"] == "Other"  # not an ARN
    assert finding["Resources"][0]["Details"]["Other"]["Location"] == "templates/app.yaml:12"
    # The import passes the credentials' account; a result's own account stays its own.
    findings = by_id(asff.findings(report, account=OTHER_ACCOUNT))
    assert findings[iac.fingerprint]["AwsAccountId"] == OTHER_ACCOUNT
    assert (
        f":{OTHER_ACCOUNT}:product/{OTHER_ACCOUNT}/default"
        in (findings[iac.fingerprint]["ProductArn"])
    )
    api = next(r for r in report.results if r.rule_id == "ACM-001" and r.status is Status.FAIL)
    assert findings[api.fingerprint]["AwsAccountId"] == ACCOUNT
    # No 12-digit account anywhere: twelve zeros, still a valid AwsAccountId.
    report.scan.accounts = ["local"]
    assert by_id(asff.findings(report))[iac.fingerprint]["AwsAccountId"] == "000000000000"


def test_a_global_result_is_placed_in_the_target_region() -> None:
    report = build_report()
    result = next(r for r in report.results if r.rule_id == "KMS-008" and r.status is Status.FAIL)
    result.region = "global"
    finding = by_id(asff.findings(report))[result.fingerprint]
    assert finding["Resources"][0]["Region"] == TARGET
    assert finding["ProductFields"]["regionready/region"] == "global"


def test_hostile_text_is_cut_to_the_limits_and_cleaned(input_shape: Any) -> None:
    report = build_report()
    kms7 = next(r for r in report.results if r.rule_id == "KMS-007")
    kms7.resource_id = "arn:aws:kms:eu-west-1:123456789012:key/" + "k" * 600
    report.rules["KMS-007"] = report.rules["KMS-007"].__class__(
        **{**report.rules["KMS-007"].to_dict(), "severity": Severity.CRITICAL, "title": "T" * 300}
    )
    finding = by_id(asff.findings(report))[kms7.fingerprint]
    assert problems([finding], input_shape) == []
    assert len(finding["Description"]) == 1024 and finding["Description"].endswith("\u2026")
    assert HOSTILE_TAIL[:100] in finding["Description"]
    assert "\x01" not in finding["Description"] and "\ufffd" in finding["Description"]
    assert len(finding["Title"]) == 256
    assert len(finding["Resources"][0]["Id"]) == 512


def test_partitions_follow_the_target_region() -> None:
    assert asff.product_arn("cn-north-1", ACCOUNT).startswith("arn:aws-cn:securityhub:cn-north-1:")
    assert asff.partitions("us-gov-west-1") == ("aws-us-gov", "aws-us-gov")
    assert asff.partitions("us-isob-east-1") == ("aws-iso-b", "aws-us-iso-b")
    assert asff.partitions("eu-central-1") == ("aws", "aws")
    report = build_report(source="cn-north-1", target="cn-northwest-1")
    for finding in asff.findings(report):
        assert finding["ProductArn"].startswith("arn:aws-cn:securityhub:cn-northwest-1:")


def test_two_pairs_each_finding_in_its_target_region(input_shape: Any) -> None:
    report = two_pair_report()
    findings = asff.findings(report)
    assert problems(findings, input_shape) == []
    expected = [r for r in report.results if r.status in FINDING_STATUSES]
    assert [f["Id"] for f in findings] == [r.fingerprint for r in expected]
    for finding, result in zip(findings, expected, strict=True):
        assert asff.target_region(finding) == result.target_region
        assert finding["ProductFields"]["regionready/pair"] == result.pair
    # The same resource failing in both pairs: two findings, one per target Region.
    shared = [f for f in findings if f["Resources"][0]["Id"] == SHARED_KEY]
    assert {asff.target_region(f) for f in shared} == {CENTRAL, WEST}
    assert {f["ProductFields"]["regionready/pair"] for f in shared} == {PAIR_C, PAIR_W}
    assert len({f["Id"] for f in shared}) == 2


def test_redaction_masks_text_and_keeps_account_ids_valid(input_shape: Any) -> None:
    report = build_report()
    plain = asff.findings(report)
    redacted = asff.findings(report, redact=True)
    assert problems(redacted, input_shape) == []
    text = json.dumps(redacted, ensure_ascii=False)
    assert ACCOUNT not in text and OTHER_ACCOUNT not in text
    assert "********9012" in text
    assert [f["Id"] for f in redacted] == [f["Id"] for f in plain]
    for before, after in zip(plain, redacted, strict=True):
        assert after["AwsAccountId"] == "00000000" + before["AwsAccountId"][-4:]
        assert after["ProductArn"].endswith(
            f":{after['AwsAccountId']}:product/{after['AwsAccountId']}/default"
        )
        assert (
            after["ProductFields"]["regionready/fingerprint"]
            == before["ProductFields"]["regionready/fingerprint"]
        )
    assert json.loads(asff.render(report, redact=True)) == redacted


def test_no_findings_is_an_empty_array() -> None:
    report = build_report()
    report.results = [r for r in report.results if r.status not in FINDING_STATUSES]
    assert asff.render(report) == "[]\n"


def test_a_result_without_rule_info_still_makes_a_valid_finding(input_shape: Any) -> None:
    report = build_report()
    report.results.append(
        Result(
            rule_id="X-999",
            status=Status.FAIL,
            severity=Severity.LOW,
            service="x",
            kind="readiness",
            message="",
            account=ACCOUNT,
            region=TARGET,
            resource_type="",
            resource_id="",
            correlation_key="",
            source_region=SOURCE,
            target_region=TARGET,
        )
    )
    finding = asff.findings(report)[-1]
    assert problems([finding], input_shape) == []
    assert finding["Title"] == finding["Description"] == "X-999"
    assert finding["Resources"][0]["Id"] == "regionready/X-999"
    assert finding["Remediation"]["Recommendation"]["Text"] == "See the rule X-999."
