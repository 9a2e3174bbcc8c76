"""EventBridge rules of one Region's default event bus.

AWS services (ACM, Access Analyzer, GuardDuty, Security Hub, KMS, ...) deliver their
events to the default event bus only, so that is the bus the checks read: ACM-016
(a rule on "ACM Certificate Approaching Expiration") and GEN-003 (security-event rules
present in the source and missing in the target).

Items (AWS field names, as the APIs return them):

``rule`` (id ``Arn``)
    Each ListRules entry: Name, Arn, EventPattern (the pattern as a JSON *string*;
    absent for scheduled rules), ScheduleExpression, State (ENABLED, DISABLED,
    ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS), EventBusName, Description,
    ManagedBy, RoleArn.
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "events"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"rule": "Arn"}
PERMISSIONS = ("events:ListRules",)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    rules = clients.paginate("events", "list_rules", "Rules", feeds=["rule"])
    return {"rule": [dict(r) for r in rules or []]}
