"""CloudTrail: LookupEvents (event history), which moto 5.2.5 does not implement.

moto raises ``NotImplementedError`` for ``lookup_events``. The ``before-call`` hook here
answers it from a small event store with the real response shape (botocore service
model ``cloudtrail`` 2013-11-01: ``{Events: [{EventId, EventName, ReadOnly,
AccessKeyId, EventTime, EventSource, Username, Resources, CloudTrailEvent}],
NextToken}``), as AWS does:

* events of the account and Region the client calls (event history is per Region:
  an event is recorded where it was served, its ``awsRegion``), newest first, within
  the last 90 days;
* ``LookupAttributes`` (at most one: ``InvalidLookupAttributesException`` otherwise)
  filters on EventId, EventName, ReadOnly, Username, ResourceType, ResourceName,
  EventSource or AccessKeyId; ``StartTime``/``EndTime`` bound EventTime
  (``InvalidTimeRangeException`` when start is after end); ``MaxResults`` 1-50
  (default 50, ``InvalidMaxResultsException`` otherwise) and ``NextToken`` page;
  ``EventCategory: insight`` returns no events (no Insights events are planted);
* ``CloudTrailEvent`` is the JSON *string* of the full record.

Tests and the demo plant events with :func:`record_sts_call` (an STS API call with the
host the client named in ``tlsDetails.clientProvidedHostHeader``: ``sts.amazonaws.com``
for the global endpoint, ``sts.<region>.amazonaws.com`` for a regional one; the
``eventSource`` is ``sts.amazonaws.com`` for both) or :func:`record_event` (any
record). The store lives per (account, Region) on moto's own in-process CloudTrail
backend, so a new ``mock_aws`` starts empty; without moto in-process it falls back to a
module-level store.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.utils import parse_timestamp

from regionready.demo.moto_gaps._common import Handler, remember_params, remembered_params
from regionready.demo.moto_gaps.account import account_of

HISTORY_DAYS = 90
ATTRIBUTE_KEYS = {
    "EventId",
    "EventName",
    "ReadOnly",
    "Username",
    "ResourceType",
    "ResourceName",
    "EventSource",
    "AccessKeyId",
}
_TOKEN = "moto-gaps:"
_ATTR = "_regionready_lookup_events"
_fallback: dict[tuple[str, str], list[dict[str, Any]]] = {}
_lock = threading.Lock()


def _events(account_id: str, region: str) -> list[dict[str, Any]]:
    """The planted events of one account and Region (moto's backend holds them)."""
    try:
        from moto.cloudtrail.models import cloudtrail_backends

        backend = cloudtrail_backends[account_id][region]
    except (ImportError, KeyError):  # pragma: no cover - moto not in-process
        return _fallback.setdefault((account_id, region), [])
    found: list[dict[str, Any]] = backend.__dict__.setdefault(_ATTR, [])
    return found


def _utc(value: Any) -> dt.datetime:
    when = value if isinstance(value, dt.datetime) else parse_timestamp(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).replace(microsecond=0)  # CloudTrail keeps seconds


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def record_event(
    account_id: str,
    region: str,
    *,
    event_name: str,
    event_source: str,
    event_time: dt.datetime,
    cloudtrail_event: dict[str, Any],
    username: str | None = None,
    read_only: bool = False,
    access_key_id: str | None = None,
    resources: list[dict[str, str]] | None = None,
    event_id: str | None = None,
) -> str:
    """Plant one event in the history of ``region``; returns its EventId."""
    event_id = event_id or str(uuid.uuid4())
    entry: dict[str, Any] = {
        "EventId": event_id,
        "EventName": event_name,
        "ReadOnly": "true" if read_only else "false",
        "EventTime": _utc(event_time),
        "EventSource": event_source,
        "Resources": list(resources or []),
        "CloudTrailEvent": json.dumps({**cloudtrail_event, "eventID": event_id}),
    }
    if username is not None:
        entry["Username"] = username
    if access_key_id is not None:
        entry["AccessKeyId"] = access_key_id
    with _lock:
        _events(account_id, region).append(entry)
    return event_id


def record_sts_call(
    account_id: str,
    region: str,
    *,
    endpoint: str = "regional",
    event_time: dt.datetime,
    event_name: str = "AssumeRole",
    username: str = "deploy-bot",
    role_arn: str | None = None,
    user_agent: str = "aws-cli/1.18.69 Python/3.8.10 botocore/1.17.12",
    source_ip: str = "203.0.113.10",
) -> str:
    """Plant an STS call served in ``region``; returns its EventId.

    ``endpoint`` is ``"global"`` (the client named ``sts.amazonaws.com``) or
    ``"regional"`` (``sts.<region>.amazonaws.com``). Either way ``eventSource`` is
    ``sts.amazonaws.com`` and ``awsRegion`` is ``region``.
    """
    if endpoint not in ("global", "regional"):
        raise ValueError("endpoint must be 'global' or 'regional'")
    host = "sts.amazonaws.com" if endpoint == "global" else f"sts.{region}.amazonaws.com"
    when = _utc(event_time)
    role_arn = role_arn or f"arn:aws:iam::{account_id}:role/{username}"
    request_parameters: dict[str, Any] | None = None
    resources: list[dict[str, str]] = []
    if event_name == "AssumeRole":
        request_parameters = {"roleArn": role_arn, "roleSessionName": username}
        resources = [{"ResourceType": "AWS::IAM::Role", "ResourceName": role_arn}]
    record = {
        "eventVersion": "1.08",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLEPRINCIPAL",
            "arn": f"arn:aws:iam::{account_id}:user/{username}",
            "accountId": account_id,
            "userName": username,
        },
        "eventTime": _iso(when),
        "eventSource": "sts.amazonaws.com",
        "eventName": event_name,
        "awsRegion": region,
        "sourceIPAddress": source_ip,
        "userAgent": user_agent,
        "requestParameters": request_parameters,
        "responseElements": None,
        "requestID": str(uuid.uuid4()),
        "readOnly": event_name.startswith("Get"),
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account_id,
        "eventCategory": "Management",
        "tlsDetails": {
            "tlsVersion": "TLSv1.3",
            "cipherSuite": "TLS_AES_128_GCM_SHA256",
            "clientProvidedHostHeader": host,
        },
    }
    return record_event(
        account_id,
        region,
        event_name=event_name,
        event_source="sts.amazonaws.com",
        event_time=when,
        cloudtrail_event=record,
        username=username,
        read_only=event_name.startswith("Get"),
        resources=resources,
    )


def _response(status: int = 200) -> AWSResponse:
    return AWSResponse("https://cloudtrail.amazonaws.com/", status, {}, None)


def _error(code: str, message: str) -> tuple[AWSResponse, dict[str, Any]]:
    return _response(400), {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": 400},
    }


def _matches(event: dict[str, Any], key: str, value: str) -> bool:
    if key in ("ResourceType", "ResourceName"):
        return any(r.get(key) == value for r in event.get("Resources", []))
    return event.get(key) == value


def _lookup_events(
    context: dict[str, Any], request_signer: Any = None, **_: Any
) -> tuple[AWSResponse, dict[str, Any]]:
    """before-call LookupEvents: the planted history of this account and Region."""
    request = remembered_params(context)
    region = str((context or {}).get("client_region") or "us-east-1")
    attributes = request.get("LookupAttributes") or []
    if len(attributes) > 1:
        return _error(
            "InvalidLookupAttributesException", "You can only specify one lookup attribute."
        )
    for attribute in attributes:
        if attribute.get("AttributeKey") not in ATTRIBUTE_KEYS:
            return _error("InvalidLookupAttributesException", "Invalid AttributeKey")
    size = int(request.get("MaxResults") or 50)
    if not 1 <= size <= 50:
        return _error("InvalidMaxResultsException", "MaxResults must be between 1 and 50")
    now = dt.datetime.now(dt.UTC)
    start = _utc(request["StartTime"]) if request.get("StartTime") else None
    end = _utc(request["EndTime"]) if request.get("EndTime") else None
    if start and end and start > end:
        return _error("InvalidTimeRangeException", "StartTime must be before EndTime")
    oldest = now - dt.timedelta(days=HISTORY_DAYS)
    if start is not None and start > oldest:
        oldest = start
    with _lock:
        planted = list(_events(account_of(request_signer), region))
    if request.get("EventCategory") == "insight":
        planted = []
    found = [
        e
        for e in planted
        if e["EventTime"] >= oldest
        and (end is None or e["EventTime"] <= end)
        and all(_matches(e, a["AttributeKey"], a.get("AttributeValue")) for a in attributes)
    ]
    found.sort(key=lambda e: (e["EventTime"], e["EventId"]), reverse=True)
    token = request.get("NextToken")
    offset = 0
    if token is not None:
        if not str(token).startswith(_TOKEN) or not str(token)[len(_TOKEN) :].isdigit():
            return _error("InvalidNextTokenException", "Invalid NextToken")
        offset = int(str(token)[len(_TOKEN) :])
    page = [dict(e, Resources=[dict(r) for r in e["Resources"]]) for e in found[offset:][:size]]
    parsed: dict[str, Any] = {"Events": page, "ResponseMetadata": {"HTTPStatusCode": 200}}
    if offset + size < len(found):
        parsed["NextToken"] = f"{_TOKEN}{offset + size}"
    return _response(), parsed


HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("before-parameter-build.cloudtrail.LookupEvents", remember_params),
    ("before-call.cloudtrail.LookupEvents", _lookup_events),
)
