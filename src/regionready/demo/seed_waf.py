"""Demo seed: AWS WAF (WAFv2) web ACLs and what they reference, in both Regions.

Ordinary boto3 calls through the session given (``moto_gaps`` installed by the caller:
moto cannot list a web ACL's resources, the hook answers from AssociateWebACL calls).
The protected resources are Application Load Balancers named by ARN only: moto
associates any resource ARN (it checks no references), and creating real load balancers
would cost over a second of moto EC2 start-up, more than the whole WAF seed.

What is planted (source -> target), and which check each gap should trip:

  IP set "office-ips"                     -> same addresses, other order       WAF-005 passes
  regex pattern set "bad-bots"            -> nothing                           WAF-005
  rule group "geo-block"                  -> same rule                         WAF-005 passes
  web ACL "storefront" (logs, protects    -> cloned, logs, protects the target's ALB, but
    the storefront ALB; rules: office        "block-sqli" is Count instead of Block and
    allow-list, SQLi block, geo-block        "allow-office" still references the source's
    rule group)                              IP set ARN (not remapped)          WAF-003, WAF-004
                                             (rule count, logging, association pass)
  web ACL "admin-portal" (bad-bots rate   -> nothing                           WAF-001
    limit)
  web ACL "partner-api" (logs, protects   -> cloned with every ARN remapped, but neither
    the partner ALB)                         logging nor associated             WAF-006, WAF-007
                                             (WAF-002, WAF-003, WAF-004 pass)

WAF-008 passes: three regional web ACLs after cloning, against Service Quotas' value or
the documented default of 100. Ids recorded are the ones results carry: parity results
name the target resource when it has a counterpart and the source resource otherwise.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import boto3

if TYPE_CHECKING:
    from regionready.demo.seed import DemoPlan

SCOPE = "REGIONAL"
OFFICE = ["203.0.113.0/24", "198.51.100.0/24", "192.0.2.10/32"]


def _visibility(name: str) -> dict[str, Any]:
    return {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": name}


def _rule(name: str, priority: int, statement: dict[str, Any], **action: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "Name": name,
        "Priority": priority,
        "Statement": statement,
        "VisibilityConfig": _visibility(name),
    }
    rule.update(action or {"Action": {"Block": {}}})
    return rule


def _sqli(action: str) -> dict[str, Any]:
    statement = {
        "SqliMatchStatement": {
            "FieldToMatch": {"Body": {"OversizeHandling": "MATCH"}},
            "TextTransformations": [{"Priority": 0, "Type": "URL_DECODE"}],
        }
    }
    return _rule("block-sqli", 1, statement, Action={action: {}})


def _storefront_rules(office: str, geo: str, sqli_action: str = "Block") -> list[dict[str, Any]]:
    return [
        _rule(
            "allow-office", 0, {"IPSetReferenceStatement": {"ARN": office}}, Action={"Allow": {}}
        ),
        _sqli(sqli_action),
        _rule(
            "geo-block",
            2,
            {"RuleGroupReferenceStatement": {"ARN": geo}},
            OverrideAction={"None": {}},
        ),
    ]


def _partner_rules(office: str, geo: str) -> list[dict[str, Any]]:
    return [
        _rule(
            "geo-block",
            0,
            {"RuleGroupReferenceStatement": {"ARN": geo}},
            OverrideAction={"None": {}},
        ),
        _rule(
            "rate-limit-outside-office",
            1,
            {
                "RateBasedStatement": {
                    "Limit": 1000,
                    "AggregateKeyType": "IP",
                    "ScopeDownStatement": {
                        "NotStatement": {"Statement": {"IPSetReferenceStatement": {"ARN": office}}}
                    },
                }
            },
        ),
    ]


def _web_acl(waf: Any, name: str, default: str, rules: list[dict[str, Any]]) -> str:
    arn: str = waf.create_web_acl(
        Name=name,
        Scope=SCOPE,
        DefaultAction={default: {}},
        Description=f"{name} protection",
        VisibilityConfig=_visibility(name),
        Rules=rules,
        Tags=[{"Key": "Team", "Value": "edge-security"}],
    )["Summary"]["ARN"]
    return arn


def _log(waf: Any, acl_arn: str, region: str, account: str, name: str) -> None:
    waf.put_logging_configuration(
        LoggingConfiguration={
            "ResourceArn": acl_arn,
            "LogDestinationConfigs": [
                f"arn:aws:logs:{region}:{account}:log-group:aws-waf-logs-{name}"
            ],
        }
    )


def _load_balancer(region: str, account: str, name: str) -> str:
    """The ARN of the Application Load Balancer a web ACL protects (not created: see above)."""
    suffix = hashlib.sha256(f"{region}/{name}".encode()).hexdigest()[:16]
    return f"arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/app/{name}/{suffix}"


def _geo_group(waf: Any) -> str:
    statement = {"GeoMatchStatement": {"CountryCodes": ["KP", "IR", "SY"]}}
    arn: str = waf.create_rule_group(
        Name="geo-block",
        Scope=SCOPE,
        Capacity=50,
        VisibilityConfig=_visibility("geo-block"),
        Rules=[_rule("block-sanctioned-countries", 0, statement)],
    )["Summary"]["ARN"]
    return arn


def _office(waf: Any, addresses: list[str]) -> str:
    arn: str = waf.create_ip_set(
        Name="office-ips", Scope=SCOPE, IPAddressVersion="IPV4", Addresses=addresses
    )["Summary"]["ARN"]
    return arn


def seed(session: boto3.Session, plan: DemoPlan) -> None:
    src, tgt, account = plan.source, plan.target, plan.account_id
    waf_src = session.client("wafv2", region_name=src)
    waf_tgt = session.client("wafv2", region_name=tgt)

    # Source: IP set, regex pattern set, rule group first, then the web ACLs using them.
    office = plan.record(src, "waf:ipset/office-ips", _office(waf_src, OFFICE))
    bots = plan.record(
        src,
        "waf:regexpatternset/bad-bots",
        waf_src.create_regex_pattern_set(
            Name="bad-bots",
            Scope=SCOPE,
            RegularExpressionList=[{"RegexString": "(?i)sqlmap"}, {"RegexString": "(?i)nikto"}],
        )["Summary"]["ARN"],
    )
    geo = plan.record(src, "waf:rulegroup/geo-block", _geo_group(waf_src))
    storefront = plan.record(
        src,
        "waf:webacl/storefront",
        _web_acl(waf_src, "storefront", "Allow", _storefront_rules(office, geo)),
    )
    bots_rate = {
        "RateBasedStatement": {
            "Limit": 100,
            "AggregateKeyType": "IP",
            "ScopeDownStatement": {
                "RegexPatternSetReferenceStatement": {
                    "ARN": bots,
                    "FieldToMatch": {"SingleHeader": {"Name": "user-agent"}},
                    "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
                }
            },
        }
    }
    admin = plan.record(
        src,
        "waf:webacl/admin-portal",
        _web_acl(waf_src, "admin-portal", "Block", [_rule("bad-bots-rate", 0, bots_rate)]),
    )
    partner = plan.record(
        src,
        "waf:webacl/partner-api",
        _web_acl(waf_src, "partner-api", "Allow", _partner_rules(office, geo)),
    )
    for acl, name in ((storefront, "storefront"), (partner, "partner-api")):
        _log(waf_src, acl, src, account, name)
        waf_src.associate_web_acl(WebACLArn=acl, ResourceArn=_load_balancer(src, account, name))

    # Target: the clone, with two mistakes in storefront and partner-api half done.
    office_t = plan.record(tgt, "waf:ipset/office-ips", _office(waf_tgt, OFFICE[::-1]))
    geo_t = plan.record(tgt, "waf:rulegroup/geo-block", _geo_group(waf_tgt))
    # "allow-office" keeps the source's IP set ARN; "block-sqli" was left in Count mode.
    storefront_t = plan.record(
        tgt,
        "waf:webacl/storefront",
        _web_acl(waf_tgt, "storefront", "Allow", _storefront_rules(office, geo_t, "Count")),
    )
    _log(waf_tgt, storefront_t, tgt, account, "storefront")
    waf_tgt.associate_web_acl(
        WebACLArn=storefront_t, ResourceArn=_load_balancer(tgt, account, "storefront")
    )
    partner_t = plan.record(
        tgt,
        "waf:webacl/partner-api",
        _web_acl(waf_tgt, "partner-api", "Allow", _partner_rules(office_t, geo_t)),
    )

    for check, arn in (
        ("WAF-001", admin),
        ("WAF-003", storefront_t),
        ("WAF-004", storefront_t),
        ("WAF-005", bots),
        ("WAF-006", partner_t),
        ("WAF-007", partner_t),
    ):
        plan.failing.setdefault(check, []).append(arn)
    plan.healthy += [office, office_t, geo, geo_t]
