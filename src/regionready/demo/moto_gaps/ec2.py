"""Amazon EC2 (EBS): correct what moto (5.2.x) gets wrong for what regionready reads.

moto serves volumes and snapshots (CreateVolume, CreateSnapshot, CopySnapshot,
DescribeVolumes, DescribeSnapshots) and EBS encryption by default
(Enable/GetEbsEncryptionByDefault, ModifyEbsDefaultKmsKeyId), except:

* GetEbsDefaultKmsKeyId: not implemented (moto raises NotImplementedError although it
  keeps the key ModifyEbsDefaultKmsKeyId sets). Answered by a ``before-call`` hook:
  the key ARN set by ModifyEbsDefaultKmsKeyId, else, as AWS answers while the default
  is the AWS managed key, the alias ARN ``arn:aws:kms:<region>:<account>:alias/aws/ebs``.
* DescribeSnapshots ignores ``OwnerIds``: ``OwnerIds=["self"]`` lists moto's ~1,300
  public AMI snapshots of other owners too. AWS lists only the snapshots of the owners
  asked for (``self``: the caller's account; ``amazon``: OwnerAlias amazon). The
  after-call hook drops the others.
* DescribeSnapshots and DescribeVolumes ignore ``MaxResults``/``NextToken``: the
  after-call hooks page them (opaque ``NextToken``), so paginators and small pages are
  exercised.
* CreateSnapshot of an encrypted volume: moto's snapshot has no ``KmsKeyId``; AWS gives
  the snapshot the volume's key. The hook copies the volume's key to moto's snapshot.
* CopySnapshot:
  - without ``Description`` moto's copy has none; AWS writes
    ``[Copied <source snapshot id> from <source region>]``. The hook writes that.
  - ``Encrypted=True`` on an unencrypted source is ignored (moto copies the source's
    flag); AWS encrypts the copy, and also when encryption by default is on in the
    destination Region. The hook sets the flag.
  - an encrypted copy without ``KmsKeyId`` has no key in moto; AWS uses the destination
    Region's default EBS key (ModifyEbsDefaultKmsKeyId's, else the AWS managed key
    ``aws/ebs``). A ``KmsKeyId`` given as a key id or alias is kept as given by moto;
    AWS reports the key's ARN. The hook does both.
  - moto's copy reports the source snapshot's VolumeId; AWS gives copies the arbitrary
    VolumeId ``vol-ffffffff`` ("should not be used for any purpose"). The hook does too.
* CreateVolume: encryption by default is ignored (an unencrypted volume is made while it
  is on), a volume made from an encrypted snapshot gets no ``KmsKeyId``, and a
  ``KmsKeyId`` given as a key id or alias is kept as given. AWS encrypts the volume
  (with the Region's default EBS key), gives it the snapshot's key, and reports key
  ARNs. The hook corrects moto's volume and the CreateVolume answer.

Wherever moto's default key is the ``aws/ebs`` key moto made itself (labelled
KeyManager CUSTOMER), it is relabelled AWS, as the AWS managed key it stands for.

The corrections of stored state reach into moto's in-process backends, so they need
moto in this process (``mock_aws``); against a moto server only the paging and owner
filtering apply (and GetEbsDefaultKmsKeyId is left to the server).
"""

from __future__ import annotations

from types import SimpleNamespace
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
from regionready.demo.moto_gaps.accessanalyzer import (
    DEFAULT_ACCOUNT,
    Reply,
    moto_account,
    partition,
    reply,
)
from regionready.demo.moto_gaps.kms import aws_managed_key_arn

EBS_KEY_ALIAS = "alias/aws/ebs"
#: The volume id AWS gives every snapshot made by CopySnapshot.
COPIED_VOLUME_ID = "vol-ffffffff"
_ACCOUNT = "regionready_moto_gaps_account"


# --------------------------------------------------------------------- moto's state


def _ec2_backend(account: str, region: str) -> Any | None:
    with MOTO_LOCK:
        return moto_backend("ec2", account, region)


def _kms_backend(account: str, region: str) -> Any | None:
    with MOTO_LOCK:
        return moto_backend("kms", account, region)


def key_arn(account: str, region: str, key_id: str) -> str:
    """The ARN of the KMS key ``key_id`` names (key id, key ARN, alias name or alias
    ARN) in moto's KMS of account/Region (an ARN names its own); as given if unknown."""
    if key_id.startswith("arn:") and ":key/" in key_id:
        return key_id
    if key_id.startswith("arn:"):
        parts = key_id.split(":") + [""] * 6
        region, account = parts[3] or region, parts[4] or account
    kms = _kms_backend(account, region)
    if kms is None:
        return key_id
    with MOTO_LOCK:
        try:
            return str(kms.describe_key(key_id).arn)
        except Exception:  # moto's NotFoundException or a KeyError: AWS fails later
            return key_id


def _managed_ebs_key(account: str, region: str) -> str | None:
    """The ARN of the key behind ``alias/aws/ebs`` if it exists yet (never creates it)."""
    kms = _kms_backend(account, region)
    if kms is None:
        return None
    with MOTO_LOCK:
        if not kms.alias_exists(EBS_KEY_ALIAS):
            return None
        return str(kms.describe_key(EBS_KEY_ALIAS).arn)


def default_ebs_key(account: str, region: str) -> str | None:
    """The Region's default EBS key ARN, as an encrypted volume or copy without a key
    gets it: ModifyEbsDefaultKmsKeyId's key, else the AWS managed key ``aws/ebs``
    (created on first use, labelled KeyManager AWS)."""
    backend = _ec2_backend(account, region)
    if backend is None:
        return None
    current = str(backend.default_kms_key_id or "")
    if current and current != _managed_ebs_key(account, region):
        return current
    managed = aws_managed_key_arn(account, region, EBS_KEY_ALIAS)
    with MOTO_LOCK:
        backend.default_kms_key_id = managed or ""
    return managed


def _place(context: dict[str, Any]) -> tuple[str, str]:
    """(account, Region) of the request, as noted by ``_note_account``."""
    context = context or {}
    return str(context.get(_ACCOUNT) or DEFAULT_ACCOUNT), str(context.get("client_region"))


# --------------------------------------------------------------------- hooks


def _note_account(request_signer: Any, context: dict[str, Any], **_: Any) -> None:
    """before-call: keep the account moto serves this request for, for after-call."""
    context[_ACCOUNT] = moto_account(request_signer)


def _default_kms_key_id(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply | None:
    """before-call GetEbsDefaultKmsKeyId: moto lacks it."""
    account = moto_account(request_signer)
    region = str((context or {}).get("client_region"))
    backend = _ec2_backend(account, region)
    if backend is None:
        return None
    current = str(backend.default_kms_key_id or "")
    if current and current != _managed_ebs_key(account, region):
        return reply({"KmsKeyId": current})
    return reply({"KmsKeyId": f"arn:{partition(region)}:kms:{region}:{account}:{EBS_KEY_ALIAS}"})


def _created_volume(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call CreateVolume: encryption by default, the snapshot's key, key ARNs."""
    if is_error_answer(parsed):
        return
    account, region = _place(context)
    backend = _ec2_backend(account, region)
    if backend is None:
        return
    volume = backend.volumes.get(parsed.get("VolumeId"))
    if volume is None:
        return
    given = remembered_params(context).get("KmsKeyId")
    source = backend.snapshots.get(volume.snapshot_id) if volume.snapshot_id else None
    encrypted = bool(volume.encrypted or backend.ebs_encryption_by_default)
    key: str | None = None
    if given:
        key = key_arn(account, region, str(given))
        if key == _managed_ebs_key(account, region):
            key = aws_managed_key_arn(account, region, EBS_KEY_ALIAS) or key  # relabel
    elif source is not None and source.encrypted and source.kms_key_id:
        key = str(source.kms_key_id)
    elif encrypted:
        key = default_ebs_key(account, region)
    with MOTO_LOCK:
        volume.encrypted = encrypted
        volume.kms_key_id = key
    parsed["Encrypted"] = encrypted
    if key:
        parsed["KmsKeyId"] = key


def _created_snapshot(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call CreateSnapshot: the snapshot of an encrypted volume has its key."""
    if is_error_answer(parsed):
        return
    account, region = _place(context)
    backend = _ec2_backend(account, region)
    snapshot = None if backend is None else backend.snapshots.get(parsed.get("SnapshotId"))
    if snapshot is None or not snapshot.encrypted or snapshot.kms_key_id:
        return
    key = getattr(snapshot.volume, "kms_key_id", None)
    if key:
        with MOTO_LOCK:
            snapshot.kms_key_id = key
        parsed["KmsKeyId"] = key


def _copied_snapshot(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call CopySnapshot: AWS's description, encryption, key ARN and volume id."""
    if is_error_answer(parsed):
        return
    request = remembered_params(context)
    account, region = _place(context)
    backend = _ec2_backend(account, region)
    if backend is None:
        return
    copy = backend.snapshots.get(parsed.get("SnapshotId"))
    source_region = str(request.get("SourceRegion"))
    source_id = str(request.get("SourceSnapshotId"))
    origin = _ec2_backend(account, source_region)
    source = None if origin is None else origin.snapshots.get(source_id)
    if copy is None or source is None:
        return
    encrypted = bool(
        source.encrypted
        or request.get("Encrypted")
        or request.get("KmsKeyId")
        or backend.ebs_encryption_by_default
    )
    key = None
    if encrypted and request.get("KmsKeyId"):
        key = key_arn(account, region, str(request["KmsKeyId"]))
        if key == _managed_ebs_key(account, region):
            key = aws_managed_key_arn(account, region, EBS_KEY_ALIAS) or key  # relabel
    elif encrypted:
        key = default_ebs_key(account, region)
    with MOTO_LOCK:
        if not request.get("Description"):
            copy.description = f"[Copied {source_id} from {source_region}]"
        copy.encrypted = encrypted
        copy.kms_key_id = key
        copy.volume = SimpleNamespace(id=COPIED_VOLUME_ID, size=source.volume.size)


def _owned_snapshots(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call DescribeSnapshots: only the owners asked for, then paging."""
    if is_error_answer(parsed):
        return
    request = remembered_params(context)
    owners = [str(o) for o in request.get("OwnerIds") or []]
    if owners and isinstance(parsed.get("Snapshots"), list):
        account, _region = _place(context)
        wanted = {account if o == "self" else o for o in owners}
        parsed["Snapshots"] = [
            s
            for s in parsed["Snapshots"]
            if s.get("OwnerId") in wanted
            or ("amazon" in wanted and s.get("OwnerAlias") == "amazon")
        ]
    page_answer(
        parsed,
        request,
        items="Snapshots",
        limit="MaxResults",
        token_in="NextToken",
        token_out="NextToken",
    )


def _page_volumes(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call DescribeVolumes: paging."""
    if not is_error_answer(parsed):
        page_answer(
            parsed,
            remembered_params(context),
            items="Volumes",
            limit="MaxResults",
            token_in="NextToken",
            token_out="NextToken",
        )


_AFTER: dict[str, Handler] = {
    "CreateVolume": _created_volume,
    "CreateSnapshot": _created_snapshot,
    "CopySnapshot": _copied_snapshot,
    "DescribeSnapshots": _owned_snapshots,
    "DescribeVolumes": _page_volumes,
}

HANDLERS: tuple[tuple[str, Handler], ...] = (
    tuple((f"before-parameter-build.ec2.{operation}", remember_params) for operation in _AFTER)
    + tuple((f"before-call.ec2.{operation}", _note_account) for operation in _AFTER)
    + (("before-call.ec2.GetEbsDefaultKmsKeyId", _default_kms_key_id),)
    + tuple((f"after-call.ec2.{operation}", fix) for operation, fix in _AFTER.items())
)
