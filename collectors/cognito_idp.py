"""Amazon Cognito user pools of one Region, with their app clients.

Items (AWS field names, as the APIs return them):

``user_pool`` (id ``Id``)
    The ``UserPool`` structure of DescribeUserPool: Id, Name, Arn, MfaConfiguration,
    Policies.PasswordPolicy, UserPoolAddOns.AdvancedSecurityMode, UsernameAttributes,
    AliasAttributes, UsernameConfiguration.CaseSensitive, SchemaAttributes (each with
    Required), LambdaConfig, ... When DescribeUserPool has no MfaConfiguration it is
    read with GetUserPoolMfaConfig. A pool with a custom domain (``CustomDomain``) also
    gets ``CustomDomainConfig`` (``{CertificateArn}``: the ACM certificate, in us-east-1,
    the domain serves) from DescribeUserPoolDomain; that call's failure is recorded
    against that field of that pool. Plus ``Clients``: the UserPoolClient structure of
    DescribeUserPoolClient for each ListUserPoolClients entry (ClientId, ClientName,
    CallbackURLs, LogoutURLs, AllowedOAuthFlows, AllowedOAuthScopes,
    SupportedIdentityProviders, ...) *without* ``ClientSecret``: it is dropped from each
    DescribeUserPoolClient response as botocore hands it over (an ``after-call`` hook on
    the client, before ``Clients.call`` or this module see it).

    A failed DescribeUserPool leaves the ListUserPools entry (Id, Name, ...) so the pool
    is still counted; a failed DescribeUserPoolClient leaves the list entry (ClientId,
    ClientName); a failed ListUserPoolClients leaves the pool without ``Clients``. Every
    failure is recorded against ``user_pool``.
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "cognito-idp"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"user_pool": "Id"}
PERMISSIONS = (
    "cognito-idp:ListUserPools",
    "cognito-idp:DescribeUserPool",
    "cognito-idp:GetUserPoolMfaConfig",
    "cognito-idp:ListUserPoolClients",
    "cognito-idp:DescribeUserPoolClient",
    "cognito-idp:DescribeUserPoolDomain",
)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}

# Never kept: an app client's secret is a credential.
SECRET_FIELDS = ("ClientSecret",)
#: botocore's event for a received DescribeUserPoolClient response.
RECEIVED = "after-call.cognito-identity-provider.DescribeUserPoolClient"
# The largest page the list APIs accept (MaxResults is required by both).
PAGE = 60


def drop_secret(parsed: dict[str, Any], **_: Any) -> None:
    """after-call DescribeUserPoolClient: strip the secret from the response as it is
    received."""
    client = parsed.get("UserPoolClient")
    if isinstance(client, dict):
        for field in SECRET_FIELDS:
            client.pop(field, None)


def _filter_on_receipt(clients: Clients) -> None:
    events = getattr(getattr(clients.client("cognito-idp"), "meta", None), "events", None)
    if events is not None:  # a botocore client (a test double may have none)
        events.register(RECEIVED, drop_secret, unique_id="regionready-cognito-client-secret")


def _client(clients: Clients, pool_id: str, entry: dict[str, Any]) -> dict[str, Any]:
    described = clients.call(
        "cognito-idp",
        "describe_user_pool_client",
        feeds=["user_pool"],
        UserPoolId=pool_id,
        ClientId=entry["ClientId"],
    )
    if not described:
        return dict(entry)  # ListUserPoolClients entries hold no secret
    drop_secret(described)  # already done on receipt (a no-op then) unless a test double
    return dict(described["UserPoolClient"])


def _pool(clients: Clients, entry: dict[str, Any]) -> dict[str, Any]:
    pool_id = str(entry["Id"])
    described = clients.call(
        "cognito-idp", "describe_user_pool", feeds=["user_pool"], UserPoolId=pool_id
    )
    item = dict(described["UserPool"]) if described else dict(entry)
    if described and not item.get("MfaConfiguration"):
        mfa = clients.call(
            "cognito-idp", "get_user_pool_mfa_config", feeds=["user_pool"], UserPoolId=pool_id
        )
        if mfa is not None:
            item["MfaConfiguration"] = mfa.get("MfaConfiguration", "OFF")
    if item.get("CustomDomain"):
        domain = clients.call(
            "cognito-idp",
            "describe_user_pool_domain",
            feeds=["user_pool.CustomDomainConfig"],
            about={"user_pool": [pool_id]},
            Domain=item["CustomDomain"],
        )
        if domain is not None:
            config = (domain.get("DomainDescription") or {}).get("CustomDomainConfig")
            item["CustomDomainConfig"] = config
    listed = clients.paginate(
        "cognito-idp",
        "list_user_pool_clients",
        "UserPoolClients",
        feeds=["user_pool"],
        UserPoolId=pool_id,
        MaxResults=PAGE,
    )
    if listed is not None:
        item["Clients"] = clients.map(lambda c: _client(clients, pool_id, c), listed)
    return item


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    _filter_on_receipt(clients)
    pools = clients.paginate(
        "cognito-idp", "list_user_pools", "UserPools", feeds=["user_pool"], MaxResults=PAGE
    )
    return {"user_pool": clients.map(lambda entry: _pool(clients, entry), pools or [])}
