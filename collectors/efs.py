"""Amazon EFS file systems of one Region, with their replication.

Items (AWS field names, as the APIs return them):

``file_system`` (id ``FileSystemId``)
    Each DescribeFileSystems entry as returned: FileSystemId, FileSystemArn, Name,
    Encrypted, KmsKeyId (the key's ARN, on an encrypted file system), SizeInBytes
    {Value, ValueInIA, ValueInStandard, ...}, LifeCycleState, PerformanceMode,
    ThroughputMode, AvailabilityZoneName (One Zone), FileSystemProtection, OwnerId,
    CreationTime, NumberOfMountTargets, Tags, ... plus ``Replications``: the
    ``Replications`` list DescribeReplicationConfigurations(FileSystemId=...) returns,
    as returned ([{SourceFileSystemId, SourceFileSystemRegion, SourceFileSystemArn,
    OriginalSourceFileSystemArn, CreationTime, Destinations [{Status, FileSystemId,
    Region, LastReplicatedTimestamp, OwnerId, ...}]}]; a file system that is a
    replication *destination* gets the configuration it is part of too). ``[]`` when
    AWS answers ReplicationNotFound (no replication: a fact, not a failed read). File
    systems are read concurrently (``clients.map``), in list order. If the call fails
    otherwise, that file system has no ``Replications`` and the error names that field
    of that file system.
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "efs"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"file_system": "FileSystemId"}
PERMISSIONS = (
    "elasticfilesystem:DescribeFileSystems",
    "elasticfilesystem:DescribeReplicationConfigurations",
)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}
NO_REPLICATION = "ReplicationNotFound"


def _file_system(clients: Clients, entry: dict[str, Any]) -> dict[str, Any]:
    item = dict(entry)
    file_system_id = str(entry["FileSystemId"])
    replications = clients.paginate(
        "efs",
        "describe_replication_configurations",
        "Replications",
        feeds=["file_system.Replications"],
        about={"file_system": [file_system_id]},
        FileSystemId=file_system_id,
    )
    if replications is not None:
        item["Replications"] = replications
        return item
    error = clients.last_error()  # this very call's error (file systems run concurrently)
    if error is not None and error.code == NO_REPLICATION:
        clients.discard(error)  # a fact about the file system, not a failed read
        item["Replications"] = []
    return item


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    listed = clients.paginate("efs", "describe_file_systems", "FileSystems", feeds=["file_system"])
    return {"file_system": clients.map(lambda entry: _file_system(clients, entry), listed or [])}
