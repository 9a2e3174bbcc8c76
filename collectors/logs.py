"""CloudWatch Logs log groups of one Region: which exist, and the KMS key of each.

Items (AWS field names, as the API returns them):

``log_group`` (id ``logGroupName``)
    Each DescribeLogGroups entry as returned: logGroupName, arn (ends in ``:*``),
    logGroupArn, kmsKeyId (the ARN of the customer managed key the group's data is
    encrypted under; absent when the group uses CloudWatch Logs' own encryption),
    storedBytes, retentionInDays (absent: never expire), creationTime,
    metricFilterCount, logGroupClass, dataProtectionStatus, ... Read in pages.

Log events are never read (no GetLogEvents, FilterLogEvents or query).
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "logs"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"log_group": "logGroupName"}
PERMISSIONS = ("logs:DescribeLogGroups",)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    groups = clients.paginate("logs", "describe_log_groups", "logGroups", feeds=["log_group"])
    return {"log_group": [dict(group) for group in groups or []]}
