"""OCSF: a JSON array of Open Cybersecurity Schema Framework Detection Finding events
(class_uid 2004, OCSF 1.5.0), one per result of every status, as Prowler writes them.

Every event is built with py-ocsf-models (``DetectionFinding`` and its objects, the
pydantic models Prowler uses), so building it validates it, and is serialised with its
``model_dump(mode="json", exclude_none=True)``. py-ocsf-models is an optional extra:
without it :func:`missing_dependency` names the install command, which the CLI turns
into a usage error (exit 2) before any work; :func:`render` raises ImportError with it.

Mapping (docs/securityhub.md has the table):

- ``status_code``: the result's status (PASS, FAIL, ERROR, SUPPRESSED, NOT_APPLICABLE);
  ``status_id``/``status``: Suppressed (3) for SUPPRESSED, New (1) for every other status
  (as Prowler: ``status_id`` is the finding's workflow state, ``status_code`` the check's
  verdict); ``status_detail`` and ``message``: the result's message;
- ``severity_id``/``severity``: critical Critical (5), high High (4), medium Medium (3),
  low Low (2), note Informational (1);
- ``finding_info``: ``uid`` the fingerprint (stable across runs), ``title`` the rule
  title, ``desc`` the rule description, ``types`` ``[<kind>]``, ``created_time`` the scan
  time; ``metadata.event_code`` the rule id, ``metadata.product`` regionready and its
  version, profiles cloud and datetime;
- ``resources``: one, ``uid`` the resource ARN or id, ``name``, ``type`` (regionready's,
  e.g. ``kms.key``), ``region`` (a ``global``, ``local`` or empty Region: the target),
  ``cloud_partition``, ``group.name`` the service, ``data`` the correlation key, file
  location and the result's details;
- ``cloud``: provider AWS, ``region`` the target Region, ``account`` the result's account
  (uid and name; type AWS Account for a 12-digit id);
- ``remediation``: the rule's remediation text and its documentation URL;
- ``comment``: a suppression's reason, owner and expiry;
- ``unmapped.regionready``: the pair, both Regions, rule id, service, kind, whether the
  finding blocks the cutover at ``fail_on``, what blocks it.

Times are epoch milliseconds (OCSF ``timestamp_t``) with their ``*_dt`` twins. With
``redact=True`` account ids are masked everywhere (the fingerprint is kept), as in the
other reporters.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.parse
from collections.abc import Iterator
from typing import IO, Any

from regionready import jsonarray
from regionready.model import Report, Result, Severity, Status
from regionready.scoring import DEFAULT_FAIL_ON, for_reporter

FORMAT = "ocsf"
EXTENSION = ".ocsf.json"

#: The usage error when py-ocsf-models is missing.
MISSING = "--format ocsf needs py-ocsf-models: pip install 'regionready[ocsf]'"
PRODUCT = "regionready"
RULE_DOCS_URI = "https://github.com/regionready/regionready/blob/main/docs/rules/{rule_id}.md"

#: regionready severity -> OCSF severity_id (SeverityID value).
SEVERITY_IDS: dict[Severity, int] = {
    Severity.CRITICAL: 5,
    Severity.HIGH: 4,
    Severity.MEDIUM: 3,
    Severity.LOW: 2,
    Severity.NOTE: 1,
}

_ACCOUNT = re.compile(r"^(\d{12}|\*{8}\d{4})$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
_SURROGATE = re.compile("[\ud800-\udfff]")


def missing_dependency() -> str | None:
    """:data:`MISSING` when py-ocsf-models cannot be imported, else None."""
    try:
        _models()
    except ImportError:
        return MISSING
    return None


def render(
    report: Report, *, redact: bool = False, fail_on: Severity | None = DEFAULT_FAIL_ON
) -> str:
    """The events as an indented JSON array (UTF-8 text, ends with a newline)."""
    text = json.dumps(events(report, redact=redact, fail_on=fail_on), indent=2, ensure_ascii=False)
    return _SURROGATE.sub("\ufffd", text) + "\n"


def write(
    report: Report,
    handle: IO[str],
    *,
    redact: bool = False,
    fail_on: Severity | None = DEFAULT_FAIL_ON,
) -> None:
    """:func:`render`'s text on ``handle``, one event at a time."""
    jsonarray.write(
        handle,
        iter_events(report, redact=redact, fail_on=fail_on),
        lambda event: _SURROGATE.sub("\ufffd", json.dumps(event, indent=2, ensure_ascii=False)),
    )
    handle.write("\n")


def events(
    report: Report, *, redact: bool = False, fail_on: Severity | None = DEFAULT_FAIL_ON
) -> list[dict[str, Any]]:
    """One Detection Finding per result, as JSON data (validated by the models)."""
    return list(iter_events(report, redact=redact, fail_on=fail_on))


def iter_events(
    report: Report, *, redact: bool = False, fail_on: Severity | None = DEFAULT_FAIL_ON
) -> Iterator[dict[str, Any]]:
    """:func:`events`, made as the results are read."""
    models = _models()
    report, _card = for_reporter(report, redact=redact, fail_on=fail_on)
    when = _moment(report.scan.now) or dt.datetime.now(dt.UTC)
    for result in report.results:
        event = _event(models, result, report, when, fail_on)
        yield event.model_dump(mode="json", exclude_none=True)


def _models() -> dict[str, Any]:
    """The py-ocsf-models classes (ImportError naming the extra when it is missing)."""
    try:
        from py_ocsf_models.events.findings.activity_id import ActivityID
        from py_ocsf_models.events.findings.detection_finding import DetectionFinding
        from py_ocsf_models.events.findings.detection_finding_type_id import (
            DetectionFindingTypeID,
        )
        from py_ocsf_models.events.findings.severity_id import SeverityID
        from py_ocsf_models.events.findings.status_id import StatusID
        from py_ocsf_models.objects.account import Account, TypeID
        from py_ocsf_models.objects.cloud import Cloud
        from py_ocsf_models.objects.finding_info import FindingInformation
        from py_ocsf_models.objects.group import Group
        from py_ocsf_models.objects.metadata import Metadata
        from py_ocsf_models.objects.product import Product
        from py_ocsf_models.objects.remediation import Remediation
        from py_ocsf_models.objects.resource_details import ResourceDetails
    except ImportError as exc:
        raise ImportError(MISSING) from exc
    return {
        "ActivityID": ActivityID,
        "DetectionFinding": DetectionFinding,
        "DetectionFindingTypeID": DetectionFindingTypeID,
        "SeverityID": SeverityID,
        "StatusID": StatusID,
        "Account": Account,
        "TypeID": TypeID,
        "Cloud": Cloud,
        "FindingInformation": FindingInformation,
        "Group": Group,
        "Metadata": Metadata,
        "Product": Product,
        "Remediation": Remediation,
        "ResourceDetails": ResourceDetails,
    }


def _moment(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _millis(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def _partition(region: str) -> str:
    for prefix, name in (
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-isob-", "aws-iso-b"),
        ("us-iso-", "aws-iso"),
    ):
        if region.startswith(prefix):
            return name
    return "aws"


def _event(
    m: dict[str, Any],
    result: Result,
    report: Report,
    when: dt.datetime,
    fail_on: Severity | None,
) -> Any:
    info = report.rules.get(result.rule_id)
    title = (info.title if info else "") or result.rule_id
    severity = m["SeverityID"](SEVERITY_IDS[result.severity])
    status = m["StatusID"].Suppressed if result.status is Status.SUPPRESSED else m["StatusID"].New
    activity = m["ActivityID"].Create
    kind = m["DetectionFindingTypeID"].Create
    region = result.region if _REGION.match(result.region or "") else result.target_region
    blocking = (
        result.status is Status.FAIL and fail_on is not None and result.severity.at_least(fail_on)
    )
    url = (info.help_uri if info else "") or RULE_DOCS_URI.format(
        rule_id=urllib.parse.quote(result.rule_id)
    )
    remediation_text = (info.remediation_text or info.description) if info else ""
    data: dict[str, object] = {"correlation_key": result.correlation_key}
    if result.location is not None and result.location.path:
        data["location"] = {
            "path": result.location.path,
            "line": result.location.line,
            "column": result.location.column,
        }
    if result.details:
        data["details"] = result.details
    event = m["DetectionFinding"](
        activity_id=activity,
        activity_name=activity.name,
        type_uid=kind,
        type_name=f"Detection Finding: {kind.name}",
        time=_millis(when),
        time_dt=when,
        message=result.message or title,
        severity_id=severity,
        severity=severity.name,
        status_id=status,
        status=status.name,
        status_code=result.status.value,
        status_detail=result.message or None,
        comment=_suppression(result),
        finding_info=m["FindingInformation"](
            uid=result.fingerprint,
            title=title,
            desc=(info.description if info else "") or None,
            types=[result.kind] if result.kind else None,
            created_time=_millis(when),
            created_time_dt=when,
            src_url=url,
        ),
        metadata=m["Metadata"](
            event_code=result.rule_id,
            product=m["Product"](
                uid=PRODUCT,
                name=PRODUCT,
                vendor_name=PRODUCT,
                version=report.scan.tool_version or None,
            ),
            profiles=["cloud", "datetime"],
        ),
        resources=[
            m["ResourceDetails"](
                uid=result.resource_id or result.correlation_key or None,
                name=result.resource_name,
                type=result.resource_type or None,
                region=region,
                cloud_partition=_partition(region),
                group=m["Group"](name=result.service),
                data=data,
            )
        ],
        cloud=m["Cloud"](
            provider="AWS",
            region=result.target_region,
            account=_account(m, result.account),
        ),
        remediation=m["Remediation"](desc=remediation_text, references=[url])
        if remediation_text
        else None,
        unmapped={
            "regionready": {
                "pair": result.pair,
                "source_region": result.source_region,
                "target_region": result.target_region,
                "rule_id": result.rule_id,
                "service": result.service,
                "kind": result.kind,
                "blocks_cutover": blocking,
                "blocked_by": list(result.blocked_by),
            }
        },
    )
    return event


def _account(m: dict[str, Any], account: str) -> Any:
    if not account:
        return None
    if _ACCOUNT.match(account):
        type_id = m["TypeID"].AWS_Account
        return m["Account"](uid=account, name=account, type_id=type_id, type="AWS Account")
    return m["Account"](uid=account, name=account, type_id=m["TypeID"].Other, type="Other")


def _suppression(result: Result) -> str | None:
    if result.status is not Status.SUPPRESSED:
        return None
    details = dict(result.suppression or {})
    reason = details.pop("reason", "") or "no reason given"
    extra = ", ".join(f"{k} {details[k]}" for k in ("owner", "expires") if details.get(k))
    return f"Suppressed: {reason}" + (f" ({extra})" if extra else "")
