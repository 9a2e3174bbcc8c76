"""KMS keys and aliases of one Region.

Items (AWS field names, as the APIs return them):

``key`` (id ``KeyId``)
    The ``KeyMetadata`` of DescribeKey (KeyId, Arn, KeyManager, KeyState, Enabled,
    KeySpec, KeyUsage, Origin, MultiRegion, MultiRegionConfiguration, DeletionDate, ...)
    plus ``Aliases``: the sorted names of this Region's aliases that point at the key
    (one ListAliases for the Region, not one per key). Customer managed keys also get:

    ``Policy``              GetKeyPolicy (PolicyName "default"): the policy JSON *string*
    ``KeyRotationEnabled``  GetKeyRotationStatus; only for symmetric keys with AWS_KMS
                            key material. AWS rejects the call for asymmetric, HMAC,
                            imported (EXTERNAL) and custom key store keys, which cannot
                            rotate automatically, so for those the field is absent
                            (absent means "not applicable", never "off").
    ``Grants``              ListGrants entries
    ``Tags``                [{TagKey, TagValue}] as ListResourceTags gives them, read
                            for all keys of the Region at once from the Resource Groups
                            Tagging API (GetResources, ``kms:key``, 100 a page); if that
                            API is denied, with ListResourceTags per key (a note says
                            so, not an error)

    AWS managed keys get KeyMetadata and Aliases only. Keys are read concurrently
    (``clients.map``), in ListKeys order all the same. A field whose call failed is
    absent and the error is recorded against that field of that key. If DescribeKey
    itself fails, the ListKeys entry (KeyId, KeyArn) stands in so the key is still
    counted, and the error names the key and its aliases (their ``Key`` is null).

``alias`` (id ``AliasName``)
    Each ListAliases entry as returned (AliasName, AliasArn, TargetKeyId when the alias
    points at a key, ...) plus ``Key``: {KeyId, KeyState, Enabled, KeyManager,
    MultiRegion, KeySpec} of the target key when it was described, else null (predefined
    AWS aliases whose key does not exist yet have no TargetKeyId; they are kept).
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "kms"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"key": "KeyId", "alias": "AliasName"}
PERMISSIONS = (
    "kms:ListKeys",
    "kms:ListAliases",
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListGrants",
    "tag:GetResources",  # every key's tags, in pages
    "kms:ListResourceTags",  # only if tag:GetResources is denied
)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}
TAG_TYPE = "kms:key"  # its Resource Groups Tagging API resource type

KEY_SUMMARY_FIELDS = ("KeyId", "KeyState", "Enabled", "KeyManager", "MultiRegion", "KeySpec")


def _rotation_applies(meta: dict[str, Any]) -> bool:
    """Automatic rotation exists only for symmetric keys with KMS-generated material."""
    return meta.get("KeySpec") == "SYMMETRIC_DEFAULT" and meta.get("Origin") == "AWS_KMS"


def _customer_key_details(clients: Clients, key_id: str, meta: dict[str, Any]) -> dict[str, Any]:
    details: dict[str, Any] = {}
    about = {"key": [key_id]}
    policy = clients.call(
        "kms",
        "get_key_policy",
        feeds=["key.Policy"],
        about=about,
        KeyId=key_id,
        PolicyName="default",
    )
    if policy is not None:
        details["Policy"] = policy.get("Policy")
    if _rotation_applies(meta):
        rotation = clients.call(
            "kms",
            "get_key_rotation_status",
            feeds=["key.KeyRotationEnabled"],
            about=about,
            KeyId=key_id,
        )
        if rotation is not None:
            details["KeyRotationEnabled"] = rotation.get("KeyRotationEnabled")
    grants = clients.paginate(
        "kms", "list_grants", "Grants", feeds=["key.Grants"], about=about, KeyId=key_id
    )
    if grants is not None:
        details["Grants"] = grants
    tagged = clients.resource_tags(TAG_TYPE, ["key.Tags"])  # read once, by the first customer key
    if tagged is not None:
        details["Tags"] = [
            {"TagKey": tag.get("Key"), "TagValue": tag.get("Value", "")}
            for tag in tagged.get(str(meta.get("Arn")), [])
        ]
        return details
    tags = clients.paginate(
        "kms", "list_resource_tags", "Tags", feeds=["key.Tags"], about=about, KeyId=key_id
    )
    if tags is not None:
        details["Tags"] = tags
    return details


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    # Alias items carry a summary of their key, so a ListKeys failure leaves that
    # incomplete too; key items carry their alias names, so a ListAliases failure leaves
    # those incomplete.
    listed = clients.paginate("kms", "list_keys", "Keys", feeds=["key", "alias.Key"]) or []
    aliases = (
        clients.paginate("kms", "list_aliases", "Aliases", feeds=["alias", "key.Aliases"]) or []
    )

    names_by_key: dict[str, list[str]] = {}
    for alias in aliases:
        target = alias.get("TargetKeyId")
        if target:
            names_by_key.setdefault(str(target), []).append(str(alias["AliasName"]))

    described: dict[str, dict[str, Any]] = {}  # written by concurrent items, one key each

    def one(entry: dict[str, Any]) -> dict[str, Any]:
        key_id = str(entry["KeyId"])
        # Its aliases lose their key summary too: name them, so they are not judged.
        response = clients.call(
            "kms",
            "describe_key",
            feeds=["key", "alias.Key"],
            about={"key": [key_id], "alias": names_by_key.get(key_id, [])},
            KeyId=key_id,
        )
        if response is None:
            return dict(entry)
        meta: dict[str, Any] = dict(response["KeyMetadata"])
        described[key_id] = meta
        item = dict(meta)
        item["Aliases"] = sorted(names_by_key.get(key_id, []))
        if meta.get("KeyManager") == "CUSTOMER":
            item.update(_customer_key_details(clients, key_id, meta))
        return item

    keys = clients.map(one, listed)

    alias_items: list[dict[str, Any]] = []
    for alias in aliases:
        item = dict(alias)
        target = described.get(str(alias.get("TargetKeyId")))
        item["Key"] = {field: target.get(field) for field in KEY_SUMMARY_FIELDS} if target else None
        alias_items.append(item)

    return {"key": keys, "alias": alias_items}
