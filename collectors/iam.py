"""IAM roles, users, identity providers and customer managed policies (once per account).

Items (AWS field names, as the APIs return them; every id is the ``Arn``):

``role``
    Each ListRoles entry: RoleName, RoleId, Arn, Path, CreateDate, MaxSessionDuration,
    Description and ``AssumeRolePolicyDocument`` (the trust policy; IAM returns it
    URL-encoded and boto3 decodes it into an object). ListRoles does not return tags,
    permissions boundaries or RoleLastUsed, and none are read.
``user``
    UserName, UserId and Arn of each ListUsers entry (nothing else is kept).
``saml_provider``
    Each ListSAMLProviders entry: Arn, ValidUntil, CreateDate (the metadata document is
    not read).
``oidc_provider``
    Each ListOpenIDConnectProviders entry: Arn.
``policy``
    Each customer managed policy (ListPolicies ``Scope=Local``): PolicyName, PolicyId,
    Arn, Path, DefaultVersionId, AttachmentCount, PermissionsBoundaryUsageCount,
    IsAttachable, CreateDate, UpdateDate, plus ``Document``: the default version's
    policy document (GetPolicyVersion; an object, as boto3 decodes it). If
    GetPolicyVersion fails the error is recorded against ``policy`` and ``Document`` is
    absent. AWS managed policies are not collected: their documents are the same in
    every account and Region.
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "iam"
GLOBAL = True
LOCAL = False
RESOURCE_TYPES = {
    "role": "Arn",
    "user": "Arn",
    "saml_provider": "Arn",
    "oidc_provider": "Arn",
    "policy": "Arn",
}
PERMISSIONS = (
    "iam:ListRoles",
    "iam:ListUsers",
    "iam:ListSAMLProviders",
    "iam:ListOpenIDConnectProviders",
    "iam:ListPolicies",
    "iam:GetPolicyVersion",
)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}

USER_FIELDS = ("UserName", "UserId", "Arn")


def _policies(clients: Clients) -> list[dict[str, Any]]:
    listed = clients.paginate("iam", "list_policies", "Policies", feeds=["policy"], Scope="Local")
    return clients.map(lambda entry: _policy(clients, entry), listed or [])


def _policy(clients: Clients, entry: dict[str, Any]) -> dict[str, Any]:
    item = dict(entry)
    version = clients.call(
        "iam",
        "get_policy_version",
        feeds=["policy"],
        PolicyArn=entry["Arn"],
        VersionId=entry["DefaultVersionId"],
    )
    if version is not None:
        item["Document"] = version["PolicyVersion"].get("Document")
    return item


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    roles = clients.paginate("iam", "list_roles", "Roles", feeds=["role"]) or []
    users = clients.paginate("iam", "list_users", "Users", feeds=["user"]) or []
    saml = clients.paginate(
        "iam", "list_saml_providers", "SAMLProviderList", feeds=["saml_provider"]
    )
    oidc = clients.paginate(
        "iam",
        "list_open_id_connect_providers",
        "OpenIDConnectProviderList",
        feeds=["oidc_provider"],
    )
    return {
        "role": [dict(r) for r in roles],
        "user": [{f: u.get(f) for f in USER_FIELDS} for u in users],
        "saml_provider": [dict(p) for p in saml or []],
        "oidc_provider": [dict(p) for p in oidc or []],
        "policy": _policies(clients),
    }
