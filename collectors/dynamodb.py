"""DynamoDB tables of one Region: encryption, size and replicas, never items.

Items (AWS field names, as the APIs return them):

``table`` (id ``TableArn``)
    For each ListTables name (paginated), DescribeTable's ``Table`` as returned:
    TableName, TableArn, TableId, TableStatus, TableSizeBytes, ItemCount, KeySchema,
    BillingModeSummary, StreamSpecification, ``SSEDescription`` ({Status, SSEType,
    KMSMasterKeyArn}; absent for a table under the AWS owned key), ``Replicas`` (global
    tables version 2019.11.21: the *other* Regions' replicas, [{RegionName,
    ReplicaStatus, KMSMasterKeyId (the replica's customer managed key), ...}]),
    GlobalTableVersion, DeletionProtectionEnabled, ... Tables are described
    concurrently (``clients.map``).

A table that is deleted between ListTables and DescribeTable (ResourceNotFoundException)
is no longer there: it is left out, and that answer is not an error.

If DescribeTable fails otherwise for a table, the item kept for it is ``{TableName}``
(the table is still counted) and the error is recorded against the whole ``table``
type, not ``about`` that table. The reason: a table's id is its ``TableArn``, which only
DescribeTable returns (ListTables gives names; building an ARN would make up an id), and
the engine ties an error to an item by that id, so an error ``about`` the table's name
would reach no item and the ``{TableName}`` item would be judged on data it does not
have. Naming the whole type makes every table rule of the Region ERROR instead (too
wide, never a wrong verdict), and the error's message names the table.
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "dynamodb"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"table": "TableArn"}
PERMISSIONS = ("dynamodb:ListTables", "dynamodb:DescribeTable")
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}

#: DescribeTable's answer for a table that no longer exists (a fact).
GONE = "ResourceNotFoundException"


def _table(clients: Clients, name: str) -> dict[str, Any] | None:
    described = clients.call("dynamodb", "describe_table", feeds=["table"], TableName=name)
    if described is not None:
        return dict(described["Table"])
    # The error of this very call (never errors[-1]: tables are read concurrently).
    error = clients.last_error()
    if error is not None and error.code == GONE:
        clients.discard(error)
        return None
    return {"TableName": name}


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    names = clients.paginate("dynamodb", "list_tables", "TableNames", feeds=["table"]) or []
    tables = clients.map(lambda name: _table(clients, str(name)), names)
    return {"table": [table for table in tables if table is not None]}
