"""``--security-hub``: findings imported into Security Hub (moto, with the corrections of
``regionready.demo.moto_gaps.securityhub``), updated rather than duplicated, resolved when
gone, in batches of 100; failures counted, refusals one line and exit 2. Also each moto
correction the import relies on, ``iam-policy --security-hub``, the demo account's scan,
and one run over HTTP (the session's moto server)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.validate import ParamValidator
from moto import mock_aws

from regionready import securityhub
from regionready.cli import main
from regionready.demo import moto_gaps
from regionready.demo.moto_gaps._common import remembered_params
from regionready.demo.moto_gaps.accessanalyzer import error, reply
from regionready.demo.seed import DemoPlan
from regionready.engine.fixtures import ACCOUNT as FIXTURE_ACCOUNT
from regionready.engine.fixtures import region_document
from regionready.model import Report, Result, ScanInfo, Severity, Status
from regionready.reporters import asff
from regionready.snapshot_manifest import manifest_document
from regionready.snapshot_write import write_scan

ACCOUNT = "123456789012"  # moto's default account
OTHER = "210987654321"
SOURCE = "me-central-1"
TARGET = "eu-central-1"
WEST = "eu-west-1"
T1 = "2026-01-01T10:00:00+00:00"
T2 = "2026-01-02T10:00:00+00:00"
T3 = "2026-01-03T10:00:00+00:00"

ClientFor = Callable[[str, str], Any]


# -- helpers ---------------------------------------------------------------------------


def result(
    rule_id: str,
    status: Status,
    resource: str,
    *,
    target: str = TARGET,
    account: str = ACCOUNT,
    severity: Severity = Severity.HIGH,
    suppression: dict[str, str] | None = None,
) -> Result:
    return Result(
        rule_id=rule_id,
        status=status,
        severity=severity,
        service=rule_id.split("-")[0].lower(),
        kind="parity",
        message=f"{resource} in {target}: {status.value}",
        account=account,
        region=target,
        resource_type="kms.key",
        resource_id=f"arn:aws:kms:{target}:{account}:key/{resource}",
        correlation_key=resource,
        source_region=SOURCE,
        target_region=target,
        suppression=suppression,
    )


def make_report(
    results: list[Result], now: str = T1, targets: tuple[str, ...] = (TARGET,)
) -> Report:
    return Report(
        scan=ScanInfo(
            source_region=SOURCE,
            target_region=targets[0],
            accounts=[ACCOUNT],
            now=now,
            finished_at=now,
            tool_version="0.1.0",
            pairs=[{"source": SOURCE, "target": t} for t in targets],
        ),
        rules={},
        results=results,
    )


def hub_findings(client_for: ClientFor, region: str = TARGET) -> dict[str, dict[str, Any]]:
    """Every finding the hub of ``region`` holds, by Id (all pages)."""
    pages = client_for("securityhub", region).get_paginator("get_findings").paginate()
    return {f["Id"]: f for page in pages for f in page["Findings"]}


def import_shape() -> Any:
    model = botocore.session.get_session().get_service_model("securityhub")
    return model.operation_model("BatchImportFindings").input_shape


def request_errors(findings: list[dict[str, Any]]) -> list[str]:
    """botocore's validation of BatchImportFindings requests holding ``findings``."""
    shape = import_shape()
    found = []
    for start in range(0, len(findings), 100):
        checked = ParamValidator().validate({"Findings": findings[start : start + 100]}, shape)
        if checked.has_errors():
            found.append(checked.generate_report())
    return found


def calls(session: boto3.Session, operation: str) -> list[dict[str, Any]]:
    """The parameters of every ``operation`` call made by ``session``'s clients."""
    seen: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        seen.append(dict(params))

    session.events.register(f"before-parameter-build.securityhub.{operation}", record)
    return seen


@pytest.fixture
def session() -> Iterator[boto3.Session]:
    """In-process moto with the corrections; Security Hub enabled in TARGET and WEST."""
    with mock_aws():
        found = moto_gaps.install(boto3.Session(region_name=SOURCE))
        for region in (TARGET, WEST):
            found.client("securityhub", region_name=region).enable_security_hub()
        yield found


@pytest.fixture
def client_for(session: boto3.Session) -> ClientFor:
    def make(service: str, region: str) -> Any:
        return session.client(service, region_name=region)

    return make


# -- moto corrections ---------------------------------------------------------------------


def raw_finding(finding_id: str, **changes: Any) -> dict[str, Any]:
    """A minimal finding of the default product in TARGET."""
    finding: dict[str, Any] = {
        "SchemaVersion": "2018-10-08",
        "Id": finding_id,
        "ProductArn": asff.product_arn(TARGET, ACCOUNT),
        "GeneratorId": f"regionready/{finding_id}",
        "AwsAccountId": ACCOUNT,
        "Types": [asff.FINDING_TYPE],
        "CreatedAt": "2026-01-01T00:00:00.000Z",
        "UpdatedAt": "2026-01-01T00:00:00.000Z",
        "Severity": {"Label": "HIGH"},
        "Title": finding_id,
        "Description": finding_id,
        "Resources": [{"Type": "Other", "Id": finding_id}],
        "ProductFields": {"ProviderName": "regionready"},
        "Compliance": {"Status": "FAILED"},
    }
    finding.update(changes)
    return finding


def test_gap_get_findings_applies_filters_sorts_and_pages(client_for: ClientFor) -> None:
    hub = client_for("securityhub", TARGET)
    hub.batch_import_findings(
        Findings=[
            raw_finding("a"),
            raw_finding("b", ProductFields={"ProviderName": "other"}),
            raw_finding("c", GeneratorId="someone-else/c"),
            raw_finding("d"),
            raw_finding("e"),
        ]
    )
    ident = asff.product_arn(TARGET, ACCOUNT)
    hub.batch_update_findings(
        FindingIdentifiers=[{"Id": "d", "ProductArn": ident}],
        Workflow={"Status": "RESOLVED"},
        Note={"Text": "done", "UpdatedBy": "me"},
    )

    def ids(**filters: Any) -> list[str]:
        return [f["Id"] for f in hub.get_findings(Filters=filters)["Findings"]]

    assert ids() == ["a", "b", "c", "d", "e"]
    assert ids(GeneratorId=[{"Value": "regionready/", "Comparison": "PREFIX"}]) == [
        "a",
        "b",
        "d",
        "e",
    ]
    provider = [{"Key": "ProviderName", "Value": "regionready", "Comparison": "EQUALS"}]
    assert ids(ProductFields=provider) == ["a", "c", "d", "e"]
    assert ids(WorkflowStatus=[{"Value": "RESOLVED", "Comparison": "NOT_EQUALS"}]) == [
        "a",
        "b",
        "c",
        "e",
    ]
    # Positive filters of a field are ORed, negative ones ANDed, fields ANDed.
    either = [{"Value": "a", "Comparison": "EQUALS"}, {"Value": "b", "Comparison": "EQUALS"}]
    assert ids(Id=either) == ["a", "b"]
    assert ids(Id=either, ProductFields=provider) == ["a"]
    neither = [
        {"Value": "a", "Comparison": "NOT_EQUALS"},
        {"Value": "b", "Comparison": "NOT_EQUALS"},
    ]
    assert ids(Id=neither) == ["c", "d", "e"]
    assert ids(Region=[{"Value": WEST, "Comparison": "EQUALS"}]) == []
    assert ids(Region=[{"Value": TARGET, "Comparison": "EQUALS"}]) == ["a", "b", "c", "d", "e"]
    # Sorted and paged.
    sort = [{"Field": "Id", "SortOrder": "desc"}]
    page = hub.get_findings(SortCriteria=sort, MaxResults=2)
    assert [f["Id"] for f in page["Findings"]] == ["e", "d"]
    pages = hub.get_paginator("get_findings").paginate(
        SortCriteria=sort, PaginationConfig={"PageSize": 2}
    )
    sizes_and_ids = [[f["Id"] for f in p["Findings"]] for p in pages]
    assert sizes_and_ids == [["e", "d"], ["c", "b"], ["a"]]
    # A filter the correction does not answer is refused, not ignored.
    with pytest.raises(ClientError) as refused:
        hub.get_findings(Filters={"CreatedAt": [{"DateRange": {"Value": 1, "Unit": "DAYS"}}]})
    assert refused.value.response["Error"]["Code"] == "InvalidInputException"
    assert "CreatedAt" in refused.value.response["Error"]["Message"]


def test_gap_import_adds_what_aws_adds_and_keeps_the_customers_fields(
    client_for: ClientFor,
) -> None:
    hub = client_for("securityhub", TARGET)
    answer = hub.batch_import_findings(Findings=[raw_finding("a"), raw_finding("x", Resources=[])])
    assert (answer["SuccessCount"], answer["FailedCount"]) == (1, 1)
    assert answer["FailedFindings"][0]["Id"] == "x"
    [stored] = hub.get_findings()["Findings"]
    assert stored["Region"] == TARGET
    assert stored["Workflow"] == {"Status": "NEW"} and stored["WorkflowState"] == "NEW"
    assert stored["RecordState"] == "ACTIVE"
    assert (stored["ProductName"], stored["CompanyName"]) == ("Default", "Personal")
    assert stored["FindingProviderFields"]["Severity"] == {"Label": "HIGH"}
    # BatchUpdateFindings: Workflow and Note change, UpdatedAt does not.
    ident = {"Id": "a", "ProductArn": stored["ProductArn"]}
    done = hub.batch_update_findings(
        FindingIdentifiers=[ident, {"Id": "nope", "ProductArn": stored["ProductArn"]}],
        Workflow={"Status": "RESOLVED"},
        Note={"Text": "fixed", "UpdatedBy": "alice"},
    )
    assert done["ProcessedFindings"] == [ident]
    assert done["UnprocessedFindings"][0]["ErrorCode"] == "FindingNotFound"
    [stored] = hub.get_findings()["Findings"]
    assert stored["Workflow"] == {"Status": "RESOLVED"}
    assert stored["Note"]["Text"] == "fixed" and stored["Note"]["UpdatedBy"] == "alice"
    assert stored["UpdatedAt"] == "2026-01-01T00:00:00.000Z"
    # Re-import: Workflow and Note are the customer's now; the rest is the provider's.
    hub.batch_import_findings(
        Findings=[raw_finding("a", Title="new title", Workflow={"Status": "NEW"})]
    )
    [stored] = hub.get_findings()["Findings"]
    assert stored["Title"] == "new title"
    assert stored["Workflow"] == {"Status": "RESOLVED"} and stored["Note"]["Text"] == "fixed"
    # Compliance PASSED -> FAILED sets a RESOLVED finding back to NEW.
    hub.batch_import_findings(Findings=[raw_finding("a", Compliance={"Status": "PASSED"})])
    assert hub.get_findings()["Findings"][0]["Workflow"] == {"Status": "RESOLVED"}
    hub.batch_import_findings(Findings=[raw_finding("a")])
    assert hub.get_findings()["Findings"][0]["Workflow"] == {"Status": "NEW"}


def test_gap_security_hub_not_enabled(session: boto3.Session) -> None:
    hub = session.client("securityhub", region_name="eu-north-1")
    with pytest.raises(ClientError) as refused:
        hub.get_findings()
    assert refused.value.response["Error"]["Code"] == "InvalidAccessException"
    answer = hub.batch_import_findings(Findings=[raw_finding("a")])
    assert answer["FailedCount"] == 1
    assert answer["FailedFindings"][0]["ErrorCode"] == "InvalidAccess"
    with pytest.raises(ClientError) as refused:
        hub.batch_update_findings(
            FindingIdentifiers=[{"Id": "a", "ProductArn": "x"}], Workflow={"Status": "NEW"}
        )
    assert refused.value.response["Error"]["Code"] == "InvalidAccessException"


# -- publish ---------------------------------------------------------------------------------


def test_import_then_a_rescan_updates_instead_of_duplicating(
    session: boto3.Session, client_for: ClientFor
) -> None:
    results = [
        result("KMS-002", Status.FAIL, "k1"),
        result("KMS-002", Status.PASS, "k2"),
        result("KMS-004", Status.ERROR, "k3"),
        result("KMS-004", Status.NOT_APPLICABLE, "k4"),
        result("KMS-008", Status.SUPPRESSED, "k5", suppression={"reason": "accepted"}),
    ]
    first = securityhub.publish(make_report(results, T1), client_for)
    assert first.line() == f"Security Hub: imported 3, updated 0, resolved 0 in {TARGET}"
    assert (first.account, first.warnings()) == (ACCOUNT, [])
    stored = hub_findings(client_for)
    expected = {r.fingerprint for r in results if r.status in asff.FINDING_STATUSES}
    assert set(stored) == expected
    suppressed = stored[results[4].fingerprint]
    assert suppressed["Workflow"] == {"Status": "SUPPRESSED"}
    assert suppressed["Note"]["Text"] == "Suppressed in regionready: accepted"
    imports = calls(session, "BatchImportFindings")
    again = securityhub.publish(make_report(results, T2), client_for)
    assert again.line() == f"Security Hub: imported 0, updated 3, resolved 0 in {TARGET}"
    assert len(imports) == 1
    restored = hub_findings(client_for)
    assert set(restored) == expected  # the same findings, not new ones
    for finding_id, finding in restored.items():
        assert finding["UpdatedAt"] == "2026-01-02T10:00:00.000Z"
        assert finding["CreatedAt"] == stored[finding_id]["CreatedAt"] == "2026-01-01T10:00:00.000Z"


def test_a_finding_gone_is_resolved_and_a_finding_back_is_new(client_for: ClientFor) -> None:
    k1 = result("KMS-002", Status.FAIL, "k1")
    k2 = result("KMS-002", Status.FAIL, "k2")
    k3 = result("KMS-004", Status.FAIL, "k3")
    securityhub.publish(make_report([k1, k2, k3], T1), client_for)
    # Another pair's finding in the same Region (another scan imported it).
    other_pair = result("KMS-002", Status.FAIL, "k9")
    other_pair.source_region = "me-south-1"
    other_pair.fingerprint = ""
    other_pair.__post_init__()
    other_report = make_report([other_pair], T1)
    other_report.scan.pairs = [{"source": "me-south-1", "target": TARGET}]
    securityhub.publish(other_report, client_for)

    # k2 passes now; KMS-004 was not evaluated at all (its finding stays as it is).
    k2_pass = result("KMS-002", Status.PASS, "k2")
    summary = securityhub.publish(make_report([k1, k2_pass], T2), client_for)
    assert summary.line() == f"Security Hub: imported 0, updated 1, resolved 1 in {TARGET}"
    stored = hub_findings(client_for)
    assert stored[k2.fingerprint]["Workflow"] == {"Status": "RESOLVED"}
    assert stored[k2.fingerprint]["Note"]["Text"] == (
        "not found by regionready scan at 2026-01-02T10:00:00.000Z"
    )
    assert stored[k2.fingerprint]["UpdatedAt"] == "2026-01-01T10:00:00.000Z"
    for kept in (k1, k3, other_pair):
        assert stored[kept.fingerprint]["Workflow"] == {"Status": "NEW"}
    # Resolved once: the next scan without it resolves nothing more.
    summary = securityhub.publish(make_report([k1, k2_pass], T2), client_for)
    assert summary.resolved == 0
    # Not evaluated now (ERROR): imported as such, but not "found again".
    k2_error = result("KMS-002", Status.ERROR, "k2")
    securityhub.publish(make_report([k1, k2_error], T2), client_for)
    stored = hub_findings(client_for)[k2.fingerprint]
    assert stored["Compliance"] == {"Status": "NOT_AVAILABLE"}
    assert stored["Workflow"] == {"Status": "RESOLVED"}
    # Back again: NEW, with a note saying so.
    summary = securityhub.publish(make_report([k1, k2], T3), client_for)
    assert (summary.imported, summary.updated, summary.resolved) == (0, 2, 0)
    assert summary.workflow_changes == 1
    back = hub_findings(client_for)[k2.fingerprint]
    assert back["Workflow"] == {"Status": "NEW"}
    assert back["Note"]["Text"] == "found again by regionready scan at 2026-01-03T10:00:00.000Z"


def test_suppressions_set_and_clear_the_workflow(client_for: ClientFor) -> None:
    k1 = result("KMS-002", Status.FAIL, "k1")
    k2 = result("KMS-002", Status.FAIL, "k2")
    securityhub.publish(make_report([k1, k2], T1), client_for)
    hub = client_for("securityhub", TARGET)
    # Someone suppresses k2 in Security Hub: regionready leaves that alone.
    hub.batch_update_findings(
        FindingIdentifiers=[
            {"Id": k2.fingerprint, "ProductArn": asff.product_arn(TARGET, ACCOUNT)}
        ],
        Workflow={"Status": "SUPPRESSED"},
        Note={"Text": "risk accepted", "UpdatedBy": "alice"},
    )
    k1_suppressed = result(
        "KMS-002", Status.SUPPRESSED, "k1", suppression={"reason": "retired", "owner": "ops"}
    )
    securityhub.publish(make_report([k1_suppressed, k2], T2), client_for)
    stored = hub_findings(client_for)
    assert stored[k1.fingerprint]["Workflow"] == {"Status": "SUPPRESSED"}
    assert (
        stored[k1.fingerprint]["Note"]["Text"] == "Suppressed in regionready: retired (owner ops)"
    )
    assert stored[k2.fingerprint]["Workflow"] == {"Status": "SUPPRESSED"}
    # The suppression file no longer lists k1: NEW again; alice's suppression stays.
    securityhub.publish(make_report([k1, k2], T3), client_for)
    stored = hub_findings(client_for)
    assert stored[k1.fingerprint]["Workflow"] == {"Status": "NEW"}
    assert stored[k1.fingerprint]["Note"]["Text"].startswith("no longer suppressed in regionready")
    assert stored[k2.fingerprint]["Workflow"] == {"Status": "SUPPRESSED"}
    assert stored[k2.fingerprint]["Note"]["UpdatedBy"] == "alice"


def test_250_findings_take_three_imports_and_three_updates(
    session: boto3.Session, client_for: ClientFor
) -> None:
    failing = [result("KMS-002", Status.FAIL, f"k{i:03}") for i in range(250)]
    imports = calls(session, "BatchImportFindings")
    summary = securityhub.publish(make_report(failing, T1), client_for)
    assert [len(c["Findings"]) for c in imports] == [100, 100, 50]
    assert summary.imported == 250
    assert len(hub_findings(client_for)) == 250
    updates = calls(session, "BatchUpdateFindings")
    passing = [result("KMS-002", Status.PASS, f"k{i:03}") for i in range(250)]
    summary = securityhub.publish(make_report(passing, T2), client_for)
    assert [len(c["FindingIdentifiers"]) for c in updates] == [100, 100, 50]
    assert summary.resolved == 250
    assert {f["Workflow"]["Status"] for f in hub_findings(client_for).values()} == {"RESOLVED"}


def test_failed_findings_are_sent_once_more_and_counted(
    session: boto3.Session, client_for: ClientFor
) -> None:
    findings = [result("KMS-002", Status.FAIL, f"k{i}") for i in range(5)]
    flaky, broken = findings[0].fingerprint, findings[1].fingerprint
    imports = calls(session, "BatchImportFindings")

    def fail_some(parsed: dict[str, Any], **_: Any) -> None:
        # Claim failures: the flaky one on the first call only, the broken one always.
        sent = {f["Id"] for f in imports[-1]["Findings"]}
        failing = {broken} | ({flaky} if len(imports) == 1 else set())
        parsed["FailedFindings"] = [
            {"Id": i, "ErrorCode": "InvalidInput", "ErrorMessage": "no"} for i in failing & sent
        ]

    session.events.register("after-call.securityhub.BatchImportFindings", fail_some)
    summary = securityhub.publish(make_report(findings, T1), client_for)
    assert [sorted(f["Id"] for f in c["Findings"]) for c in imports[1:]] == [
        sorted([flaky, broken])
    ]
    assert summary.imported == 4
    assert summary.failed == {"InvalidInput": 1}
    assert summary.warnings() == ["Security Hub did not take 1 findings (1 InvalidInput)"]


def test_findings_of_other_accounts_are_not_sent(client_for: ClientFor) -> None:
    mine = result("KMS-002", Status.FAIL, "k1")
    theirs = [result("KMS-002", Status.FAIL, f"t{i}", account=OTHER) for i in range(2)]
    summary = securityhub.publish(make_report([mine, *theirs], T1), client_for)
    assert set(hub_findings(client_for)) == {mine.fingerprint}
    assert summary.skipped == {OTHER: 2}
    [warning] = summary.warnings()
    assert warning.startswith(f"2 findings of other accounts were not imported into {ACCOUNT}")
    assert "--role-arn" in warning


def test_two_pairs_import_into_each_target_region(client_for: ClientFor) -> None:
    central = result("KMS-002", Status.FAIL, "k1")
    west = result("KMS-002", Status.FAIL, "k1", target=WEST)
    report = make_report([central, west], T1, targets=(TARGET, WEST))
    summary = securityhub.publish(report, client_for)
    assert summary.line() == (
        f"Security Hub: imported 2, updated 0, resolved 0 in {TARGET}, {WEST}"
    )
    assert set(hub_findings(client_for, TARGET)) == {central.fingerprint}
    assert set(hub_findings(client_for, WEST)) == {west.fingerprint}
    # A pair without findings now is still visited: its earlier finding is resolved.
    west_pass = result("KMS-002", Status.PASS, "k1", target=WEST)
    summary = securityhub.publish(
        make_report([central, west_pass], T2, targets=(TARGET, WEST)), client_for
    )
    assert (summary.updated, summary.resolved) == (1, 1)
    assert hub_findings(client_for, WEST)[west.fingerprint]["Workflow"] == {"Status": "RESOLVED"}


def test_refusals_are_one_line_naming_the_region_and_the_action(
    session: boto3.Session, client_for: ClientFor
) -> None:
    def denied(**_: Any) -> Any:
        return error(403, "AccessDeniedException", "User is not authorized")

    session.events.register_first("before-call.securityhub.BatchImportFindings", denied)
    report = make_report([result("KMS-002", Status.FAIL, "k1")])
    with pytest.raises(securityhub.SecurityHubError) as refused:
        securityhub.publish(report, client_for)
    assert str(refused.value) == (
        f"Security Hub in {TARGET}: securityhub:BatchImportFindings was denied "
        "(AccessDeniedException); grant it (regionready iam-policy --security-hub)"
    )
    report.scan.pairs = [{"source": SOURCE, "target": "eu-north-1"}]
    with pytest.raises(securityhub.SecurityHubError) as refused:
        securityhub.publish(report, client_for)
    assert str(refused.value) == (
        "Security Hub is not enabled in eu-north-1 (securityhub:GetFindings: "
        "InvalidAccessException); enable it there or leave out --security-hub"
    )


# -- the command line ---------------------------------------------------------------------

CERT_SOURCE = {
    "CertificateArn": f"arn:aws:acm:{SOURCE}:{FIXTURE_ACCOUNT}:certificate/api",
    "DomainName": "api.example.com",
    "SubjectAlternativeNames": ["api.example.com"],
    "KeyAlgorithm": "EC_prime256v1",
    "Type": "AMAZON_ISSUED",
    "Status": "ISSUED",
}


def make_snapshot(root: Path) -> Path:
    """A snapshot of account 111111111111 where ACM-001 fails (high) for api."""
    docs = {
        (FIXTURE_ACCOUNT, SOURCE): region_document(
            SOURCE, {"acm": {"certificate": [CERT_SOURCE], "private_ca": []}}, {}
        ),
        (FIXTURE_ACCOUNT, TARGET): region_document(
            TARGET, {"acm": {"certificate": [], "private_ca": []}}, {}
        ),
    }
    manifest = manifest_document(
        source_region=SOURCE,
        target_region=TARGET,
        accounts=[FIXTURE_ACCOUNT],
        tool_version="test",
        rules_version="test",
        started_at="2026-11-23T00:00:00Z",
        finished_at="2026-11-23T00:01:00Z",
        services=["acm"],
        api_calls={},
    )
    write_scan(root, manifest, docs)
    return root


class CliSessions:
    """Hooks put first on every session the CLI opens (after moto_gaps)."""

    def __init__(self) -> None:
        self.first: list[tuple[str, Any]] = []


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[CliSessions]:
    """moto in-process as account 111111111111 (the snapshot's), Security Hub enabled in
    TARGET; every session the CLI opens gets moto_gaps and the test's first hooks."""
    from regionready.collect import sessions

    monkeypatch.setenv("MOTO_ACCOUNT_ID", FIXTURE_ACCOUNT)
    hooks = CliSessions()
    original = sessions.open_session

    def open_session(spec: Any, base: Any = None) -> Any:
        opened = moto_gaps.install(original(spec, base))
        for event, handler in hooks.first:
            opened.events.register_first(event, handler)
        return opened

    monkeypatch.setattr(sessions, "open_session", open_session)
    with mock_aws():
        client = moto_gaps.install(boto3.Session()).client("securityhub", region_name=TARGET)
        client.enable_security_hub()
        yield hooks


def evaluate(tmp_path: Path, *extra: str) -> tuple[int, Path]:
    snapshot = tmp_path / "scan"
    if not snapshot.exists():
        make_snapshot(snapshot)
    out = tmp_path / "out"
    argv = ["evaluate", str(snapshot), "--only", "ACM-001", "--format", "json,asff"]
    code = main([*argv, "--out", str(out), "--now", "2026-11-23T00:00:00Z", *extra])
    return code, out


def test_evaluate_security_hub_imports_then_updates(
    cli: CliSessions, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = evaluate(tmp_path, "--security-hub")
    assert code == 1  # the gate's code: ACM-001 is high
    err = capsys.readouterr().err
    findings = json.loads((out / "regionready.asff.json").read_text())
    assert len(findings) == 1 and findings[0]["AwsAccountId"] == FIXTURE_ACCOUNT
    assert err.splitlines()[-1] == f"Security Hub: imported 1, updated 0, resolved 0 in {TARGET}"
    hub = moto_gaps.install(boto3.Session()).client("securityhub", region_name=TARGET)
    assert [f["Id"] for f in hub.get_findings()["Findings"]] == [findings[0]["Id"]]
    code, _ = evaluate(tmp_path, "--security-hub")
    assert code == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"Security Hub: imported 0, updated 1, resolved 0 in {TARGET}"
    )
    assert len(hub.get_findings()["Findings"]) == 1


def test_without_the_flag_nothing_is_imported(
    cli: CliSessions, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = evaluate(tmp_path)
    assert code == 1
    assert "Security Hub" not in capsys.readouterr().err
    hub = moto_gaps.install(boto3.Session()).client("securityhub", region_name=TARGET)
    assert hub.get_findings()["Findings"] == []


def test_access_denied_is_one_line_and_exit_2_after_the_reports(
    cli: CliSessions, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def denied(**_: Any) -> Any:
        return error(403, "AccessDeniedException", "not authorized to perform this action")

    cli.first.append(("before-call.securityhub.BatchImportFindings", denied))
    code, out = evaluate(tmp_path, "--security-hub")
    assert code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("regionready: error:")]
    assert errors == [
        f"regionready: error: Security Hub in {TARGET}: securityhub:BatchImportFindings was "
        "denied (AccessDeniedException); grant it (regionready iam-policy --security-hub)"
    ]
    assert (out / "regionready.json").exists() and (out / "regionready.asff.json").exists()


def test_security_hub_not_enabled_is_one_line_and_exit_2(
    cli: CliSessions, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def not_subscribed(**_: Any) -> Any:
        return error(401, "InvalidAccessException", "Account is not subscribed")

    cli.first.append(("before-call.securityhub.GetFindings", not_subscribed))
    code, out = evaluate(tmp_path, "--security-hub")
    assert code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        f"regionready: error: Security Hub is not enabled in {TARGET} (securityhub:GetFindings: "
        "InvalidAccessException); enable it there or leave out --security-hub"
    )
    assert (out / "regionready.json").exists()


def test_failed_findings_are_a_warning_with_counts(
    cli: CliSessions, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse_all(context: dict[str, Any], **_: Any) -> Any:
        failed = [
            {"Id": f["Id"], "ErrorCode": "LimitExceeded", "ErrorMessage": "slow down"}
            for f in remembered_params(context)["Findings"]
        ]
        return reply({"FailedCount": len(failed), "SuccessCount": 0, "FailedFindings": failed})

    cli.first.append(("before-call.securityhub.BatchImportFindings", refuse_all))
    code, _ = evaluate(tmp_path, "--security-hub")
    assert code == 1  # the gate's: the import's failures are reported, not fatal
    lines = capsys.readouterr().err.splitlines()
    assert lines[-2:] == [
        "regionready: warning: Security Hub did not take 1 findings (1 LimitExceeded)",
        f"Security Hub: imported 0, updated 0, resolved 0 in {TARGET}",
    ]


def test_iam_policy_security_hub(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["iam-policy", "--services", "acm", "--security-hub"]) == 0
    policy = json.loads(capsys.readouterr().out)
    assert "sts:GetCallerIdentity" in policy["Statement"][0]["Action"]
    assert policy["Statement"][-1] == {
        "Sid": "RegionReadySecurityHub",
        "Effect": "Allow",
        "Action": [
            "securityhub:BatchImportFindings",
            "securityhub:BatchUpdateFindings",
            "securityhub:GetFindings",
        ],
        "Resource": "*",
    }
    assert main(["iam-policy", "--remediation", "--security-hub"]) == 0
    policy = json.loads(capsys.readouterr().out)
    assert policy["Statement"][-1]["Action"][-1] == "sts:GetCallerIdentity"
    assert main(["iam-policy", "--services", "acm"]) == 0
    policy = json.loads(capsys.readouterr().out)
    assert "RegionReadySecurityHub" not in {s["Sid"] for s in policy["Statement"]}


# -- the demo account, and over HTTP ------------------------------------------------------


def test_the_demo_accounts_scan_imports_valid_findings(
    seeded: DemoPlan,
    hooked_sessions: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    moto_gaps.install(boto3.Session()).client(
        "securityhub", region_name=TARGET
    ).enable_security_hub()
    out = tmp_path / "out"
    argv = ["scan", "--source", SOURCE, "--target", TARGET, "--format", "json,asff"]
    code = main([*argv, "--out", str(out), "--quiet", "--security-hub"])
    assert code == 1
    findings = json.loads((out / "regionready.asff.json").read_text())
    report = json.loads((out / "regionready.json").read_text())
    expected = {
        r["fingerprint"]
        for r in report["results"]
        if r["status"] in {"FAIL", "ERROR", "SUPPRESSED"}
    }
    assert len(findings) == len(expected) > 40
    assert {f["Id"] for f in findings} == expected
    assert request_errors(findings) == []
    assert {f["AwsAccountId"] for f in findings} == {seeded.account_id}
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        f"Security Hub: imported {len(findings)}, updated 0, resolved 0 in {TARGET}"
    )
    hub = moto_gaps.install(boto3.Session()).client("securityhub", region_name=TARGET)
    pages = hub.get_paginator("get_findings").paginate()
    assert {f["Id"] for p in pages for f in p["Findings"]} == expected


def test_over_http_against_the_moto_server(
    moto_server: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MOTO_ACCOUNT_ID", FIXTURE_ACCOUNT)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    with moto_gaps.everywhere():
        hub = boto3.Session().client("securityhub", region_name=TARGET)
        hub.enable_security_hub()
        code, out = evaluate(tmp_path, "--security-hub")
        assert code == 1
        [finding] = json.loads((out / "regionready.asff.json").read_text())
        assert capsys.readouterr().err.splitlines()[-1] == (
            f"Security Hub: imported 1, updated 0, resolved 0 in {TARGET}"
        )
        assert [f["Id"] for f in hub.get_findings()["Findings"]] == [finding["Id"]]
        hub.disable_security_hub()
