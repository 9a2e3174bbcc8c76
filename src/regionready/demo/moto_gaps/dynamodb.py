"""DynamoDB: global tables (version 2019.11.21) and key ARNs, which moto 5.2 gets wrong.

* UpdateTable ignores ``ReplicaUpdates`` altogether: no replica table is created in the
  other Region and DescribeTable never reports ``Replicas``. On AWS, ``Create:
  {RegionName, KMSMasterKeyId}`` makes a replica table of the same name in that Region,
  encrypted under the key given (else under the source's kind of key: the AWS owned
  key, or the Region's ``alias/aws/dynamodb``), and every replica's DescribeTable lists
  the *other* Regions in ``Replicas`` (botocore ``ReplicaDescription``: ``RegionName``,
  ``ReplicaStatus``, and ``KMSMasterKeyId``, the key ARN, when that replica is under a
  customer managed key), with ``GlobalTableVersion: 2019.11.21``. The hooks do that:
  the replica table is created in moto's backend of that Region (same key schema,
  attribute definitions, indexes, billing mode, streams NEW_AND_OLD_IMAGES); the
  UpdateTable answer reports the new replica as ``CREATING``, DescribeTable as
  ``ACTIVE``. ``Delete: {RegionName}`` deletes that replica table. Creating a replica in
  a Region where a table of that name already exists fails with AWS's
  ValidationException.
* ``SSEDescription.KMSMasterKeyArn`` is the ``KMSMasterKeyId`` as it was given (a key
  id or alias); AWS always reports the key's ARN. Corrected where the key is in moto's
  KMS backend of the table's Region.

Not corrected: ``ReplicaUpdates`` ``Update`` entries, the other UpdateTable checks AWS
makes for replicas (streams, a key required for a table under a customer managed key,
one replica update per call), global tables version 2017.11.29 (CreateGlobalTable),
replica auto scaling and throughput overrides.

The replicas of a table are a set of Regions kept on moto's own table records, so a
new ``mock_aws`` (or a deleted and re-created table) starts without any. The hooks need
moto in-process (``mock_aws``); against a moto server they change nothing.

``key_arn`` (a key reference to its ARN, from moto's KMS backend) is shared with the rds
module.
"""

from __future__ import annotations

import copy
from typing import Any

from regionready.demo.moto_gaps._common import (
    Handler,
    is_error_answer,
    remember_params,
    remembered_params,
)
from regionready.demo.moto_gaps.accessanalyzer import Reply, error
from regionready.demo.moto_gaps.account import account_of

GLOBAL_TABLE_VERSION = "2019.11.21"
AWS_MANAGED_ALIAS = "alias/aws/dynamodb"
_GROUP = "_regionready_replica_regions"  # on moto's Table: the set shared by its replicas


def _table(account: str, region: str, name: str) -> Any:
    """moto's in-process table record, or None (never creates a backend)."""
    try:
        from moto.dynamodb.models import dynamodb_backends
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return None
    by_region = dict.get(dynamodb_backends, account)
    backend = dict.get(by_region, region) if by_region is not None else None
    return backend.tables.get(name) if backend is not None else None


def _where(arn: Any) -> tuple[str, str, str] | None:
    """(account, Region, table name) of a table ARN."""
    parts = str(arn or "").split(":", 5)
    if len(parts) != 6 or not parts[5].startswith("table/"):
        return None
    return parts[4], parts[3], parts[5][len("table/") :]


def _kms(account: str, region: str) -> Any:
    try:
        from moto.kms.models import kms_backends
    except ImportError:  # pragma: no cover
        return None
    by_region = dict.get(kms_backends, account)
    return dict.get(by_region, region) if by_region is not None else None


def key_arn(account: str, region: str, ref: Any) -> str | None:
    """The ARN of the key ``ref`` names (id, ARN, alias) in moto's KMS backend of the
    Region; ``ref`` as given when moto has no such key (None for an empty ``ref``)."""
    if not ref:
        return None
    kms = _kms(account, region)
    if kms is not None:
        try:
            return str(kms.keys[kms.any_id_to_key_id(str(ref))].arn)
        except Exception:  # moto raises its own not-found errors
            pass
    return str(ref)


def _customer_key(table: Any, account: str, region: str) -> str | None:
    """The ARN of the customer managed key the table is encrypted under, else None."""
    sse = getattr(table, "sse_specification", None) or {}
    if sse.get("Enabled") is not True:
        return None
    arn = key_arn(account, region, sse.get("KMSMasterKeyId"))
    kms = _kms(account, region)
    managed = [k.arn for k in (kms.keys.values() if kms else []) if AWS_MANAGED_ALIAS in k.aliases]
    return None if arn in managed else arn


def _replicas(table: Any, creating: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """ReplicaDescription entries of the *other* Regions holding this table."""
    group: set[str] = table.__dict__.get(_GROUP) or set()
    found = []
    for region in sorted(group - {table.region_name}):
        other = _table(table.account_id, region, table.name)
        if other is None or other.__dict__.get(_GROUP) is not group:
            continue
        entry: dict[str, Any] = {
            "RegionName": region,
            "ReplicaStatus": "CREATING" if region in creating else "ACTIVE",
        }
        key = _customer_key(other, table.account_id, region)
        if key:
            entry["KMSMasterKeyId"] = key
        found.append(entry)
    return found


def _fix_description(desc: Any, creating: frozenset[str] = frozenset()) -> None:
    """A TableDescription (DescribeTable's ``Table``) as AWS gives it."""
    where = _where(desc.get("TableArn")) if isinstance(desc, dict) else None
    if where is None:
        return
    account, region, name = where
    table = _table(account, region, name)
    if table is None:
        return
    sse = desc.get("SSEDescription")
    if isinstance(sse, dict) and sse.get("KMSMasterKeyArn"):
        sse["KMSMasterKeyArn"] = key_arn(account, region, sse["KMSMasterKeyArn"])
    replicas = _replicas(table, creating)
    if replicas:
        desc["Replicas"] = replicas
        desc["GlobalTableVersion"] = GLOBAL_TABLE_VERSION


def _index_specs(indexes: list[Any], provisioned: bool) -> list[dict[str, Any]]:
    specs = []
    for index in indexes:
        spec = {
            "IndexName": index.name,
            "KeySchema": copy.deepcopy(index.schema),
            "Projection": copy.deepcopy(index.projection),
        }
        throughput = getattr(index, "throughput", None)
        if provisioned and throughput:
            spec["ProvisionedThroughput"] = {
                "ReadCapacityUnits": throughput["ReadCapacityUnits"],
                "WriteCapacityUnits": throughput["WriteCapacityUnits"],
            }
        specs.append(spec)
    return specs


def _create_replica(source: Any, region: str, key: Any) -> None:
    from moto.dynamodb.models import dynamodb_backends

    provisioned = source.billing_mode != "PAY_PER_REQUEST"
    sse = None
    if key:
        sse = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key}
    elif (source.sse_specification or {}).get("Enabled") is True:
        sse = {"Enabled": True, "SSEType": "KMS"}  # moto picks the Region's aws/dynamodb
    replica = dynamodb_backends[source.account_id][region].create_table(
        source.name,
        schema=copy.deepcopy(source.schema),
        throughput=(
            {
                "ReadCapacityUnits": source.throughput["ReadCapacityUnits"],
                "WriteCapacityUnits": source.throughput["WriteCapacityUnits"],
            }
            if provisioned
            else None
        ),
        attr=copy.deepcopy(source.attr),
        global_indexes=_index_specs(source.global_indexes, provisioned),
        indexes=_index_specs(source.indexes, False),
        streams={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        billing_mode=source.billing_mode,
        sse_specification=sse,
        tags=[],
        deletion_protection_enabled=False,
        warm_throughput=None,
    )
    group: set[str] = source.__dict__.setdefault(_GROUP, {source.region_name})
    group.add(region)
    replica.__dict__[_GROUP] = group


def _delete_replica(source: Any, region: str) -> None:
    from moto.dynamodb.models import dynamodb_backends

    group: set[str] = source.__dict__.get(_GROUP) or set()
    replica = _table(source.account_id, region, source.name)
    if region in group and replica is not None and replica.__dict__.get(_GROUP) is group:
        dynamodb_backends[source.account_id][region].tables.pop(source.name, None)
    group.discard(region)


def _check_updates(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply | None:
    """before-call UpdateTable: AWS's error for a replica Region that has the table."""
    request = remembered_params(context)
    region = str((context or {}).get("client_region") or "")
    account = account_of(request_signer)
    name = str(request.get("TableName") or "").rsplit("/", 1)[-1]
    source = _table(account, region, name)
    if source is None:
        return None  # moto answers ResourceNotFoundException
    group = source.__dict__.get(_GROUP) or set()
    for update in request.get("ReplicaUpdates") or []:
        create = (update or {}).get("Create") or {}
        target = create.get("RegionName")
        if target and target not in group and _table(account, str(target), name) is not None:
            return error(
                400,
                "ValidationException",
                f"Failed to create a new replica of table with name: '{name}' because one "
                "or more replicas already existed as tables.",
            )
    return None


def _update(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call UpdateTable: apply ReplicaUpdates, then answer with the replicas."""
    if is_error_answer(parsed):
        return
    desc = parsed.get("TableDescription")
    where = _where((desc or {}).get("TableArn"))
    if where is None:
        return
    source = _table(*where)
    if source is None:
        return
    created: set[str] = set()
    for update in remembered_params(context).get("ReplicaUpdates") or []:
        create = (update or {}).get("Create") or {}
        delete = (update or {}).get("Delete") or {}
        if create.get("RegionName"):
            region = str(create["RegionName"])
            if region not in (source.__dict__.get(_GROUP) or set()):
                _create_replica(source, region, create.get("KMSMasterKeyId"))
                created.add(region)
        if delete.get("RegionName"):
            _delete_replica(source, str(delete["RegionName"]))
    _fix_description(desc, frozenset(created))


def _describe(parsed: Any, **_: Any) -> None:
    """after-call DescribeTable: Replicas, GlobalTableVersion, the key's ARN."""
    if not is_error_answer(parsed):
        _fix_description(parsed.get("Table"))


HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("before-parameter-build.dynamodb.UpdateTable", remember_params),
    ("before-call.dynamodb.UpdateTable", _check_updates),
    ("after-call.dynamodb.UpdateTable", _update),
    ("after-call.dynamodb.DescribeTable", _describe),
)
