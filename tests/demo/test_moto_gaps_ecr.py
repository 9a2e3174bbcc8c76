"""moto_gaps.ecr: the aws/ecr key of a repository encrypted with KMS but no key of its
own, and DescribeRepositories paging.

Each test states the AWS behaviour and checks the hooked session shows it; the first
pins what plain moto does, so a correction a moto upgrade makes unnecessary is noticed.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

US, EU = "us-east-1", "eu-west-1"
ACCOUNT = "123456789012"


def test_plain_moto_makes_up_a_key_and_does_not_page(aws: None) -> None:
    plain = boto3.client("ecr", region_name=US)
    made_up = plain.create_repository(
        repositoryName="aa", encryptionConfiguration={"encryptionType": "KMS"}
    )["repository"]["encryptionConfiguration"]["kmsKey"]
    plain.create_repository(repositoryName="bb")
    with pytest.raises(ClientError, match="NotFound"):
        boto3.client("kms", region_name=US).describe_key(KeyId=made_up)
    page = plain.describe_repositories(maxResults=1)
    assert len(page["repositories"]) == 2 and "nextToken" not in page


def test_kms_without_a_key_means_the_aws_managed_ecr_key(session: boto3.Session) -> None:
    ecr = session.client("ecr", region_name=US)
    kms = session.client("kms", region_name=US)
    own = kms.create_key()["KeyMetadata"]["Arn"]

    created = ecr.create_repository(
        repositoryName="default-kms", encryptionConfiguration={"encryptionType": "KMS"}
    )["repository"]
    ecr.create_repository(
        repositoryName="own-kms", encryptionConfiguration={"encryptionType": "KMS", "kmsKey": own}
    )
    ecr.create_repository(repositoryName="aes")
    ecr.create_repository(
        repositoryName="second-default", encryptionConfiguration={"encryptionType": "KMS"}
    )

    managed = kms.describe_key(KeyId="alias/aws/ecr")["KeyMetadata"]
    assert managed["KeyManager"] == "AWS"
    assert created["encryptionConfiguration"] == {"encryptionType": "KMS", "kmsKey": managed["Arn"]}
    listed = {
        r["repositoryName"]: r["encryptionConfiguration"]
        for r in ecr.describe_repositories()["repositories"]
    }
    assert listed == {
        "default-kms": {"encryptionType": "KMS", "kmsKey": managed["Arn"]},
        "own-kms": {"encryptionType": "KMS", "kmsKey": own},
        "aes": {"encryptionType": "AES256"},
        "second-default": {"encryptionType": "KMS", "kmsKey": managed["Arn"]},
    }
    aliases = [a["AliasName"] for a in kms.list_aliases(KeyId=managed["KeyId"])["Aliases"]]
    assert aliases == ["alias/aws/ecr"]

    # Per Region: another Region's repository gets that Region's own aws/ecr key.
    eu = session.client("ecr", region_name=EU).create_repository(
        repositoryName="default-kms", encryptionConfiguration={"encryptionType": "KMS"}
    )["repository"]["encryptionConfiguration"]["kmsKey"]
    assert eu.startswith(f"arn:aws:kms:{EU}:{ACCOUNT}:key/") and eu != managed["Arn"]


def test_describe_repositories_pages(session: boto3.Session) -> None:
    ecr = session.client("ecr", region_name=US)
    for name in ("aa", "bb", "cc"):
        ecr.create_repository(repositoryName=name)
    pages = ecr.get_paginator("describe_repositories").paginate(PaginationConfig={"PageSize": 2})
    assert [[r["repositoryName"] for r in p["repositories"]] for p in pages] == [
        ["aa", "bb"],
        ["cc"],
    ]
    named = ecr.describe_repositories(repositoryNames=["bb"])["repositories"]
    assert [r["repositoryName"] for r in named] == ["bb"]
    with pytest.raises(ecr.exceptions.RepositoryNotFoundException):
        ecr.describe_repositories(repositoryNames=["nope"])
