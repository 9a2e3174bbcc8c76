"""Route 53 hosted zones and their CNAME records (global: collected once per account).

Only what confirms ACM DNS validation: the ACM checks look for each target
certificate's validation CNAME (``DomainValidationOptions[].ResourceRecord``) in the
account's public hosted zones.

Items (AWS field names, as the APIs return them):

``hosted_zone`` (id ``Id``)
    Each ListHostedZones entry: Id (``/hostedzone/Z...``), Name (trailing dot),
    CallerReference, Config{Comment, PrivateZone}, ResourceRecordSetCount.

``record`` (id ``Id``, synthesized)
    Each ListResourceRecordSets entry of Type CNAME, as returned (Name with its trailing
    dot and Route 53's ``\\DDD`` escapes, Type, TTL, ResourceRecords[{Value}],
    SetIdentifier, AliasTarget, ...) plus ``HostedZoneId`` and ``PrivateZone`` (the zone's
    ``Config.PrivateZone``: ACM validates through public DNS only). Route 53 has no id
    for a record set, so ``Id`` is ``<HostedZoneId>/<Name>`` with ``#<SetIdentifier>``
    appended for weighted/latency/... sets, which share a name: unique in the account.

Records of a zone whose listing fails are absent and the error is recorded against
``record``, so checks over records give ERROR rather than a false "missing".
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "route53"
GLOBAL = True
LOCAL = False
RESOURCE_TYPES = {"hosted_zone": "Id", "record": "Id"}
PERMISSIONS = ("route53:ListHostedZones", "route53:ListResourceRecordSets")
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}


def record_id(zone_id: str, record: dict[str, Any]) -> str:
    rid = f"{zone_id}/{record.get('Name')}"
    if record.get("SetIdentifier"):
        rid += f"#{record['SetIdentifier']}"
    return rid


def _records(clients: Clients, zone: dict[str, Any]) -> list[dict[str, Any]]:
    zone_id = str(zone["Id"])
    found = clients.paginate(
        "route53",
        "list_resource_record_sets",
        "ResourceRecordSets",
        feeds=["record"],
        HostedZoneId=zone_id,
    )
    private = bool((zone.get("Config") or {}).get("PrivateZone", False))
    items = []
    for record in found or []:
        if record.get("Type") != "CNAME":
            continue
        item = dict(record)
        item["HostedZoneId"] = zone_id
        item["PrivateZone"] = private
        item["Id"] = record_id(zone_id, record)
        items.append(item)
    return items


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    zones = clients.paginate(
        "route53", "list_hosted_zones", "HostedZones", feeds=["hosted_zone", "record"]
    )
    per_zone = clients.map(lambda zone: _records(clients, zone), zones or [])
    records = [record for found in per_zone for record in found]
    return {"hosted_zone": [dict(z) for z in zones or []], "record": records}
