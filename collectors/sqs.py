"""Amazon SQS queues of one Region: which exist, and how each is encrypted at rest.

Items (AWS attribute names, values as AWS returns them: strings):

``queue`` (id ``QueueUrl``)
    ``{QueueUrl}`` of each ListQueues entry (read in pages) plus the attributes
    GetQueueAttributes returns for it among
    ``QueueArn``                      the queue's ARN
    ``KmsMasterKeyId``                SSE-KMS: the key as it was given (key id, key ARN,
                                      alias name or alias ARN; ``alias/aws/sqs`` for the
                                      AWS managed key); absent without SSE-KMS
    ``KmsDataKeyReusePeriodSeconds``  SSE-KMS only, e.g. ``"300"``
    ``SqsManagedSseEnabled``          ``"true"`` for SSE-SQS, ``"false"`` otherwise
    each under its AWS name as a field of the item (an attribute AWS does not return is
    absent). Queues are read concurrently (``clients.map``). If GetQueueAttributes fails
    for a queue, that item stays ``{QueueUrl}`` and the error is recorded against those
    four fields of that queue.

No message is ever read: no ReceiveMessage, no other attribute (Policy, counts, ...).
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "sqs"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"queue": "QueueUrl"}
PERMISSIONS = ("sqs:ListQueues", "sqs:GetQueueAttributes")
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}

#: The only attributes asked for (and so the only ones kept).
ATTRIBUTES = (
    "QueueArn",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "SqsManagedSseEnabled",
)


def _queue(clients: Clients, url: str) -> dict[str, Any]:
    item: dict[str, Any] = {"QueueUrl": url}
    answer = clients.call(
        "sqs",
        "get_queue_attributes",
        feeds=[f"queue.{name}" for name in ATTRIBUTES],
        about={"queue": [url]},
        QueueUrl=url,
        AttributeNames=list(ATTRIBUTES),
    )
    if answer is not None:
        attributes = answer.get("Attributes") or {}
        item.update({name: attributes[name] for name in ATTRIBUTES if name in attributes})
    return item


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    # ListQueues answers bare URLs (strings), not objects.
    urls: list[Any] = clients.paginate("sqs", "list_queues", "QueueUrls", feeds=["queue"]) or []
    return {"queue": clients.map(lambda url: _queue(clients, str(url)), urls)}
