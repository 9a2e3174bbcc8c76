"""The Cognito collectors (cognito-idp user pools, cognito-identity identity pools) against
moto, with moto_gaps answering SetIdentityPoolRoles/GetIdentityPoolRoles."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from regionready.collectors import cognito_identity, cognito_idp
from regionready.demo.moto_gaps.cognito import shared_user_pool_key
from regionready.snapshot import jsonable

SOURCE = "me-central-1"
TARGET = "eu-central-1"
AUTH = "arn:aws:iam::123456789012:role/app-auth"
GUEST = "arn:aws:iam::123456789012:role/app-guest"


@pytest.fixture
def user_pools(session: boto3.Session) -> dict[str, str]:
    idp = session.client("cognito-idp", region_name=SOURCE)
    pool = idp.create_user_pool(
        PoolName="customers",
        MfaConfiguration="OPTIONAL",
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 12,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": False,
                "TemporaryPasswordValidityDays": 3,
            }
        },
        UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"},
        UsernameAttributes=["email"],
        UsernameConfiguration={"CaseSensitive": False},
        Schema=[{"Name": "email", "AttributeDataType": "String", "Required": True}],
    )["UserPool"]
    ids = {"pool": pool["Id"], "arn": pool["Arn"]}
    web = idp.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="web",
        GenerateSecret=True,
        CallbackURLs=["https://app.example.com/cb", "https://www.example.com/cb"],
        AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email"],
        AllowedOAuthFlowsUserPoolClient=True,
        SupportedIdentityProviders=["COGNITO"],
    )["UserPoolClient"]
    ids["web"], ids["secret"] = web["ClientId"], web["ClientSecret"]
    ids["mobile"] = idp.create_user_pool_client(UserPoolId=pool["Id"], ClientName="mobile")[
        "UserPoolClient"
    ]["ClientId"]
    ids["bare"] = idp.create_user_pool(PoolName="staff")["UserPool"]["Id"]
    return ids


def _pools(result: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {p["Name"]: p for p in result["user_pool"]}


def test_user_pool_fields_the_rules_read(make_clients: Any, user_pools: dict[str, str]) -> None:
    clients = make_clients(SOURCE, "cognito-idp")
    pools = _pools(cognito_idp.collect(clients, SOURCE))

    assert clients.errors == []
    pool = pools["customers"]
    assert (pool["Id"], pool["Arn"]) == (user_pools["pool"], user_pools["arn"])
    assert pool["MfaConfiguration"] == "OPTIONAL"
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 12
    assert pool["Policies"]["PasswordPolicy"]["RequireSymbols"] is False
    assert pool["UserPoolAddOns"]["AdvancedSecurityMode"] == "AUDIT"
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["UsernameConfiguration"]["CaseSensitive"] is False
    assert [a["Name"] for a in pool["SchemaAttributes"] if a.get("Required")] == ["email"]

    clients_by_name = {c["ClientName"]: c for c in pool["Clients"]}
    assert set(clients_by_name) == {"web", "mobile"}
    web = clients_by_name["web"]
    assert web["ClientId"] == user_pools["web"]
    assert web["CallbackURLs"] == ["https://app.example.com/cb", "https://www.example.com/cb"]
    assert web["AllowedOAuthFlows"] == ["code"]
    assert web["AllowedOAuthScopes"] == ["openid", "email"]
    assert pools["staff"]["Clients"] == []
    assert cognito_idp.collect(make_clients(TARGET, "cognito-idp"), TARGET) == {"user_pool": []}


def test_client_secret_is_never_kept(make_clients: Any, user_pools: dict[str, str]) -> None:
    result = cognito_idp.collect(make_clients(SOURCE, "cognito-idp"), SOURCE)
    text = json.dumps(jsonable(result))
    assert user_pools["secret"] not in text
    assert "ClientSecret" not in text


def test_client_secret_is_dropped_from_each_response_on_receipt(
    monkeypatch: pytest.MonkeyPatch, make_clients: Any, user_pools: dict[str, str]
) -> None:
    """Each DescribeUserPoolClient response, as the botocore client returns it (before
    Clients.call or the collector see it), already holds no ClientSecret."""
    described: list[dict[str, Any]] = []
    original = BaseClient._make_api_call

    def spy(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        response = original(self, operation_name, api_params)
        if operation_name == "DescribeUserPoolClient":
            described.append(copy.deepcopy(response))
        return response

    monkeypatch.setattr(BaseClient, "_make_api_call", spy)
    clients = make_clients(SOURCE, "cognito-idp")
    pools = _pools(cognito_idp.collect(clients, SOURCE))

    assert clients.errors == []
    names = {c["ClientName"] for c in pools["customers"]["Clients"]}
    assert names == {"web", "mobile"}
    assert sorted(r["UserPoolClient"]["ClientName"] for r in described) == ["mobile", "web"]
    assert all("ClientSecret" not in r["UserPoolClient"] for r in described)
    assert user_pools["secret"] not in json.dumps(described, default=str)


def test_drop_secret_on_a_response() -> None:
    response: dict[str, Any] = {"UserPoolClient": {"ClientId": "c", "ClientSecret": "s3cr3t"}}
    cognito_idp.drop_secret(response)
    assert response == {"UserPoolClient": {"ClientId": "c"}}
    cognito_idp.drop_secret({"Error": {"Code": "AccessDenied"}})  # an error answer: no-op


def test_mfa_config_is_read_when_describe_lacks_it(
    session: boto3.Session, make_clients: Any, user_pools: dict[str, str]
) -> None:
    called: list[str] = []

    def strip(parsed: dict[str, Any], **_: Any) -> None:
        parsed.get("UserPool", {}).pop("MfaConfiguration", None)

    session.events.register("after-call.cognito-identity-provider.DescribeUserPool", strip)
    session.events.register(
        "before-call.cognito-identity-provider", lambda model, **_: called.append(model.name)
    )
    pools = _pools(cognito_idp.collect(make_clients(SOURCE, "cognito-idp"), SOURCE))

    assert pools["customers"]["MfaConfiguration"] == "OPTIONAL"
    assert pools["staff"]["MfaConfiguration"] == "OFF"
    assert called.count("GetUserPoolMfaConfig") == 2
    # DescribeUserPoolDomain is for custom domains only (none here).
    custom_domains_only = {"cognito-idp:DescribeUserPoolDomain"}
    assert {f"cognito-idp:{c}" for c in called} == set(
        cognito_idp.PERMISSIONS
    ) - custom_domains_only


def test_mfa_config_is_not_read_when_describe_has_it(
    session: boto3.Session, make_clients: Any, user_pools: dict[str, str]
) -> None:
    called: set[str] = set()
    session.events.register(
        "before-call.cognito-identity-provider", lambda model, **_: called.add(model.name)
    )
    cognito_idp.collect(make_clients(SOURCE, "cognito-idp"), SOURCE)
    assert "GetUserPoolMfaConfig" not in called
    assert {f"cognito-idp:{c}" for c in called} <= set(cognito_idp.PERMISSIONS)


def _deny(operation: str) -> Any:
    def deny(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDeniedException", "Message": "no"}}, operation)

    return deny


@pytest.mark.parametrize(
    "operation",
    ["ListUserPools", "DescribeUserPool", "ListUserPoolClients", "DescribeUserPoolClient"],
)
def test_access_denied_on_each_user_pool_call_is_recorded(
    session: boto3.Session, make_clients: Any, user_pools: dict[str, str], operation: str
) -> None:
    session.events.register(f"before-call.cognito-identity-provider.{operation}", _deny(operation))
    clients = make_clients(SOURCE, "cognito-idp")
    pools = _pools(cognito_idp.collect(clients, SOURCE))

    assert clients.errors
    assert {e.action for e in clients.errors} == {f"cognito-idp:{operation}"}
    assert all(e.to_dict()["resource_types"] == ["user_pool"] for e in clients.errors)
    if operation == "ListUserPools":
        assert pools == {}
        return
    assert set(pools) == {"customers", "staff"}  # still counted
    if operation == "ListUserPoolClients":
        assert all("Clients" not in p for p in pools.values())
    if operation == "DescribeUserPoolClient":
        names = {c["ClientName"] for c in pools["customers"]["Clients"]}
        assert names == {"web", "mobile"}  # the list entries stand in


def test_user_pools_small_pages_collect_the_same(
    make_clients: Any, user_pools: dict[str, str]
) -> None:
    whole = make_clients(SOURCE, "cognito-idp")
    paged = make_clients(SOURCE, "cognito-idp", small_pages=True)
    expected = cognito_idp.collect(whole, SOURCE)
    result = cognito_idp.collect(paged, SOURCE)

    assert jsonable(result) == jsonable(expected)
    # one extra page for the second pool and for the second client of "customers"
    assert paged.api_calls == whole.api_calls + 2


# --- cognito-identity ------------------------------------------------------------------


@pytest.fixture
def identity_pools(session: boto3.Session) -> dict[str, str]:
    client = session.client("cognito-identity", region_name=SOURCE)
    provider = f"cognito-idp.{SOURCE}.amazonaws.com/{SOURCE}_abc"
    mapped = client.create_identity_pool(
        IdentityPoolName="app_ids",
        AllowUnauthenticatedIdentities=True,
        CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": "client1"}],
    )["IdentityPoolId"]
    client.set_identity_pool_roles(
        IdentityPoolId=mapped,
        Roles={"authenticated": AUTH, "unauthenticated": GUEST},
        RoleMappings={f"{provider}:client1": {"Type": "Token", "AmbiguousRoleResolution": "Deny"}},
    )
    bare = client.create_identity_pool(
        IdentityPoolName="bare_ids", AllowUnauthenticatedIdentities=False
    )["IdentityPoolId"]
    return {"mapped": mapped, "bare": bare, "provider": provider}


def _identity(result: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {p["IdentityPoolName"]: p for p in result["identity_pool"]}


def test_identity_pools_with_roles(make_clients: Any, identity_pools: dict[str, str]) -> None:
    clients = make_clients(SOURCE, "cognito-identity")
    pools = _identity(cognito_identity.collect(clients, SOURCE))

    assert clients.errors == []
    mapped = pools["app_ids"]
    assert mapped["IdentityPoolId"] == identity_pools["mapped"]
    assert mapped["AllowUnauthenticatedIdentities"] is True
    assert mapped["CognitoIdentityProviders"][0]["ProviderName"] == identity_pools["provider"]
    assert mapped["Roles"]["Roles"] == {"authenticated": AUTH, "unauthenticated": GUEST}
    [(provider, mapping)] = mapped["Roles"]["RoleMappings"].items()
    assert provider == f"{identity_pools['provider']}:client1"
    assert mapping["Type"] == "Token"
    assert pools["bare_ids"]["Roles"] == {"Roles": {}}
    assert "IdentityPoolId" not in mapped["Roles"]


@pytest.mark.parametrize(
    "operation", ["ListIdentityPools", "DescribeIdentityPool", "GetIdentityPoolRoles"]
)
def test_access_denied_on_each_identity_pool_call_is_recorded(
    session: boto3.Session, make_clients: Any, identity_pools: dict[str, str], operation: str
) -> None:
    session.events.register(f"before-call.cognito-identity.{operation}", _deny(operation))
    clients = make_clients(SOURCE, "cognito-identity")
    pools = _identity(cognito_identity.collect(clients, SOURCE))

    assert clients.errors
    assert {e.action for e in clients.errors} == {f"cognito-identity:{operation}"}
    assert all(e.to_dict()["resource_types"] == ["identity_pool"] for e in clients.errors)
    if operation == "ListIdentityPools":
        assert pools == {}
    elif operation == "GetIdentityPoolRoles":
        assert set(pools) == {"app_ids", "bare_ids"}
        assert all("Roles" not in p for p in pools.values())
    else:
        assert set(pools) == {"app_ids", "bare_ids"}
        assert pools["app_ids"]["Roles"]["Roles"]["authenticated"] == AUTH


def test_identity_pools_small_pages_collect_the_same(
    session: boto3.Session, make_clients: Any, identity_pools: dict[str, str]
) -> None:
    called: list[str] = []
    # First: moto_gaps answers GetIdentityPoolRoles in a service-wide before-call hook.
    session.events.register_first(
        "before-call.cognito-identity", lambda model, **_: called.append(model.name)
    )
    whole = make_clients(SOURCE, "cognito-identity")
    paged = make_clients(SOURCE, "cognito-identity", small_pages=True)
    expected = cognito_identity.collect(whole, SOURCE)
    result = cognito_identity.collect(paged, SOURCE)

    assert jsonable(result) == jsonable(expected)
    assert paged.api_calls == whole.api_calls + 1  # moto_gaps pages ListIdentityPools
    assert {f"cognito-identity:{c}" for c in called} == set(cognito_identity.PERMISSIONS)


# --- moto_gaps.cognito -------------------------------------------------------------------


def test_plain_moto_lacks_identity_pool_roles(aws: None) -> None:
    plain = boto3.Session(region_name=SOURCE).client("cognito-identity")  # no moto_gaps
    pool = plain.create_identity_pool(IdentityPoolName="p", AllowUnauthenticatedIdentities=False)[
        "IdentityPoolId"
    ]
    with pytest.raises(NotImplementedError):
        plain.get_identity_pool_roles(IdentityPoolId=pool)


def test_roles_hooks_validate_like_aws(session: boto3.Session) -> None:
    client = session.client("cognito-identity", region_name=SOURCE)
    pool = client.create_identity_pool(IdentityPoolName="p", AllowUnauthenticatedIdentities=False)[
        "IdentityPoolId"
    ]

    answer = client.get_identity_pool_roles(IdentityPoolId=pool)
    assert (answer["IdentityPoolId"], answer["Roles"]) == (pool, {})
    assert "RoleMappings" not in answer

    for bad in (
        {"Roles": {"admin": AUTH}},
        {"Roles": {"authenticated": "arn:aws:iam::123456789012:user/not-a-role"}},
        {"Roles": {}, "RoleMappings": {"p": {"Type": "Rules"}}},
    ):
        with pytest.raises(ClientError) as invalid:
            client.set_identity_pool_roles(IdentityPoolId=pool, **bad)
        assert invalid.value.response["Error"]["Code"] == "InvalidParameterException"

    unknown = f"{SOURCE}:00000000-0000-0000-0000-000000000000"
    for call in (client.get_identity_pool_roles, client.set_identity_pool_roles):
        kwargs: dict[str, Any] = {"IdentityPoolId": unknown}
        if call == client.set_identity_pool_roles:
            kwargs["Roles"] = {}
        with pytest.raises(ClientError) as missing:
            call(**kwargs)
        assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"

    # Roles are per Region: the same id asked in another Region is unknown there.
    other = session.client("cognito-identity", region_name=TARGET)
    with pytest.raises(ClientError):
        other.get_identity_pool_roles(IdentityPoolId=pool)

    client.set_identity_pool_roles(IdentityPoolId=pool, Roles={"authenticated": AUTH})
    assert client.get_identity_pool_roles(IdentityPoolId=pool)["Roles"] == {"authenticated": AUTH}


# --- the demo seed, collected and judged ---------------------------------------------------


def test_demo_seed_fails_exactly_the_planted_pools(
    session: boto3.Session, make_clients: Any
) -> None:
    from regionready.demo import seed_secrets_cognito
    from regionready.demo.seed import DemoPlan
    from regionready.engine.evaluation import evaluate
    from regionready.engine.fixtures import scan_from_case
    from regionready.engine.rules import parse_rule

    plan = DemoPlan(
        source=SOURCE, target=TARGET, account_id="123456789012", now=dt.datetime.now(dt.UTC)
    )
    plan.resources = {SOURCE: {}, TARGET: {}}
    with shared_user_pool_key():
        seed_secrets_cognito.seed_user_pools(session, plan)
    seed_secrets_cognito.seed_identity_pools(session, plan)

    data: dict[str, dict[str, Any]] = {}
    for side, region in (("source", SOURCE), ("target", TARGET)):
        data[side] = {}
        for module in (cognito_idp, cognito_identity):
            clients = make_clients(region, module.SERVICE)
            data[side][module.SERVICE] = jsonable(module.collect(clients, region))
            assert clients.errors == []
    root = Path(__file__).resolve().parents[2] / "rules" / "cognito"
    rules = [parse_rule(p, str(p)) for p in sorted(root.glob("COG-*.yaml"))]
    assert len(rules) == 4
    results = evaluate(
        scan_from_case(rules[0], {**data, "source_region": SOURCE, "target_region": TARGET}),
        rules,
        now=dt.datetime.now(dt.UTC),
    )

    failing: dict[str, list[str]] = {}
    for result in results:
        assert result.status.value != "ERROR", result.message
        if result.status.value == "FAIL":
            failing.setdefault(result.rule_id, []).append(result.resource_id)
    assert failing == {k: v for k, v in plan.failing.items() if k.startswith("COG-")}
    # Parity results name the target; their source counterpart is in details.
    named = {
        status: {r.resource_id for r in results if r.status.value == status}
        | {str(r.details.get("source")) for r in results if r.status.value == status}
        for status in ("PASS", "FAIL")
    }
    assert set(plan.healthy) <= named["PASS"]
    assert not set(plan.healthy) & named["FAIL"]
    assert "ClientSecret" not in json.dumps(data)


def test_shared_user_pool_key_imports_the_key_once(session: boto3.Session) -> None:
    from moto.cognitoidp import models

    original = models.jwk
    idp = session.client("cognito-idp", region_name=SOURCE)
    with shared_user_pool_key():
        first = idp.create_user_pool(PoolName="a")["UserPool"]["Id"]
        second = idp.create_user_pool(PoolName="b")["UserPool"]["Id"]
    assert models.jwk is original  # restored
    pools = models.cognitoidp_backends["123456789012"][SOURCE].user_pools
    assert pools[first].json_web_key is pools[second].json_web_key
    third = idp.create_user_pool(PoolName="c")["UserPool"]["Id"]
    assert pools[third].json_web_key is not pools[first].json_web_key
    assert pools[third].json_web_key.as_dict() == pools[first].json_web_key.as_dict()


CUSTOM_CERT = "arn:aws:acm:us-east-1:123456789012:certificate/auth-cert"


def test_a_custom_domain_keeps_the_certificate_it_serves(
    session: boto3.Session, make_clients: Any, user_pools: dict[str, str]
) -> None:
    idp = session.client("cognito-idp", region_name=SOURCE)
    idp.create_user_pool_domain(
        Domain="auth.example.com",
        UserPoolId=user_pools["pool"],
        CustomDomainConfig={"CertificateArn": CUSTOM_CERT},
    )
    idp.create_user_pool_domain(Domain="staff-prefix", UserPoolId=user_pools["bare"])
    pools = _pools(cognito_idp.collect(make_clients(SOURCE, "cognito-idp"), SOURCE))
    customers, staff = pools["customers"], pools["staff"]
    assert customers["CustomDomain"] == "auth.example.com" and "Domain" not in customers
    assert customers["CustomDomainConfig"] == {"CertificateArn": CUSTOM_CERT}
    assert staff["Domain"] == "staff-prefix" and "CustomDomainConfig" not in staff


def test_a_denied_domain_read_marks_only_that_field(
    session: boto3.Session, make_clients: Any, user_pools: dict[str, str]
) -> None:
    session.client("cognito-idp", region_name=SOURCE).create_user_pool_domain(
        Domain="auth.example.com",
        UserPoolId=user_pools["pool"],
        CustomDomainConfig={"CertificateArn": CUSTOM_CERT},
    )
    session.events.register(
        "before-call.cognito-identity-provider.DescribeUserPoolDomain",
        _deny("DescribeUserPoolDomain"),
    )
    clients = make_clients(SOURCE, "cognito-idp")
    pools = _pools(cognito_idp.collect(clients, SOURCE))
    [error] = clients.errors
    assert error.action == "cognito-idp:DescribeUserPoolDomain"
    assert error.to_dict()["fields"] == {"user_pool": ["CustomDomainConfig"]}
    assert error.to_dict()["resources"] == {"user_pool": [user_pools["pool"]]}
    assert "CustomDomainConfig" not in pools["customers"]
