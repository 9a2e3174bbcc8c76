"""The KMS collector under concurrency (issue 21, point 7): a scan once exited 3 because
the KMS collector failed with ``RuntimeError: dictionary changed size during iteration``.

The cause was moto's, not the collector's: the Resource Groups Tagging API's
GetResources (which the collector reads its keys' tags with) walks every taggable backend
of the Region, the SSM parameters included, while the SSM collector's first
GetParametersByPath in that Region makes moto insert its ~27,000 public parameters into
that same dict. regionready.demo.moto_gaps now makes in-process moto answer one request
at a time. The first test replays that overlap exactly; the second reads a large KMS
Region many times with 16 calls in flight.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest

from regionready.collect.clients import Clients
from regionready.collectors import kms, ssm
from regionready.demo import moto_gaps
from regionready.snapshot import jsonable

REGION = "eu-central-1"
OTHER = "me-central-1"
ROLE = "arn:aws:iam::123456789012:role/app"
WAIT = 30  # seconds a gate waits before the test fails (never reached when it passes)

KEYS = 120  # customer keys in REGION; all but every 10th tagged: two GetResources pages
REPLICAS = 6  # multi-Region keys of OTHER replicated into REGION
RUNS = 20


@pytest.fixture
def cheap_key_material(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto makes an RSA-2048 private key for every KMS key (even symmetric ones, ~50 ms
    each): one per key spec is enough here (nothing is signed)."""
    from moto.kms import models

    made: dict[str, Any] = {}
    original = models.generate_private_key

    def generate_private_key(key_spec: str) -> Any:
        if key_spec not in made:
            made[key_spec] = original(key_spec)
        return made[key_spec]

    monkeypatch.setattr(models, "generate_private_key", generate_private_key)


@pytest.fixture
def fine_switching() -> Iterator[None]:
    """Threads switch every 0.1 ms instead of 5 ms: many more interleavings per run."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


#: A boto3 Session is not thread-safe: clients are made one at a time (as the driver's
#: AccountSession does), also by two collectors running side by side.
_MAKING = threading.Lock()


def _clients(session: boto3.Session, service: str) -> Clients:
    def make_client(name: str) -> Any:
        with _MAKING:
            return session.client(name, region_name=REGION)

    return Clients(make_client=make_client, region=REGION, service=service, concurrency=16)


def test_tags_are_read_while_ssm_loads_its_public_parameters_in_the_region(
    session: boto3.Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GetResources (KMS tags) starts while moto inserts SSM's public parameters into the
    Region's SSM backend, which GetResources also walks: both collections complete."""
    from moto.ssm import models as moto_ssm

    client = session.client("kms", region_name=REGION)
    tagged = []
    for i in range(5):
        meta = client.create_key(Tags=[{"TagKey": "n", "TagValue": str(i)}])["KeyMetadata"]
        tagged.append(meta["KeyId"])

    inserting = threading.Event()

    class Parameter(moto_ssm.Parameter):
        """moto makes one per public parameter, right after inserting its name into the
        backend's parameter dict: every 100th lets other threads run (as a busy process
        would), so the insertion lasts long enough for GetResources to meet it."""

        made = 0

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            Parameter.made += 1
            if Parameter.made % 100 == 0:
                inserting.set()
                time.sleep(0.002)

    def tags_once_inserting(**_: Any) -> None:
        assert inserting.wait(WAIT), "moto never loaded SSM's public parameters"
        # None: not a response, the call goes on to moto

    monkeypatch.setattr(moto_ssm, "Parameter", Parameter)
    session.events.register(
        "before-send.resource-groups-tagging-api.GetResources", tags_once_inserting
    )
    keys_clients, ssm_clients = _clients(session, "kms"), _clients(session, "ssm")
    with ThreadPoolExecutor(max_workers=2) as pool:
        keys = pool.submit(kms.collect, keys_clients, REGION)
        services = pool.submit(ssm.collect, ssm_clients, REGION)
        result, found = keys.result(timeout=WAIT * 2), services.result(timeout=WAIT * 2)

    assert inserting.is_set()
    assert [e.to_dict() for e in keys_clients.errors] == []
    assert [e.to_dict() for e in ssm_clients.errors] == []
    assert {k["KeyId"]: k["Tags"] for k in result["key"]} == {
        key_id: [{"TagKey": "n", "TagValue": str(i)}] for i, key_id in enumerate(tagged)
    }
    assert {"kms", "ssm"} <= {s["Name"] for s in found["region_service"]}


@pytest.fixture
def large_region(session: boto3.Session, cheap_key_material: None) -> dict[str, int]:
    """REGION with KEYS customer keys (aliases, tags, grants, rotation, some multi-Region
    primaries, a few disabled or asymmetric), REPLICAS replicas of OTHER's keys and an AWS
    managed key. Returns counts to check the collection against."""
    kms_client = session.client("kms", region_name=REGION)
    other = session.client("kms", region_name=OTHER)
    tagged = 0
    for i in range(KEYS):
        kwargs: dict[str, Any] = {"Description": f"stress {i}"}
        if i % 10:
            kwargs["Tags"] = [
                {"TagKey": "n", "TagValue": str(i)},
                {"TagKey": "team", "TagValue": ""},
            ]
            tagged += 1
        if i % 25 == 0:
            kwargs["MultiRegion"] = True
        if i % 37 == 1:
            kwargs.update(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
        key_id = kms_client.create_key(**kwargs)["KeyMetadata"]["KeyId"]
        kms_client.create_alias(AliasName=f"alias/stress-{i}", TargetKeyId=key_id)
        if i % 3 == 0:
            kms_client.create_alias(AliasName=f"alias/stress-{i}-b", TargetKeyId=key_id)
        if i % 4 == 0:
            kms_client.create_grant(KeyId=key_id, GranteePrincipal=ROLE, Operations=["Decrypt"])
        if i % 5 == 0 and "KeySpec" not in kwargs:
            kms_client.enable_key_rotation(KeyId=key_id)
        if i % 11 == 0:
            kms_client.disable_key(KeyId=key_id)
    for i in range(REPLICAS):
        key_id = other.create_key(MultiRegion=True, Description=f"primary {i}")["KeyMetadata"][
            "KeyId"
        ]
        other.replicate_key(
            KeyId=key_id, ReplicaRegion=REGION, Tags=[{"TagKey": "replica", "TagValue": str(i)}]
        )
        kms_client.create_alias(AliasName=f"alias/replica-{i}", TargetKeyId=key_id)
        tagged += 1
    moto_gaps.aws_managed_key(kms_client, "alias/aws/s3")
    return {"keys": KEYS + REPLICAS + 1, "tagged": tagged}


def test_a_large_region_collects_the_same_every_time_with_sixteen_in_flight(
    session: boto3.Session, large_region: dict[str, int], fine_switching: None
) -> None:
    pages: list[int] = []
    session.events.register(
        "before-call.resource-groups-tagging-api.GetResources",
        lambda **_: pages.append(1),
    )
    assert large_region["tagged"] > 100  # GetResources answers in two pages or more

    first: dict[str, Any] | None = None
    calls: set[int] = set()
    failures: list[tuple[int, Any]] = []
    for run in range(RUNS):
        clients = _clients(session, "kms")
        try:
            result = jsonable(kms.collect(clients, REGION))
        except Exception as exc:  # the failure this test is for: keep going, report all
            failures.append((run, repr(exc)))
            continue
        if clients.errors:
            failures.append((run, [e.to_dict() for e in clients.errors]))
        calls.add(clients.api_calls)
        if first is None:
            first = result
        elif result != first:
            failures.append((run, "a different result"))

    assert failures == [], failures
    assert first is not None
    keys = first["key"]
    assert len(keys) == large_region["keys"]
    assert sum(1 for k in keys if k.get("Tags")) == large_region["tagged"]
    assert len(calls) == 1  # the same calls every run
    assert len(pages) >= 2 * RUNS
