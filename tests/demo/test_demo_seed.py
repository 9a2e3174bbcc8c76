"""The demo seed plants exactly the ACM and KMS state its DemoPlan claims.

Assertions use plain boto3 against moto, not regionready's collectors.

moto quirks
-----------
Hit while writing ``regionready.demo.seed`` against moto 5.2.5 (the ``test_moto_quirk_*``
tests pin each one, so a moto upgrade that fixes one shows up here and in
``regionready.demo.moto_gaps``):

ACM
- ``MOTO_ACM_VALIDATION_WAIT`` is read once, when moto is imported
  (``moto.settings.ACM_VALIDATION_WAIT``). If another test module imported moto first
  the environment variable comes too late, so the fixture here also patches the setting.
- RequestCertificate ignores ``KeyAlgorithm``: every requested certificate is RSA_2048
  (moto generates a fresh RSA key per request, ~40-130 ms). The demo's Amazon-issued
  EC_prime256v1 certificate (api.example.com) therefore reads as RSA_2048; only the
  imported EC certificate (pay.example.com) is really EC in moto.
- RequestCertificate ignores ``ValidationMethod``: an EMAIL request describes as DNS
  (DomainValidationOptions with CNAME records, ValidationMethod DNS) and, with the wait
  at 0, is ISSUED at once. There is no API path to a certificate that stays
  PENDING_VALIDATION, FAILED or VALIDATION_TIMED_OUT (no RevokeCertificate either, and
  expired material is refused on import), so ACM-002 cannot be planted with plain
  boto3: the plan lists the EMAIL-validated twin under ``unfaithful["ACM-002"]``.
- ListCertificates without ``Includes`` returns every key type (AWS: RSA_1024/RSA_2048
  only), so the EC trap is invisible in moto.
- A requested certificate's SubjectAlternativeNames come from a set: the order (and
  whether the DomainName is first) varies between runs. Compare SANs as sets.
- Imported certificates are validated against moto's clock (the real one): the seed's
  ``now`` must be close to it, or imports fail as expired / not yet valid.

KMS
- ReplicateKey makes a shallow ``copy`` of the primary: the replica shares the primary's
  alias table, grants and MultiRegionConfiguration dict.
  * ListAliases in the replica Region shows the primary's aliases, with the
    *source* Region in AliasArn; CreateAlias of the same name in the replica Region
    fails with AlreadyExistsException (on AWS aliases are per Region and it succeeds).
    The seed tolerates that error when the alias already points at the key.
  * Describing the replica writes MultiRegionKeyType=REPLICA into the shared dict, so
    afterwards the primary also reports REPLICA.
- ReplicateKey ignores ``Policy``, ``Description`` and ``Tags``: the replica keeps the
  primary's policy and description and has no tags. The response's ReplicaPolicy is
  moto's default policy (not the replica's) and ReplicaKeyMetadata says PRIMARY. The
  seed re-applies policy and tags to the replica (idempotent on AWS).
- Replica ARNs are the primary's with the Region string replaced.
- Key rotation is not shared between primary and replica (AWS: it is), so the demo
  leaves rotation off on multi-Region keys to avoid a spurious KMS-004.
- GetKeyPolicy without ``PolicyName`` fails (NotFoundException); AWS defaults it.
- ListAliases returns the AWS-managed ``alias/aws/*`` aliases with TargetKeyIds of keys
  that ListKeys does not return.
"""

from __future__ import annotations

import os

os.environ["MOTO_ACM_VALIDATION_WAIT"] = "0"
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
os.environ["AWS_SECURITY_TOKEN"] = "testing"
os.environ["AWS_SESSION_TOKEN"] = "testing"
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import moto.settings
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from regionready.demo import moto_gaps
from regionready.demo import seed as seed_module
from regionready.demo.seed import ALL_KEY_TYPES, CHECK_IDS, DemoPlan, seed_demo

SOURCE = "me-central-1"
TARGET = "eu-central-1"


@pytest.fixture(scope="module")
def seeded() -> Iterator[tuple[boto3.Session, DemoPlan]]:
    with pytest.MonkeyPatch.context() as mp, mock_aws():
        mp.setattr(moto.settings, "ACM_VALIDATION_WAIT", 0)
        # Only the ACM and KMS core: other services' seed modules have their own tests.
        mp.setattr(seed_module, "service_seeders", lambda: [])
        session = moto_gaps.install(boto3.Session())
        start = time.perf_counter()
        plan = seed_demo(session, source=SOURCE, target=TARGET, now=datetime.now(UTC))
        elapsed = time.perf_counter() - start
        print(f"\nseed_demo took {elapsed:.2f} s")
        yield session, plan


@pytest.fixture
def fresh() -> Iterator[boto3.Session]:
    with pytest.MonkeyPatch.context() as mp, mock_aws():
        mp.setattr(moto.settings, "ACM_VALIDATION_WAIT", 0)
        yield boto3.Session()


def _certs(session: boto3.Session, region: str) -> dict[str, dict[str, Any]]:
    """Domain name -> describe_certificate, listing with every key type."""
    acm = session.client("acm", region_name=region)
    summaries = acm.list_certificates(Includes={"keyTypes": ALL_KEY_TYPES})[
        "CertificateSummaryList"
    ]
    out: dict[str, dict[str, Any]] = {}
    for s in summaries:
        cert = acm.describe_certificate(CertificateArn=s["CertificateArn"])["Certificate"]
        assert cert["DomainName"] not in out, f"two certificates for {cert['DomainName']}"
        out[cert["DomainName"]] = cert
    return out


def _policy(session: boto3.Session, region: str, key_id: str) -> dict[str, Any]:
    kms = session.client("kms", region_name=region)
    policy: dict[str, Any] = json.loads(
        kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
    )
    return policy


def _normalise(policy: dict[str, Any], region: str, other: str) -> list[str]:
    """Statement order, string vs one-element list, and Region in ARNs don't matter."""

    def norm(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(f":{other}:", f":{region}:")
        if isinstance(value, list):
            items = [norm(v) for v in value]
            return items[0] if len(items) == 1 else sorted(items, key=json.dumps)
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        return value

    return sorted(json.dumps(norm(s), sort_keys=True) for s in policy["Statement"])


# --------------------------------------------------------------------------- plan


def test_plan_lists_every_check_and_only_planted_arns(
    seeded: tuple[boto3.Session, DemoPlan],
) -> None:
    _, plan = seeded
    assert set(plan.failing) == set(CHECK_IDS)
    counts = {check: len(arns) for check, arns in plan.failing.items() if check != "ACM-002"}
    assert counts == {
        "ACM-001": 1,
        "ACM-003": 1,
        "ACM-004": 1,
        "KMS-001": 2,
        "KMS-002": 1,
        "KMS-003": 1,
    }
    # moto_gaps keeps the target's EMAIL-validated request pending, as AWS does.
    legacy_t = [plan.arn(TARGET, "cert:legacy.example.com")]
    assert plan.failing["ACM-002"] == legacy_t
    assert plan.unfaithful == {}

    planted = {arn for region in plan.resources.values() for arn in region.values()}
    key_ids = {arn.rsplit("/", 1)[-1] for arn in planted if ":key/" in arn}
    failing = {
        arn for check, arns in plan.failing.items() for arn in arns if check.startswith("ACM-")
    }
    assert failing <= planted
    assert set(plan.healthy) <= planted
    assert not failing & set(plan.healthy)
    assert len(plan.healthy) == len(set(plan.healthy)) == 9
    for region, labels in plan.resources.items():
        for arn in labels.values():
            assert arn.split(":")[3] == region

    assert plan.failing["ACM-001"] == [plan.arn(SOURCE, "cert:api.example.com")]
    assert plan.failing["ACM-003"] == [plan.arn(TARGET, "cert:shop.example.com")]
    assert plan.failing["ACM-004"] == [plan.arn(TARGET, "cert:shop.example.com")]
    assert plan.failing["KMS-001"] == ["alias/billing", "alias/audit-mrk"]
    audit_id = plan.aliases[SOURCE]["alias/audit-mrk"].rsplit("/", 1)[-1]
    assert plan.failing["KMS-002"] == [audit_id]
    orders_id = plan.aliases[TARGET]["alias/orders-mrk"].rsplit("/", 1)[-1]
    assert plan.failing["KMS-003"] == [orders_id]
    assert {audit_id, orders_id} <= key_ids
    assert set(plan.aliases[TARGET]) == {"alias/app-data", "alias/orders-mrk", "alias/session-mrk"}


# --------------------------------------------------------------------------- ACM


def test_certificate_counts_with_every_key_type(seeded: tuple[boto3.Session, DemoPlan]) -> None:
    session, _ = seeded
    source, target = _certs(session, SOURCE), _certs(session, TARGET)
    assert set(source) == {
        "www.example.com",
        "api.example.com",
        "legacy.example.com",
        "shop.example.com",
        "pay.example.com",
    }
    assert set(target) == {
        "www.example.com",
        "legacy.example.com",
        "shop.example.com",
        "pay.example.com",
    }
    assert {c["Status"] for c in source.values()} == {"ISSUED"}
    assert {d: c["Type"] for d, c in source.items()} == {
        "www.example.com": "AMAZON_ISSUED",
        "api.example.com": "AMAZON_ISSUED",
        "legacy.example.com": "AMAZON_ISSUED",
        "shop.example.com": "IMPORTED",
        "pay.example.com": "IMPORTED",
    }


def test_ec_certificates(seeded: tuple[boto3.Session, DemoPlan]) -> None:
    session, plan = seeded
    source, target = _certs(session, SOURCE), _certs(session, TARGET)
    # The Amazon-issued "EC" certificate exists in the source only.
    assert source["api.example.com"]["CertificateArn"] == plan.arn(SOURCE, "cert:api.example.com")
    assert "api.example.com" not in target
    # The imported EC certificate is really EC (moto reads the key), in both Regions.
    assert source["pay.example.com"]["KeyAlgorithm"] == "EC_prime256v1"
    assert target["pay.example.com"]["KeyAlgorithm"] == "EC_prime256v1"
    assert target["pay.example.com"]["NotAfter"] == source["pay.example.com"]["NotAfter"]


def test_www_twin_matches_domain_sans_and_algorithm(
    seeded: tuple[boto3.Session, DemoPlan],
) -> None:
    session, _ = seeded
    src = _certs(session, SOURCE)["www.example.com"]
    tgt = _certs(session, TARGET)["www.example.com"]
    assert set(src["SubjectAlternativeNames"]) == {"www.example.com", "example.com"}
    assert set(tgt["SubjectAlternativeNames"]) == set(src["SubjectAlternativeNames"])
    assert tgt["KeyAlgorithm"] == src["KeyAlgorithm"] == "RSA_2048"
    assert tgt["Status"] == "ISSUED"


def test_stale_imported_copy(seeded: tuple[boto3.Session, DemoPlan]) -> None:
    session, plan = seeded
    src = _certs(session, SOURCE)["shop.example.com"]
    tgt = _certs(session, TARGET)["shop.example.com"]
    assert tgt["CertificateArn"] == plan.failing["ACM-004"][0]
    assert tgt["Type"] == src["Type"] == "IMPORTED"
    assert tgt["NotAfter"] < src["NotAfter"]
    assert tgt["NotAfter"] - plan.now < timedelta(days=11)  # ACM-003: within 30 days
    assert src["NotAfter"] - plan.now > timedelta(days=299)
    assert set(tgt["SubjectAlternativeNames"]) == set(src["SubjectAlternativeNames"])
    assert tgt["KeyAlgorithm"] == src["KeyAlgorithm"]


def test_certificate_tags(seeded: tuple[boto3.Session, DemoPlan]) -> None:
    session, plan = seeded
    for region in (SOURCE, TARGET):
        acm = session.client("acm", region_name=region)
        tags = acm.list_tags_for_certificate(
            CertificateArn=plan.arn(region, "cert:pay.example.com")
        )
        assert {"Key": "Team", "Value": "payments"} in tags["Tags"]


# --------------------------------------------------------------------------- KMS


def test_app_data_twin_enabled_with_rotation(seeded: tuple[boto3.Session, DemoPlan]) -> None:
    session, plan = seeded
    for region in (SOURCE, TARGET):
        kms = session.client("kms", region_name=region)
        meta = kms.describe_key(KeyId="alias/app-data")["KeyMetadata"]
        assert meta["Arn"] == plan.aliases[region]["alias/app-data"]
        assert meta["KeyState"] == "Enabled"
        assert meta.get("MultiRegion", False) is False
        assert kms.get_key_rotation_status(KeyId=meta["KeyId"])["KeyRotationEnabled"]


def test_billing_has_no_target_alias(seeded: tuple[boto3.Session, DemoPlan]) -> None:
    session, plan = seeded
    kms_tgt = session.client("kms", region_name=TARGET)
    names = {a["AliasName"] for a in kms_tgt.list_aliases()["Aliases"]}
    assert "alias/billing" not in names
    assert "alias/audit-mrk" not in names
    tags = session.client("kms", region_name=SOURCE).list_resource_tags(
        KeyId=plan.aliases[SOURCE]["alias/billing"]
    )["Tags"]
    assert {"TagKey": "Team", "TagValue": "payments"} in tags


def test_audit_mrk_has_no_replica(seeded: tuple[boto3.Session, DemoPlan]) -> None:
    session, plan = seeded
    audit = plan.failing["KMS-002"][0]
    meta = session.client("kms", region_name=SOURCE).describe_key(KeyId=audit)["KeyMetadata"]
    assert meta["MultiRegion"] is True
    assert meta["MultiRegionConfiguration"]["ReplicaKeys"] == []
    with pytest.raises(ClientError) as err:
        session.client("kms", region_name=TARGET).describe_key(KeyId=meta["KeyId"])
    assert err.value.response["Error"]["Code"] == "NotFoundException"


def test_orders_replica_has_drifted_policy(seeded: tuple[boto3.Session, DemoPlan]) -> None:
    session, plan = seeded
    replica_arn = plan.aliases[TARGET]["alias/orders-mrk"]
    kms_tgt = session.client("kms", region_name=TARGET)
    meta = kms_tgt.describe_key(KeyId=replica_arn)["KeyMetadata"]
    assert meta["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    assert meta["MultiRegionConfiguration"]["PrimaryKey"]["Arn"] == plan.arn(
        SOURCE, "key:alias/orders-mrk"
    )
    primary = _policy(session, SOURCE, meta["KeyId"])
    replica = _policy(session, TARGET, meta["KeyId"])
    assert _normalise(replica, SOURCE, TARGET) != _normalise(primary, SOURCE, TARGET)
    extra = [s for s in replica["Statement"] if s not in primary["Statement"]]
    assert [s["Sid"] for s in extra] == ["Allow partner decrypt"]
    assert kms_tgt.describe_key(KeyId="alias/orders-mrk")["KeyMetadata"]["Arn"] == replica_arn


def test_session_replica_policy_equal_once_normalised(
    seeded: tuple[boto3.Session, DemoPlan],
) -> None:
    session, plan = seeded
    replica_arn = plan.aliases[TARGET]["alias/session-mrk"]
    assert replica_arn in plan.healthy
    key_id = replica_arn.split("/")[-1]
    meta = session.client("kms", region_name=TARGET).describe_key(KeyId=key_id)["KeyMetadata"]
    assert meta["MultiRegionConfiguration"]["MultiRegionKeyType"] == "REPLICA"
    primary = _policy(session, SOURCE, key_id)
    replica = _policy(session, TARGET, key_id)
    assert primary != replica  # raw documents differ (Region in the Lambda ARN, list form)
    assert f"arn:aws:lambda:{TARGET}:" in json.dumps(replica)
    assert _normalise(replica, SOURCE, TARGET) == _normalise(primary, SOURCE, TARGET)


def test_seed_refuses_pending_certificates() -> None:
    with pytest.MonkeyPatch.context() as mp, mock_aws():
        mp.setattr(moto.settings, "ACM_VALIDATION_WAIT", 3600)
        with pytest.raises(RuntimeError, match="MOTO_ACM_VALIDATION_WAIT=0"):
            seed_demo(boto3.Session(), now=datetime.now(UTC))


# --------------------------------------------------------------------------- moto quirks
# Each pins a moto 5.2.5 behaviour the seed works around (see the module docstring).


def test_moto_quirk_request_ignores_key_algorithm_and_validation(
    seeded: tuple[boto3.Session, DemoPlan],
) -> None:
    _, plan = seeded
    session = boto3.Session()  # raw moto: these tests pin moto's own behaviour
    acm = session.client("acm", region_name=SOURCE)
    api = acm.describe_certificate(CertificateArn=plan.arn(SOURCE, "cert:api.example.com"))
    assert api["Certificate"]["KeyAlgorithm"] == "RSA_2048"  # requested EC_prime256v1
    legacy_arn = plan.arn(TARGET, "cert:legacy.example.com")
    legacy = session.client("acm", region_name=TARGET).describe_certificate(
        CertificateArn=legacy_arn
    )["Certificate"]
    assert legacy["Status"] == "ISSUED"  # requested with EMAIL validation
    assert {o["ValidationMethod"] for o in legacy["DomainValidationOptions"]} == {"DNS"}


def test_moto_quirk_default_list_returns_ec(seeded: tuple[boto3.Session, DemoPlan]) -> None:
    session = boto3.Session()  # raw moto: these tests pin moto's own behaviour
    listed = session.client("acm", region_name=SOURCE).list_certificates()
    domains = {c["DomainName"] for c in listed["CertificateSummaryList"]}
    assert "pay.example.com" in domains  # AWS would hide this EC_prime256v1 certificate


def test_moto_quirk_replicate_key_shallow_copy(fresh: boto3.Session) -> None:
    kms_src = fresh.client("kms", region_name=SOURCE)
    kms_tgt = fresh.client("kms", region_name=TARGET)
    key_id = kms_src.create_key(MultiRegion=True)["KeyMetadata"]["KeyId"]
    response = kms_src.replicate_key(
        KeyId=key_id,
        ReplicaRegion=TARGET,
        Policy=json.dumps({"Version": "2012-10-17", "Statement": []}),
        Tags=[{"TagKey": "Team", "TagValue": "payments"}],
    )
    meta = response["ReplicaKeyMetadata"]
    assert meta["Arn"].split(":")[3] == TARGET
    assert meta["MultiRegionConfiguration"]["MultiRegionKeyType"] == "PRIMARY"  # AWS: REPLICA
    # Policy and Tags of ReplicateKey are ignored.
    assert _policy(fresh, TARGET, key_id) == _policy(fresh, SOURCE, key_id)
    assert kms_tgt.list_resource_tags(KeyId=key_id)["Tags"] == []
    # Describing the replica flips the primary to REPLICA (shared dict).
    assert (
        kms_src.describe_key(KeyId=key_id)["KeyMetadata"]["MultiRegionConfiguration"][
            "MultiRegionKeyType"
        ]
        == "PRIMARY"
    )
    kms_tgt.describe_key(KeyId=key_id)
    assert (
        kms_src.describe_key(KeyId=key_id)["KeyMetadata"]["MultiRegionConfiguration"][
            "MultiRegionKeyType"
        ]
        == "REPLICA"
    )
    # The alias table is shared: an alias made in the source blocks the target's.
    kms_src.create_alias(AliasName="alias/shared", TargetKeyId=key_id)
    with pytest.raises(ClientError) as err:
        kms_tgt.create_alias(AliasName="alias/shared", TargetKeyId=key_id)
    assert err.value.response["Error"]["Code"] == "AlreadyExistsException"
    # GetKeyPolicy needs PolicyName.
    with pytest.raises(ClientError):
        kms_src.get_key_policy(KeyId=key_id)
