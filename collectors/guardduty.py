"""Amazon GuardDuty detectors, their saved filters and administrator in one Region.

Items (AWS field names, as the APIs return them):

``detector`` (id ``DetectorId``)
    The GetDetector response (Status ENABLED|DISABLED, Features [{Name, Status,
    AdditionalConfiguration, UpdatedAt}], DataSources, FindingPublishingFrequency,
    ServiceRole, CreatedAt, UpdatedAt, Tags) plus ``DetectorId`` and the detector's
    entity lists and exports, which only exist under a detector:

    ``IPSets``                  GetIPSet of each ListIPSets id, plus ``IpSetId``
                                (Name, Format, Location, Status, Tags, ...)
    ``ThreatIntelSets``         GetThreatIntelSet of each ListThreatIntelSets id, plus
                                ``ThreatIntelSetId``
    ``PublishingDestinations``  DescribePublishingDestination of each
                                ListPublishingDestinations entry (DestinationId,
                                DestinationType, Status, DestinationProperties
                                {DestinationArn, KmsKeyArn}, Tags, ...)

    A list whose List call failed is absent (the error is recorded against ``detector``);
    a set or destination whose Get/Describe failed is kept with its id only.

``filter`` (id ``Name``)
    The GetFilter response of each ListFilters name (Name, Action NOOP|ARCHIVE, where
    ARCHIVE is a suppression rule, Rank, FindingCriteria, Description, Tags) plus
    ``DetectorId``. Filter names are unique per detector and a Region has at most one
    detector, so the name identifies a filter in its Region. Filters are their own type
    so each missing filter is its own finding (and its own create-filter remediation),
    and a denied ListFilters leaves only the filter checks without data.

``administrator`` (id ``DetectorId``)
    The ``Administrator`` of the GetAdministratorAccount response of each detector
    (AccountId of the GuardDuty administrator account, InvitationId, RelationshipStatus
    e.g. Enabled, InvitedAt, an ISO 8601 string) plus ``DetectorId``: the account is a
    GuardDuty member there. A standalone account, or the administrator account itself,
    gets an empty answer (HTTP 200, no content) and has no item. GuardDuty membership is
    Regional, so a member in the source may be standalone in the target. Its own type so
    that a denied GetAdministratorAccount leaves only this type without data, never the
    detector checks; no check reads it yet.

No detector in a Region (GuardDuty never enabled there) is a valid, empty answer. A
denied ListDetectors leaves every type without data.
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "guardduty"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"detector": "DetectorId", "filter": "Name", "administrator": "DetectorId"}
PERMISSIONS = (
    "guardduty:ListDetectors",
    "guardduty:GetDetector",
    "guardduty:ListIPSets",
    "guardduty:GetIPSet",
    "guardduty:ListThreatIntelSets",
    "guardduty:GetThreatIntelSet",
    "guardduty:ListPublishingDestinations",
    "guardduty:DescribePublishingDestination",
    "guardduty:ListFilters",
    "guardduty:GetFilter",
    "guardduty:GetAdministratorAccount",
)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}

# Item field -> (list operation, list result key, get operation, id parameter).
ENTITY_LISTS = {
    "IPSets": ("list_ip_sets", "IpSetIds", "get_ip_set", "IpSetId"),
    "ThreatIntelSets": (
        "list_threat_intel_sets",
        "ThreatIntelSetIds",
        "get_threat_intel_set",
        "ThreatIntelSetId",
    ),
}


def _entity_list(
    clients: Clients, detector_id: str, spec: tuple[str, str, str, str]
) -> list[dict[str, Any]] | None:
    list_op, result_key, get_op, id_param = spec
    ids = clients.paginate(
        "guardduty", list_op, result_key, feeds=["detector"], DetectorId=detector_id
    )
    if ids is None:
        return None

    def one(raw: Any) -> dict[str, Any]:
        set_id = str(raw)
        params: dict[str, Any] = {"DetectorId": detector_id, id_param: set_id}
        got = clients.call("guardduty", get_op, feeds=["detector"], **params)
        return {id_param: set_id, **(got or {})}

    return clients.map(one, ids)


def _destinations(clients: Clients, detector_id: str) -> list[dict[str, Any]] | None:
    """ListPublishingDestinations has no botocore paginator: follow NextToken here."""
    listed: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        paging: dict[str, Any] = {"NextToken": token} if token else {}
        page = clients.call(
            "guardduty",
            "list_publishing_destinations",
            feeds=["detector"],
            DetectorId=detector_id,
            **paging,
        )
        if page is None:
            return None
        listed.extend(page.get("Destinations", []))
        token = page.get("NextToken")
        if not token:
            break

    def one(entry: dict[str, Any]) -> dict[str, Any]:
        described = clients.call(
            "guardduty",
            "describe_publishing_destination",
            feeds=["detector"],
            DetectorId=detector_id,
            DestinationId=entry["DestinationId"],
        )
        return described if described is not None else dict(entry)

    return clients.map(one, listed)


def _detector(clients: Clients, detector_id: str) -> dict[str, Any]:
    got = clients.call("guardduty", "get_detector", feeds=["detector"], DetectorId=detector_id)
    item: dict[str, Any] = {"DetectorId": detector_id, **(got or {})}
    for field, spec in ENTITY_LISTS.items():
        entities = _entity_list(clients, detector_id, spec)
        if entities is not None:
            item[field] = entities
    destinations = _destinations(clients, detector_id)
    if destinations is not None:
        item["PublishingDestinations"] = destinations
    return item


def _filters(clients: Clients, detector_id: str) -> list[dict[str, Any]]:
    names = clients.paginate(
        "guardduty", "list_filters", "FilterNames", feeds=["filter"], DetectorId=detector_id
    )

    def one(raw: Any) -> dict[str, Any]:
        name = str(raw)
        got = clients.call(
            "guardduty", "get_filter", feeds=["filter"], DetectorId=detector_id, FilterName=name
        )
        return {**(got or {"Name": name}), "DetectorId": detector_id}

    return clients.map(one, names or [])


def _administrator(clients: Clients, detector_id: str) -> dict[str, Any] | None:
    got = clients.call(
        "guardduty", "get_administrator_account", feeds=["administrator"], DetectorId=detector_id
    )
    administrator = (got or {}).get("Administrator")
    return {**administrator, "DetectorId": detector_id} if administrator else None


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    ids = clients.paginate("guardduty", "list_detectors", "DetectorIds", feeds=list(RESOURCE_TYPES))
    detector_ids = [str(raw) for raw in ids or []]
    detectors = clients.map(lambda d: _detector(clients, d), detector_ids)
    filters = [f for d in detector_ids for f in _filters(clients, d)]
    administrators = clients.map(lambda d: _administrator(clients, d), detector_ids)
    return {
        "detector": detectors,
        "filter": filters,
        "administrator": [a for a in administrators if a is not None],
    }
