"""KMS: answers as AWS does where moto differs (see the package docstring)."""

from __future__ import annotations

from typing import Any

from regionready.demo.moto_gaps._common import (
    Handler,
    is_error_answer,
    moto_backend,
    page_answer,
    remember_params,
    remembered_params,
)
from regionready.demo.moto_gaps._serial import MOTO_LOCK
from regionready.engine.functions import arn_region


def _moto_kms(region: str, key_ref: str) -> tuple[Any, Any] | None:
    """(moto backend, moto key) for a key id, key ARN, alias name or alias ARN in a Region
    of this process's moto; None when moto is not in-process or does not hold the key."""
    try:
        from moto.kms.models import kms_backends
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return None
    ref = str(key_ref)
    if ":alias/" in ref:
        ref = "alias/" + ref.split(":alias/", 1)[1]
    elif ":key/" in ref:
        ref = ref.split(":key/", 1)[1]
    for by_region in list(kms_backends.values()):
        backend = dict.get(by_region, region)  # plain get: never create a backend
        if backend is None:
            continue
        if ref in backend.keys:
            return backend, backend.keys[ref]
        for key in list(backend.keys.values()):
            if ref in key.aliases:
                return backend, key
    return None


def _is_replica(key: Any) -> bool:
    if not key.multi_region:
        return False
    config: dict[str, Any] = key.multi_region_configuration
    return bool(key.arn != config["PrimaryKey"]["Arn"])


def _kms_fix_metadata(meta: Any) -> None:
    if not isinstance(meta, dict):
        return
    meta.setdefault("MultiRegion", False)
    spec = str(meta.get("KeySpec") or "")
    meta.setdefault(
        "KeyUsage", "GENERATE_VERIFY_MAC" if spec.startswith("HMAC_") else "ENCRYPT_DECRYPT"
    )
    config = meta.get("MultiRegionConfiguration")
    region = arn_region(meta.get("Arn"))
    if isinstance(config, dict) and region and "PrimaryKey" in config:
        primary = config["PrimaryKey"].get("Region")
        config["MultiRegionKeyType"] = "PRIMARY" if primary == region else "REPLICA"


def _kms_metadata(parsed: Any, **_: Any) -> None:
    """after-call CreateKey/DescribeKey/ReplicateKey: per-Region MultiRegionKeyType,
    MultiRegion and KeyUsage always present."""
    if not is_error_answer(parsed):
        _kms_fix_metadata(parsed.get("KeyMetadata"))
        _kms_fix_metadata(parsed.get("ReplicaKeyMetadata"))


def _kms_replicate(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call ReplicateKey: give moto's replica its own aliases, grants, policy,
    description and tags, as AWS does."""
    if is_error_answer(parsed) or not isinstance(parsed.get("ReplicaKeyMetadata"), dict):
        return
    meta = parsed["ReplicaKeyMetadata"]
    region = arn_region(meta.get("Arn"))
    found = _moto_kms(region, str(meta.get("KeyId"))) if region else None
    if found is None:
        return
    backend, key = found
    request = remembered_params(context)
    key.aliases = {}
    key.grants = {}
    key.policy = request.get("Policy") or key.generate_default_policy()
    key.description = request.get("Description") or ""
    if request.get("Tags"):
        backend.tagger.tag_resource(key.id, request["Tags"])
    meta["Description"] = key.description
    parsed["ReplicaPolicy"] = key.policy
    parsed["ReplicaTags"] = list(request.get("Tags") or [])


def _kms_aliases(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call ListAliases: this Region's aliases only, no made-up TargetKeyId, paging."""
    if is_error_answer(parsed):
        return
    region = (context or {}).get("client_region")
    try:
        from moto.kms.utils import RESERVED_ALIASE_TARGET_KEY_IDS as placeholders
    except ImportError:  # pragma: no cover
        placeholders = {}
    kept = []
    for alias in parsed.get("Aliases") or []:
        if region and arn_region(alias.get("AliasArn")) not in (None, region):
            continue
        if placeholders.get(alias.get("AliasName")) == alias.get("TargetKeyId"):
            alias.pop("TargetKeyId", None)
        kept.append(alias)
    parsed["Aliases"] = kept
    page_answer(
        parsed,
        remembered_params(context),
        items="Aliases",
        limit="Limit",
        token_in="Marker",
        token_out="NextMarker",
        truncated="Truncated",
    )


def _kms_keys(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call ListKeys: paging."""
    if not is_error_answer(parsed):
        page_answer(
            parsed,
            remembered_params(context),
            items="Keys",
            limit="Limit",
            token_in="Marker",
            token_out="NextMarker",
            truncated="Truncated",
        )


#: Where the rotation period given to EnableKeyRotation is kept on moto's key.
_PERIOD = "regionready_rotation_period_in_days"
#: AWS's period when EnableKeyRotation names none.
DEFAULT_ROTATION_PERIOD = 365


def _kms_enable_rotation(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call EnableKeyRotation: keep the RotationPeriodInDays asked for (moto ignores
    it; AWS keeps it, 365 when none is given)."""
    region = (context or {}).get("client_region")
    request = remembered_params(context)
    if is_error_answer(parsed) or not region or not request.get("KeyId"):
        return
    found = _moto_kms(region, str(request["KeyId"]))
    if found is not None:
        period = request.get("RotationPeriodInDays") or DEFAULT_ROTATION_PERIOD
        setattr(found[1], _PERIOD, int(period))


def _kms_rotation(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call GetKeyRotationStatus: a replica reports its primary's (shared) flag and
    period; a key pending deletion reports false; a rotating key reports its
    RotationPeriodInDays (moto never does)."""
    region = (context or {}).get("client_region")
    key_ref = remembered_params(context).get("KeyId")
    if is_error_answer(parsed) or not region or not key_ref:
        return
    found = _moto_kms(region, str(key_ref))
    if found is None:
        return
    key = owner = found[1]
    if _is_replica(key):
        primary = key.multi_region_configuration["PrimaryKey"]
        source = _moto_kms(primary["Region"], key.id)
        if source is not None:
            owner = source[1]
            parsed["KeyRotationEnabled"] = bool(owner.key_rotation_status)
    if key.key_state == "PendingDeletion":
        parsed["KeyRotationEnabled"] = False
    if parsed.get("KeyRotationEnabled"):
        parsed["RotationPeriodInDays"] = int(getattr(owner, _PERIOD, DEFAULT_ROTATION_PERIOD))
    else:
        parsed.pop("RotationPeriodInDays", None)


def aws_managed_key(kms_client: Any, alias_name: str = "alias/aws/s3") -> str:
    """Create the AWS managed key behind a predefined ``alias/aws/*`` alias; its key id.

    moto creates that key on first use of the alias (as AWS does) but labels it
    ``KeyManager: CUSTOMER``; this relabels it ``AWS``. Needs moto in-process.
    """
    key_id = str(kms_client.describe_key(KeyId=alias_name)["KeyMetadata"]["KeyId"])
    found = _moto_kms(kms_client.meta.region_name, key_id)
    if found is None:
        raise RuntimeError("aws_managed_key needs moto running in this process (mock_aws)")
    key = found[1]
    key.key_manager = "AWS"
    service = alias_name.rsplit("/", 1)[-1]
    key.description = f"Default key that protects my {service} data when no other key is defined"
    return key_id


HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("before-parameter-build.kms.ListAliases", remember_params),
    ("before-parameter-build.kms.ListKeys", remember_params),
    ("before-parameter-build.kms.ReplicateKey", remember_params),
    ("before-parameter-build.kms.GetKeyRotationStatus", remember_params),
    ("before-parameter-build.kms.EnableKeyRotation", remember_params),
    ("after-call.kms.CreateKey", _kms_metadata),
    ("after-call.kms.DescribeKey", _kms_metadata),
    ("after-call.kms.ReplicateKey", _kms_replicate),
    ("after-call.kms.ReplicateKey", _kms_metadata),
    ("after-call.kms.ListAliases", _kms_aliases),
    ("after-call.kms.ListKeys", _kms_keys),
    ("after-call.kms.EnableKeyRotation", _kms_enable_rotation),
    ("after-call.kms.GetKeyRotationStatus", _kms_rotation),
)


def aws_managed_key_arn(account: str, region: str, alias_name: str) -> str | None:
    """The ARN of the AWS managed key behind ``alias_name`` (``alias/aws/ecr``) in moto's
    in-process KMS, created on first use as AWS does and labelled KeyManager AWS (moto
    says CUSTOMER); None without moto in this process."""
    with MOTO_LOCK:
        backend = moto_backend("kms", account, region)
        if backend is None:
            return None
        key_id = backend.get_key_id_from_alias(alias_name)  # moto knows a few of them
        if key_id is None:
            key_id = backend.create_key(None, "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", "", None).id
            backend.create_alias(key_id, alias_name)
        key = backend.keys[key_id]
        key.key_manager = "AWS"
        service = alias_name.rsplit("/", 1)[-1]
        key.description = (
            f"Default key that protects my {service} data when no other key is defined"
        )
        return str(key.arn)
