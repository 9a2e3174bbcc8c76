"""S3: answer ListBuckets and GetBucketReplication as AWS does where moto 5.2 differs.

ListBuckets
  * moto honours ``BucketRegion`` (and ``Prefix``) but never returns a bucket's
    ``BucketRegion``; AWS includes it in every entry when the request has at least one
    parameter (botocore model ``Bucket.BucketRegion``). Added, from moto's own bucket
    record (else the ``BucketRegion`` asked for).
  * ``MaxBuckets`` cuts moto's answer short with no ``ContinuationToken``, so a paginator
    silently loses every bucket after the first page; ``ContinuationToken`` is ignored.
    The hooks send moto neither, then page the whole answer themselves (opaque
    ``ContinuationToken``), in AWS's order (by bucket name).

GetBucketReplication
  * moto rewrites every rule it returns: ``SourceSelectionCriteria`` (whether SSE-KMS
    encrypted objects are replicated) and ``ExistingObjectReplication`` are dropped, the
    ``Filter`` becomes ``{Prefix: ""}`` whatever was given (a V1 rule's ``Prefix`` too),
    and ``DeleteMarkerReplication`` always says Disabled. AWS returns the configuration as
    it was put. The hooks keep PutBucketReplication's ``ReplicationConfiguration`` as
    given, on moto's bucket record, and answer GetBucketReplication with it (rule ``ID``s
    that were not given are the ones moto generated, as AWS generates them). Only when
    moto itself answers: a bucket without replication still fails with
    ``ReplicationConfigurationNotFoundError``, as on AWS.

Not corrected: GetBucketEncryption fails with
``ServerSideEncryptionConfigurationNotFoundError`` for a bucket whose default encryption
was never put; since January 2023 AWS answers SSE-S3 (``AES256``) for every general
purpose bucket. The ACM and S3 collectors read that answer as a fact (no configuration:
null), and the ACM collector's tests and demo checks rely on moto's answer, so it is
left as it is.

The hooks that read moto's bucket records need moto in-process (``mock_aws``); against a
moto server ``BucketRegion`` comes from the request alone and replication is moto's.
"""

from __future__ import annotations

import copy
from typing import Any

from regionready.demo.moto_gaps._common import (
    Handler,
    is_error_answer,
    page_answer,
    remember_params,
    remembered_params,
)

_AS_GIVEN = "_regionready_replication_as_given"
#: ListBuckets parameters; with any of them AWS returns each bucket's BucketRegion.
LIST_PARAMETERS = ("MaxBuckets", "ContinuationToken", "Prefix", "BucketRegion")


def _moto_bucket(name: Any) -> Any:
    """moto's in-process record of bucket ``name`` (any account), or None."""
    try:
        from moto.s3.models import s3_backends
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return None
    owner = s3_backends.bucket_accounts.get(str(name))
    if owner is None:
        return None
    partition, account = owner
    by_partition = dict.get(s3_backends, account)  # plain get: never create a backend
    backend = dict.get(by_partition, partition) if by_partition is not None else None
    return backend.buckets.get(str(name)) if backend is not None else None


def _list_params(params: dict[str, Any], context: dict[str, Any], **kwargs: Any) -> None:
    """before-parameter-build ListBuckets: keep the request, send moto no paging."""
    remember_params(params, context, **kwargs)
    params.pop("MaxBuckets", None)
    params.pop("ContinuationToken", None)


def _list(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call ListBuckets: BucketRegion in every entry, AWS's order, paging."""
    if is_error_answer(parsed):
        return
    request = remembered_params(context)
    buckets = sorted(parsed.get("Buckets") or [], key=lambda b: str(b.get("Name")))
    if any(request.get(name) is not None for name in LIST_PARAMETERS):
        for bucket in buckets:
            found = _moto_bucket(bucket.get("Name"))
            region = getattr(found, "region_name", None) or request.get("BucketRegion")
            if region and "BucketRegion" not in bucket:
                bucket["BucketRegion"] = region
    parsed["Buckets"] = buckets
    page_answer(
        parsed,
        request,
        items="Buckets",
        limit="MaxBuckets",
        token_in="ContinuationToken",
        token_out="ContinuationToken",
    )


def _put_replication(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call PutBucketReplication: keep the configuration as given on the bucket."""
    if is_error_answer(parsed):
        return
    request = remembered_params(context)
    bucket = _moto_bucket(request.get("Bucket"))
    config = request.get("ReplicationConfiguration")
    if bucket is not None and isinstance(config, dict):
        bucket.__dict__[_AS_GIVEN] = copy.deepcopy(config)


def _get_replication(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call GetBucketReplication: the configuration as it was put."""
    if is_error_answer(parsed) or not isinstance(parsed.get("ReplicationConfiguration"), dict):
        return
    bucket = _moto_bucket(remembered_params(context).get("Bucket"))
    given = getattr(bucket, "__dict__", {}).get(_AS_GIVEN)
    if not isinstance(given, dict):
        return
    answer = copy.deepcopy(given)
    moto_rules = parsed["ReplicationConfiguration"].get("Rules") or []
    for rule, moto_rule in zip(answer.get("Rules") or [], moto_rules, strict=False):
        if "ID" not in rule and moto_rule.get("ID"):
            rule["ID"] = moto_rule["ID"]
    parsed["ReplicationConfiguration"] = answer


HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("before-parameter-build.s3.ListBuckets", _list_params),
    ("after-call.s3.ListBuckets", _list),
    ("before-parameter-build.s3.PutBucketReplication", remember_params),
    ("after-call.s3.PutBucketReplication", _put_replication),
    ("before-parameter-build.s3.GetBucketReplication", remember_params),
    ("after-call.s3.GetBucketReplication", _get_replication),
)
