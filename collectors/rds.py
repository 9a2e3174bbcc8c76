"""RDS and Aurora databases of one Region, their snapshots and backup copies.

Items (AWS field names, each entry of a paginated Describe* list as returned; Neptune and
DocumentDB resources come in these lists too, as the APIs return them):

``db_instance`` (id ``DBInstanceArn``)
    DescribeDBInstances: DBInstanceIdentifier, Engine, StorageEncrypted, KmsKeyId,
    AllocatedStorage, DBClusterIdentifier, BackupRetentionPeriod,
    ``DBInstanceAutomatedBackupsReplications`` ([{DBInstanceAutomatedBackupsArn}]: the
    Regions its automated backups are replicated to), ``ReadReplicaDBInstanceIdentifiers``
    (cross-Region read replicas by ARN), ReadReplicaSourceDBInstanceIdentifier, ...
``db_cluster`` (id ``DBClusterArn``)
    DescribeDBClusters: DBClusterIdentifier, Engine, StorageEncrypted, KmsKeyId,
    AllocatedStorage, GlobalClusterIdentifier, ReadReplicaIdentifiers,
    ReplicationSourceIdentifier, DBClusterMembers, ...
``db_snapshot`` (id ``DBSnapshotArn``)
    DescribeDBSnapshots (the account's own, manual and automated; shared and public
    snapshots are not listed): DBSnapshotIdentifier, DBInstanceIdentifier, SnapshotType,
    Encrypted, KmsKeyId, AllocatedStorage, and on a cross-Region copy ``SourceRegion`` and
    ``SourceDBSnapshotIdentifier`` (the ARN it was copied from), ...
``db_cluster_snapshot`` (id ``DBClusterSnapshotArn``)
    DescribeDBClusterSnapshots (own, manual and automated): DBClusterSnapshotIdentifier,
    DBClusterIdentifier, SnapshotType, StorageEncrypted, KmsKeyId, AllocatedStorage,
    ``SourceDBClusterSnapshotArn`` on a copy, ...
``automated_backup`` (id ``DBInstanceAutomatedBackupsArn``)
    DescribeDBInstanceAutomatedBackups: Region, DBInstanceArn, DBInstanceIdentifier,
    Status, Encrypted, KmsKeyId, AllocatedStorage, BackupRetentionPeriod, RestoreWindow,
    DBInstanceAutomatedBackupsReplications, ... In the Region of the instance these are
    its own backups (``active``, or ``retained`` once it is deleted); in a destination
    Region they are the replicated backups of another Region's instances (``Region``
    and ``DBInstanceArn`` name the source, ``KmsKeyId`` is the destination's key).
``global_cluster`` (id ``GlobalClusterArn``)
    DescribeGlobalClusters: GlobalClusterIdentifier, Engine, StorageEncrypted,
    ``GlobalClusterMembers`` ([{DBClusterArn, IsWriter, Readers}]: the member clusters
    in every Region), ... A global cluster belongs to no Region: AWS answers it in every
    Region, so each Region's snapshot holds the account's global clusters.

Each list is one paginated call, read concurrently with the others (``clients.map``);
a list that fails records its error against its own type, which is then empty. No
per-resource call is made.
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "rds"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {
    "db_instance": "DBInstanceArn",
    "db_cluster": "DBClusterArn",
    "db_snapshot": "DBSnapshotArn",
    "db_cluster_snapshot": "DBClusterSnapshotArn",
    "automated_backup": "DBInstanceAutomatedBackupsArn",
    "global_cluster": "GlobalClusterArn",
}
PERMISSIONS = (
    "rds:DescribeDBInstances",
    "rds:DescribeDBClusters",
    "rds:DescribeDBSnapshots",
    "rds:DescribeDBClusterSnapshots",
    "rds:DescribeDBInstanceAutomatedBackups",
    "rds:DescribeGlobalClusters",
)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}

#: (resource type, list operation, the list in its answer)
LISTS = (
    ("db_instance", "describe_db_instances", "DBInstances"),
    ("db_cluster", "describe_db_clusters", "DBClusters"),
    ("db_snapshot", "describe_db_snapshots", "DBSnapshots"),
    ("db_cluster_snapshot", "describe_db_cluster_snapshots", "DBClusterSnapshots"),
    ("automated_backup", "describe_db_instance_automated_backups", "DBInstanceAutomatedBackups"),
    ("global_cluster", "describe_global_clusters", "GlobalClusters"),
)


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    def read(spec: tuple[str, str, str]) -> list[dict[str, Any]]:
        rtype, operation, key = spec
        return clients.paginate("rds", operation, key, feeds=[rtype]) or []

    lists = clients.map(read, LISTS)
    return {rtype: items for (rtype, _, _), items in zip(LISTS, lists, strict=True)}
