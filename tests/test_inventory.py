"""The re-encryption inventory (regionready.inventory)."""

from __future__ import annotations

from pathlib import Path

from regionready.engine.fixtures import ACCOUNT, SOURCE, TARGET, region_document
from regionready.engine.functions.data import GIB
from regionready.inventory import inventory
from regionready.snapshot import Scan

LEDGER = f"arn:aws:kms:{SOURCE}:{ACCOUNT}:key/k-ledger"


def _scan() -> Scan:
    source = {
        "kms": {
            "key": [
                {"KeyId": "k-ledger", "KeyManager": "CUSTOMER", "Aliases": ["alias/ledger"]},
                {"KeyId": "mrk-1", "KeyManager": "CUSTOMER", "MultiRegion": True, "Aliases": []},
                {"KeyId": "k-aws", "KeyManager": "AWS", "Aliases": ["alias/aws/ebs"]},
                {"KeyId": "k-idle", "KeyManager": "CUSTOMER", "Aliases": ["alias/idle"]},
            ],
            "alias": [
                {"AliasName": "alias/ledger", "TargetKeyId": "k-ledger"},
                {"AliasName": "alias/aws/ebs", "TargetKeyId": "k-aws"},
            ],
        },
        "ec2": {
            "volume": [
                {"VolumeId": "vol-1", "Size": 100, "Encrypted": True, "KmsKeyId": LEDGER},
                {"VolumeId": "vol-2", "Size": 8, "Encrypted": True, "KmsKeyId": "k-aws"},
                {"VolumeId": "vol-3", "Size": 8, "Encrypted": False},
            ],
            "snapshot": [
                {"SnapshotId": "snap-1", "VolumeSize": 20, "Encrypted": True, "KmsKeyId": "mrk-1"}
            ],
        },
        "s3": {
            "bucket": [
                {
                    "Name": "exports",
                    "ServerSideEncryptionConfiguration": {
                        "Rules": [
                            {
                                "ApplyServerSideEncryptionByDefault": {
                                    "SSEAlgorithm": "aws:kms",
                                    "KMSMasterKeyID": "alias/ledger",
                                }
                            }
                        ]
                    },
                }
            ]
        },
    }
    target = {"ec2": {"volume": [{"VolumeId": "vol-t", "Size": 9, "Encrypted": True}]}}
    documents = {
        (ACCOUNT, SOURCE): region_document(SOURCE, source, {}),
        (ACCOUNT, TARGET): region_document(TARGET, target, {}),
    }
    manifest = {"source_region": SOURCE, "target_region": TARGET, "accounts": [ACCOUNT]}
    return Scan(root=Path("."), manifest=manifest, documents=documents, local=None)


def test_each_customer_key_counts_and_sizes_what_it_encrypts() -> None:
    found = {usage.name: usage.to_dict() for usage in inventory(_scan())}
    assert found == {
        "alias/ledger": {
            "account": ACCOUNT,
            "region": SOURCE,
            "key_id": "k-ledger",
            "name": "alias/ledger",
            "multi_region": False,
            "resources": 2,  # the volume by key ARN, the bucket by alias
            "size_bytes": 100 * GIB,
            "unsized": 1,  # S3 reports no bucket size
            "by_type": {"ec2.volume": 1, "s3.bucket": 1},
        },
        "mrk-1": {
            "account": ACCOUNT,
            "region": SOURCE,
            "key_id": "mrk-1",
            "name": "mrk-1",
            "multi_region": True,
            "resources": 1,
            "size_bytes": 20 * GIB,
            "unsized": 0,
            "by_type": {"ec2.snapshot": 1},
        },
    }
    assert [usage.name for usage in inventory(_scan())] == ["alias/ledger", "mrk-1"]  # by size
    assert inventory(_scan())[0].size == "100 GiB"


def test_the_target_has_its_own_inventory() -> None:
    assert inventory(_scan(), region=TARGET) == []  # its volume names no key of the target
