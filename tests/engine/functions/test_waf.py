"""The WAF rule functions: foreign ARNs in statement trees, rule drift, set drift."""

from __future__ import annotations

import copy
from typing import Any

import jmespath

from regionready.engine.functions import RegionReadyFunctions
from regionready.engine.functions.waf import (
    FUNCTIONS,
    waf_foreign_arns,
    waf_rule_drift,
    waf_set_drift,
)

SRC = "me-central-1"
TGT = "eu-central-1"
ACCOUNT = "111111111111"


def ip_arn(region: str, name: str = "office", uid: str = "a1") -> str:
    return f"arn:aws:wafv2:{region}:{ACCOUNT}:regional/ipset/{name}/{uid}"


def regex_arn(region: str, name: str = "bots", uid: str = "b2") -> str:
    return f"arn:aws:wafv2:{region}:{ACCOUNT}:regional/regexpatternset/{name}/{uid}"


def group_arn(region: str, name: str = "common", uid: str = "c3") -> str:
    return f"arn:aws:wafv2:{region}:{ACCOUNT}:regional/rulegroup/{name}/{uid}"


def ip_ref(arn: str) -> dict[str, Any]:
    return {"IPSetReferenceStatement": {"ARN": arn}}


def rule(name: str, priority: int, statement: dict[str, Any], **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "Name": name,
        "Priority": priority,
        "Statement": statement,
        "VisibilityConfig": {"MetricName": name},
    }
    if "OverrideAction" not in extra:
        body["Action"] = extra.pop("Action", {"Block": {}})
    body.update(extra)
    return body


def acl(region: str, rules: list[dict[str, Any]], default: str = "Allow") -> dict[str, Any]:
    return {"Name": "storefront", "DefaultAction": {default: {}}, "Rules": rules, "Region": region}


def storefront(region: str, uid: str = "a1") -> dict[str, Any]:
    return acl(
        region,
        [
            rule("allow-office", 0, ip_ref(ip_arn(region, uid=uid)), Action={"Allow": {}}),
            rule(
                "block-sqli",
                1,
                {
                    "SqliMatchStatement": {
                        "FieldToMatch": {"Body": {}},
                        "TextTransformations": [{"Priority": 0, "Type": "URL_DECODE"}],
                    }
                },
            ),
            rule(
                "common",
                2,
                {"RuleGroupReferenceStatement": {"ARN": group_arn(region)}},
                OverrideAction={"None": {}},
            ),
        ],
    )


# --------------------------------------------------------------------------- foreign ARNs


def test_no_foreign_arns_when_everything_is_local() -> None:
    assert waf_foreign_arns(storefront(TGT)["Rules"], TGT) == []


def test_top_level_reference_from_another_region() -> None:
    rules = [rule("r", 0, ip_ref(ip_arn(SRC)))]
    assert waf_foreign_arns(rules, TGT) == [ip_arn(SRC)]
    assert waf_foreign_arns(rules, SRC) == []


def test_nested_references_in_and_or_not() -> None:
    statement = {
        "AndStatement": {
            "Statements": [
                {"GeoMatchStatement": {"CountryCodes": ["DE"]}},
                {
                    "OrStatement": {
                        "Statements": [
                            {"NotStatement": {"Statement": ip_ref(ip_arn(SRC))}},
                            {
                                "RegexPatternSetReferenceStatement": {
                                    "ARN": regex_arn(SRC),
                                    "FieldToMatch": {"UriPath": {}},
                                    "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
                                }
                            },
                            ip_ref(ip_arn(TGT, name="local")),
                        ]
                    }
                },
            ]
        }
    }
    assert waf_foreign_arns([rule("nested", 0, statement)], TGT) == sorted(
        [ip_arn(SRC), regex_arn(SRC)]
    )


def test_scope_down_statements_and_rule_group_references() -> None:
    rate = {
        "RateBasedStatement": {
            "Limit": 2000,
            "AggregateKeyType": "IP",
            "ScopeDownStatement": ip_ref(ip_arn(SRC, name="rate")),
        }
    }
    managed = {
        "ManagedRuleGroupStatement": {
            "VendorName": "AWS",
            "Name": "AWSManagedRulesCommonRuleSet",
            "ScopeDownStatement": {"NotStatement": {"Statement": ip_ref(ip_arn(SRC, "mgd"))}},
        }
    }
    group = {"RuleGroupReferenceStatement": {"ARN": group_arn(SRC)}}
    rules = [rule("rate", 0, rate), rule("managed", 1, managed), rule("group", 2, group)]
    assert waf_foreign_arns(rules, TGT) == sorted(
        [ip_arn(SRC, name="rate"), ip_arn(SRC, "mgd"), group_arn(SRC)]
    )
    # A single statement (not a Rules list) and a repeated ARN are fine too.
    assert waf_foreign_arns({"AndStatement": {"Statements": [group, group]}}, TGT) == [
        group_arn(SRC)
    ]


def test_foreign_arns_ignores_non_arns_and_empty_input() -> None:
    assert waf_foreign_arns(None, TGT) == []
    assert waf_foreign_arns([rule("x", 0, {"IPSetReferenceStatement": {"ARN": "nope"}})], TGT) == []


# --------------------------------------------------------------------------- rule drift


def test_clone_with_remapped_arns_is_not_drift() -> None:
    # Same names, new Ids and Region: exactly what the clone script produces.
    assert waf_rule_drift(storefront(SRC), storefront(TGT, uid="zz9"), SRC, TGT) == []


def test_block_changed_to_count_is_drift() -> None:
    target = storefront(TGT)
    target["Rules"][1]["Action"] = {"Count": {}}
    assert waf_rule_drift(storefront(SRC), target, SRC, TGT) == [
        "rule 'block-sqli': action Block -> Count"
    ]


def test_override_action_and_default_action() -> None:
    target = storefront(TGT)
    target["Rules"][2]["OverrideAction"] = {"Count": {}}
    target["DefaultAction"] = {"Block": {}}
    assert waf_rule_drift(storefront(SRC), target, SRC, TGT) == [
        "default action Allow -> Block",
        "rule 'common': override action None -> Count",
    ]


def test_same_action_with_other_settings() -> None:
    target = storefront(TGT)
    target["Rules"][1]["Action"] = {
        "Block": {"CustomResponse": {"ResponseCode": 429}},
    }
    assert waf_rule_drift(storefront(SRC), target, SRC, TGT) == [
        "rule 'block-sqli': action Block settings differ"
    ]


def test_priority_and_statement_changes() -> None:
    target = storefront(TGT)
    target["Rules"][0]["Priority"] = 5
    target["Rules"][1]["Statement"]["SqliMatchStatement"]["FieldToMatch"] = {"QueryString": {}}
    assert waf_rule_drift(storefront(SRC), target, SRC, TGT) == [
        "rule 'allow-office': priority 0 -> 5",
        "rule 'block-sqli': statement differs",
    ]


def test_unremapped_reference_is_a_statement_difference() -> None:
    target = storefront(TGT)
    target["Rules"][0]["Statement"] = ip_ref(ip_arn(SRC))  # still the source's IP set
    assert waf_rule_drift(storefront(SRC), target, SRC, TGT) == [
        "rule 'allow-office': statement differs"
    ]


def test_reference_to_another_named_set_is_drift() -> None:
    target = storefront(TGT)
    target["Rules"][0]["Statement"] = ip_ref(ip_arn(TGT, name="vpn"))
    assert waf_rule_drift(storefront(SRC), target, SRC, TGT) == [
        "rule 'allow-office': statement differs"
    ]


def test_missing_extra_and_renamed_rules() -> None:
    source = storefront(SRC)
    source["Rules"].append(rule("geo", 7, {"GeoMatchStatement": {"CountryCodes": ["RU"]}}))
    target = storefront(TGT)
    target["Rules"][1]["Name"] = "block-sql-injection"  # same priority: a rename
    target["Rules"].append(rule("extra", 9, {"GeoMatchStatement": {"CountryCodes": ["KP"]}}))
    assert waf_rule_drift(source, target, SRC, TGT) == [
        "rule 'block-sqli': renamed to 'block-sql-injection'",
        f"rule 'geo': missing in {TGT}",
        f"rule 'extra': only in {TGT}",
    ]


def test_rule_drift_of_missing_items_and_rule_groups() -> None:
    assert waf_rule_drift(None, storefront(TGT), SRC, TGT) == []
    group_s = {"Name": "g", "Rules": [rule("a", 0, ip_ref(ip_arn(SRC)))]}
    group_t = {"Name": "g", "Rules": [rule("a", 0, ip_ref(ip_arn(TGT, uid="new")))]}
    assert waf_rule_drift(group_s, group_t, SRC, TGT) == []  # no DefaultAction to compare


def test_rule_drift_does_not_modify_its_input() -> None:
    source, target = storefront(SRC), storefront(TGT)
    before = copy.deepcopy((source, target))
    waf_rule_drift(source, target, SRC, TGT)
    assert (source, target) == before


# --------------------------------------------------------------------------- set drift


def test_ip_sets_compare_as_sets_of_networks() -> None:
    source = {"IPAddressVersion": "IPV4", "Addresses": ["10.0.0.0/8", "192.0.2.1/32"]}
    same = {"IPAddressVersion": "IPV4", "Addresses": ["192.0.2.1/32", "10.0.0.0/8", "10.0.0.0/8"]}
    assert waf_set_drift(source, same, SRC, TGT) == []
    other = {"IPAddressVersion": "IPV4", "Addresses": ["10.0.0.0/8", "198.51.100.0/24"]}
    assert waf_set_drift(source, other, SRC, TGT) == [
        "addresses missing in the target: 192.0.2.1/32",
        "addresses only in the target: 198.51.100.0/24",
    ]


def test_ip_set_version_and_long_lists() -> None:
    source = {"IPAddressVersion": "IPV4", "Addresses": [f"10.0.{i}.0/24" for i in range(8)]}
    target = {"IPAddressVersion": "IPV6", "Addresses": []}
    drift = waf_set_drift(source, target, SRC, TGT)
    assert drift[0] == "IP address version IPV4 -> IPV6"
    assert drift[1].startswith("addresses missing in the target: 10.0.0.0/24, 10.0.1.0/24")
    assert drift[1].endswith("(+3 more)")


def test_regex_sets_compare_as_sets() -> None:
    source = {"RegularExpressionList": [{"RegexString": "^bot"}, {"RegexString": "curl"}]}
    assert (
        waf_set_drift(
            source, {"RegularExpressionList": source["RegularExpressionList"][::-1]}, SRC, TGT
        )
        == []
    )
    assert waf_set_drift(
        source, {"RegularExpressionList": [{"RegexString": "^bot"}]}, SRC, TGT
    ) == ["patterns missing in the target: curl"]


def test_rule_groups_compare_their_rules() -> None:
    source: dict[str, Any] = {
        "Name": "g",
        "Capacity": 50,
        "Rules": [rule("a", 0, ip_ref(ip_arn(SRC)))],
    }
    target = copy.deepcopy(source)
    target["Rules"][0]["Statement"] = ip_ref(ip_arn(TGT, uid="other"))
    assert waf_set_drift(source, target, SRC, TGT) == []
    target["Rules"][0]["Action"] = {"Count": {}}
    assert waf_set_drift(source, target, SRC, TGT) == ["rule 'a': action Block -> Count"]
    assert waf_set_drift(source, None, SRC, TGT) == []


# --------------------------------------------------------------------------- registration


def test_functions_are_callable_from_jmespath() -> None:
    assert set(FUNCTIONS) == {
        "waf_foreign_arns",
        "waf_reference_names",
        "waf_rule_drift",
        "waf_set_drift",
    }
    options = jmespath.Options(custom_functions=RegionReadyFunctions())
    target = storefront(TGT)
    target["Rules"][0]["Statement"] = ip_ref(ip_arn(SRC))
    data = {"source": storefront(SRC), "target": target, "s": SRC, "t": TGT}
    assert jmespath.search("waf_foreign_arns(target.Rules, t)", data, options=options) == [
        ip_arn(SRC)
    ]
    assert jmespath.search("waf_rule_drift(source, target, s, t)", data, options=options) == [
        "rule 'allow-office': statement differs"
    ]
    assert jmespath.search("waf_set_drift(source, `null`, s, t)", data, options=options) == []


def test_waf_reference_names_lists_each_referenced_set_once() -> None:
    from regionready.engine.functions.waf import waf_reference_names

    ip = "arn:aws:wafv2:me-central-1:111:regional/ipset/office-ips/1"
    regex = "arn:aws:wafv2:eu-central-1:111:regional/regexpatternset/bad-bots/2"
    rules = [
        {"Statement": {"IPSetReferenceStatement": {"ARN": ip}}},
        {
            "Statement": {
                "RateBasedStatement": {
                    "ScopeDownStatement": {
                        "OrStatement": {
                            "Statements": [
                                {"RegexPatternSetReferenceStatement": {"ARN": regex}},
                                {"IPSetReferenceStatement": {"ARN": ip}},
                            ]
                        }
                    }
                }
            }
        },
        {"Statement": {"ByteMatchStatement": {"SearchString": "x"}}},
    ]
    assert waf_reference_names(rules) == ["bad-bots", "office-ips"]
    assert waf_reference_names(None) == []
