"""CloudTrail trails that log one Region, and the STS calls in its event history.

Items (AWS field names, as the APIs return them):

``trail`` (id ``TrailARN``)
    Each DescribeTrails entry with ``includeShadowTrails`` (so a multi-Region trail
    homed elsewhere, or an organization trail, appears in every Region it logs): Name,
    TrailARN, HomeRegion, IsMultiRegionTrail, IsOrganizationTrail, S3BucketName, ...
    plus ``Status``: the GetTrailStatus response (IsLogging, LatestDeliveryError, ...),
    asked by ARN (required for shadow and organization trails). If GetTrailStatus fails
    the error is recorded against ``trail`` and ``Status`` is absent.

``sts_event`` (id ``EventId``)
    LookupEvents entries with ``EventSource = sts.amazonaws.com`` from the last
    ``clients.options["cloudtrail_days"]`` days (default 7): EventId, EventName,
    EventTime, EventSource, Username, AccessKeyId, ReadOnly, Resources and
    ``CloudTrailEvent`` (the record as a JSON *string*: ``awsRegion`` is where the call
    was served, ``tlsDetails.clientProvidedHostHeader`` the host the client named,
    ``sts.amazonaws.com`` for the global endpoint). eventSource is sts.amazonaws.com
    for global and regional calls alike: only the host header tells them apart.

    Event history is rate-limited (2 requests per second per account and Region), so at
    most ``clients.options["cloudtrail_max_events"]`` events (default 1000, newest
    first) are read and paging stops there. The cap is a sample, not an error: it is
    not recorded, and rules over it read "at least one such call was seen".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from regionready.collect.clients import Clients

SERVICE = "cloudtrail"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"trail": "TrailARN", "sts_event": "EventId"}
PERMISSIONS = (
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:LookupEvents",
)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}

DEFAULT_DAYS = 7
DEFAULT_MAX_EVENTS = 1000
PAGE_SIZE = 50  # the LookupEvents maximum
STS_SOURCE = "sts.amazonaws.com"


def _trails(clients: Clients) -> list[dict[str, Any]]:
    described = clients.call(
        "cloudtrail", "describe_trails", feeds=["trail"], includeShadowTrails=True
    )

    def one(trail: dict[str, Any]) -> dict[str, Any]:
        item = dict(trail)
        status = clients.call(
            "cloudtrail", "get_trail_status", feeds=["trail"], Name=trail["TrailARN"]
        )
        if status is not None:
            item["Status"] = status
        return item

    return clients.map(one, (described or {}).get("trailList", []))


def _sts_events(clients: Clients) -> list[dict[str, Any]]:
    days = float(clients.options.get("cloudtrail_days", DEFAULT_DAYS))
    cap = int(clients.options.get("cloudtrail_max_events", DEFAULT_MAX_EVENTS))
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    events: list[dict[str, Any]] = []
    token: str | None = None
    while len(events) < cap:
        kwargs: dict[str, Any] = {
            "LookupAttributes": [{"AttributeKey": "EventSource", "AttributeValue": STS_SOURCE}],
            "StartTime": start,
            "MaxResults": min(PAGE_SIZE, cap - len(events)),
        }
        if token:
            kwargs["NextToken"] = token
        page = clients.call("cloudtrail", "lookup_events", feeds=["sts_event"], **kwargs)
        if page is None:
            return []  # the error is recorded: rules over sts_event give ERROR
        events.extend(dict(e) for e in page.get("Events", []))
        token = page.get("NextToken")
        if not token:
            break
    return events[:cap]


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    return {"trail": _trails(clients), "sts_event": _sts_events(clients)}
