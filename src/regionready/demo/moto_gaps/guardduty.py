"""GuardDuty: answer what moto (5.2.x) lacks, and correct what it gets wrong.

moto serves detectors (CreateDetector, GetDetector with Features and DataSources,
ListDetectors) and CreateFilter/GetFilter. Everything else regionready reads is missing
there and answered here by ``before-call`` hooks with the real response shapes
(botocore service model ``guardduty``):

* ListFilters: moto has no such operation. Answered from moto's own (in-process) record
  of the detector's filters, so filters made with moto's CreateFilter are listed.
* CreateIPSet / GetIPSet / ListIPSets and CreateThreatIntelSet / GetThreatIntelSet /
  ListThreatIntelSets: missing in moto (IP sets until 5.2.6, which serves them but does
  not page ListIPSets; answered here for every moto). Status is ACTIVE when created with
  ``Activate=True`` (AWS passes through ACTIVATING within seconds), INACTIVE otherwise.
* CreatePublishingDestination / ListPublishingDestinations /
  DescribePublishingDestination: missing in moto. Status PUBLISHING, S3 only.
* AcceptAdministratorInvitation: missing in moto. Records the member's administrator
  (RelationshipStatus ``Enabled``, the InvitationId given, InvitedAt the time of the call
  as an ISO 8601 string) for GetAdministratorAccount. moto has no invitations (no
  InviteMembers), so the invitation is not checked: AWS rejects an InvitationId the
  administrator never sent. Accepting again replaces the administrator.
* A detector id moto does not hold: BadRequestException (400), as AWS answers.

Corrected and answered in full:

* GetAdministratorAccount: moto reports the first account given to
  EnableOrganizationAdminAccount as the administrator of every detector (AWS: that call,
  made by the organization's management account, designates a delegated administrator;
  GetAdministratorAccount tells a *member* account who administers it) and writes its
  answer with PascalCase keys the REST-JSON protocol does not use, so botocore always
  parses an empty answer. The hook answers from AcceptAdministratorInvitation: ``{}``
  (AWS: HTTP 200, no content) for a standalone or administrator account, else
  ``Administrator {AccountId, InvitationId, RelationshipStatus, InvitedAt}``.

Corrected:

* CreateDetector: moto creates any number of detectors per Region; AWS allows one per
  account and Region and answers BadRequestException for a second.
* ListDetectors ignores ``MaxResults``/``NextToken``: the after-call hook pages it.
* GetFilter omits ``Action`` when CreateFilter was not given one; AWS defaults it to
  NOOP (a saved filter, not a suppression rule) and always returns it.

Not corrected (nothing regionready reads depends on them): moto reports only the
Features passed to CreateDetector (AWS reports every protection plan, with the Region's
defaults for those not passed), DataSources do not follow Features (S3Logs says DISABLED
while S3_DATA_EVENTS is ENABLED), UpdateDetector replaces the Features list instead of
merging it, and GetFilter omits CreatedAt/UpdatedAt. The demo passes every feature it
relies on explicitly.

State of the missing APIs is kept per (account, Region) and detector id in a store that
``mock_aws()`` resets (see ``accessanalyzer.regional_store``). Checking detector ids and
ListFilters need moto in this process (``mock_aws``); against a moto server, detector
ids are not checked and ListFilters is left to the server.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
import uuid
from collections.abc import Callable
from typing import Any

from regionready.demo.moto_gaps._common import (
    Handler,
    is_error_answer,
    page_answer,
    remember_params,
    remembered_params,
)
from regionready.demo.moto_gaps.accessanalyzer import (
    Reply,
    error,
    moto_account,
    regional_store,
    reply,
)

SET_FORMATS = ("TXT", "STIX", "OTX_CSV", "ALIEN_VAULT", "PROOF_POINT", "FIRE_EYE")
# Set kind -> (id parameter and response field, list response field, message noun).
SET_KINDS: dict[str, tuple[str, str, str]] = {
    "IPSet": ("IpSetId", "IpSetIds", "ipSetId"),
    "ThreatIntelSet": ("ThreatIntelSetId", "ThreatIntelSetIds", "threatIntelSetId"),
}


class _GuardDuty:
    """IP sets, threat intel sets, publishing destinations and the administrator (the
    Administrator structure AcceptAdministratorInvitation recorded), by detector id."""

    def __init__(self) -> None:
        self.detectors: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
        self.administrators: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()

    def of(self, detector_id: str, kind: str) -> dict[str, dict[str, Any]]:
        return self.detectors.setdefault(detector_id, {}).setdefault(kind, {})


def _where(request_signer: Any, context: dict[str, Any]) -> tuple[str, str]:
    return moto_account(request_signer), str((context or {}).get("client_region") or "")


def _state(account: str, region: str) -> _GuardDuty:
    return regional_store("guardduty", _GuardDuty, account, region)


def _moto_backend(account: str, region: str) -> Any:
    """moto's in-process GuardDuty backend for (account, Region) if it exists (never
    creates one), else None."""
    try:
        from moto.guardduty.models import guardduty_backends
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return None
    by_region = dict.get(guardduty_backends, account)
    return dict.get(by_region, region) if by_region is not None else None


def _bad_request(message: str) -> Reply:
    return error(400, "BadRequestException", message, Message=message, Type="InvalidInputException")


def _unknown_detector(account: str, region: str, detector_id: str) -> Reply | None:
    """BadRequestException if moto in this process serves the Region and lacks the id."""
    backend = _moto_backend(account, region)
    if backend is None or detector_id in backend.detectors:
        return None
    return _bad_request(
        "The request is rejected because the input detectorId is not owned by the current account."
    )


def _on_detector(handler: Callable[[str, str, dict[str, Any], str], Reply]) -> Handler:
    """A before-call handler for a request that names a detector: BadRequestException for
    an unknown one (as on AWS), else ``handler(account, region, request, detector_id)``."""

    def answer(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply:
        account, region = _where(request_signer, context)
        request = remembered_params(context)
        detector_id = str(request.get("DetectorId"))
        refused = _unknown_detector(account, region, detector_id)
        if refused is not None:
            return refused
        return handler(account, region, request, detector_id)

    return answer


# ------------------------------------------------------------------------- detectors


def _create_detector(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply | None:
    """before-call CreateDetector: one detector per account and Region."""
    backend = _moto_backend(*_where(request_signer, context))
    if backend is not None and backend.detectors:
        return _bad_request(
            "The request is rejected because a detector already exists for the current account."
        )
    return None


def _list_detectors(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call ListDetectors: paging."""
    if not is_error_answer(parsed):
        page_answer(
            parsed,
            remembered_params(context),
            items="DetectorIds",
            limit="MaxResults",
            token_in="NextToken",
            token_out="NextToken",
        )


def _get_filter(parsed: Any, **_: Any) -> None:
    """after-call GetFilter: Action defaults to NOOP."""
    if not is_error_answer(parsed) and "Name" in parsed:
        parsed.setdefault("Action", "NOOP")


def _list_filters(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply | None:
    """before-call ListFilters: the names moto's CreateFilter recorded, paged."""
    account, region = _where(request_signer, context)
    request = remembered_params(context)
    detector_id = str(request.get("DetectorId"))
    backend = _moto_backend(account, region)
    if backend is None:
        return None
    detector = backend.detectors.get(detector_id)
    if detector is None:
        return _unknown_detector(account, region, detector_id)
    parsed: dict[str, Any] = {"FilterNames": list(detector.filters)}
    page_answer(
        parsed,
        request,
        items="FilterNames",
        limit="MaxResults",
        token_in="NextToken",
        token_out="NextToken",
    )
    return reply(parsed)


# ------------------------------------------------------- IP sets, threat intel sets


def _create_set(kind: str) -> Handler:
    id_field = SET_KINDS[kind][0]

    @_on_detector
    def answer(account: str, region: str, request: dict[str, Any], detector_id: str) -> Reply:
        if request.get("Format") not in SET_FORMATS:
            return _bad_request(
                "The request is rejected because an invalid or out-of-range value is "
                "specified as an input parameter."
            )
        set_id = uuid.uuid4().hex
        entry: dict[str, Any] = {
            "Name": request.get("Name"),
            "Format": request.get("Format"),
            "Location": request.get("Location"),
            "Status": "ACTIVE" if request.get("Activate") else "INACTIVE",
            "Tags": copy.deepcopy(request.get("Tags") or {}),
        }
        if request.get("ExpectedBucketOwner"):
            entry["ExpectedBucketOwner"] = request["ExpectedBucketOwner"]
        state = _state(account, region)
        with state.lock:
            state.of(detector_id, kind)[set_id] = entry
        return reply({id_field: set_id})

    answer.__name__ = f"_create_{kind}"
    return answer


def _get_set(kind: str) -> Handler:
    id_field, _, noun = SET_KINDS[kind]

    @_on_detector
    def answer(account: str, region: str, request: dict[str, Any], detector_id: str) -> Reply:
        state = _state(account, region)
        with state.lock:
            entry = state.of(detector_id, kind).get(str(request.get(id_field)))
            if entry is None:
                return _bad_request(
                    f"The request is rejected because the input {noun} is not owned by the "
                    "current account."
                )
            return reply(copy.deepcopy(entry))

    answer.__name__ = f"_get_{kind}"
    return answer


def _list_sets(kind: str) -> Handler:
    list_field = SET_KINDS[kind][1]

    @_on_detector
    def answer(account: str, region: str, request: dict[str, Any], detector_id: str) -> Reply:
        state = _state(account, region)
        with state.lock:
            parsed: dict[str, Any] = {list_field: list(state.of(detector_id, kind))}
        page_answer(
            parsed,
            request,
            items=list_field,
            limit="MaxResults",
            token_in="NextToken",
            token_out="NextToken",
        )
        return reply(parsed)

    answer.__name__ = f"_list_{kind}"
    return answer


# ------------------------------------------------------------ publishing destinations

DESTINATIONS = "PublishingDestination"


@_on_detector
def _create_destination(
    account: str, region: str, request: dict[str, Any], detector_id: str
) -> Reply:
    if request.get("DestinationType") != "S3":
        return _bad_request(
            "The request is rejected because an invalid or out-of-range value is specified "
            "as an input parameter."
        )
    destination_id = uuid.uuid4().hex
    entry = {
        "DestinationId": destination_id,
        "DestinationType": "S3",
        "Status": "PUBLISHING",
        "PublishingFailureStartTimestamp": 0,
        "DestinationProperties": copy.deepcopy(request.get("DestinationProperties") or {}),
        "Tags": copy.deepcopy(request.get("Tags") or {}),
    }
    state = _state(account, region)
    with state.lock:
        state.of(detector_id, DESTINATIONS)[destination_id] = entry
    return reply({"DestinationId": destination_id})


@_on_detector
def _list_destinations(
    account: str, region: str, request: dict[str, Any], detector_id: str
) -> Reply:
    state = _state(account, region)
    with state.lock:
        found = [
            {k: d[k] for k in ("DestinationId", "DestinationType", "Status")}
            for d in state.of(detector_id, DESTINATIONS).values()
        ]
    parsed: dict[str, Any] = {"Destinations": found}
    page_answer(
        parsed,
        request,
        items="Destinations",
        limit="MaxResults",
        token_in="NextToken",
        token_out="NextToken",
    )
    return reply(parsed)


@_on_detector
def _describe_destination(
    account: str, region: str, request: dict[str, Any], detector_id: str
) -> Reply:
    state = _state(account, region)
    with state.lock:
        entry = state.of(detector_id, DESTINATIONS).get(str(request.get("DestinationId")))
        if entry is None:
            return _bad_request(
                "The request is rejected because the input destinationId is not owned by the "
                "current account."
            )
        return reply(copy.deepcopy(entry))


# ------------------------------------------------------------------- administrator


@_on_detector
def _accept_administrator(
    account: str, region: str, request: dict[str, Any], detector_id: str
) -> Reply:
    """before-call AcceptAdministratorInvitation: record the member's administrator."""
    administrator = str(request.get("AdministratorId") or "")
    if len(administrator) != 12 or not administrator.isdigit() or administrator == account:
        return _bad_request(
            "The request is rejected because an invalid or out-of-range value is specified "
            "as an input parameter."
        )
    now = dt.datetime.now(dt.UTC)
    state = _state(account, region)
    with state.lock:
        state.administrators[detector_id] = {
            "AccountId": administrator,
            "InvitationId": str(request.get("InvitationId")),
            "RelationshipStatus": "Enabled",
            "InvitedAt": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z",
        }
    return reply({})


@_on_detector
def _get_administrator(
    account: str, region: str, request: dict[str, Any], detector_id: str
) -> Reply:
    """before-call GetAdministratorAccount: the recorded administrator, or no content."""
    state = _state(account, region)
    with state.lock:
        found = state.administrators.get(detector_id)
        return reply({"Administrator": copy.deepcopy(found)} if found else {})


_ANSWERS: dict[str, Handler] = {
    "CreateDetector": _create_detector,
    "ListFilters": _list_filters,
    "CreateIPSet": _create_set("IPSet"),
    "GetIPSet": _get_set("IPSet"),
    "ListIPSets": _list_sets("IPSet"),
    "CreateThreatIntelSet": _create_set("ThreatIntelSet"),
    "GetThreatIntelSet": _get_set("ThreatIntelSet"),
    "ListThreatIntelSets": _list_sets("ThreatIntelSet"),
    "CreatePublishingDestination": _create_destination,
    "ListPublishingDestinations": _list_destinations,
    "DescribePublishingDestination": _describe_destination,
    "AcceptAdministratorInvitation": _accept_administrator,
    "GetAdministratorAccount": _get_administrator,
}

HANDLERS: tuple[tuple[str, Handler], ...] = (
    *(
        pair
        for operation, answer in _ANSWERS.items()
        for pair in (
            (f"before-parameter-build.guardduty.{operation}", remember_params),
            (f"before-call.guardduty.{operation}", answer),
        )
    ),
    ("before-parameter-build.guardduty.ListDetectors", remember_params),
    ("after-call.guardduty.ListDetectors", _list_detectors),
    ("after-call.guardduty.GetFilter", _get_filter),
)
