"""Amazon SNS topics of one Region: which exist, and the KMS key of each.

Items (AWS field names, as the APIs return them):

``topic`` (id ``TopicArn``)
    ``{TopicArn}`` of each ListTopics entry (read in pages, 100 a page: the API takes no
    page size) plus ``KmsMasterKeyId`` from GetTopicAttributes, only when the topic has
    server-side encryption (the key as it was given: key id, key ARN, alias name or
    alias ARN; ``alias/aws/sns`` for the AWS managed key); absent otherwise. No other
    attribute is kept (Policy, DeliveryPolicy, subscription counts, ...). Topics are
    read concurrently (``clients.map``). If GetTopicAttributes fails for a topic, the
    item stays ``{TopicArn}`` and the error is recorded against ``topic.KmsMasterKeyId``
    of that topic.

No message is published or read, no subscription is listed.
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "sns"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"topic": "TopicArn"}
PERMISSIONS = ("sns:ListTopics", "sns:GetTopicAttributes")
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}

#: The only attribute kept.
KEPT_ATTRIBUTE = "KmsMasterKeyId"


def _topic(clients: Clients, entry: dict[str, Any]) -> dict[str, Any]:
    arn = str(entry["TopicArn"])
    item: dict[str, Any] = {"TopicArn": arn}
    answer = clients.call(
        "sns",
        "get_topic_attributes",
        feeds=[f"topic.{KEPT_ATTRIBUTE}"],
        about={"topic": [arn]},
        TopicArn=arn,
    )
    attributes = (answer or {}).get("Attributes") or {}
    if KEPT_ATTRIBUTE in attributes:
        item[KEPT_ATTRIBUTE] = attributes[KEPT_ATTRIBUTE]
    return item


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    listed = clients.paginate("sns", "list_topics", "Topics", feeds=["topic"]) or []
    return {"topic": clients.map(lambda entry: _topic(clients, entry), listed)}
