"""The EFS collector against moto (replication answered by regionready.demo.moto_gaps.efs)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from regionready.collectors import efs
from regionready.snapshot import jsonable

from .helpers import deny, record_calls

SOURCE = "me-central-1"
TARGET = "eu-central-1"
ACCOUNT = "123456789012"


@pytest.fixture
def seeded(session: boto3.Session) -> dict[str, str]:
    src = session.client("efs", region_name=SOURCE)
    key = session.client("kms", region_name=SOURCE).create_key()["KeyMetadata"]
    eu_key = session.client("kms", region_name=TARGET).create_key()["KeyMetadata"]
    ids = {"key": key["Arn"], "eu_key": eu_key["Arn"]}
    app = src.create_file_system(
        CreationToken="app",
        Encrypted=True,
        KmsKeyId=key["KeyId"],  # AWS reports the key's ARN whatever names it
        Tags=[{"Key": "Name", "Value": "app-data"}],
    )
    ids["app"], ids["app_arn"] = app["FileSystemId"], app["FileSystemArn"]
    ids["scratch"] = src.create_file_system(CreationToken="scratch")["FileSystemId"]
    replication = src.create_replication_configuration(
        SourceFileSystemId=ids["app"],
        Destinations=[{"Region": TARGET, "KmsKeyId": eu_key["KeyId"]}],
    )
    ids["replica"] = replication["Destinations"][0]["FileSystemId"]
    return ids


def _by_id(result: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {f["FileSystemId"]: f for f in result["file_system"]}


def _replication(seeded: dict[str, str]) -> dict[str, Any]:
    return {
        "SourceFileSystemId": seeded["app"],
        "SourceFileSystemRegion": SOURCE,
        "SourceFileSystemArn": seeded["app_arn"],
        "OriginalSourceFileSystemArn": seeded["app_arn"],
        "SourceFileSystemOwnerId": ACCOUNT,
        "Destinations": [
            {
                "Status": "ENABLED",
                "FileSystemId": seeded["replica"],
                "Region": TARGET,
                "OwnerId": ACCOUNT,
            }
        ],
    }


def _without_times(replications: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "CreationTime"} for r in replications]


def test_file_systems_keys_and_replication(make_clients: Any, seeded: dict[str, str]) -> None:
    clients = make_clients(SOURCE, "efs")
    systems = _by_id(efs.collect(clients, SOURCE))

    assert clients.errors == []  # ReplicationNotFound (scratch) is a fact, not an error
    assert set(systems) == {seeded["app"], seeded["scratch"]}
    app = systems[seeded["app"]]
    assert app["FileSystemArn"] == seeded["app_arn"]
    assert (
        app["FileSystemArn"]
        == f"arn:aws:elasticfilesystem:{SOURCE}:{ACCOUNT}:file-system/{seeded['app']}"
    )
    assert (app["Name"], app["Tags"]) == ("app-data", [{"Key": "Name", "Value": "app-data"}])
    assert (app["Encrypted"], app["KmsKeyId"]) == (True, seeded["key"])
    assert (app["LifeCycleState"], app["SizeInBytes"]["Value"]) == ("available", 0)
    assert _without_times(app["Replications"]) == [_replication(seeded)]
    assert "CreationTime" in app["Replications"][0]

    scratch = systems[seeded["scratch"]]
    assert scratch["Encrypted"] is False and "KmsKeyId" not in scratch
    assert scratch["Replications"] == []


def test_replication_destination_in_the_target(make_clients: Any, seeded: dict[str, str]) -> None:
    clients = make_clients(TARGET, "efs")
    [replica] = efs.collect(clients, TARGET)["file_system"]

    assert clients.errors == []
    assert replica["FileSystemId"] == seeded["replica"]
    assert (replica["Encrypted"], replica["KmsKeyId"]) == (True, seeded["eu_key"])
    # The destination is part of the same replication configuration, and says so.
    assert _without_times(replica["Replications"]) == [_replication(seeded)]


def test_denied_list_is_recorded_not_empty(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    deny(session, "efs.DescribeFileSystems")
    clients = make_clients(SOURCE, "efs")
    result = efs.collect(clients, SOURCE)

    [error] = clients.errors
    assert (error.action, error.code) == (
        "elasticfilesystem:DescribeFileSystems",
        "AccessDeniedException",
    )
    assert error.to_dict()["resource_types"] == ["file_system"]
    assert "fields" not in error.to_dict() and "resources" not in error.to_dict()
    assert result == {"file_system": []}


def test_denied_replication_read_marks_only_that_field(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    deny(session, "efs.DescribeReplicationConfigurations")
    clients = make_clients(SOURCE, "efs")
    systems = _by_id(efs.collect(clients, SOURCE))

    assert len(clients.errors) == 2
    assert {e.action for e in clients.errors} == {
        "elasticfilesystem:DescribeReplicationConfigurations"
    }
    assert all(e.to_dict()["fields"] == {"file_system": ["Replications"]} for e in clients.errors)
    named = sorted(e.to_dict()["resources"]["file_system"][0] for e in clients.errors)
    assert named == sorted([seeded["app"], seeded["scratch"]])
    assert set(systems) == {seeded["app"], seeded["scratch"]}
    assert all("Replications" not in f for f in systems.values())  # unknown, not []
    assert systems[seeded["app"]]["KmsKeyId"] == seeded["key"]


def _steady(result: dict[str, list[dict[str, Any]]]) -> Any:
    """The result as JSON, without SizeInBytes.Timestamp (when the size was measured)."""
    data = jsonable(result)
    for item in data["file_system"]:
        item["SizeInBytes"].pop("Timestamp", None)
    return data


def test_small_pages_collect_the_same(make_clients: Any, seeded: dict[str, str]) -> None:
    whole = make_clients(SOURCE, "efs")
    paged = make_clients(SOURCE, "efs", small_pages=True)
    expected = efs.collect(whole, SOURCE)
    result = efs.collect(paged, SOURCE)

    assert _steady(result) == _steady(expected)
    assert len(result["file_system"]) == 2
    # DescribeFileSystems answered one file system per page.
    assert paged.api_calls == whole.api_calls + 1


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    called = record_calls(session)
    efs.collect(make_clients(SOURCE, "efs", small_pages=True), SOURCE)

    assert called == set(efs.PERMISSIONS)
    assert all(c.split(":")[1].startswith(("List", "Describe", "Get")) for c in called)
