"""The ECR collector against moto (corrected by regionready.demo.moto_gaps)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from regionready.collectors import ecr
from regionready.snapshot import jsonable

from .helpers import deny, record_calls

SOURCE = "me-central-1"
TARGET = "eu-central-1"
ACCOUNT = "123456789012"
RULE = {
    "destinations": [{"region": TARGET, "registryId": ACCOUNT}],
    "repositoryFilters": [{"filter": "app/", "filterType": "PREFIX_MATCH"}],
}


@pytest.fixture
def seeded(session: boto3.Session) -> dict[str, str]:
    src = session.client("ecr", region_name=SOURCE)
    key = session.client("kms", region_name=SOURCE).create_key()["KeyMetadata"]["Arn"]
    ids = {"key": key}
    ids["web"] = src.create_repository(
        repositoryName="app/web", encryptionConfiguration={"encryptionType": "KMS", "kmsKey": key}
    )["repository"]["repositoryArn"]
    ids["worker"] = src.create_repository(
        repositoryName="app/worker", encryptionConfiguration={"encryptionType": "KMS"}
    )["repository"]["repositoryArn"]
    ids["plain"] = src.create_repository(repositoryName="plain")["repository"]["repositoryArn"]
    src.put_replication_configuration(replicationConfiguration={"rules": [RULE]})
    session.client("ecr", region_name=TARGET).create_repository(repositoryName="app/web")
    return ids


def _by_arn(result: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {r["repositoryArn"]: r for r in result["repository"]}


def test_repositories_and_their_keys(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    clients = make_clients(SOURCE, "ecr")
    repositories = _by_arn(ecr.collect(clients, SOURCE))

    assert clients.errors == []
    assert set(repositories) == {seeded["web"], seeded["worker"], seeded["plain"]}
    web = repositories[seeded["web"]]
    assert web["repositoryName"] == "app/web"
    assert web["registryId"] == ACCOUNT
    assert web["repositoryArn"] == f"arn:aws:ecr:{SOURCE}:{ACCOUNT}:repository/app/web"
    assert web["encryptionConfiguration"] == {"encryptionType": "KMS", "kmsKey": seeded["key"]}
    assert repositories[seeded["plain"]]["encryptionConfiguration"] == {"encryptionType": "AES256"}

    # KMS without a key of one's own: the AWS managed aws/ecr key of this Region.
    worker = repositories[seeded["worker"]]["encryptionConfiguration"]
    managed = session.client("kms", region_name=SOURCE).describe_key(KeyId="alias/aws/ecr")
    assert worker == {"encryptionType": "KMS", "kmsKey": managed["KeyMetadata"]["Arn"]}
    assert managed["KeyMetadata"]["KeyManager"] == "AWS"


def test_registry_replication_per_region(make_clients: Any, seeded: dict[str, str]) -> None:
    source = ecr.collect(make_clients(SOURCE, "ecr"), SOURCE)
    target = ecr.collect(make_clients(TARGET, "ecr"), TARGET)

    assert source["registry"] == [
        {"registryId": ACCOUNT, "replicationConfiguration": {"rules": [RULE]}}
    ]
    assert target["registry"] == [
        {"registryId": ACCOUNT, "replicationConfiguration": {"rules": []}}
    ]
    [replica] = target["repository"]
    assert replica["repositoryArn"] == f"arn:aws:ecr:{TARGET}:{ACCOUNT}:repository/app/web"


def test_denied_repository_list_is_recorded_not_empty(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    deny(session, "ecr.DescribeRepositories")
    clients = make_clients(SOURCE, "ecr")
    result = ecr.collect(clients, SOURCE)

    [error] = clients.errors
    assert (error.action, error.code) == ("ecr:DescribeRepositories", "AccessDeniedException")
    assert error.to_dict()["resource_types"] == ["repository"]
    assert "resources" not in error.to_dict()
    assert result["repository"] == []
    assert result["registry"][0]["replicationConfiguration"]["rules"] == [RULE]


def test_denied_registry_is_recorded(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    deny(session, "ecr.DescribeRegistry")
    clients = make_clients(SOURCE, "ecr")
    result = ecr.collect(clients, SOURCE)

    [error] = clients.errors
    assert error.action == "ecr:DescribeRegistry"
    assert error.to_dict()["resource_types"] == ["registry"]
    assert result["registry"] == []
    assert len(result["repository"]) == 3


def test_small_pages_collect_the_same(make_clients: Any, seeded: dict[str, str]) -> None:
    whole = make_clients(SOURCE, "ecr")
    paged = make_clients(SOURCE, "ecr", small_pages=True)
    expected = ecr.collect(whole, SOURCE)
    result = ecr.collect(paged, SOURCE)

    assert jsonable(result) == jsonable(expected)
    assert len(result["repository"]) == 3
    # DescribeRepositories answered one repository per page.
    assert paged.api_calls == whole.api_calls + 2


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, seeded: dict[str, str]
) -> None:
    called = record_calls(session)
    ecr.collect(make_clients(SOURCE, "ecr", small_pages=True), SOURCE)

    assert called == set(ecr.PERMISSIONS)
    assert all(c.split(":")[1].startswith(("List", "Describe", "Get")) for c in called)
