"""The WAFv2 collector against moto, corrected by regionready.demo.moto_gaps.wafv2."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from regionready.collectors import wafv2
from regionready.demo.moto_gaps import wafv2 as gaps
from regionready.snapshot import jsonable

REGION = "eu-central-1"
OTHER = "me-central-1"
ACCOUNT = "123456789012"
VIS = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}
ALB = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/shop/50dc6c495c0c9188"
STAGE = f"arn:aws:apigateway:{REGION}::/restapis/a1b2c3/stages/prod"
POOL = f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{REGION}_AbCdEf"
LOGS = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:aws-waf-logs-storefront"
READ_ONLY = re.compile(r"^wafv2:(List|Get)[A-Za-z]+$")


@pytest.fixture(autouse=True)
def fresh_store() -> Iterator[None]:
    gaps.reset()
    yield
    gaps.reset()


def _rule(name: str, priority: int, statement: dict[str, Any], **action: Any) -> dict[str, Any]:
    rule = {"Name": name, "Priority": priority, "Statement": statement, "VisibilityConfig": VIS}
    rule.update(action or {"Action": {"Block": {}}})
    return rule


@pytest.fixture
def seeded(session: boto3.Session) -> dict[str, str]:
    waf = session.client("wafv2", region_name=REGION)
    ids: dict[str, str] = {}
    ip = waf.create_ip_set(
        Name="office",
        Scope="REGIONAL",
        IPAddressVersion="IPV4",
        Addresses=["203.0.113.0/24", "198.51.100.7/32"],
    )["Summary"]
    ids["ip"] = ip["ARN"]
    ids["regex"] = waf.create_regex_pattern_set(
        Name="bots",
        Scope="REGIONAL",
        RegularExpressionList=[{"RegexString": "(?i)sqlmap"}, {"RegexString": "^curl"}],
    )["Summary"]["ARN"]
    ids["group"] = waf.create_rule_group(
        Name="common",
        Scope="REGIONAL",
        Capacity=50,
        VisibilityConfig=VIS,
        Rules=[_rule("office", 0, {"IPSetReferenceStatement": {"ARN": ids["ip"]}})],
    )["Summary"]["ARN"]
    foreign_ip = ids["ip"].replace(REGION, OTHER)  # dangling: moto accepts it, AWS would not
    nested = {
        "AndStatement": {
            "Statements": [
                {"GeoMatchStatement": {"CountryCodes": ["DE"]}},
                {"NotStatement": {"Statement": {"IPSetReferenceStatement": {"ARN": foreign_ip}}}},
            ]
        }
    }
    ids["storefront"] = waf.create_web_acl(
        Name="storefront",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        VisibilityConfig=VIS,
        Rules=[
            _rule("nested", 0, nested),
            _rule(
                "common",
                1,
                {"RuleGroupReferenceStatement": {"ARN": ids["group"]}},
                OverrideAction={"None": {}},
            ),
            _rule(
                "bots",
                2,
                {
                    "RegexPatternSetReferenceStatement": {
                        "ARN": ids["regex"],
                        "FieldToMatch": {"SingleHeader": {"Name": "user-agent"}},
                        "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
                    }
                },
                Action={"Count": {}},
            ),
        ],
    )["Summary"]["ARN"]
    ids["spare"] = waf.create_web_acl(
        Name="spare", Scope="REGIONAL", DefaultAction={"Block": {}}, VisibilityConfig=VIS, Rules=[]
    )["Summary"]["ARN"]
    waf.put_logging_configuration(
        LoggingConfiguration={"ResourceArn": ids["storefront"], "LogDestinationConfigs": [LOGS]}
    )
    for resource in (STAGE, ALB, POOL):
        waf.associate_web_acl(WebACLArn=ids["storefront"], ResourceArn=resource)
    return ids


def _by_arn(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i["ARN"]: i for i in items}


def test_items_carry_every_field_the_rules_read(make_clients: Any, seeded: dict[str, str]) -> None:
    clients = make_clients(REGION, "wafv2")
    result = wafv2.collect(clients, REGION)

    assert clients.errors == []
    acls = _by_arn(result["web_acl"])
    assert set(acls) == {seeded["storefront"], seeded["spare"]}
    store = acls[seeded["storefront"]]
    assert store["Name"] == "storefront" and store["Scope"] == "REGIONAL"
    assert store["DefaultAction"] == {"Allow": {}}
    assert [r["Name"] for r in store["Rules"]] == ["nested", "common", "bots"]
    nested = store["Rules"][0]["Statement"]["AndStatement"]["Statements"][1]
    assert nested["NotStatement"]["Statement"]["IPSetReferenceStatement"]["ARN"].startswith(
        f"arn:aws:wafv2:{OTHER}:"
    )
    assert store["Rules"][1]["OverrideAction"] == {"None": {}}
    assert store["Rules"][2]["Action"] == {"Count": {}}
    assert isinstance(store["Capacity"], int) and store["VisibilityConfig"] == VIS
    assert store["LoggingConfiguration"]["LogDestinationConfigs"] == [LOGS]
    assert store["ResourceArns"] == sorted([ALB, POOL, STAGE])
    spare = acls[seeded["spare"]]
    assert spare["LoggingConfiguration"] is None
    assert spare["ResourceArns"] == []
    assert not any("LockToken" in i for items in result.values() for i in items)

    [ip] = result["ip_set"]
    assert (ip["ARN"], ip["Scope"], ip["IPAddressVersion"]) == (seeded["ip"], "REGIONAL", "IPV4")
    assert sorted(ip["Addresses"]) == ["198.51.100.7/32", "203.0.113.0/24"]
    [regex] = result["regex_pattern_set"]
    assert regex["Scope"] == "REGIONAL"
    assert [r["RegexString"] for r in regex["RegularExpressionList"]] == ["(?i)sqlmap", "^curl"]
    [group] = result["rule_group"]
    assert (group["Capacity"], group["Scope"]) == (50, "REGIONAL")
    assert group["Rules"][0]["Statement"] == {"IPSetReferenceStatement": {"ARN": seeded["ip"]}}

    inventory = {(i["Kind"], i["Name"], i["Scope"]): i["ARN"] for i in result["inventory"]}
    assert inventory == {
        ("web_acl", "storefront", "REGIONAL"): seeded["storefront"],
        ("web_acl", "spare", "REGIONAL"): seeded["spare"],
        ("ip_set", "office", "REGIONAL"): seeded["ip"],
        ("regex_pattern_set", "bots", "REGIONAL"): seeded["regex"],
        ("rule_group", "common", "REGIONAL"): seeded["group"],
    }
    assert all(set(i) >= {"Id", "Name", "ARN", "Scope", "Kind"} for i in result["inventory"])
    json.dumps(jsonable(result))


def test_cloudfront_scope_only_in_us_east_1(session: boto3.Session, make_clients: Any) -> None:
    east = session.client("wafv2", region_name="us-east-1")
    edge = east.create_web_acl(
        Name="edge", Scope="CLOUDFRONT", DefaultAction={"Allow": {}}, VisibilityConfig=VIS, Rules=[]
    )["Summary"]["ARN"]
    regional = east.create_web_acl(
        Name="api", Scope="REGIONAL", DefaultAction={"Allow": {}}, VisibilityConfig=VIS, Rules=[]
    )["Summary"]["ARN"]
    east.put_logging_configuration(
        LoggingConfiguration={
            "ResourceArn": edge,
            "LogDestinationConfigs": ["arn:aws:s3:::aws-waf-logs-edge"],
        }
    )
    scopes: list[str] = []
    session.events.register(
        "before-parameter-build.wafv2.ListWebACLs",
        lambda params, **_: scopes.append(params["Scope"]),
    )

    result = wafv2.collect(make_clients("us-east-1", "wafv2"), "us-east-1")
    acls = _by_arn(result["web_acl"])
    assert acls[edge]["Scope"] == "CLOUDFRONT"
    assert acls[edge]["LoggingConfiguration"]["LogDestinationConfigs"] == [
        "arn:aws:s3:::aws-waf-logs-edge"
    ]
    assert "ResourceArns" not in acls[edge]  # CloudFront distributions are not listed here
    assert acls[regional]["Scope"] == "REGIONAL"
    assert acls[regional]["LoggingConfiguration"] is None  # not the CloudFront one
    assert acls[regional]["ResourceArns"] == []
    assert sorted(scopes) == ["CLOUDFRONT", "REGIONAL"]

    scopes.clear()
    elsewhere = wafv2.collect(make_clients("eu-west-1", "wafv2"), "eu-west-1")
    assert scopes == ["REGIONAL"]  # moto would answer CLOUDFRONT here; AWS would not
    assert elsewhere["web_acl"] == [] and elsewhere["inventory"] == []


def test_small_pages_collect_the_same(
    make_clients: Any, seeded: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = make_clients(REGION, "wafv2")
    expected = wafv2.collect(whole, REGION)
    monkeypatch.setattr(wafv2, "PAGE_LIMIT", 1)
    paged = make_clients(REGION, "wafv2")
    result = wafv2.collect(paged, REGION)

    assert jsonable(result) == jsonable(expected)
    assert len(result["inventory"]) == 5
    # Only the two web ACLs need a second page (moto hands back no marker with the
    # last page); every other list holds one entry.
    assert paged.api_calls == whole.api_calls + 1


def test_marker_loop_stops_on_a_repeated_marker_or_an_empty_page() -> None:
    class Pages:
        def __init__(self, pages: list[dict[str, Any]]) -> None:
            self.pages = pages
            self.calls: list[dict[str, Any]] = []

        def call(self, service: str, operation: str, *, feeds: Any, **kwargs: Any) -> Any:
            self.calls.append(kwargs)
            return self.pages[len(self.calls) - 1]

    repeated = Pages([{"IPSets": [{"Name": "a"}], "NextMarker": "m"}] * 2 + [{"IPSets": []}])
    clients: Any = repeated
    found = wafv2.list_all(clients, "list_ip_sets", "IPSets", ["ip_set"], Scope="REGIONAL")
    assert found == [{"Name": "a"}, {"Name": "a"}]
    assert [c.get("NextMarker") for c in repeated.calls] == [None, "m"]
    assert all(c["Limit"] == wafv2.PAGE_LIMIT for c in repeated.calls)

    empty = Pages(
        [{"IPSets": [{"Name": "a"}], "NextMarker": "m1"}, {"IPSets": [], "NextMarker": "m2"}]
    )
    clients = empty
    found = wafv2.list_all(clients, "list_ip_sets", "IPSets", ["ip_set"], Scope="REGIONAL")
    assert found == [{"Name": "a"}]
    assert len(empty.calls) == 2


def _deny(session: boto3.Session, operation: str) -> None:
    def deny(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, operation)

    # before-parameter-build runs before moto_gaps' before-call answers.
    session.events.register(f"before-parameter-build.wafv2.{operation}", deny)


def test_get_failure_keeps_the_summary_and_feeds_its_type_only(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    _deny(session, "GetIPSet")
    clients = make_clients(REGION, "wafv2")
    result = wafv2.collect(clients, REGION)

    [error] = clients.errors
    # Clients derives the action from the snake_case method (wafv2:GetIpSet); IAM action
    # names are case-insensitive, so either spelling grants it.
    assert (error.action.lower(), error.code) == ("wafv2:getipset", "AccessDeniedException")
    assert error.to_dict()["resource_types"] == ["ip_set"]
    [ip] = result["ip_set"]
    assert (ip["ARN"], ip["Name"], ip["Scope"]) == (seeded["ip"], "office", "REGIONAL")
    assert "Addresses" not in ip and "LockToken" not in ip
    assert len(result["inventory"]) == 5


def test_list_failure_feeds_its_type_and_the_inventory(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    _deny(session, "ListRuleGroups")
    clients = make_clients(REGION, "wafv2")
    result = wafv2.collect(clients, REGION)

    [error] = clients.errors
    assert error.action.lower() == "wafv2:listrulegroups"
    assert error.to_dict()["resource_types"] == ["inventory", "rule_group"]
    assert result["rule_group"] == []
    assert {i["Kind"] for i in result["inventory"]} == {"web_acl", "ip_set", "regex_pattern_set"}


@pytest.mark.parametrize(
    ("operation", "field"),
    [
        ("ListResourcesForWebACL", "ResourceArns"),
        ("ListLoggingConfigurations", "LoggingConfiguration"),
    ],
)
def test_web_acl_extras_that_fail_are_absent_and_recorded(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str], operation: str, field: str
) -> None:
    _deny(session, operation)
    clients = make_clients(REGION, "wafv2")
    result = wafv2.collect(clients, REGION)

    assert clients.errors
    assert {e.action.lower() for e in clients.errors} == {f"wafv2:{operation}".lower()}
    assert all(e.to_dict()["resource_types"] == ["web_acl"] for e in clients.errors)
    assert len(result["web_acl"]) == 2
    assert all(field not in acl for acl in result["web_acl"])
    assert all("Rules" in acl for acl in result["web_acl"])


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    called: set[str] = set()
    session.events.register(
        "before-parameter-build.wafv2", lambda model, **_: called.add(f"wafv2:{model.name}")
    )
    wafv2.collect(make_clients(REGION, "wafv2"), REGION)

    assert called == set(wafv2.PERMISSIONS)
    assert all(READ_ONLY.match(c) for c in called)


# --------------------------------------------------------------------------- moto gaps


def test_list_resources_for_web_acl_is_answered_without_http(
    session: boto3.Session, seeded: dict[str, str]
) -> None:
    sent: list[str] = []
    session.events.register("before-send.wafv2", lambda request, **_: sent.append(request.url))
    waf = session.client("wafv2", region_name=REGION)
    acl = seeded["storefront"]

    assert waf.list_resources_for_web_acl(WebACLArn=acl)["ResourceArns"] == [ALB]  # the default
    assert waf.list_resources_for_web_acl(WebACLArn=acl, ResourceType="API_GATEWAY")[
        "ResourceArns"
    ] == [STAGE]
    assert waf.list_resources_for_web_acl(WebACLArn=acl, ResourceType="COGNITO_USER_POOL")[
        "ResourceArns"
    ] == [POOL]
    assert (
        waf.list_resources_for_web_acl(WebACLArn=acl, ResourceType="APPSYNC")["ResourceArns"] == []
    )
    assert sent == []

    # A resource has one web ACL: associating it elsewhere moves it; disassociating frees it.
    waf.associate_web_acl(WebACLArn=seeded["spare"], ResourceArn=ALB)
    assert waf.list_resources_for_web_acl(WebACLArn=acl)["ResourceArns"] == []
    assert waf.list_resources_for_web_acl(WebACLArn=seeded["spare"])["ResourceArns"] == [ALB]
    waf.disassociate_web_acl(ResourceArn=ALB)
    assert gaps.associations(seeded["spare"]) == []
    assert sorted(gaps.associations(acl)) == sorted([STAGE, POOL])


def test_resource_types_are_told_apart_by_arn() -> None:
    assert gaps.resource_type(ALB) == "APPLICATION_LOAD_BALANCER"
    assert gaps.resource_type(STAGE) == "API_GATEWAY"
    assert gaps.resource_type(POOL) == "COGNITO_USER_POOL"
    assert gaps.resource_type(f"arn:aws:appsync:{REGION}:{ACCOUNT}:apis/abc") == "APPSYNC"
    assert gaps.resource_type(f"arn:aws:apprunner:{REGION}:{ACCOUNT}:service/s/1") == (
        "APP_RUNNER_SERVICE"
    )
    assert gaps.resource_type(f"arn:aws:ec2:{REGION}:{ACCOUNT}:verified-access-instance/vai-1") == (
        "VERIFIED_ACCESS_INSTANCE"
    )
    nlb = f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/net/n/1"
    assert gaps.resource_type(nlb) is None
    assert gaps.resource_type("not-an-arn") is None


def test_logging_configurations_are_listed_per_scope(session: boto3.Session) -> None:
    east = session.client("wafv2", region_name="us-east-1")
    arns = {}
    for name, scope in (("edge-a", "CLOUDFRONT"), ("edge-b", "CLOUDFRONT"), ("api", "REGIONAL")):
        arns[name] = east.create_web_acl(
            Name=name, Scope=scope, DefaultAction={"Allow": {}}, VisibilityConfig=VIS, Rules=[]
        )["Summary"]["ARN"]
        east.put_logging_configuration(
            LoggingConfiguration={
                "ResourceArn": arns[name],
                "LogDestinationConfigs": [f"arn:aws:s3:::aws-waf-logs-{name}"],
            }
        )

    regional = east.list_logging_configurations(Scope="REGIONAL")["LoggingConfigurations"]
    assert [c["ResourceArn"] for c in regional] == [arns["api"]]
    first = east.list_logging_configurations(Scope="CLOUDFRONT", Limit=1)
    second = east.list_logging_configurations(
        Scope="CLOUDFRONT", Limit=1, NextMarker=first["NextMarker"]
    )
    assert "NextMarker" not in second
    listed = first["LoggingConfigurations"] + second["LoggingConfigurations"]
    assert sorted(c["ResourceArn"] for c in listed) == sorted([arns["edge-a"], arns["edge-b"]])
