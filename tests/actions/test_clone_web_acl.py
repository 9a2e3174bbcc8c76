"""clone-web-acl (WAF-001..005): web ACLs, rule groups and sets cloned into the target
through the CLI, ARNs remapped, capacity checked; items only in the target are never
touched, a reference the snapshot cannot resolve is a note, not a change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from regionready.demo.seed import DemoPlan
from regionready.remediation import Change, RemediationError, action

from .conftest import SOURCE, TARGET, Harness, audit

WAF_RULES = ("WAF-001", "WAF-002", "WAF-003", "WAF-004", "WAF-005", "WAF-006", "WAF-007")


def web_acl(h: Harness, region: str, name: str) -> dict[str, Any]:
    client = h.client("wafv2", region)
    summary = next(
        a for a in client.list_web_acls(Scope="REGIONAL")["WebACLs"] if a["Name"] == name
    )
    acl: dict[str, Any] = client.get_web_acl(Name=name, Scope="REGIONAL", Id=summary["Id"])[
        "WebACL"
    ]
    return acl


def arns(h: Harness, region: str, kind: str) -> dict[str, str]:
    client = h.client("wafv2", region)
    listed = {
        "ipset": client.list_ip_sets(Scope="REGIONAL")["IPSets"],
        "regex": client.list_regex_pattern_sets(Scope="REGIONAL")["RegexPatternSets"],
        "group": client.list_rule_groups(Scope="REGIONAL")["RuleGroups"],
    }[kind]
    return {s["Name"]: s["ARN"] for s in listed}


def test_clone_web_acl_fixes_the_demo_waf_findings(
    seeded: DemoPlan, seeded_harness: Harness
) -> None:
    h = seeded_harness
    # A set that exists only in the target must survive the clone.
    h.client("wafv2", TARGET).create_ip_set(
        Name="target-only", Scope="REGIONAL", IPAddressVersion="IPV4", Addresses=["10.0.0.0/8"]
    )
    services = ("wafv2",)
    before = h.collect(services)
    storefront_t = seeded.failing["WAF-003"][0]
    partner_t = seeded.failing["WAF-006"][0]
    unfixable = {("WAF-006", partner_t), ("WAF-007", partner_t)}  # no action: WAF-006/007
    assert h.failing(before, *WAF_RULES) == {
        ("WAF-001", seeded.failing["WAF-001"][0]),
        ("WAF-003", storefront_t),
        ("WAF-004", storefront_t),
        ("WAF-005", seeded.failing["WAF-005"][0]),
        *unfixable,
    }

    code, plan, _ = h.remediate(before, rules=WAF_RULES)
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
    assert h.failing(h.collect(services), *WAF_RULES) == h.failing(before, *WAF_RULES)

    writes, first, replay = h.apply_twice(before, WAF_RULES, ("clone-web-acl",))
    assert sorted(w.operation for w in writes) == [
        "CheckCapacity",
        "CheckCapacity",
        "CreateRegexPatternSet",
        "CreateWebACL",
        "UpdateWebACL",
    ]
    assert [e["outcome"] for e in first] == ["applied", "applied", "unchanged"]
    assert {e["outcome"] for e in replay} == {"unchanged"}

    after = h.collect(services)
    assert h.failing(after, *WAF_RULES) == unfixable
    # Every reference now names the target's own resources.
    ip_sets, regex_sets, groups = (
        arns(h, TARGET, "ipset"),
        arns(h, TARGET, "regex"),
        arns(h, TARGET, "group"),
    )
    rules = {r["Name"]: r for r in web_acl(h, TARGET, "storefront")["Rules"]}
    assert (
        rules["allow-office"]["Statement"]["IPSetReferenceStatement"]["ARN"]
        == (ip_sets["office-ips"])
    )
    assert rules["block-sqli"]["Action"] == {"Block": {}}
    assert (
        rules["geo-block"]["Statement"]["RuleGroupReferenceStatement"]["ARN"]
        == (groups["geo-block"])
    )
    rate = web_acl(h, TARGET, "admin-portal")["Rules"][0]["Statement"]["RateBasedStatement"]
    assert (
        rate["ScopeDownStatement"]["RegexPatternSetReferenceStatement"]["ARN"]
        == (regex_sets["bad-bots"])
    )
    assert "target-only" in ip_sets, "a set only in the target is never deleted"
    # A fresh scan plans nothing.
    assert h.remediate(after, rules=WAF_RULES)[1]["changes"] == []


def test_clone_web_acl_updates_sets_and_groups_and_fixes_references_in_place(
    seeded: DemoPlan, seeded_harness: Harness
) -> None:
    h = seeded_harness
    client = h.client("wafv2", TARGET)
    office_s = arns(h, SOURCE, "ipset")["office-ips"]
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
                {"IPSetReferenceStatement": {"ARN": arns(h, TARGET, "ipset")["office-ips"]}},
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
    before = h.collect(("wafv2",))
    found = h.failing(before, *rules)
    legacy_t = arns(h, TARGET, "group")["legacy"]
    assert ("WAF-004", legacy_t) in found
    assert ("WAF-005", arns(h, TARGET, "group")["geo-block"]) in found
    assert ("WAF-005", arns(h, TARGET, "ipset")["office-ips"]) in found

    code, plan, _ = h.remediate(before, rules=rules)
    assert code == 0
    legacy = next(c for c in plan["changes"] if c["resource"] == "REGIONAL/rule_group/legacy")
    assert [(s["Kind"], s["SourceArn"]) for s in legacy["params"]["Items"]] == [
        ("ip_set", office_s),
        ("rule_group", legacy_t),
    ]
    assert "rule group legacy: fix references" in legacy["summary"]

    writes, _, replay = h.apply_twice(before, rules, ("clone-web-acl",))
    names = sorted(w.operation for w in writes)
    assert names.count("UpdateIPSet") == 1 and names.count("UpdateRuleGroup") == 2
    # Only the demo's missing bad-bots set (WAF-005) is created; the rest is updated.
    assert [n for n in names if n.startswith("Create")] == ["CreateRegexPatternSet"]
    assert {e["outcome"] for e in replay} == {"unchanged"}

    after = h.collect(("wafv2",))
    assert h.failing(after, *rules) == set()
    office_t = arns(h, TARGET, "ipset")["office-ips"]
    fixed = client.get_rule_group(Name="legacy", Scope="REGIONAL", Id=legacy_t.rsplit("/", 1)[1])
    statements = fixed["RuleGroup"]["Rules"][0]["Statement"]["AndStatement"]["Statements"]
    assert statements[0]["NotStatement"]["Statement"]["IPSetReferenceStatement"]["ARN"] == office_t
    assert statements[2]["IPSetReferenceStatement"]["ARN"] == office_t
    assert h.remediate(after, rules=rules)[1]["changes"] == []


def test_clone_web_acl_refuses_a_web_acl_over_capacity(
    seeded: DemoPlan, seeded_harness: Harness, tmp_path: Path
) -> None:
    h = seeded_harness
    before = h.collect(("wafv2",))
    h.wcu = 6000  # CheckCapacity answers 6000 WCU per rule
    log = tmp_path / "audit.jsonl"
    code, _, out = h.remediate(
        before, "--apply", "--yes", "--audit-log", str(log), rules=("WAF-001",)
    )
    assert code == 2
    assert "over the 5000 WCU a web ACL may use: not created" in out
    assert "done before the failure: created regex pattern set bad-bots" in out
    assert [w.operation for w in h.writes()] == ["CreateRegexPatternSet", "CheckCapacity"]
    assert [e["outcome"] for e in audit(log)] == ["failed"]
    assert "admin-portal" not in {
        a["Name"] for a in h.client("wafv2", TARGET).list_web_acls(Scope="REGIONAL")["WebACLs"]
    }


def test_clone_web_acl_checks_the_recorded_capacity_before_any_call(
    seeded: DemoPlan, seeded_harness: Harness
) -> None:
    h = seeded_harness
    scan = h.collect(("wafv2",))
    findings = h.findings(scan, "WAF-001")
    ctx = h.context(scan, findings[0].account)
    admin = next(f for f in findings if "admin-portal" in f.resource_id)
    module = action("clone-web-acl")
    [change] = module.plan(admin, ctx)
    # The source web ACL, as recorded in the snapshot, needs more than a web ACL may use.
    [acl] = [a for a in ctx.items(SOURCE, "wafv2", "web_acl") if a["Name"] == "admin-portal"]
    acl["Capacity"] = 6000
    notes: list[str] = []
    ctx.notes = notes
    assert module.plan(admin, ctx) == []
    [message] = notes
    assert message.startswith(f"WAF-001 {admin.resource_id}: not planned: ")
    assert "uses 6000 WCU, over the 5000 WCU" in message
    # A change carrying that capacity is refused at apply before any call.
    over = Change(**{**change.to_dict(), "params": {**change.params, "Capacity": 6000}})
    with (
        h.watching() as calls,
        pytest.raises(RemediationError, match="over the 5000 WCU a web ACL may use: not cloned"),
    ):
        module.apply(over, h.clients())
    assert calls == [], "nothing was read or written"
    with h.watching() as calls:
        assert module.apply(change, h.clients()).startswith("created")
    assert "CreateWebACL" in [c.operation for c in calls], "the watcher sees calls"


def test_clone_web_acl_plans_nothing_for_a_reference_it_cannot_resolve(
    seeded: DemoPlan, seeded_harness: Harness
) -> None:
    h = seeded_harness
    elsewhere = f"arn:aws:wafv2:us-west-2:{seeded.account_id}:regional/ipset/partners/0000"
    visibility = {"SampledRequestsEnabled": False, "CloudWatchMetricsEnabled": False}
    h.client("wafv2", SOURCE).create_web_acl(
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
    scan = h.collect(("wafv2",))
    findings = h.findings(scan, "WAF-001")
    ctx = h.context(scan, findings[0].account)
    blocked = next(f for f in findings if "partners-only" in f.resource_id)
    notes: list[str] = []
    ctx.notes = notes
    assert action("clone-web-acl").plan(blocked, ctx) == []
    [message] = notes
    assert message.startswith(f"WAF-001 {blocked.resource_id}: not planned: ")
    assert elsewhere in message and "not in the snapshot of its Region" in message
    # The demo's clonable web ACL still plans.
    admin = next(f for f in findings if "admin-portal" in f.resource_id)
    assert len(action("clone-web-acl").plan(admin, ctx)) == 1
