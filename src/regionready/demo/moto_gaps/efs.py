"""Amazon EFS: answer what moto (5.2.x) lacks, and correct what it gets wrong.

moto serves file systems (CreateFileSystem, DescribeFileSystems with MaxItems/Marker
paging). It has no replication at all (CreateReplicationConfiguration and
DescribeReplicationConfigurations raise NotImplementedError). Answered here by
``before-call`` hooks with the real response shapes (botocore service model ``efs``):

* CreateReplicationConfiguration: the ReplicationConfigurationDescription
  (SourceFileSystemId, SourceFileSystemRegion, SourceFileSystemArn,
  OriginalSourceFileSystemArn, CreationTime, SourceFileSystemOwnerId, Destinations
  [{Status, FileSystemId, Region, OwnerId, RoleArn when given}]). As in AWS, a
  destination without ``FileSystemId`` is a new file system that EFS creates in the
  destination Region: the hook creates it in moto's EFS there (so DescribeFileSystems
  in that Region lists it), encrypted under the ``KmsKeyId`` given (reported as its
  ARN) or else the AWS managed key ``aws/elasticfilesystem`` of that Region, with the
  source's performance and throughput modes, and One Zone in ``AvailabilityZoneName``
  when given. A destination ``FileSystemId`` (an id in the destination Region, or an
  ARN) must exist. Replication is ENABLED at once (AWS passes through ENABLING; no
  LastReplicatedTimestamp is reported). An unknown source or destination file system:
  FileSystemNotFound (404); not exactly one destination, or a file system already in a
  replication configuration: ValidationException (400).
* DescribeReplicationConfigurations: with ``FileSystemId`` (id or ARN), the one
  configuration that file system is part of, as its source *or* its destination (AWS
  answers for both); none: ReplicationNotFound (404); an unknown file system:
  FileSystemNotFound (404). Without it, every configuration with a file system in this
  Region. Honours ``MaxResults``/``NextToken`` (opaque tokens).

Corrected:

* CreateFileSystem: moto keeps ``KmsKeyId`` as given (a key id or alias) and has no key
  for ``Encrypted=True`` without one. AWS reports the key's ARN, and encrypts under the
  AWS managed key ``aws/elasticfilesystem`` (created on first use) when no key is given.
  The after-call hook gives moto's file system (and the answer) that ARN.

* DescribeFileSystems: moto reports ``SizeInBytes.Timestamp`` as the time of each call,
  so two reads of an unchanged file system differ. AWS reports when the size was last
  measured, which stays put between reads; the after-call hook gives the file system's
  CreationTime (the moment moto's constant size was "measured").

Not corrected: moto reports no ``FileSystemProtection`` (AWS marks a replication
destination ``ReplicationOverwriteProtection: REPLICATING``), and there is no
DeleteReplicationConfiguration.

Replication configurations are kept per (account, Region) in a store that ``mock_aws()``
resets (see ``accessanalyzer.regional_store``), filed under the source file system in
the source Region and under the destination file system in the destination Region.
File systems are looked up and created in moto's in-process backend, so these hooks
need moto in this process (``mock_aws``).
"""

from __future__ import annotations

import copy
import threading
import uuid
from typing import Any

from regionready.demo.moto_gaps._common import (
    Handler,
    is_error_answer,
    moto_backend,
    page_answer,
    remember_params,
    remembered_params,
)
from regionready.demo.moto_gaps._serial import MOTO_LOCK
from regionready.demo.moto_gaps.accessanalyzer import (
    Reply,
    error,
    moto_account,
    now,
    regional_store,
    reply,
)
from regionready.demo.moto_gaps.ec2 import key_arn
from regionready.demo.moto_gaps.kms import aws_managed_key_arn

EFS_KEY_ALIAS = "alias/aws/elasticfilesystem"


class _Replications:
    """Replication configurations of one account and Region, by file system id."""

    def __init__(self) -> None:
        self.by_file_system: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()


def _store(account: str, region: str) -> _Replications:
    return regional_store("efs", _Replications, account, region)


def _backend(account: str, region: str) -> Any | None:
    with MOTO_LOCK:
        return moto_backend("efs", account, region)


def _file_system(account: str, region: str, file_system_id: str) -> Any | None:
    backend = _backend(account, region)
    if backend is None:
        return None
    with MOTO_LOCK:
        return backend.file_systems_by_id.get(file_system_id)


def _split(file_system: str, account: str, region: str) -> tuple[str, str, str]:
    """(account, Region, id) of a file system id or ARN."""
    if file_system.startswith("arn:"):
        parts = file_system.split(":") + [""] * 6
        return parts[4] or account, parts[3] or region, file_system.rsplit("/", 1)[-1]
    return account, region, file_system


def _efs_key(account: str, region: str, given: Any) -> str | None:
    if given:
        return key_arn(account, region, str(given))
    return aws_managed_key_arn(account, region, EFS_KEY_ALIAS)


def _not_found(file_system_id: str) -> Reply:
    message = f"File system '{file_system_id}' does not exist."
    return error(404, "FileSystemNotFound", message, ErrorCode="FileSystemNotFound")


def _invalid(message: str) -> Reply:
    return error(400, "ValidationException", message, ErrorCode="ValidationException")


def _created_file_system(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call CreateFileSystem: the key's ARN, aws/elasticfilesystem by default."""
    if is_error_answer(parsed) or not parsed.get("Encrypted"):
        return
    parts = str(parsed.get("FileSystemArn")).split(":") + [""] * 6
    region, account = parts[3], parts[4]
    file_system = _file_system(account, region, str(parsed.get("FileSystemId")))
    if file_system is None:
        return
    key = _efs_key(account, region, remembered_params(context).get("KmsKeyId"))
    if key is None:  # pragma: no cover - moto is in-process when a file system was found
        return
    with MOTO_LOCK:
        file_system.kms_key_id = key
    parsed["KmsKeyId"] = key


def _destination(
    account: str, source: Any, wanted: dict[str, Any]
) -> tuple[str, Any, Reply | None]:
    """(Region, moto file system, None) of the destination asked for, created if new;
    ("", None, the error) if there is none."""
    zone = wanted.get("AvailabilityZoneName")
    region = str(wanted.get("Region") or (str(zone)[:-1] if zone else ""))
    if wanted.get("FileSystemId"):
        owner, region, file_system_id = _split(str(wanted["FileSystemId"]), account, region)
        found = _file_system(owner, region, file_system_id)
        if found is None:
            return "", None, _not_found(file_system_id)
        return region, found, None
    backend = _backend(account, region)
    if backend is None:
        return "", None, _invalid(f"Cannot create a destination file system in '{region}'.")
    key = _efs_key(account, region, wanted.get("KmsKeyId"))
    with MOTO_LOCK:
        created = backend.create_file_system(
            creation_token=f"replication-{uuid.uuid4()}",
            performance_mode=source.performance_mode,
            encrypted=True,
            kms_key_id=key,
            throughput_mode=source.throughput_mode,
            provisioned_throughput_in_mibps=source.provisioned_throughput_in_mibps,
            availability_zone_name=zone,
            backup=False,
            tags=[],
        )
    return region, created, None


def _create_replication(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply:
    request = remembered_params(context)
    account = moto_account(request_signer)
    region = str((context or {}).get("client_region"))
    source_id = str(request.get("SourceFileSystemId"))
    _owner, _region, source_id = _split(source_id, account, region)
    source = _file_system(account, region, source_id)
    if source is None:
        return _not_found(source_id)
    destinations = request.get("Destinations") or []
    if len(destinations) != 1:
        return _invalid("A replication configuration has exactly one destination.")
    store = _store(account, region)
    with store.lock:
        if source_id in store.by_file_system:
            return _invalid(f"File system '{source_id}' is already in a replication configuration.")
    dest_region, dest, failed = _destination(account, source, dict(destinations[0]))
    if failed is not None:
        return failed
    destination: dict[str, Any] = {
        "Status": "ENABLED",
        "FileSystemId": dest.file_system_id,
        "Region": dest_region,
        "OwnerId": dest.owner_id,
    }
    if destinations[0].get("RoleArn"):
        destination["RoleArn"] = destinations[0]["RoleArn"]
    config: dict[str, Any] = {
        "SourceFileSystemId": source_id,
        "SourceFileSystemRegion": region,
        "SourceFileSystemArn": source.file_system_arn,
        "OriginalSourceFileSystemArn": source.file_system_arn,
        "CreationTime": now(),
        "Destinations": [destination],
        "SourceFileSystemOwnerId": account,
    }
    dest_store = _store(dest.owner_id, dest_region)
    with dest_store.lock:
        if dest.file_system_id in dest_store.by_file_system:
            return _invalid(
                f"File system '{dest.file_system_id}' is already in a replication configuration."
            )
        dest_store.by_file_system[dest.file_system_id] = config
    with store.lock:
        store.by_file_system[source_id] = config
    return reply(copy.deepcopy(config))


def _describe_replications(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply:
    request = remembered_params(context)
    account = moto_account(request_signer)
    region = str((context or {}).get("client_region"))
    store = _store(account, region)
    wanted = request.get("FileSystemId")
    if wanted:
        owner, where, file_system_id = _split(str(wanted), account, region)
        with store.lock:
            config = store.by_file_system.get(file_system_id)
        if config is None:
            if _file_system(owner, where, file_system_id) is None:
                return _not_found(file_system_id)
            message = f"No replications found for file system '{file_system_id}'."
            return error(404, "ReplicationNotFound", message, ErrorCode="ReplicationNotFound")
        found = [copy.deepcopy(config)]
    else:
        with store.lock:
            unique = {id(c): c for c in store.by_file_system.values()}
            found = [copy.deepcopy(c) for c in unique.values()]
    parsed: dict[str, Any] = {"Replications": found}
    page_answer(
        parsed,
        request,
        items="Replications",
        limit="MaxResults",
        token_in="NextToken",
        token_out="NextToken",
    )
    return reply(parsed)


def _described_file_systems(parsed: Any, **_: Any) -> None:
    """after-call DescribeFileSystems: a size measured once, not at every call."""
    for file_system in parsed.get("FileSystems") or []:
        size = file_system.get("SizeInBytes")
        if isinstance(size, dict) and file_system.get("CreationTime") is not None:
            size["Timestamp"] = file_system["CreationTime"]


HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("before-parameter-build.efs.CreateFileSystem", remember_params),
    ("before-parameter-build.efs.CreateReplicationConfiguration", remember_params),
    ("before-parameter-build.efs.DescribeReplicationConfigurations", remember_params),
    ("after-call.efs.CreateFileSystem", _created_file_system),
    ("after-call.efs.DescribeFileSystems", _described_file_systems),
    ("before-call.efs.CreateReplicationConfiguration", _create_replication),
    ("before-call.efs.DescribeReplicationConfigurations", _describe_replications),
)
