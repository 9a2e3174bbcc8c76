"""AWS Secrets Manager secrets of one Region: metadata only, never a secret value.

Items (AWS field names, as the APIs return them):

``secret`` (id ``ARN``)
    Each ListSecrets entry as returned: ARN, Name, Description, KmsKeyId (absent when
    the secret uses the AWS managed ``aws/secretsmanager`` key), RotationEnabled,
    RotationLambdaARN, RotationRules, NextRotationDate, OwningService (secrets managed
    by RDS, Redshift, ...), PrimaryRegion (on a replica: the Region of its primary),
    Tags, CreatedDate, ... plus ``ReplicationStatus``: the primary's list of replicas
    ``[{Region, KmsKeyId, Status: InSync|Failed|InProgress, StatusMessage}]``, which
    ListSecrets does not return, read with DescribeSecret (``[]`` when the secret has no
    replica). If DescribeSecret fails for a secret the error is recorded against that
    secret's ``ReplicationStatus`` and ``PrimaryRegion`` and the item has no
    ``ReplicationStatus``: only the checks reading those of it are ERROR.

GetSecretValue and BatchGetSecretValue are never called: the snapshot must not hold a
secret value.
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "secretsmanager"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"secret": "ARN"}
PERMISSIONS = ("secretsmanager:ListSecrets", "secretsmanager:DescribeSecret")
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}


def _secret(clients: Clients, entry: dict[str, Any]) -> dict[str, Any]:
    item = dict(entry)
    if "ReplicationStatus" in item:
        return item
    described = clients.call(
        "secretsmanager",
        "describe_secret",
        feeds=["secret.ReplicationStatus", "secret.PrimaryRegion"],
        about={"secret": [str(entry["ARN"])]},
        SecretId=entry["ARN"],
    )
    if described is None:
        return item
    item["ReplicationStatus"] = list(described.get("ReplicationStatus") or [])
    if described.get("PrimaryRegion") and "PrimaryRegion" not in item:
        item["PrimaryRegion"] = described["PrimaryRegion"]
    return item


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    listed = clients.paginate("secretsmanager", "list_secrets", "SecretList", feeds=["secret"])
    return {"secret": clients.map(lambda entry: _secret(clients, entry), listed or [])}
