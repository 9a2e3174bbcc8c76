"""EBS volumes, the account's own EBS snapshots and EBS encryption by default, of one Region.

Items (AWS field names, as the APIs return them):

``volume`` (id ``VolumeId``)
    Each DescribeVolumes entry as returned: VolumeId, Size, Encrypted, KmsKeyId (the ARN
    of the key, present only on an encrypted volume), State, SnapshotId, AvailabilityZone,
    CreateTime, VolumeType, Iops, Throughput, MultiAttachEnabled, Attachments
    [{InstanceId, Device, State, DeleteOnTermination, ...}], Tags, ...

``snapshot`` (id ``SnapshotId``)
    Each DescribeSnapshots(OwnerIds=["self"]) entry as returned: SnapshotId, VolumeId,
    VolumeSize, Encrypted, KmsKeyId (the key's ARN, on an encrypted snapshot), State,
    Description, StartTime, OwnerId, Progress, StorageTier, Tags, ... Only the account's
    own snapshots: public snapshots and snapshots other accounts share are never listed.
    A snapshot made by CopySnapshot has the Description AWS gives it when the caller gave
    none, ``[Copied snap-... from <region>]``, and an arbitrary VolumeId (vol-ffffffff).

``ebs_encryption`` (id ``Region``)
    One item for the Region: ``{Region, EbsEncryptionByDefault, KmsKeyId}``.
    ``EbsEncryptionByDefault`` is GetEbsEncryptionByDefault's value; ``KmsKeyId`` is
    GetEbsDefaultKmsKeyId's (the key new encrypted volumes and copies get when none is
    named: a key ARN, or the alias ARN ``arn:aws:kms:<region>:<account>:alias/aws/ebs``
    while the default is the AWS managed key). Each call feeds only its own field: a
    failed call leaves that field absent and its error names that field of this item.
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "ec2"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"volume": "VolumeId", "snapshot": "SnapshotId", "ebs_encryption": "Region"}
PERMISSIONS = (
    "ec2:DescribeVolumes",
    "ec2:DescribeSnapshots",
    "ec2:GetEbsEncryptionByDefault",
    "ec2:GetEbsDefaultKmsKeyId",
)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}


def _ebs_encryption(clients: Clients, region: str) -> dict[str, Any]:
    item: dict[str, Any] = {"Region": region}
    about = {"ebs_encryption": [region]}
    by_default = clients.call(
        "ec2",
        "get_ebs_encryption_by_default",
        feeds=["ebs_encryption.EbsEncryptionByDefault"],
        about=about,
    )
    if by_default is not None:
        item["EbsEncryptionByDefault"] = by_default.get("EbsEncryptionByDefault")
    default_key = clients.call(
        "ec2", "get_ebs_default_kms_key_id", feeds=["ebs_encryption.KmsKeyId"], about=about
    )
    if default_key is not None:
        item["KmsKeyId"] = default_key.get("KmsKeyId")
    return item


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    volumes = clients.paginate("ec2", "describe_volumes", "Volumes", feeds=["volume"])
    snapshots = clients.paginate(
        "ec2", "describe_snapshots", "Snapshots", feeds=["snapshot"], OwnerIds=["self"]
    )
    return {
        "volume": volumes or [],
        "snapshot": snapshots or [],
        "ebs_encryption": [_ebs_encryption(clients, region)],
    }
