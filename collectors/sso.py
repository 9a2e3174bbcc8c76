"""IAM Identity Center (sso-admin and identitystore) as seen from one Region.

An organization has one Identity Center instance, created in a primary Region; with
multi-Region replication, Regions added to it serve the same instance. ListInstances
(current Region) lists it from its primary Region and from its ACTIVE added Regions, so
the same instance (same ARN) can appear in the source and the target snapshot.

Items (AWS field names, as the APIs return them):

``instance`` (id ``InstanceArn``)
    The ListInstances entry (InstanceArn, IdentityStoreId, IdentityStoreArn,
    OwnerAccountId, Name, CreatedDate, Status, StatusReason, PrimaryRegion) updated with
    DescribeInstance (EncryptionConfigurationDetails {KeyType, KmsKeyArn,
    EncryptionStatus, EncryptionStatusReason}, NetworkConfigurationDetails,
    PermissionSetsEnabled), and ``Regions``: the ListRegions entries {RegionName, Status
    (ACTIVE | ADDING | REMOVING), AddedDate, IsPrimaryRegion}.

    No field names the instance type: ``PermissionSetsEnabled`` is the tell (true for an
    organization instance; account instances have no permission sets). No API reveals
    the identity source (external IdP, Identity Center directory, Active Directory):
    ``IdentitySource`` is never set by this collector, so rules treat it as unknown (a
    snapshot may carry it, e.g. ``EXTERNAL_IDP``, when it is known otherwise).

``permission_set`` (id ``PermissionSetArn``), read in the instance's primary Region only
(permission sets and assignments are managed there; additional Regions do not offer
them). Together with ``group`` they are the restorable backup a primary-Region switch
needs (seed 000: the instance is deleted and everything recreated):
    DescribePermissionSet's PermissionSet (Name, PermissionSetArn, Description,
    CreatedDate, SessionDuration, RelayState) plus ``InstanceArn``,
    ``AttachedManagedPolicies`` (ListManagedPoliciesInPermissionSet),
    ``CustomerManagedPolicyReferences`` (ListCustomerManagedPolicyReferencesInPermissionSet),
    ``InlinePolicy`` (GetInlinePolicyForPermissionSet; "" when none), ``AccountIds``
    (ListAccountsForProvisionedPermissionSet) and ``AccountAssignments`` (ListAccountAssignments
    entries {AccountId, PermissionSetArn, PrincipalType, PrincipalId} for those
    accounts). Assignments are read for at most ``sso_max_accounts`` accounts per
    permission set (scan option, default 500); beyond that ``AccountAssignmentsTruncated``
    is true and the count is a lower bound.

``group`` (id ``GroupId``), primary Region only: identitystore ListGroups entries
(GroupId, DisplayName, Description, ExternalIds, IdentityStoreId), so that assignment
principals can be mapped to groups when they are recreated. Users are not read (personal
data; external IdPs provision them again).
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "sso"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {
    "instance": "InstanceArn",
    "permission_set": "PermissionSetArn",
    "group": "GroupId",
}
PERMISSIONS = (
    "sso:ListInstances",
    "sso:DescribeInstance",
    "sso:ListRegions",
    "sso:ListPermissionSets",
    "sso:DescribePermissionSet",
    "sso:ListManagedPoliciesInPermissionSet",
    "sso:ListCustomerManagedPolicyReferencesInPermissionSet",
    "sso:GetInlinePolicyForPermissionSet",
    "sso:ListAccountsForProvisionedPermissionSet",
    "sso:ListAccountAssignments",
    "identitystore:ListGroups",
)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}
MAX_ACCOUNTS = 500
ADMIN = "sso-admin"
BACKUP_TYPES = ("permission_set", "group")


def _instance(clients: Clients, entry: dict[str, Any]) -> dict[str, Any]:
    item = dict(entry)
    arn = str(entry["InstanceArn"])
    described = clients.call(ADMIN, "describe_instance", feeds=["instance"], InstanceArn=arn)
    if described is not None:
        item.update(described)
    regions = clients.paginate(
        ADMIN, "list_regions", "Regions", feeds=["instance"], InstanceArn=arn
    )
    if regions is not None:
        item["Regions"] = regions
    return item


def _assignments(clients: Clients, instance_arn: str, ps_arn: str, limit: int) -> dict[str, Any]:
    feeds = ["permission_set"]
    details: dict[str, Any] = {}
    accounts = clients.paginate(
        ADMIN,
        "list_accounts_for_provisioned_permission_set",
        "AccountIds",
        feeds=feeds,
        InstanceArn=instance_arn,
        PermissionSetArn=ps_arn,
    )
    if accounts is None:
        return details
    account_ids = sorted(str(a) for a in accounts)  # AccountIds are strings
    details["AccountIds"] = account_ids
    details["AccountAssignmentsTruncated"] = len(account_ids) > limit
    assignments: list[dict[str, Any]] = []
    for account_id in account_ids[:limit]:
        found = clients.paginate(
            ADMIN,
            "list_account_assignments",
            "AccountAssignments",
            feeds=feeds,
            InstanceArn=instance_arn,
            AccountId=account_id,
            PermissionSetArn=ps_arn,
        )
        if found is None:
            return details  # the error is recorded; a partial list must not look complete
        assignments.extend(found)
    details["AccountAssignments"] = assignments
    return details


def _permission_set(clients: Clients, instance_arn: str, ps_arn: str) -> dict[str, Any]:
    feeds = ["permission_set"]
    ids: dict[str, Any] = {"InstanceArn": instance_arn, "PermissionSetArn": ps_arn}
    item: dict[str, Any] = {"PermissionSetArn": ps_arn}
    described = clients.call(ADMIN, "describe_permission_set", feeds=feeds, **ids)
    if described is not None:
        item.update(described.get("PermissionSet") or {})
    item["InstanceArn"] = instance_arn
    managed = clients.paginate(
        ADMIN,
        "list_managed_policies_in_permission_set",
        "AttachedManagedPolicies",
        feeds=feeds,
        **ids,
    )
    if managed is not None:
        item["AttachedManagedPolicies"] = managed
    customer = clients.paginate(
        ADMIN,
        "list_customer_managed_policy_references_in_permission_set",
        "CustomerManagedPolicyReferences",
        feeds=feeds,
        **ids,
    )
    if customer is not None:
        item["CustomerManagedPolicyReferences"] = customer
    inline = clients.call(ADMIN, "get_inline_policy_for_permission_set", feeds=feeds, **ids)
    if inline is not None:
        item["InlinePolicy"] = inline.get("InlinePolicy") or ""
    limit = int(clients.options.get("sso_max_accounts", MAX_ACCOUNTS))
    item.update(_assignments(clients, instance_arn, ps_arn, limit))
    return item


def _backup(
    clients: Clients, instance: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    arn = str(instance["InstanceArn"])
    listed = clients.paginate(
        ADMIN, "list_permission_sets", "PermissionSets", feeds=["permission_set"], InstanceArn=arn
    )
    permission_sets = clients.map(lambda ps: _permission_set(clients, arn, str(ps)), listed or [])
    groups: list[dict[str, Any]] = []
    store = instance.get("IdentityStoreId")
    if store:
        groups = (
            clients.paginate(
                "identitystore", "list_groups", "Groups", feeds=["group"], IdentityStoreId=store
            )
            or []
        )
    return permission_sets, groups


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    listed = clients.paginate(
        ADMIN, "list_instances", "Instances", feeds=["instance", *BACKUP_TYPES]
    )
    instances = clients.map(lambda entry: _instance(clients, entry), listed or [])
    permission_sets: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    for instance in instances:
        if instance.get("PrimaryRegion", region) != region:
            continue
        found_sets, found_groups = _backup(clients, instance)
        permission_sets += found_sets
        groups += found_groups
    return {"instance": instances, "permission_set": permission_sets, "group": groups}
