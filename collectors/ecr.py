"""Amazon ECR repositories and the registry's replication of one Region.

Items (AWS field names, as the APIs return them):

``repository`` (id ``repositoryArn``)
    Each DescribeRepositories entry as returned (paginated): repositoryName,
    repositoryArn, registryId, repositoryUri, createdAt, imageTagMutability,
    imageScanningConfiguration, encryptionConfiguration {encryptionType: AES256 | KMS |
    KMS_DSSE, kmsKey (the key ARN; for KMS without a key of one's own, the AWS managed
    ``aws/ecr`` key's)}, ... Image contents are never read.

``registry`` (id ``registryId``)
    One item: DescribeRegistry's answer as returned, {registryId,
    replicationConfiguration {rules [{destinations [{region, registryId}],
    repositoryFilters [{filter, filterType}]}]}} (``rules`` is empty when nothing is
    replicated). If the call fails the error is recorded and the list is empty.
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "ecr"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"repository": "repositoryArn", "registry": "registryId"}
PERMISSIONS = ("ecr:DescribeRepositories", "ecr:DescribeRegistry")
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    repositories = clients.paginate(
        "ecr", "describe_repositories", "repositories", feeds=["repository"]
    )
    registry = clients.call("ecr", "describe_registry", feeds=["registry"])
    return {
        "repository": [dict(r) for r in repositories or []],
        "registry": [registry] if registry is not None else [],
    }
