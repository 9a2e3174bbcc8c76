"""The pure WAF cloning helpers: ARNs, references anywhere in a statement tree, remapping,
dependency order, Create/Update parameters and the equality check."""

from __future__ import annotations

import copy
from typing import Any

import botocore.session
import pytest

from regionready.remediation.waf_clone import (
    CREATE_FIELDS,
    FIXED_AT_CREATION,
    CloneError,
    WafRef,
    clone_order,
    differences,
    parse_arn,
    references,
    remap,
    spec,
    update_params,
)

SRC = "me-central-1"
TGT = "eu-central-1"
ACCOUNT = "111111111111"


def arn(region: str, kind: str, name: str, uid: str = "id1") -> str:
    return f"arn:aws:wafv2:{region}:{ACCOUNT}:regional/{kind}/{name}/{uid}"


OFFICE = arn(SRC, "ipset", "office", "a1")
PARTNERS = arn(SRC, "ipset", "partners", "a2")
BOTS = arn(SRC, "regexpatternset", "bots", "b1")
GEO = arn(SRC, "rulegroup", "geo", "c1")
ACL = arn(SRC, "webacl", "storefront", "d1")


def ip_ref(target: str) -> dict[str, Any]:
    return {"IPSetReferenceStatement": {"ARN": target}}


def regex_ref(target: str) -> dict[str, Any]:
    return {
        "RegexPatternSetReferenceStatement": {
            "ARN": target,
            "FieldToMatch": {"SingleHeader": {"Name": "user-agent"}},
            "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
        }
    }


def rule(name: str, priority: int, statement: dict[str, Any], **extra: Any) -> dict[str, Any]:
    body = {
        "Name": name,
        "Priority": priority,
        "Statement": statement,
        "VisibilityConfig": {"MetricName": name},
    }
    body.update(extra or {"Action": {"Block": {}}})
    return body


def nested_rules(office: str, partners: str, bots: str, geo: str) -> list[dict[str, Any]]:
    """A reference in every place a statement tree can hold one."""
    return [
        rule(
            "and-or-not",
            0,
            {
                "AndStatement": {
                    "Statements": [
                        {
                            "OrStatement": {
                                "Statements": [
                                    ip_ref(office),
                                    {"NotStatement": {"Statement": ip_ref(partners)}},
                                ]
                            }
                        },
                        {"GeoMatchStatement": {"CountryCodes": ["US"]}},
                    ]
                }
            },
        ),
        rule(
            "rate",
            1,
            {
                "RateBasedStatement": {
                    "Limit": 100,
                    "AggregateKeyType": "IP",
                    "ScopeDownStatement": {"NotStatement": {"Statement": regex_ref(bots)}},
                }
            },
        ),
        rule(
            "managed",
            2,
            {
                "ManagedRuleGroupStatement": {
                    "VendorName": "AWS",
                    "Name": "AWSManagedRulesCommonRuleSet",
                    "ScopeDownStatement": ip_ref(office),
                }
            },
            OverrideAction={"None": {}},
        ),
        rule(
            "group", 3, {"RuleGroupReferenceStatement": {"ARN": geo}}, OverrideAction={"None": {}}
        ),
    ]


# --------------------------------------------------------------------------- ARNs


def test_parse_arn_names_scope_kind_name_and_region() -> None:
    assert parse_arn(OFFICE) == WafRef(SRC, ACCOUNT, "REGIONAL", "ip_set", "office", "a1")
    cloudfront = f"arn:aws:wafv2:us-east-1:{ACCOUNT}:global/webacl/cdn/x9"
    assert parse_arn(cloudfront) == WafRef(
        "us-east-1", ACCOUNT, "CLOUDFRONT", "web_acl", "cdn", "x9"
    )
    geo = parse_arn(GEO)
    assert geo is not None and geo.key == ("REGIONAL", "rule_group", "geo")
    assert parse_arn(f"arn:aws:wafv2:{SRC}:{ACCOUNT}:regional/managedruleset/x/y") is None
    assert parse_arn("arn:aws:kms:eu-central-1:1:key/abc") is None
    assert parse_arn(None) is None


# --------------------------------------------------------------------------- references


def test_references_are_found_anywhere_in_the_tree_once_each_in_order() -> None:
    assert references(nested_rules(OFFICE, PARTNERS, BOTS, GEO)) == [OFFICE, PARTNERS, BOTS, GEO]
    assert references({"GeoMatchStatement": {"CountryCodes": ["US"]}}) == []
    assert references(None) == []


def test_remap_replaces_every_reference_and_leaves_the_rest() -> None:
    rules = nested_rules(OFFICE, PARTNERS, BOTS, GEO)
    original = copy.deepcopy(rules)
    mapping = {
        OFFICE: arn(TGT, "ipset", "office", "t1"),
        PARTNERS: arn(TGT, "ipset", "partners", "t2"),
        BOTS: arn(TGT, "regexpatternset", "bots", "t3"),
        GEO: arn(TGT, "rulegroup", "geo", "t4"),
    }
    remapped = remap(rules, mapping)
    assert references(remapped) == list(mapping.values())
    assert rules == original, "the input is not modified"
    assert remapped == nested_rules(*mapping.values()), "only the ARNs changed"


def test_remap_keeps_target_arns_and_refuses_foreign_ones() -> None:
    own = arn(TGT, "ipset", "office", "t1")
    rules = [rule("own", 0, ip_ref(own)), rule("foreign", 1, ip_ref(PARTNERS))]
    with pytest.raises(CloneError, match="partners"):
        remap(rules, {}, keep_region=TGT)
    with pytest.raises(CloneError):
        remap(rules, {PARTNERS: arn(TGT, "ipset", "partners")})  # no keep_region: own is foreign
    done = remap(rules, {PARTNERS: arn(TGT, "ipset", "partners", "t2")}, keep_region=TGT)
    assert references(done) == [own, arn(TGT, "ipset", "partners", "t2")]


# --------------------------------------------------------------------------- order


def items() -> dict[str, dict[str, Any]]:
    return {
        OFFICE: {"Name": "office", "Addresses": ["10.0.0.0/8"]},
        PARTNERS: {"Name": "partners", "Addresses": []},
        BOTS: {"Name": "bots", "RegularExpressionList": [{"RegexString": "x"}]},
        GEO: {"Name": "geo", "Rules": [rule("inner", 0, ip_ref(PARTNERS))]},
        ACL: {"Name": "storefront", "Rules": [rule("office", 0, ip_ref(OFFICE))]},
    }


def test_clone_order_puts_sets_then_groups_then_the_root() -> None:
    known = items()
    known[ACL]["Rules"] = nested_rules(OFFICE, PARTNERS, BOTS, GEO)
    assert clone_order(ACL, known) == [OFFICE, PARTNERS, BOTS, GEO, ACL]


def test_clone_order_follows_references_through_rule_groups() -> None:
    known = items()
    known[ACL]["Rules"] = [rule("group", 0, {"RuleGroupReferenceStatement": {"ARN": GEO}})]
    assert clone_order(ACL, known) == [PARTNERS, GEO, ACL], "the group's IP set comes first"
    assert clone_order(GEO, known) == [PARTNERS, GEO]
    assert clone_order(OFFICE, known) == [OFFICE]


def test_clone_order_refuses_what_cannot_be_resolved() -> None:
    known = items()
    known[ACL]["Rules"] = [rule("elsewhere", 0, ip_ref(arn("us-west-2", "ipset", "x")))]
    with pytest.raises(CloneError, match="not in the snapshot"):
        clone_order(ACL, known)
    known = items()
    other_group = arn(SRC, "rulegroup", "other")
    known[other_group] = {"Name": "other", "Rules": []}
    known[GEO]["Rules"] = [rule("nested", 0, {"RuleGroupReferenceStatement": {"ARN": other_group}})]
    with pytest.raises(CloneError, match="cannot hold"):
        clone_order(GEO, known)
    own = arn(TGT, "ipset", "office", "t1")
    known[ACL]["Rules"] = [rule("own", 0, ip_ref(own)), rule("office", 1, ip_ref(OFFICE))]
    with pytest.raises(CloneError, match="not in the snapshot"):
        clone_order(ACL, known)
    assert clone_order(ACL, known, keep_region=TGT) == [OFFICE, ACL], "own references stay"
    with pytest.raises(CloneError, match="not a WAF resource"):
        clone_order(arn(SRC, "webacl", "missing"), known)


# --------------------------------------------------------------------------- parameters


def test_spec_takes_the_create_parameters_only() -> None:
    acl = {
        "Name": "storefront",
        "Id": "d1",
        "ARN": ACL,
        "Capacity": 3,
        "LabelNamespace": "awswaf:x",
        "Description": "",
        "DefaultAction": {"Allow": {}},
        "Rules": [],
        "VisibilityConfig": {"MetricName": "storefront"},
        "TokenDomains": [],
        "LoggingConfiguration": None,
        "Scope": "REGIONAL",
    }
    assert spec("web_acl", acl) == {
        "DefaultAction": {"Allow": {}},
        "Rules": [],
        "VisibilityConfig": {"MetricName": "storefront"},
    }
    ip_set = {"Name": "office", "Description": "HQ", "IPAddressVersion": "IPV4", "Addresses": []}
    assert spec("ip_set", ip_set) == {
        "Description": "HQ",
        "IPAddressVersion": "IPV4",
        "Addresses": [],
    }
    group = {"Capacity": 50, "Rules": [], "VisibilityConfig": {}, "Name": "geo"}
    assert update_params("rule_group", spec("rule_group", group)) == {"Rules": []}
    assert update_params("ip_set", spec("ip_set", ip_set)) == {"Description": "HQ", "Addresses": []}


def test_parameter_tables_match_the_api() -> None:
    model = botocore.session.get_session().get_service_model("wafv2")
    names = {
        "ip_set": "IPSet",
        "regex_pattern_set": "RegexPatternSet",
        "rule_group": "RuleGroup",
        "web_acl": "WebACL",
    }
    for kind, fields in CREATE_FIELDS.items():
        create = set(model.operation_model(f"Create{names[kind]}").input_shape.members)
        update = set(model.operation_model(f"Update{names[kind]}").input_shape.members)
        assert set(fields) <= create, kind
        assert set(fields) - set(FIXED_AT_CREATION.get(kind, ())) <= update, kind
        assert set(FIXED_AT_CREATION.get(kind, ())).isdisjoint(update), kind


# --------------------------------------------------------------------------- equality


def test_differences_compare_references_by_name_within_each_region() -> None:
    source: dict[str, Any] = {
        "DefaultAction": {"Allow": {}},
        "Rules": nested_rules(OFFICE, PARTNERS, BOTS, GEO),
    }
    mapping = {a: a.replace(SRC, TGT).replace("/a1", "/t1") for a in (OFFICE, PARTNERS, BOTS, GEO)}
    clone = remap(source, mapping)
    assert differences("web_acl", clone, clone, TGT) == []
    assert differences("web_acl", source, clone, SRC, TGT) == [], "a correct clone is equal"
    stale = copy.deepcopy(clone)
    stale["Rules"][0] = source["Rules"][0]  # still names the source's IP sets
    assert differences("web_acl", clone, stale, TGT) == ["rule 'and-or-not': statement differs"]
    counted = copy.deepcopy(clone)
    counted["Rules"][1]["Action"] = {"Count": {}}
    assert differences("web_acl", clone, counted, TGT) == ["rule 'rate': action Block -> Count"]


def test_differences_of_sets() -> None:
    wanted = {"IPAddressVersion": "IPV4", "Addresses": ["10.0.0.0/8", "192.0.2.1/32"]}
    same = {"IPAddressVersion": "IPV4", "Addresses": ["192.0.2.1/32", "10.0.0.0/8"]}
    assert differences("ip_set", wanted, same, TGT) == []
    assert differences("ip_set", wanted, {**same, "Addresses": ["10.0.0.0/8"]}, TGT) == [
        "addresses missing in the target: 192.0.2.1/32"
    ]
    patterns = {"RegularExpressionList": [{"RegexString": "a"}, {"RegexString": "b"}]}
    swapped = {"RegularExpressionList": [{"RegexString": "b"}, {"RegexString": "a"}]}
    assert differences("regex_pattern_set", patterns, swapped, TGT) == []
