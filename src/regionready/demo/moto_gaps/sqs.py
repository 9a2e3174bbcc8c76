"""Amazon SQS: answer as AWS does where moto 5.2 differs.

* SSE-KMS and SSE-SQS are exclusive in AWS: a queue encrypted with a KMS key
  (``KmsMasterKeyId`` set at CreateQueue or by SetQueueAttributes) reports
  ``SqsManagedSseEnabled: "false"``. moto gives every queue ``SqsManagedSseEnabled``
  true by default and never turns it off, so a queue with a KMS key reports both. The
  ``after-call`` hooks of CreateQueue and SetQueueAttributes turn SSE-SQS off on moto's
  stored queue whenever it has a KMS key, so GetQueueAttributes answers as AWS does.

moto keeps ``KmsMasterKeyId`` as given (key id, ARN or alias), answers
``KmsDataKeyReusePeriodSeconds`` (default ``"300"``) for SSE-KMS queues only, defaults
new queues to SSE-SQS (as AWS has since 2022) and pages ListQueues with
``MaxResults``/``NextToken``: nothing to correct there.

Not corrected: AWS rejects a CreateQueue or SetQueueAttributes that asks for both
``KmsMasterKeyId`` and ``SqsManagedSseEnabled: "true"``; moto accepts it (and the hook
then reports SSE-KMS only).

The hooks repair moto's in-process state (``moto.mock_aws``, as the tests and the demo
run it); outside ``mock_aws`` they do nothing.
"""

from __future__ import annotations

from typing import Any

from regionready.demo.moto_gaps._common import (
    Handler,
    is_error_answer,
    remember_params,
    remembered_params,
)


def _moto_queue(url: str, region: str) -> Any:
    """moto's queue for a queue URL (``https://sqs.<region>.../<account>/<name>``), or
    None when moto is not answering in this process or does not hold it."""
    try:
        from moto.core.models import botocore_stubber
        from moto.sqs.models import sqs_backends
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return None
    if not botocore_stubber.enabled:
        return None
    parts = url.rstrip("/").split("/")
    if len(parts) < 2:
        return None
    account, name = parts[-2], parts[-1]
    by_region = dict.get(sqs_backends, account)  # plain get: never create a backend
    backend = dict.get(by_region, region) if by_region is not None else None
    return backend.queues.get(name) if backend is not None else None


def _one_encryption(url: Any, context: dict[str, Any]) -> None:
    region = str((context or {}).get("client_region") or "us-east-1")
    queue = _moto_queue(str(url or ""), region)
    if queue is not None and getattr(queue, "kms_master_key_id", None):
        queue.sqs_managed_sse_enabled = False


def _sqs_created(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call CreateQueue: a queue with a KMS key is not SSE-SQS."""
    if not is_error_answer(parsed):
        _one_encryption(parsed.get("QueueUrl"), context)


def _sqs_set(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call SetQueueAttributes: a queue given a KMS key is no longer SSE-SQS."""
    if not is_error_answer(parsed):
        _one_encryption(remembered_params(context).get("QueueUrl"), context)


HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("before-parameter-build.sqs.SetQueueAttributes", remember_params),
    ("after-call.sqs.CreateQueue", _sqs_created),
    ("after-call.sqs.SetQueueAttributes", _sqs_set),
)
