"""The Secrets Manager rule functions."""

from __future__ import annotations

import jmespath
import pytest

from regionready.engine.functions import RegionReadyFunctions
from regionready.engine.functions.data import kms_ref
from regionready.engine.functions.secretsmanager import (
    secret_replica,
    secret_rotation_function,
)

EU = "eu-central-1"
ME = "me-central-1"


def test_secret_replica_picks_the_region() -> None:
    statuses = [
        {"Region": "us-west-2", "Status": "Failed"},
        {"Region": EU, "Status": "InSync"},
    ]
    assert secret_replica(statuses, EU) == {"Region": EU, "Status": "InSync"}
    assert secret_replica(statuses, ME) is None
    assert secret_replica(None, EU) is None


@pytest.mark.parametrize(
    ("arn", "name"),
    [
        ("arn:aws:lambda:me-central-1:111111111111:function:rotate-db", "rotate-db"),
        ("arn:aws:lambda:me-central-1:111111111111:function:rotate-db:live", "rotate-db"),
        ("arn:aws:lambda:me-central-1:111111111111:function:rotate-db:7", "rotate-db"),
        ("arn:aws-cn:lambda:cn-north-1:111111111111:function:rot", "rot"),
        ("rotate-db", "rotate-db"),
        ("arn:aws:lambda:me-central-1:111111111111:layer:x:1", None),
        ("", None),
        (None, None),
    ],
)
def test_secret_rotation_function(arn: str | None, name: str | None) -> None:
    assert secret_rotation_function(arn) == name


@pytest.mark.parametrize(
    ("ref", "region", "expected"),
    [
        (f"arn:aws:kms:{EU}:111111111111:key/1234abcd", EU, "1234abcd"),
        (f"arn:aws:kms:{EU}:111111111111:alias/app", EU, "alias/app"),
        (f"arn:aws:kms:{ME}:111111111111:key/1234abcd", EU, None),
        ("1234abcd", EU, "1234abcd"),
        ("alias/app", EU, "alias/app"),
        ("", EU, None),
        (None, EU, None),
    ],
)
def test_secret_kms_ref(ref: str | None, region: str, expected: str | None) -> None:
    assert kms_ref(ref, region) == expected


def test_through_jmespath() -> None:
    options = jmespath.Options(custom_functions=RegionReadyFunctions())
    item = {
        "ReplicationStatus": [{"Region": EU, "Status": "Failed"}],
        "RotationLambdaARN": f"arn:aws:lambda:{ME}:111111111111:function:rot",
        "KmsKeyId": f"arn:aws:kms:{EU}:111111111111:key/k1",
    }
    search = jmespath.search
    assert search(f"secret_replica(ReplicationStatus, '{EU}').Status", item, options) == "Failed"
    assert search("secret_rotation_function(RotationLambdaARN)", item, options) == "rot"
    assert search(f"secret_kms_ref(KmsKeyId, '{EU}')", item, options) == "k1"
