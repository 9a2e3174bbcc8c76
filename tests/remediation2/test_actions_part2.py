"""Remediation actions for Access Analyzer, GuardDuty, Secrets Manager and WAF, on moto.

Each action: the plan changes nothing; apply then a re-scan passes the affected rules; a
second apply of the same plan changes nothing ("unchanged"); mutating calls only in the
target Region (ReplicateSecretToRegions excepted, on the source endpoint toward the
target); nothing deleted; nothing secret in the plan or the audit log.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from regionready.cli import main
from regionready.demo.seed import DemoPlan
from regionready.demo.seed_secrets_cognito import DEMO_VALUE
from regionready.model import Result, Status
from regionready.remediation import (
    NEVER,
    Change,
    PlanContext,
    RemediationError,
    TargetClients,
    action,
)
from regionready.rules import load_rules
from regionready.runner import Clock, build_report
from regionready.snapshot import read_scan
from regionready.testing import moto_gaps

from .conftest import SERVICES, SOURCE, TARGET, Hooks, Write

WAF_RULES = ("WAF-001", "WAF-002", "WAF-003", "WAF-004", "WAF-005", "WAF-006", "WAF-007")


# -- helpers -----------------------------------------------------------------------------


def collect(out: Path, services: tuple[str, ...] = SERVICES) -> Path:
    args = ["collect", "--source", SOURCE, "--target", TARGET, "--services"]
    assert main([*args, ",".join(services), "--out", str(out), "--quiet"]) == 0
    return out


def failing(scan: Path, tmp: Path, rules: tuple[str, ...]) -> set[tuple[str, str]]:
    out = tmp / f"eval-{scan.name}"
    main(["evaluate", str(scan), "--only", ",".join(rules), "--format", "json", "--out", str(out)])
    report = json.loads((out / "regionready.json").read_text())
    assert not [r for r in report["results"] if r["status"] == "ERROR"], "every rule evaluated"
    return {(r["rule_id"], r["resource_id"]) for r in report["results"] if r["status"] == "FAIL"}


def remediate(
    scan: Path, capsys: pytest.CaptureFixture[str], rules: tuple[str, ...], *extra: str
) -> tuple[int, dict[str, Any], str]:
    code = main(
        ["remediate", str(scan), "--format", "json", *(f"--rule={r}" for r in rules), *extra]
    )
    out = capsys.readouterr().out
    start = out.index("{")
    plan, end = json.JSONDecoder().raw_decode(out[start:])
    return code, plan, out[start + end :]


def aws(service: str, region: str) -> Any:
    """A client that talks to moto as AWS would (moto_gaps installed)."""
    return moto_gaps.install(boto3.Session(region_name=region)).client(service)


def audit(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines()]


def assert_safe(writes: list[Write], permissions: tuple[str, ...]) -> None:
    """Writes only in the target (ReplicateSecretToRegions: source endpoint, target copy),
    never a delete, and each one declared in the action's PERMISSIONS."""
    assert writes, "the watcher saw the changes"
    for name, region, params in writes:
        assert not NEVER.match(name), name
        assert any(p.endswith(f":{name}") for p in permissions), name
        if name == "ReplicateSecretToRegions":
            assert region == SOURCE
            assert [r["Region"] for r in params["AddReplicaRegions"]] == [TARGET]
        else:
            assert region == TARGET, (name, region)


def apply_twice(
    before: Path,
    tmp: Path,
    capsys: pytest.CaptureFixture[str],
    hooks: Hooks,
    rules: tuple[str, ...],
    actions: tuple[str, ...],
) -> tuple[list[Write], list[dict[str, Any]], list[dict[str, Any]]]:
    """Apply the plan of ``before``; then replay it. Returns the first run's writes and
    both runs' audit entries; asserts the writes are safe, every call is in the actions'
    PERMISSIONS, and the replay wrote nothing."""
    permissions = tuple(p for name in actions for p in action(name).PERMISSIONS)
    writes = hooks.watch_writes()
    log = tmp / "audit.jsonl"
    code, _, out = remediate(before, capsys, rules, "--apply", "--yes", "--audit-log", str(log))
    assert code == 0, out
    first = audit(log)
    applied = list(writes)
    assert_safe(applied, permissions)
    assert hooks.calls and set(hooks.calls) <= set(permissions), set(hooks.calls) - set(permissions)
    writes.clear()
    code, _, out = remediate(before, capsys, rules, "--apply", "--yes", "--audit-log", str(log))
    assert code == 0, out
    assert writes == [], "replaying an applied plan makes no change"
    return applied, first, audit(log)[len(first) :]


# -- WAF ---------------------------------------------------------------------------------


def waf(region: str) -> Any:
    return aws("wafv2", region)


def web_acl(region: str, name: str) -> dict[str, Any]:
    client = waf(region)
    summary = next(
        a for a in client.list_web_acls(Scope="REGIONAL")["WebACLs"] if a["Name"] == name
    )
    acl: dict[str, Any] = client.get_web_acl(Name=name, Scope="REGIONAL", Id=summary["Id"])[
        "WebACL"
    ]
    return acl


def arns(region: str, kind: str) -> dict[str, str]:
    client = waf(region)
    listed = {
        "ipset": client.list_ip_sets(Scope="REGIONAL")["IPSets"],
        "regex": client.list_regex_pattern_sets(Scope="REGIONAL")["RegexPatternSets"],
        "group": client.list_rule_groups(Scope="REGIONAL")["RuleGroups"],
    }[kind]
    return {s["Name"]: s["ARN"] for s in listed}


def test_clone_web_acl_fixes_the_demo_waf_findings(
    seeded: DemoPlan, hooked_sessions: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A set that exists only in the target must survive the clone.
    waf(TARGET).create_ip_set(
        Name="target-only", Scope="REGIONAL", IPAddressVersion="IPV4", Addresses=["10.0.0.0/8"]
    )
    services = ("wafv2",)
    before = collect(tmp_path / "before", services)
    storefront_t = seeded.failing["WAF-003"][0]
    partner_t = seeded.failing["WAF-006"][0]
    unfixable = {("WAF-006", partner_t), ("WAF-007", partner_t)}  # no action: WAF-006/007
    assert failing(before, tmp_path, WAF_RULES) == {
        ("WAF-001", seeded.failing["WAF-001"][0]),
        ("WAF-003", storefront_t),
        ("WAF-004", storefront_t),
        ("WAF-005", seeded.failing["WAF-005"][0]),
        *unfixable,
    }

    code, plan, _ = remediate(before, capsys, WAF_RULES)
    assert code == 0
    assert sorted((c["action"], c["resource"], c["rule_id"]) for c in plan["changes"]) == [
        ("clone-web-acl", "REGIONAL/regex_pattern_set/bad-bots", "WAF-005"),
        ("clone-web-acl", "REGIONAL/web_acl/admin-portal", "WAF-001"),
        ("clone-web-acl", "REGIONAL/web_acl/storefront", "WAF-003"),  # and WAF-004
    ]
    assert all(c["region"] == TARGET for c in plan["changes"])
    admin = next(c for c in plan["changes"] if c["resource"].endswith("admin-portal"))
    assert [(s["Kind"], s["Name"]) for s in admin["params"]["Items"]] == [
        ("regex_pattern_set", "bad-bots"),
        ("web_acl", "admin-portal"),
    ]
    assert "regex pattern set bad-bots: create" in admin["summary"]
    storefront = next(c for c in plan["changes"] if c["resource"].endswith("storefront"))
    assert "web ACL storefront: update" in storefront["summary"]
    assert "IP set office-ips: as is" in storefront["summary"]
    # The plan changed nothing.
    assert failing(collect(tmp_path / "planned", services), tmp_path, WAF_RULES) == failing(
        before, tmp_path, WAF_RULES
    )

    writes, first, replay = apply_twice(
        before, tmp_path, capsys, hooked_sessions, WAF_RULES, ("clone-web-acl",)
    )
    assert sorted(w[0] for w in writes) == [
        "CheckCapacity",
        "CheckCapacity",
        "CreateRegexPatternSet",
        "CreateWebACL",
        "UpdateWebACL",
    ]
    assert [e["outcome"] for e in first] == ["applied", "applied", "unchanged"]
    assert {e["outcome"] for e in replay} == {"unchanged"}

    after = collect(tmp_path / "after", services)
    assert failing(after, tmp_path, WAF_RULES) == unfixable
    # Every reference now names the target's own resources.
    ip_sets, regex_sets, groups = (
        arns(TARGET, "ipset"),
        arns(TARGET, "regex"),
        arns(TARGET, "group"),
    )
    rules = {r["Name"]: r for r in web_acl(TARGET, "storefront")["Rules"]}
    assert (
        rules["allow-office"]["Statement"]["IPSetReferenceStatement"]["ARN"]
        == (ip_sets["office-ips"])
    )
    assert rules["block-sqli"]["Action"] == {"Block": {}}
    assert (
        rules["geo-block"]["Statement"]["RuleGroupReferenceStatement"]["ARN"]
        == (groups["geo-block"])
    )
    rate = web_acl(TARGET, "admin-portal")["Rules"][0]["Statement"]["RateBasedStatement"]
    assert (
        rate["ScopeDownStatement"]["RegexPatternSetReferenceStatement"]["ARN"]
        == (regex_sets["bad-bots"])
    )
    assert "target-only" in ip_sets, "a set only in the target is never deleted"
    # A fresh scan plans nothing.
    assert remediate(after, capsys, WAF_RULES)[1]["changes"] == []


def test_clone_web_acl_updates_sets_and_groups_and_fixes_references_in_place(
    seeded: DemoPlan, hooked_sessions: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client = waf(TARGET)
    office_s = arns(SOURCE, "ipset")["office-ips"]
    # Drift planted in the target: one office address gone, the geo-block group edited,
    # and a target-only rule group whose statement (nested in And/Not) still names the
    # source's IP set.
    office = next(
        s for s in client.list_ip_sets(Scope="REGIONAL")["IPSets"] if s["Name"] == "office-ips"
    )
    got = client.get_ip_set(Name="office-ips", Scope="REGIONAL", Id=office["Id"])
    client.update_ip_set(
        Name="office-ips",
        Scope="REGIONAL",
        Id=office["Id"],
        Addresses=got["IPSet"]["Addresses"][:1],
        LockToken=got["LockToken"],
    )
    geo = next(
        g
        for g in client.list_rule_groups(Scope="REGIONAL")["RuleGroups"]
        if g["Name"] == "geo-block"
    )
    group = client.get_rule_group(Name="geo-block", Scope="REGIONAL", Id=geo["Id"])
    edited = group["RuleGroup"]["Rules"]
    edited[0]["Statement"]["GeoMatchStatement"]["CountryCodes"] = ["KP"]
    client.update_rule_group(
        Name="geo-block",
        Scope="REGIONAL",
        Id=geo["Id"],
        Rules=edited,
        VisibilityConfig=group["RuleGroup"]["VisibilityConfig"],
        LockToken=group["LockToken"],
    )
    nested = {
        "AndStatement": {
            "Statements": [
                {"NotStatement": {"Statement": {"IPSetReferenceStatement": {"ARN": office_s}}}},
                {"GeoMatchStatement": {"CountryCodes": ["US"]}},
                # A reference to the target's own set is right already and stays.
                {"IPSetReferenceStatement": {"ARN": arns(TARGET, "ipset")["office-ips"]}},
            ]
        }
    }
    visibility = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False}
    client.create_rule_group(
        Name="legacy",
        Scope="REGIONAL",
        Capacity=100,
        VisibilityConfig={**visibility, "MetricName": "legacy"},
        Rules=[
            {
                "Name": "outside-office",
                "Priority": 0,
                "Statement": nested,
                "Action": {"Count": {}},
                "VisibilityConfig": {**visibility, "MetricName": "outside-office"},
            }
        ],
    )
    rules = ("WAF-004", "WAF-005")
    before = collect(tmp_path / "before", ("wafv2",))
    found = failing(before, tmp_path, rules)
    legacy_t = arns(TARGET, "group")["legacy"]
    assert ("WAF-004", legacy_t) in found
    assert ("WAF-005", arns(TARGET, "group")["geo-block"]) in found
    assert ("WAF-005", arns(TARGET, "ipset")["office-ips"]) in found

    code, plan, _ = remediate(before, capsys, rules)
    assert code == 0
    legacy = next(c for c in plan["changes"] if c["resource"] == "REGIONAL/rule_group/legacy")
    assert [(s["Kind"], s["SourceArn"]) for s in legacy["params"]["Items"]] == [
        ("ip_set", office_s),
        ("rule_group", legacy_t),
    ]
    assert "rule group legacy: fix references" in legacy["summary"]

    writes, _, replay = apply_twice(
        before, tmp_path, capsys, hooked_sessions, rules, ("clone-web-acl",)
    )
    names = sorted(w[0] for w in writes)
    assert names.count("UpdateIPSet") == 1 and names.count("UpdateRuleGroup") == 2
    # Only the demo's missing bad-bots set (WAF-005) is created; the rest is updated.
    assert [n for n in names if n.startswith("Create")] == ["CreateRegexPatternSet"]
    assert {e["outcome"] for e in replay} == {"unchanged"}

    after = collect(tmp_path / "after", ("wafv2",))
    assert failing(after, tmp_path, rules) == set()
    office_t = arns(TARGET, "ipset")["office-ips"]
    fixed = client.get_rule_group(Name="legacy", Scope="REGIONAL", Id=legacy_t.rsplit("/", 1)[1])
    statements = fixed["RuleGroup"]["Rules"][0]["Statement"]["AndStatement"]["Statements"]
    assert statements[0]["NotStatement"]["Statement"]["IPSetReferenceStatement"]["ARN"] == office_t
    assert statements[2]["IPSetReferenceStatement"]["ARN"] == office_t
    assert remediate(after, capsys, rules)[1]["changes"] == []


def test_clone_web_acl_refuses_a_web_acl_over_capacity(
    seeded: DemoPlan, hooked_sessions: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = collect(tmp_path / "before", ("wafv2",))
    hooked_sessions.wcu = 6000  # CheckCapacity answers 6000 WCU per rule
    writes = hooked_sessions.watch_writes(("wafv2",))
    log = tmp_path / "audit.jsonl"
    code, _, out = remediate(
        before, capsys, ("WAF-001",), "--apply", "--yes", "--audit-log", str(log)
    )
    assert code == 2
    assert "over the 5000 WCU a web ACL may use: not created" in out
    assert "done before the failure: created regex pattern set bad-bots" in out
    assert [w[0] for w in writes] == ["CreateRegexPatternSet", "CheckCapacity"]
    assert [e["outcome"] for e in audit(log)] == ["failed"]
    assert "admin-portal" not in {
        a["Name"] for a in waf(TARGET).list_web_acls(Scope="REGIONAL")["WebACLs"]
    }


def test_clone_web_acl_checks_the_recorded_capacity_before_any_call(
    seeded: DemoPlan, hooked_sessions: Hooks, tmp_path: Path
) -> None:
    findings, ctx = failed_findings(collect(tmp_path / "before", ("wafv2",)), "WAF-001")
    admin = next(f for f in findings if "admin-portal" in f.resource_id)
    module = action("clone-web-acl")
    [change] = module.plan(admin, ctx)
    # The source web ACL, as recorded in the snapshot, needs more than a web ACL may use.
    [acl] = [a for a in ctx.items(SOURCE, "wafv2", "web_acl") if a["Name"] == "admin-portal"]
    acl["Capacity"] = 6000
    notes: list[str] = []
    setattr(ctx, "notes", notes)  # noqa: B010 - the runner's notes, when it provides them
    assert module.plan(admin, ctx) == []
    [message] = notes
    assert message.startswith(f"WAF-001 {admin.resource_id}: not planned: ")
    assert "uses 6000 WCU, over the 5000 WCU" in message
    # A change carrying that capacity is refused at apply before any call.
    calls: list[str] = []

    def make(service: str, region: str) -> Any:
        client = aws(service, region)
        client.meta.events.register_first(
            "before-call", lambda model, **_: calls.append(model.name)
        )
        return client

    over = Change(**{**change.to_dict(), "params": {**change.params, "Capacity": 6000}})
    with pytest.raises(RemediationError, match="over the 5000 WCU a web ACL may use: not cloned"):
        module.apply(over, TargetClients(make, SOURCE, TARGET))
    assert calls == [], "nothing was read or written"
    assert module.apply(change, TargetClients(make, SOURCE, TARGET)).startswith("created")
    assert "CreateWebACL" in calls, "the watcher sees calls"


# -- Access Analyzer ---------------------------------------------------------------------

AA_RULES = ("AA-001", "AA-002")
AA_ACTIONS = ("create-analyzer", "create-archive-rule")


def test_create_analyzer_and_its_archive_rules(
    seeded: DemoPlan, hooked_sessions: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    account = seeded.account_id
    bucket_arn = f"arn:aws:s3:{SOURCE}:{account}:accesspoint/reports"
    src = aws("accessanalyzer", SOURCE)
    configuration = {
        "internalAccess": {
            "analysisRule": {
                "inclusions": [
                    {"accountIds": [account], "resourceArns": [bucket_arn]},
                ]
            }
        }
    }
    arn = src.create_analyzer(
        analyzerName="internal-access",
        type="ACCOUNT_INTERNAL_ACCESS",
        configuration=configuration,
        tags={"Team": "security"},
    )["arn"]
    src.create_archive_rule(
        analyzerName="internal-access",
        ruleName="ignore-reports-access-point",
        filter={"resource": {"eq": [bucket_arn]}},
    )
    before = collect(tmp_path / "before", ("accessanalyzer",))
    assert failing(before, tmp_path, AA_RULES) == {
        ("AA-001", arn),
        ("AA-002", "internal-access/ignore-reports-access-point"),
        ("AA-002", seeded.failing["AA-002"][0]),
    }
    code, plan, _ = remediate(before, capsys, AA_RULES)
    assert code == 0
    assert [(c["action"], c["resource"]) for c in plan["changes"]] == [
        ("create-analyzer", "ACCOUNT_INTERNAL_ACCESS/internal-access"),
        ("create-archive-rule", "ACCOUNT_INTERNAL_ACCESS/ignore-reports-access-point"),
        ("create-archive-rule", "ACCOUNT/ignore-audit-kms-keys"),
    ]
    assert failing(collect(tmp_path / "planned", ("accessanalyzer",)), tmp_path, AA_RULES) == (
        failing(before, tmp_path, AA_RULES)
    )

    writes, first, replay = apply_twice(
        before, tmp_path, capsys, hooked_sessions, AA_RULES, AA_ACTIONS
    )
    assert sorted(w[0] for w in writes) == [
        "CreateAnalyzer",
        "CreateArchiveRule",
        "CreateArchiveRule",
    ]
    assert {e["outcome"] for e in first} == {"applied"}
    assert {e["outcome"] for e in replay} == {"unchanged"}

    after = collect(tmp_path / "after", ("accessanalyzer",))
    assert failing(after, tmp_path, AA_RULES) == set()
    tgt = aws("accessanalyzer", TARGET)
    made = tgt.get_analyzer(analyzerName="internal-access")["analyzer"]
    target_bucket = bucket_arn.replace(SOURCE, TARGET)
    assert made["type"] == "ACCOUNT_INTERNAL_ACCESS" and made["tags"] == {"Team": "security"}
    inclusion = made["configuration"]["internalAccess"]["analysisRule"]["inclusions"][0]
    assert inclusion["resourceArns"] == [target_bucket], "ARNs mapped to the target"
    rule = tgt.get_archive_rule(
        analyzerName="internal-access", ruleName="ignore-reports-access-point"
    )
    assert rule["archiveRule"]["filter"] == {"resource": {"eq": [target_bucket]}}
    # The demo's missing rule went onto the target's ACCOUNT analyzer, whatever its name.
    assert tgt.get_archive_rule(analyzerName="external-access", ruleName="ignore-audit-kms-keys")
    assert remediate(after, capsys, AA_RULES)[1]["changes"] == []


# -- GuardDuty ---------------------------------------------------------------------------

GD_RULES = ("GD-001", "GD-002", "GD-003")
GD_ACTIONS = ("create-detector", "update-detector-features", "create-filter")


def detector_id(region: str) -> str:
    found: str = aws("guardduty", region).list_detectors()["DetectorIds"][0]
    return found


def enabled(region: str) -> dict[str, list[str]]:
    detector = aws("guardduty", region).get_detector(DetectorId=detector_id(region))
    return {
        f["Name"]: sorted(
            c["Name"] for c in f.get("AdditionalConfiguration") or [] if c["Status"] == "ENABLED"
        )
        for f in detector["Features"]
        if f["Status"] == "ENABLED"
    }


def test_update_detector_features_enables_the_source_plans(
    seeded: DemoPlan, hooked_sessions: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target_detector = seeded.failing["GD-002"][0]
    before = collect(tmp_path / "before", ("guardduty",))
    assert failing(before, tmp_path, ("GD-001", "GD-002")) == {("GD-002", target_detector)}
    code, plan, _ = remediate(before, capsys, ("GD-002",))
    assert code == 0
    assert [(c["action"], c["resource"], c["summary"]) for c in plan["changes"]] == [
        (
            "update-detector-features",
            f"detector {target_detector}",
            "enable RUNTIME_MONITORING (EKS_ADDON_MANAGEMENT)",
        )
    ]
    kept = enabled(TARGET)
    assert "RUNTIME_MONITORING" not in kept

    writes, first, replay = apply_twice(
        before, tmp_path, capsys, hooked_sessions, ("GD-002",), ("update-detector-features",)
    )
    assert [w[0] for w in writes] == ["UpdateDetector"]
    body = writes[0][2]
    assert "DISABLED" not in json.dumps(body) and "enable" not in body, "only enables plans"
    assert [e["outcome"] for e in first] == ["applied"]
    assert [e["outcome"] for e in replay] == ["unchanged"]

    after = collect(tmp_path / "after", ("guardduty",))
    assert failing(after, tmp_path, ("GD-001", "GD-002")) == set()
    now = enabled(TARGET)
    assert now["RUNTIME_MONITORING"] == ["EKS_ADDON_MANAGEMENT"]
    assert kept.items() <= now.items(), "every plan enabled before is still enabled"


def test_create_filter_creates_and_updates_filters(
    seeded: DemoPlan, hooked_sessions: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The target's suppression rule was turned into a plain saved filter.
    aws("guardduty", TARGET).update_filter(
        DetectorId=detector_id(TARGET), FilterName="archive-known-scanners", Action="NOOP"
    )
    before = collect(tmp_path / "before", ("guardduty",))
    assert failing(before, tmp_path, ("GD-003",)) == {
        ("GD-003", "archive-known-scanners"),
        ("GD-003", seeded.failing["GD-003"][0]),
    }
    code, plan, _ = remediate(before, capsys, ("GD-003",))
    assert code == 0
    assert sorted((c["action"], c["resource"]) for c in plan["changes"]) == [
        ("create-filter", "archive-known-scanners"),
        ("create-filter", "high-severity-ec2"),
    ]

    writes, first, replay = apply_twice(
        before, tmp_path, capsys, hooked_sessions, ("GD-003",), ("create-filter",)
    )
    assert sorted(w[0] for w in writes) == ["CreateFilter", "UpdateFilter"]
    assert {e["outcome"] for e in first} == {"applied"}
    assert {e["outcome"] for e in replay} == {"unchanged"}

    assert failing(collect(tmp_path / "after", ("guardduty",)), tmp_path, ("GD-003",)) == set()
    gd = aws("guardduty", TARGET)
    made = gd.get_filter(DetectorId=detector_id(TARGET), FilterName="high-severity-ec2")
    assert (made["Action"], made["Rank"]) == ("NOOP", 2)
    fixed = gd.get_filter(DetectorId=detector_id(TARGET), FilterName="archive-known-scanners")
    assert fixed["Action"] == "ARCHIVE"


def test_create_detector_with_the_source_plans_then_filters(
    seeded: DemoPlan, hooked_sessions: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Setting the scene (not remediation): the target has no detector at all.
    aws("guardduty", TARGET).delete_detector(DetectorId=detector_id(TARGET))
    before = collect(tmp_path / "before", ("guardduty",))
    source_detector = detector_id(SOURCE)
    assert failing(before, tmp_path, GD_RULES) == {
        ("GD-001", source_detector),
        ("GD-002", source_detector),
        ("GD-003", "archive-known-scanners"),
        ("GD-003", "high-severity-ec2"),
    }
    code, plan, _ = remediate(before, capsys, GD_RULES)
    assert code == 0
    assert [c["action"] for c in plan["changes"]] == [
        "create-detector",
        "update-detector-features",
        "create-filter",
        "create-filter",
    ]
    assert plan["changes"][0]["summary"] == (
        "create an enabled detector with EBS_MALWARE_PROTECTION, EKS_AUDIT_LOGS, "
        "RUNTIME_MONITORING, S3_DATA_EVENTS"
    )

    writes, first, replay = apply_twice(
        before, tmp_path, capsys, hooked_sessions, GD_RULES, GD_ACTIONS
    )
    assert [w[0] for w in writes] == ["CreateDetector", "CreateFilter", "CreateFilter"]
    assert writes[0][2]["enable"] is True
    assert writes[0][2]["findingPublishingFrequency"] == "FIFTEEN_MINUTES"
    # The detector came with the plans, so the features change found nothing to do.
    assert [e["outcome"] for e in first] == ["applied", "unchanged", "applied", "applied"]
    assert {e["outcome"] for e in replay} == {"unchanged"}

    assert failing(collect(tmp_path / "after", ("guardduty",)), tmp_path, GD_RULES) == set()
    assert enabled(TARGET) == enabled(SOURCE)


def test_create_detector_re_enables_a_suspended_detector(
    seeded: DemoPlan, hooked_sessions: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suspended = detector_id(TARGET)
    aws("guardduty", TARGET).update_detector(DetectorId=suspended, Enable=False)
    before = collect(tmp_path / "before", ("guardduty",))
    assert failing(before, tmp_path, ("GD-001",)) == {("GD-001", suspended)}
    code, plan, _ = remediate(before, capsys, ("GD-001",))
    assert code == 0
    assert [c["summary"] for c in plan["changes"]] == [f"enable the suspended detector {suspended}"]

    writes, _, replay = apply_twice(
        before, tmp_path, capsys, hooked_sessions, ("GD-001",), ("create-detector",)
    )
    assert writes == [("UpdateDetector", TARGET, {"enable": True})], "Enable=true and nothing else"
    assert [e["outcome"] for e in replay] == ["unchanged"]
    assert failing(collect(tmp_path / "after", ("guardduty",)), tmp_path, ("GD-001",)) == set()


# -- Secrets Manager ---------------------------------------------------------------------

SM_SERVICES = ("secretsmanager", "kms")
SM_RULES = ("SM-001", "SM-003")


def test_replicate_secret_on_the_default_and_on_customer_keys(
    seeded: DemoPlan, hooked_sessions: Hooks, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cmk = aws("secretsmanager", SOURCE).create_secret(
        Name="prod/app/cmk", SecretString=DEMO_VALUE, KmsKeyId="alias/app-data"
    )["ARN"]
    billing = seeded.failing["SM-001"][0]
    reports_replica = seeded.failing["SM-003"][0]
    before = collect(tmp_path / "before", SM_SERVICES)
    assert failing(before, tmp_path, SM_RULES) == {
        ("SM-001", billing),
        ("SM-001", cmk),
        ("SM-003", reports_replica),  # no action: a replica's key is not changed here
    }
    code, plan, _ = remediate(before, capsys, SM_RULES)
    assert code == 0
    target_key = seeded.aliases[TARGET]["alias/app-data"].rsplit("/", 1)[1]
    assert sorted(
        (c["resource"], c["params"]["KmsKeyId"], c["summary"]) for c in plan["changes"]
    ) == [
        (
            "prod/app/cmk",
            "alias/app-data",
            f"replicate prod/app/cmk from {SOURCE} on alias/app-data -> {target_key}",
        ),
        (
            "prod/billing/api-key",
            None,
            f"replicate prod/billing/api-key from {SOURCE} on the AWS managed key "
            "aws/secretsmanager, as in the source",
        ),
    ]

    reads: list[str] = []
    for name in ("GetSecretValue", "BatchGetSecretValue"):
        hooked_sessions.first.append(
            (f"before-call.secrets-manager.{name}", lambda model, **_: reads.append(model.name))
        )
    writes, first, replay = apply_twice(
        before, tmp_path, capsys, hooked_sessions, SM_RULES, ("replicate-secret",)
    )
    assert {(w[0], w[2]["SecretId"], json.dumps(w[2]["AddReplicaRegions"])) for w in writes} == {
        ("ReplicateSecretToRegions", billing, json.dumps([{"Region": TARGET}])),
        (
            "ReplicateSecretToRegions",
            cmk,
            json.dumps([{"Region": TARGET, "KmsKeyId": "alias/app-data"}]),
        ),
    }
    assert len(writes) == 2
    assert reads == [], "the secret value is never read"
    assert {e["outcome"] for e in first} == {"applied"}
    assert {e["outcome"] for e in replay} == {"unchanged"}
    log = (tmp_path / "audit.jsonl").read_text()
    assert DEMO_VALUE not in log and DEMO_VALUE not in json.dumps(plan)

    after = collect(tmp_path / "after", SM_SERVICES)
    assert failing(after, tmp_path, SM_RULES) == {("SM-003", reports_replica)}
    replica = aws("secretsmanager", TARGET).describe_secret(SecretId="prod/app/cmk")
    assert replica["KmsKeyId"] == "alias/app-data"
    assert remediate(after, capsys, ("SM-001",))[1]["changes"] == []


# -- refusals and paths moto does not serve ----------------------------------------------


def failed_findings(scan_dir: Path, rule_id: str) -> tuple[list[Result], PlanContext]:
    scan = read_scan(scan_dir)
    report = build_report(scan, load_rules(), Clock(now=dt.datetime.now(dt.UTC)))
    found = [r for r in report.results if r.rule_id == rule_id and r.status is Status.FAIL]
    account = found[0].account
    return found, PlanContext(scan, account, *scan.pair(account))


def test_replicate_secret_plans_nothing_without_the_target_key(
    seeded: DemoPlan, hooked_sessions: Hooks, tmp_path: Path
) -> None:
    # alias/billing exists only in the source (KMS-001 fails for it).
    aws("secretsmanager", SOURCE).create_secret(
        Name="prod/app/billing-key", SecretString=DEMO_VALUE, KmsKeyId="alias/billing"
    )
    scan = collect(tmp_path / "before", SM_SERVICES)
    findings, ctx = failed_findings(scan, "SM-001")
    module = action("replicate-secret")
    blocked = next(f for f in findings if "billing-key" in f.resource_id)
    assert module.plan(blocked, ctx) == [], "without the key, nothing (no silent downgrade)"
    notes: list[str] = []
    setattr(ctx, "notes", notes)  # noqa: B010 - the runner's notes, when it provides them
    assert module.plan(blocked, ctx) == []
    [message] = notes
    assert message.startswith("SM-001 prod/app/billing-key: not planned: ")
    assert "alias/billing" in message and "KMS-001" in message
    assert "not replicated with aws/secretsmanager" in message
    # The other finding (a secret on the AWS managed key) still plans.
    other = next(f for f in findings if "billing-key" not in f.resource_id)
    assert [c.params["KmsKeyId"] for c in module.plan(other, ctx)] == [None]


def test_replicate_secret_apply_refuses_a_key_missing_in_the_target(seeded: DemoPlan) -> None:
    arn = aws("secretsmanager", SOURCE).create_secret(
        Name="prod/app/late", SecretString=DEMO_VALUE, KmsKeyId="alias/app-data"
    )["ARN"]
    clients = TargetClients(aws, SOURCE, TARGET)
    change = Change(
        action="replicate-secret",
        rule_id="SM-001",
        fingerprint="f",
        account=seeded.account_id,
        region=TARGET,
        resource="prod/app/late",
        summary="",
        params={"SecretId": arn, "Name": "prod/app/late", "KmsKeyId": "alias/nowhere"},
    )
    with pytest.raises(RemediationError, match="has no key alias/nowhere"):
        action("replicate-secret").apply(change, clients)
    status = aws("secretsmanager", SOURCE).describe_secret(SecretId=arn)
    assert not status.get("ReplicationStatus"), "nothing was replicated"


def test_clone_web_acl_plans_nothing_for_a_reference_it_cannot_resolve(
    seeded: DemoPlan, hooked_sessions: Hooks, tmp_path: Path
) -> None:
    elsewhere = f"arn:aws:wafv2:us-west-2:{seeded.account_id}:regional/ipset/partners/0000"
    visibility = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False}
    aws("wafv2", SOURCE).create_web_acl(
        Name="partners-only",
        Scope="REGIONAL",
        DefaultAction={"Block": {}},
        VisibilityConfig={**visibility, "MetricName": "partners-only"},
        Rules=[
            {
                "Name": "partners",
                "Priority": 0,
                "Statement": {"IPSetReferenceStatement": {"ARN": elsewhere}},
                "Action": {"Allow": {}},
                "VisibilityConfig": {**visibility, "MetricName": "partners"},
            }
        ],
    )
    findings, ctx = failed_findings(collect(tmp_path / "before", ("wafv2",)), "WAF-001")
    blocked = next(f for f in findings if "partners-only" in f.resource_id)
    notes: list[str] = []
    setattr(ctx, "notes", notes)  # noqa: B010 - the runner's notes, when it provides them
    assert action("clone-web-acl").plan(blocked, ctx) == []
    [message] = notes
    assert message.startswith(f"WAF-001 {blocked.resource_id}: not planned: ")
    assert elsewhere in message and "not in the snapshot of its Region" in message
    # The demo's clonable web ACL still plans.
    admin = next(f for f in findings if "admin-portal" in f.resource_id)
    assert len(action("clone-web-acl").plan(admin, ctx)) == 1


def stubbed(
    service: str, responses: list[tuple[str, dict[str, Any], dict[str, Any] | None]]
) -> Any:
    made = boto3.client(service, region_name=TARGET)
    stubber = Stubber(made)
    for operation, response, expected in responses:
        stubber.add_response(operation, response, expected)
    stubber.activate()
    return made, stubber


def rule_change(filter_: dict[str, Any]) -> Change:
    return Change(
        action="create-archive-rule",
        rule_id="AA-002",
        fingerprint="f",
        account="123456789012",
        region=TARGET,
        resource="ACCOUNT/ignore-audit-kms-keys",
        summary="",
        params={
            "type": "ACCOUNT",
            "sourceAnalyzer": "org-external-access",
            "ruleName": "ignore-audit-kms-keys",
            "filter": filter_,
        },
    )


ANALYZER = {
    "arn": f"arn:aws:access-analyzer:{TARGET}:123456789012:analyzer/external-access",
    "name": "external-access",
    "type": "ACCOUNT",
    "createdAt": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    "status": "ACTIVE",
}


def archive_rule(filter_: dict[str, Any]) -> dict[str, Any]:
    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return {
        "ruleName": "ignore-audit-kms-keys",
        "filter": filter_,
        "createdAt": when,
        "updatedAt": when,
    }


def test_create_archive_rule_updates_a_same_named_rule_with_another_filter() -> None:
    wanted = {"resourceType": {"eq": ["AWS::KMS::Key"]}, "principal.AWS": {"eq": ["1", "2"]}}
    other = {"resourceType": {"eq": ["AWS::KMS::Key"]}}
    reordered = {"principal.AWS": {"eq": ["2", "1"]}, "resourceType": {"eq": ["AWS::KMS::Key"]}}
    module = action("create-archive-rule")
    listing = ("list_analyzers", {"analyzers": [ANALYZER]}, {"type": "ACCOUNT"})

    made, stubber = stubbed(
        "accessanalyzer",
        [
            listing,
            ("list_archive_rules", {"archiveRules": [archive_rule(other)]}, None),
            (
                "update_archive_rule",
                {},
                {
                    "analyzerName": "external-access",
                    "ruleName": "ignore-audit-kms-keys",
                    "filter": wanted,
                },
            ),
        ],
    )
    clients = TargetClients(lambda s, r: made, SOURCE, TARGET)
    outcome = module.apply(rule_change(wanted), clients)
    assert outcome == "updated the filter of archive rule ignore-audit-kms-keys on external-access"
    stubber.assert_no_pending_responses()

    made, stubber = stubbed(
        "accessanalyzer",
        [listing, ("list_archive_rules", {"archiveRules": [archive_rule(reordered)]}, None)],
    )
    clients = TargetClients(lambda s, r: made, SOURCE, TARGET)
    assert module.apply(rule_change(wanted), clients).startswith("already present")
    stubber.assert_no_pending_responses()


@pytest.mark.parametrize(
    ("existing", "outcome"),
    [
        ({**ANALYZER, "name": "internal-access"}, "named internal-access of type ACCOUNT exists"),
        (
            {
                **ANALYZER,
                "name": "internal-access",
                "type": "ACCOUNT_INTERNAL_ACCESS",
                "status": "FAILED",
            },
            "is FAILED",
        ),
        (
            {
                **ANALYZER,
                "name": "internal-access",
                "type": "ACCOUNT_INTERNAL_ACCESS",
                "status": "CREATING",
            },
            "already present",
        ),
    ],
)
def test_create_analyzer_never_replaces_an_analyzer(existing: dict[str, Any], outcome: str) -> None:
    change = Change(
        action="create-analyzer",
        rule_id="AA-001",
        fingerprint="f",
        account="123456789012",
        region=TARGET,
        resource="ACCOUNT_INTERNAL_ACCESS/internal-access",
        summary="",
        params={"analyzerName": "internal-access", "type": "ACCOUNT_INTERNAL_ACCESS", "tags": {}},
    )
    made, stubber = stubbed("accessanalyzer", [("list_analyzers", {"analyzers": [existing]}, {})])
    clients = TargetClients(lambda s, r: made, SOURCE, TARGET)
    module = action("create-analyzer")
    if outcome == "already present":
        assert module.apply(change, clients).startswith(outcome)
    else:
        with pytest.raises(RemediationError, match=outcome):
            module.apply(change, clients)
    stubber.assert_no_pending_responses()  # no CreateAnalyzer was attempted


def test_feature_requests_follow_the_api_rules() -> None:
    from regionready.actions.create_detector import feature_request
    from regionready.actions.update_detector_features import missing

    request = feature_request(
        {
            "CLOUD_TRAIL": [],  # reported by GetDetector, not settable
            "RUNTIME_MONITORING": ["ECS_FARGATE_AGENT_MANAGEMENT"],
            "EKS_RUNTIME_MONITORING": ["EKS_ADDON_MANAGEMENT"],
            "S3_DATA_EVENTS": [],
        }
    )
    assert request == [
        {
            "Name": "RUNTIME_MONITORING",
            "Status": "ENABLED",
            "AdditionalConfiguration": [
                {"Name": "ECS_FARGATE_AGENT_MANAGEMENT", "Status": "ENABLED"},
                {"Name": "EKS_ADDON_MANAGEMENT", "Status": "ENABLED"},
            ],
        },
        {"Name": "S3_DATA_EVENTS", "Status": "ENABLED"},
    ]
    wanted = {"DNS_LOGS": [], "S3_DATA_EVENTS": [], "RUNTIME_MONITORING": ["EKS_ADDON_MANAGEMENT"]}
    assert missing(wanted, {"S3_DATA_EVENTS": [], "RUNTIME_MONITORING": []}) == {
        "RUNTIME_MONITORING": ["EKS_ADDON_MANAGEMENT"]
    }
    assert (
        missing(wanted, {"S3_DATA_EVENTS": [], "RUNTIME_MONITORING": ["EKS_ADDON_MANAGEMENT"]})
        == {}
    )


def test_iam_policy_lists_the_write_permissions(capsys: pytest.CaptureFixture[str]) -> None:
    names = [
        "create-analyzer",
        "create-archive-rule",
        "create-detector",
        "update-detector-features",
        "create-filter",
        "replicate-secret",
        "clone-web-acl",
    ]
    assert main(["iam-policy", "--remediation", "--actions", ",".join(names)]) == 0
    granted = set(json.loads(capsys.readouterr().out)["Statement"][0]["Action"])
    assert {
        "access-analyzer:CreateAnalyzer",
        "access-analyzer:UpdateArchiveRule",
        "guardduty:CreateDetector",
        "guardduty:UpdateDetector",
        "guardduty:CreateFilter",
        "secretsmanager:ReplicateSecretToRegions",
        "wafv2:CreateWebACL",
        "wafv2:UpdateWebACL",
        "wafv2:CheckCapacity",
    } <= granted
    assert not [a for a in granted if NEVER.match(a.split(":")[1])]
    assert "secretsmanager:GetSecretValue" not in granted
    for name in names:
        module = action(name)
        assert name == module.ACTION and module.RULES
