"""Amazon Cognito identity pools of one Region, with their IAM role mappings.

Items (AWS field names, as the APIs return them):

``identity_pool`` (id ``IdentityPoolId``)
    DescribeIdentityPool (IdentityPoolId, IdentityPoolName,
    AllowUnauthenticatedIdentities, AllowClassicFlow, CognitoIdentityProviders,
    SupportedLoginProviders, OpenIdConnectProviderARNs, SamlProviderARNs,
    DeveloperProviderName, IdentityPoolTags) plus ``Roles``: GetIdentityPoolRoles
    without its IdentityPoolId, i.e. ``{Roles: {authenticated, unauthenticated},
    RoleMappings: {<provider>: {Type, AmbiguousRoleResolution, RulesConfiguration}}}``.

    A failed DescribeIdentityPool leaves the ListIdentityPools entry (IdentityPoolId,
    IdentityPoolName); a failed GetIdentityPoolRoles leaves the pool without ``Roles``.
    Every failure is recorded against ``identity_pool``.
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "cognito-identity"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"identity_pool": "IdentityPoolId"}
PERMISSIONS = (
    "cognito-identity:ListIdentityPools",
    "cognito-identity:DescribeIdentityPool",
    "cognito-identity:GetIdentityPoolRoles",
)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}

# The largest page ListIdentityPools accepts (MaxResults is required).
PAGE = 60


def _pool(clients: Clients, entry: dict[str, Any]) -> dict[str, Any]:
    pool_id = str(entry["IdentityPoolId"])
    described = clients.call(
        "cognito-identity",
        "describe_identity_pool",
        feeds=["identity_pool"],
        IdentityPoolId=pool_id,
    )
    item = dict(described) if described else dict(entry)
    roles = clients.call(
        "cognito-identity",
        "get_identity_pool_roles",
        feeds=["identity_pool"],
        IdentityPoolId=pool_id,
    )
    if roles is not None:
        item["Roles"] = {k: v for k, v in roles.items() if k != "IdentityPoolId"}
    return item


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    pools = clients.paginate(
        "cognito-identity",
        "list_identity_pools",
        "IdentityPools",
        feeds=["identity_pool"],
        MaxResults=PAGE,
    )
    return {"identity_pool": clients.map(lambda entry: _pool(clients, entry), pools or [])}
