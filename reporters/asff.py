"""AWS Security Finding Format (ASFF, schema 2018-10-08): findings AWS Security Hub imports.

The file is a JSON array of ``AwsSecurityFinding`` objects, the ``Findings`` of a
``securityhub:BatchImportFindings`` request (``regionready scan --security-hub`` imports
them itself: :mod:`regionready.securityhub`). One finding per FAIL, ERROR and SUPPRESSED
result, in report order; PASS and NOT_APPLICABLE results are not findings (a check that
passes leaves nothing to look at, and the import resolves the finding it replaces).

Mapping (docs/securityhub.md has the whole table):

- ``Id``: the result's fingerprint (stable across runs, so a re-import updates the
  finding instead of adding one); ``GeneratorId``: ``regionready/<rule id>``;
- ``AwsAccountId``: the result's account; a result without an AWS account id (IaC
  results, ``local``) takes the scanning account: ``account=`` when given (the import
  passes the credentials' account), else the scan's first 12-digit account, else
  ``000000000000``. ``ProductArn`` is that account's default product in the result's
  target Region (``arn:<partition>:securityhub:<target>:<account>:product/<account>/default``):
  with the default product Security Hub takes a finding only from the account it is
  about, so the ARN's account is always the finding's;
- ``Severity.Label``: critical CRITICAL, high HIGH, medium MEDIUM, low LOW, note
  INFORMATIONAL (``Original``: regionready's own word); ``FindingProviderFields`` repeats
  the severity and ``Types`` (the fields a provider may keep updating);
- ``Compliance.Status``: FAILED for FAIL and SUPPRESSED, NOT_AVAILABLE for ERROR (the
  check could not be evaluated); ``Workflow.Status``: NEW, or SUPPRESSED for a
  SUPPRESSED result with the suppression's reason, owner and expiry in ``Note``;
- ``Resources``: one, ``Type`` mapped from the resource type (:data:`RESOURCE_TYPES`,
  only when the id is an ARN; else ``Other``), its ARN or id, its Region (a result's
  ``global``, ``local`` or empty Region: the target Region) and partition;
  ``Details.Other`` keeps regionready's resource type, name and file location;
- ``ProductFields``: ``ProviderName`` regionready, ``ProviderVersion``, and
  ``regionready/*`` keys (pair, Regions, rule id, service, kind, status, fingerprint,
  whether the finding blocks the cutover at ``fail_on``, blocked-by, remediation action);
- ``CreatedAt``/``UpdatedAt``: the scan's time (``scan.now``), ``LastObservedAt``: when
  collection finished, all ISO 8601 UTC with milliseconds and ``Z``.

Every string is within ASFF's limits (Title 256, Description 1024, Recommendation and
Note 512, ProductFields values 2048 characters, ...: longer text is cut and ends with
``…``), never blank, with lone surrogates as U+FFFD and control characters as spaces.

Redaction (``redact=True``): account ids are masked in every text field as in the other
reporters (``********9012``), the fingerprint ``Id`` is kept, and ``AwsAccountId`` (and
the account in ``ProductArn``) becomes ``00000000`` plus the last four digits: still the
12 digits ASFF requires, visibly not the real account. A redacted file is for sharing;
``--security-hub`` always imports unredacted findings (Security Hub needs the account).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.parse
from collections.abc import Iterator
from typing import IO, Any

from regionready import jsonarray
from regionready.model import Report, Result, RuleInfo, Severity, Status
from regionready.scoring import DEFAULT_FAIL_ON, mask_account_ids

FORMAT = "asff"
EXTENSION = ".asff.json"

SCHEMA_VERSION = "2018-10-08"
PROVIDER_NAME = "regionready"
#: Every regionready finding's GeneratorId starts with this (then the rule id).
GENERATOR_PREFIX = "regionready/"
#: ProductFields keys of regionready's own (besides ProviderName and ProviderVersion).
FIELD_PREFIX = "regionready/"
#: namespace/category/classifier (the namespace and category are ASFF's own).
FINDING_TYPE = "Software and Configuration Checks/AWS Security Best Practices/Region readiness"
RULE_DOCS_URI = "https://github.com/regionready/regionready/blob/main/docs/rules/{rule_id}.md"
#: Who a Note regionready writes is by.
NOTE_AUTHOR = "regionready"
#: The account of a finding when neither the result nor the scan names a 12-digit one.
NO_ACCOUNT = "000000000000"

#: ASFF length limits (characters).
MAX_ID = 512
MAX_TITLE = 256
MAX_DESCRIPTION = 1024
MAX_RECOMMENDATION = 512
MAX_URL = 512
MAX_NOTE = 512
MAX_RESOURCE_ID = 512
MAX_FIELD_KEY = 128
MAX_FIELD_VALUE = 2048
MAX_FIELDS = 50
#: Details.Other: keys and values must be *fewer* than 128 and 1,024 characters.
MAX_OTHER_KEY = 127
MAX_OTHER_VALUE = 1023

SEVERITY_LABELS: dict[Severity, str] = {
    Severity.CRITICAL: "CRITICAL",
    Severity.HIGH: "HIGH",
    Severity.MEDIUM: "MEDIUM",
    Severity.LOW: "LOW",
    Severity.NOTE: "INFORMATIONAL",
}

COMPLIANCE: dict[Status, str] = {
    Status.FAIL: "FAILED",
    Status.SUPPRESSED: "FAILED",
    Status.ERROR: "NOT_AVAILABLE",
}

#: Statuses that are findings.
FINDING_STATUSES = frozenset(COMPLIANCE)

#: regionready resource type -> ASFF ``Resources[].Type`` (when the id is an ARN).
RESOURCE_TYPES: dict[str, str] = {
    "acm.certificate": "AwsCertificateManagerCertificate",
    "cloudtrail.trail": "AwsCloudTrailTrail",
    "ec2.volume": "AwsEc2Volume",
    "guardduty.detector": "AwsGuardDutyDetector",
    "iam.policy": "AwsIamPolicy",
    "iam.role": "AwsIamRole",
    "kms.key": "AwsKmsKey",
    "s3.bucket": "AwsS3Bucket",
    "secretsmanager.secret": "AwsSecretsManagerSecret",
    "wafv2.web_acl": "AwsWafv2WebAcl",
}
OTHER_TYPE = "Other"

_ACCOUNT = re.compile(r"^\d{12}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ELLIPSIS = "\u2026"


def render(
    report: Report,
    *,
    redact: bool = False,
    fail_on: Severity | None = DEFAULT_FAIL_ON,
    account: str | None = None,
) -> str:
    """The findings as an indented JSON array (UTF-8 text, ends with a newline)."""
    found = findings(report, redact=redact, fail_on=fail_on, account=account)
    return json.dumps(found, indent=2, ensure_ascii=False) + "\n"


def write(
    report: Report,
    handle: IO[str],
    *,
    redact: bool = False,
    fail_on: Severity | None = DEFAULT_FAIL_ON,
) -> None:
    """:func:`render`'s text on ``handle``, one finding at a time."""
    jsonarray.write(
        handle,
        iter_findings(report, redact=redact, fail_on=fail_on),
        lambda finding: json.dumps(finding, indent=2, ensure_ascii=False),
    )
    handle.write("\n")


def findings(
    report: Report,
    *,
    redact: bool = False,
    fail_on: Severity | None = DEFAULT_FAIL_ON,
    account: str | None = None,
) -> list[dict[str, Any]]:
    """One ASFF finding per FAIL, ERROR and SUPPRESSED result of ``report``
    (:func:`iter_findings`, as a list)."""
    return list(iter_findings(report, redact=redact, fail_on=fail_on, account=account))


def iter_findings(
    report: Report,
    *,
    redact: bool = False,
    fail_on: Severity | None = DEFAULT_FAIL_ON,
    account: str | None = None,
) -> Iterator[dict[str, Any]]:
    """One ASFF finding per FAIL, ERROR and SUPPRESSED result of ``report``, made as read.

    ``account``: the scanning account, for results without a 12-digit account of their
    own (default: the scan's first 12-digit account, else :data:`NO_ACCOUNT`).
    """
    fallback = account if account and _ACCOUNT.match(account) else _scan_account(report)
    created = stamp(report.scan.now) or stamp(dt.datetime.now(dt.UTC).isoformat()) or ""
    observed = stamp(report.scan.finished_at)
    for result in report.results:
        if result.status in FINDING_STATUSES:
            found = _finding(result, report, fallback, created, observed, fail_on)
            yield _redacted(found) if redact else found


def target_region(finding: dict[str, Any]) -> str:
    """The Region a finding is imported into (its ProductArn's)."""
    return str(finding["ProductArn"]).split(":")[3]


def product_arn(region: str, account: str) -> str:
    """The default product (custom integration) of ``account`` in ``region``."""
    partition = partitions(region)[0]
    return f"arn:{partition}:securityhub:{region}:{account}:product/{account}/default"


def partitions(region: str) -> tuple[str, str | None]:
    """(the ARN partition, ASFF's ``Resources[].Partition`` value or None) of ``region``."""
    for prefix, arn, asff in (
        ("cn-", "aws-cn", "aws-cn"),
        ("us-gov-", "aws-us-gov", "aws-us-gov"),
        ("us-isob-", "aws-iso-b", "aws-us-iso-b"),
        ("us-iso-", "aws-iso", "aws-us-iso"),
        ("eu-isoe-", "aws-iso-e", None),
        ("us-isof-", "aws-iso-f", None),
    ):
        if region.startswith(prefix):
            return arn, asff
    return "aws", "aws"


def clean(text: object, limit: int, fallback: str = "-") -> str:
    """``text`` as an ASFF string: lone surrogates U+FFFD, control characters (but tab and
    newline) spaces, at most ``limit`` characters (cut text ends with ``…``), never
    blank (``fallback`` instead)."""
    value = str(text) if text is not None else ""
    if not value.isascii():
        value = _SURROGATE.sub("\ufffd", value)
    value = _CONTROL.sub(" ", value)
    if not value.strip():
        value = fallback
    if len(value) > limit:
        value = value[: limit - 1].rstrip() + _ELLIPSIS
    return value


# -- one finding ---------------------------------------------------------------------------


def _scan_account(report: Report) -> str:
    for account in report.scan.accounts:
        if _ACCOUNT.match(account):
            return account
    return NO_ACCOUNT


def _finding(
    result: Result,
    report: Report,
    fallback: str,
    created: str,
    observed: str | None,
    fail_on: Severity | None,
) -> dict[str, Any]:
    info = report.rules.get(result.rule_id)
    account = result.account if _ACCOUNT.match(result.account) else fallback
    region = result.target_region
    label = SEVERITY_LABELS[result.severity]
    types = [FINDING_TYPE]
    title = info.title if info and info.title else result.rule_id
    description = result.message or title
    if result.status is Status.ERROR:
        description = f"Not evaluated: {description}"
    finding: dict[str, Any] = {
        "SchemaVersion": SCHEMA_VERSION,
        "Id": clean(result.fingerprint, MAX_ID),
        "ProductArn": product_arn(region, account),
        "ProductName": PROVIDER_NAME,
        "CompanyName": PROVIDER_NAME,
        "GeneratorId": clean(GENERATOR_PREFIX + result.rule_id, MAX_ID),
        "AwsAccountId": account,
        "Types": types,
        "CreatedAt": created,
        "UpdatedAt": created,
        "Severity": {"Label": label, "Original": result.severity.value},
        "Title": clean(title, MAX_TITLE, result.rule_id),
        "Description": clean(description, MAX_DESCRIPTION, title),
        "Remediation": {"Recommendation": _recommendation(result, info)},
        "ProductFields": _product_fields(result, report, fail_on),
        "Resources": [_resource(result, region)],
        "Compliance": {"Status": COMPLIANCE[result.status]},
        "Workflow": {"Status": "SUPPRESSED" if result.status is Status.SUPPRESSED else "NEW"},
        "RecordState": "ACTIVE",
        "FindingProviderFields": {
            "Severity": {"Label": label, "Original": result.severity.value},
            "Types": list(types),
        },
    }
    if observed:
        finding["LastObservedAt"] = observed
    if result.status is Status.SUPPRESSED:
        finding["Note"] = {
            "Text": clean(suppression_note(result), MAX_NOTE),
            "UpdatedBy": NOTE_AUTHOR,
            "UpdatedAt": created,
        }
    return finding


def suppression_note(result: Result) -> str:
    """``Suppressed in regionready: <reason> (owner X, expires Y)``."""
    details = dict(result.suppression or {})
    reason = details.pop("reason", "") or "no reason given"
    extra = ", ".join(f"{k} {details[k]}" for k in ("owner", "expires") if details.get(k))
    return f"Suppressed in regionready: {reason}" + (f" ({extra})" if extra else "")


def _recommendation(result: Result, info: RuleInfo | None) -> dict[str, str]:
    text = ""
    if info:
        text = info.remediation_text or info.description or info.title
        if info.remediation_action:
            text += (
                f" regionready remediate plans the '{info.remediation_action}' action for "
                "it (applied with --apply, in the target Region only)."
            )
    recommendation = {
        "Text": clean(text.strip(), MAX_RECOMMENDATION, f"See the rule {result.rule_id}.")
    }
    url = (info.help_uri if info else "") or RULE_DOCS_URI.format(
        rule_id=urllib.parse.quote(result.rule_id)
    )
    if url.strip() and len(url) <= MAX_URL:
        recommendation["Url"] = clean(url, MAX_URL)
    return recommendation


def _resource(result: Result, target: str) -> dict[str, Any]:
    region = result.region if _REGION.match(result.region or "") else target
    identifier = result.resource_id or result.correlation_key or f"regionready/{result.rule_id}"
    is_arn = identifier.startswith("arn:")
    resource: dict[str, Any] = {
        "Type": RESOURCE_TYPES.get(result.resource_type, OTHER_TYPE) if is_arn else OTHER_TYPE,
        "Id": clean(identifier, MAX_RESOURCE_ID),
        "Region": region,
    }
    partition = partitions(region)[1]
    if partition:
        resource["Partition"] = partition
    other = {
        "ResourceType": result.resource_type,
        "Name": result.resource_name or "",
        "Region": result.region,
        "Location": _location(result),
    }
    kept = {
        clean(k, MAX_OTHER_KEY): clean(v, MAX_OTHER_VALUE)
        for k, v in other.items()
        if v and str(v).strip()
    }
    if kept:
        resource["Details"] = {"Other": kept}
    return resource


def _location(result: Result) -> str:
    location = result.location
    if location is None or not location.path:
        return ""
    return f"{location.path}:{location.line}" if location.line else location.path


def _product_fields(result: Result, report: Report, fail_on: Severity | None) -> dict[str, str]:
    info = report.rules.get(result.rule_id)
    blocking = (
        result.status is Status.FAIL and fail_on is not None and result.severity.at_least(fail_on)
    )
    fields = {
        "ProviderName": PROVIDER_NAME,
        "ProviderVersion": report.scan.tool_version or "0.0.0",
        f"{FIELD_PREFIX}pair": result.pair,
        f"{FIELD_PREFIX}source_region": result.source_region,
        f"{FIELD_PREFIX}target_region": result.target_region,
        f"{FIELD_PREFIX}rule_id": result.rule_id,
        f"{FIELD_PREFIX}service": result.service,
        f"{FIELD_PREFIX}kind": result.kind,
        f"{FIELD_PREFIX}status": result.status.value,
        f"{FIELD_PREFIX}severity": result.severity.value,
        f"{FIELD_PREFIX}fingerprint": result.fingerprint,
        f"{FIELD_PREFIX}blocks_cutover": "true" if blocking else "false",
        f"{FIELD_PREFIX}region": result.region,
        f"{FIELD_PREFIX}blocked_by": "; ".join(result.blocked_by),
        f"{FIELD_PREFIX}remediation_action": (info.remediation_action or "") if info else "",
    }
    kept: dict[str, str] = {}
    for key, value in fields.items():
        if value and value.strip() and len(kept) < MAX_FIELDS:
            kept[clean(key, MAX_FIELD_KEY)] = clean(value, MAX_FIELD_VALUE)
    return kept


def stamp(value: str | None) -> str | None:
    """An ISO 8601 time as UTC with milliseconds and ``Z``; None for none or junk."""
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# -- redaction -----------------------------------------------------------------------------

#: Top-level keys redaction leaves alone (a hash, and what it rebuilds), and the
#: ProductFields key of the fingerprint.
_KEPT = frozenset({"Id", "AwsAccountId", "ProductArn"})
_KEPT_FIELDS = frozenset({f"{FIELD_PREFIX}fingerprint"})


def masked_account(account: str) -> str:
    """A redacted ``AwsAccountId``: ``00000000`` and the last four digits (12 digits)."""
    return "0" * 8 + account[-4:]


def _masked(value: Any, kept: frozenset[str] = frozenset()) -> Any:
    if isinstance(value, str):
        return mask_account_ids(value)
    if isinstance(value, dict):
        return {
            mask_account_ids(k): v if k in kept else _masked(v, _KEPT_FIELDS)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


def _redacted(finding: dict[str, Any]) -> dict[str, Any]:
    masked: dict[str, Any] = _masked(finding, _KEPT)
    account = masked_account(finding["AwsAccountId"])
    masked["AwsAccountId"] = account
    masked["ProductArn"] = product_arn(target_region(finding), account)
    return masked
