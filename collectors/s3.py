"""S3 buckets located in one Region: default encryption and replication, never objects.

Items (AWS field names, as the APIs return them):

``bucket`` (id ``Name``)
    Each ListBuckets entry for the buckets located in this Region (``BucketRegion`` =
    the Region, paginated; S3 lists every bucket of the account from any endpoint, so
    the filter is what makes the list this Region's): Name, CreationDate, BucketRegion
    (the bucket's Region, as AWS names it, ``us-east-1`` included), plus

    ``ServerSideEncryptionConfiguration``  GetBucketEncryption's value as returned:
                                           ``{Rules: [{ApplyServerSideEncryptionByDefault:
                                           {SSEAlgorithm, KMSMasterKeyID}, BucketKeyEnabled}]}``;
                                           null when AWS answers
                                           ``ServerSideEncryptionConfigurationNotFoundError``
                                           (no default encryption configured: a fact, as
                                           the ACM collector reads it for CRL buckets;
                                           since January 2023 AWS gives every general
                                           purpose bucket SSE-S3, so AWS no longer answers
                                           it there, but moto does)
    ``ReplicationConfiguration``           GetBucketReplication's value as returned:
                                           ``{Role, Rules: [{ID, Priority, Status, Filter,
                                           SourceSelectionCriteria, Destination: {Bucket,
                                           EncryptionConfiguration: {ReplicaKmsKeyID}, ...},
                                           ...}]}``; null when the bucket has no
                                           replication (AWS answers
                                           ``ReplicationConfigurationNotFoundError``: a fact,
                                           not a failed read)

    A field whose call failed is absent and the error is recorded against that field of
    that bucket (``bucket.ServerSideEncryptionConfiguration``,
    ``bucket.ReplicationConfiguration``); the bucket itself is still listed. If
    ListBuckets fails the error is recorded against ``bucket`` and the list is empty.

Buckets are read concurrently (``clients.map``). No object, object listing, policy or ACL
is read.
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "s3"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"bucket": "Name"}
PERMISSIONS = (
    "s3:ListAllMyBuckets",  # ListBuckets
    "s3:GetEncryptionConfiguration",  # GetBucketEncryption
    "s3:GetReplicationConfiguration",  # GetBucketReplication
)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}

#: Answers that are facts about the bucket (nothing configured), not failed reads.
NO_ENCRYPTION = "ServerSideEncryptionConfigurationNotFoundError"
NO_REPLICATION = "ReplicationConfigurationNotFoundError"


def _read(
    clients: Clients, operation: str, field: str, not_set: str, name: str
) -> tuple[bool, Any]:
    """(read, value) of one per-bucket read filling ``field``: (True, None) when AWS
    says it is not configured, (False, None) when the read failed (error recorded)."""
    response = clients.call(
        "s3", operation, feeds=[f"bucket.{field}"], about={"bucket": [name]}, Bucket=name
    )
    if response is not None:
        return True, response.get(field)
    # The error of this very call (never errors[-1]: buckets are read concurrently).
    error = clients.last_error()
    if error is not None and error.code == not_set:
        clients.discard(error)
        return True, None
    return False, None


def _bucket(clients: Clients, entry: dict[str, Any]) -> dict[str, Any]:
    item = dict(entry)
    name = str(entry["Name"])
    for operation, field, not_set in (
        ("get_bucket_encryption", "ServerSideEncryptionConfiguration", NO_ENCRYPTION),
        ("get_bucket_replication", "ReplicationConfiguration", NO_REPLICATION),
    ):
        read, value = _read(clients, operation, field, not_set, name)
        if read:
            item[field] = value
    return item


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    listed = clients.paginate(
        "s3", "list_buckets", "Buckets", feeds=["bucket"], BucketRegion=region
    )
    return {"bucket": clients.map(lambda entry: _bucket(clients, entry), listed or [])}
