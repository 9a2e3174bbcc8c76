"""``--security-hub``: import a report's findings into AWS Security Hub, and keep them true.

:func:`publish` takes the report and a client factory (``(service, region) -> boto3
client``; the CLI builds it from the command's session options, a test from moto), and:

1. asks STS which account the credentials are (``sts:GetCallerIdentity``): the scanning
   account. Security Hub's default product takes a finding only from the account it is
   about, so findings of other accounts (an organisation scan) are not sent: a warning
   counts them (run with ``--role-arn`` into each account to import theirs);
2. for each target Region of the report (one client per Region): reads the regionready
   findings Security Hub already holds for that account and Region
   (``securityhub:GetFindings``: GeneratorId ``regionready/...``, ProductFields
   ProviderName regionready, RecordState ACTIVE), then imports this scan's findings
   (:func:`regionready.reporters.asff.findings`, never redacted) with
   ``securityhub:BatchImportFindings`` in batches of 100, the API's limit. A finding
   Security Hub already holds keeps its ``CreatedAt`` and gets the new ``UpdatedAt``:
   it is updated, not duplicated (same Id). Failed findings are sent once more; those
   failing again are counted by error code in a warning;
3. sets ``Workflow`` where the import cannot (after a finding exists, Security Hub
   ignores ``Workflow`` and ``Note`` in BatchImportFindings), with
   ``securityhub:BatchUpdateFindings``: a RESOLVED finding that fails again is NEW
   again (one that is ERROR now stays resolved: not evaluated is not found); one
   suppressed in regionready (a suppressions file) is SUPPRESSED with the reason as its
   Note; one regionready had suppressed whose suppression ended is NEW again (a finding
   someone suppressed in Security Hub is left alone);
4. resolves what is gone: a finding of an earlier scan (same account and Region, ACTIVE,
   Workflow not RESOLVED) whose Id this scan no longer reports, for a rule this scan
   evaluated and a Region pair this scan judged, is set RESOLVED with the Note
   ``not found by regionready scan at <scan time>`` (BatchUpdateFindings, 100 a call).

Refusals (AccessDenied, Security Hub not enabled: InvalidAccessException, an endpoint
that cannot be reached) raise :class:`SecurityHubError`: one line naming the Region and
the action, exit 2. The CLI calls this after the reports are written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from regionready.errors import RegionReadyError
from regionready.model import Report, Status
from regionready.reporters import asff

#: Findings per BatchImportFindings call, and identifiers per BatchUpdateFindings call.
BATCH_SIZE = 100
#: GetFindings page size (the API's maximum).
PAGE_SIZE = 100
#: The IAM actions ``--security-hub`` needs (``regionready iam-policy --security-hub``).
PERMISSIONS = (
    "securityhub:BatchImportFindings",
    "securityhub:BatchUpdateFindings",
    "securityhub:GetFindings",
    "sts:GetCallerIdentity",
)
#: Error codes that mean "this principal may not": the line names the missing action.
DENIED = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedException",
        "AuthorizationError",
    }
)
#: Security Hub is not enabled (subscribed) in the account and Region.
NOT_ENABLED = frozenset({"InvalidAccessException", "InvalidAccess"})

ClientFactory = Callable[[str, str], Any]
T = TypeVar("T")


class SecurityHubError(RegionReadyError):
    """Security Hub refused or could not be reached: one line, exit 2."""


@dataclass
class Summary:
    """What one :func:`publish` did."""

    account: str = ""
    #: New findings (their Id was not in Security Hub), and findings re-imported.
    imported: int = 0
    updated: int = 0
    #: Findings of earlier scans set RESOLVED; findings whose Workflow was set otherwise
    #: (reopened, suppressed, unsuppressed: part of ``updated``).
    resolved: int = 0
    workflow_changes: int = 0
    #: Error code -> findings Security Hub did not take (after the retry), or did not
    #: update (BatchUpdateFindings).
    failed: dict[str, int] = field(default_factory=dict)
    #: Account -> findings not sent (another account's).
    skipped: dict[str, int] = field(default_factory=dict)
    regions: list[str] = field(default_factory=list)

    def line(self) -> str:
        """``Security Hub: imported N, updated M, resolved K in <regions>``."""
        regions = ", ".join(self.regions) or "no Region"
        return (
            f"Security Hub: imported {self.imported}, updated {self.updated}, "
            f"resolved {self.resolved} in {regions}"
        )

    def warnings(self) -> list[str]:
        """One line per kind of trouble that did not stop the import."""
        lines = []
        if self.failed:
            total = sum(self.failed.values())
            counts = ", ".join(f"{n} {code}" for code, n in sorted(self.failed.items()))
            lines.append(f"Security Hub did not take {total} findings ({counts})")
        if self.skipped:
            total = sum(self.skipped.values())
            accounts = ", ".join(f"{a} ({n})" for a, n in sorted(self.skipped.items()))
            lines.append(
                f"{total} findings of other accounts were not imported into {self.account}: "
                f"{accounts}; Security Hub takes a finding only from its own account "
                "(scan each account with --role-arn to import its findings)"
            )
        return lines


def publish(report: Report, client_for: ClientFactory) -> Summary:
    """Import ``report``'s findings into Security Hub and resolve those that are gone
    (see the module docstring); what was done."""
    home = report.scan.target_region
    sts = client_for("sts", home)
    identity = _call(home, "sts:GetCallerIdentity", sts.get_caller_identity)
    account = str(identity["Account"])
    summary = Summary(account=account)
    found = asff.findings(report, account=account)
    by_region: dict[str, list[dict[str, Any]]] = {}
    for pair in report.scan.pairs:
        by_region.setdefault(pair["target"], [])
    for finding in found:
        if finding["AwsAccountId"] != account:
            other = finding["AwsAccountId"]
            summary.skipped[other] = summary.skipped.get(other, 0) + 1
            continue
        by_region.setdefault(asff.target_region(finding), []).append(finding)
    status_of = {r.fingerprint: r.status for r in report.results}
    scope = _Scope(
        rules={r.rule_id for r in report.results},
        pairs=set(report.scan.pair_labels) | {r.pair for r in report.results},
        note_time=asff.stamp(report.scan.now) or _now(),
    )
    for region, findings in by_region.items():
        summary.regions.append(region)
        _publish_region(
            client_for("securityhub", region), region, account, findings, scope, status_of, summary
        )
    return summary


@dataclass(frozen=True)
class _Scope:
    """What this scan speaks for: the rules it evaluated and the pairs it judged."""

    rules: set[str]
    pairs: set[str]
    note_time: str


def _publish_region(
    hub: Any,
    region: str,
    account: str,
    findings: list[dict[str, Any]],
    scope: _Scope,
    status_of: dict[str, Status],
    summary: Summary,
) -> None:
    existing = {f["Id"]: f for f in _existing(hub, region, account)}
    for finding in findings:
        before = existing.get(finding["Id"])
        if before is not None:
            for key in ("CreatedAt", "FirstObservedAt"):
                if before.get(key):
                    finding[key] = before[key]
    taken = _import(hub, region, findings, summary)
    for finding in findings:
        if finding["Id"] not in taken:
            continue
        if finding["Id"] in existing:
            summary.updated += 1
        else:
            summary.imported += 1
    # Workflow the import could not set (the finding existed already).
    changes: dict[tuple[str, str], list[dict[str, str]]] = {}
    for finding in findings:
        before = existing.get(finding["Id"])
        if before is None or finding["Id"] not in taken:
            continue
        change = _workflow_change(before, status_of.get(finding["Id"]), finding, scope)
        if change is not None:
            changes.setdefault(change, []).append(_identifier(finding))
    for (status, note), identifiers in changes.items():
        summary.workflow_changes += _update(hub, region, identifiers, status, note, summary)
    # Findings of earlier scans that this one no longer reports.
    current = {f["Id"] for f in findings}
    gone = [
        _identifier(f)
        for f in existing.values()
        if f["Id"] not in current and _resolvable(f, region, account, scope)
    ]
    note = f"not found by regionready scan at {scope.note_time}"
    summary.resolved += _update(hub, region, gone, "RESOLVED", note, summary)


def _existing(hub: Any, region: str, account: str) -> list[dict[str, Any]]:
    """regionready's ACTIVE findings Security Hub holds for ``account`` in ``region``."""
    filters = {
        "GeneratorId": [{"Value": asff.GENERATOR_PREFIX, "Comparison": "PREFIX"}],
        "ProductFields": [
            {"Key": "ProviderName", "Value": asff.PROVIDER_NAME, "Comparison": "EQUALS"}
        ],
        "AwsAccountId": [{"Value": account, "Comparison": "EQUALS"}],
        "Region": [{"Value": region, "Comparison": "EQUALS"}],
        "RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}],
    }
    found: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"Filters": filters, "MaxResults": PAGE_SIZE}
        if token:
            kwargs["NextToken"] = token
        page = _call(region, "securityhub:GetFindings", hub.get_findings, **kwargs)
        found.extend(page.get("Findings") or [])
        token = page.get("NextToken")
        if not token:
            return found


def _import(hub: Any, region: str, findings: list[dict[str, Any]], summary: Summary) -> set[str]:
    """BatchImportFindings in batches; failed findings are sent once more. The Ids taken."""
    taken: set[str] = set()
    action = "securityhub:BatchImportFindings"
    for batch in _batches(findings):
        answer = _call(region, action, hub.batch_import_findings, Findings=batch)
        failed = {f.get("Id"): f for f in answer.get("FailedFindings") or []}
        if failed:
            again = [f for f in batch if f["Id"] in failed]
            answer = _call(region, action, hub.batch_import_findings, Findings=again)
            still = {f.get("Id"): f for f in answer.get("FailedFindings") or []}
            for entry in still.values():
                code = str(entry.get("ErrorCode") or "unknown error")
                summary.failed[code] = summary.failed.get(code, 0) + 1
            failed = still
        taken.update(f["Id"] for f in batch if f["Id"] not in failed)
    return taken


def _update(
    hub: Any,
    region: str,
    identifiers: list[dict[str, str]],
    status: str,
    note: str,
    summary: Summary,
) -> int:
    """BatchUpdateFindings (Workflow ``status`` and ``note``) in batches; how many took."""
    done = 0
    text = asff.clean(note, asff.MAX_NOTE)
    for batch in _batches(identifiers):
        answer = _call(
            region,
            "securityhub:BatchUpdateFindings",
            hub.batch_update_findings,
            FindingIdentifiers=batch,
            Workflow={"Status": status},
            Note={"Text": text, "UpdatedBy": asff.NOTE_AUTHOR},
        )
        unprocessed = answer.get("UnprocessedFindings") or []
        for entry in unprocessed:
            code = str(entry.get("ErrorCode") or "unknown error")
            summary.failed[code] = summary.failed.get(code, 0) + 1
        done += len(answer.get("ProcessedFindings") or [])
    return done


def _workflow_change(
    before: dict[str, Any], status: Status | None, finding: dict[str, Any], scope: _Scope
) -> tuple[str, str] | None:
    """(Workflow status, Note) to set on a finding Security Hub held already, or None."""
    workflow = _workflow(before)
    if status is Status.SUPPRESSED:
        if workflow in {"NEW", "NOTIFIED", "RESOLVED"}:
            return "SUPPRESSED", str(finding.get("Note", {}).get("Text") or "suppressed")
        return None
    if workflow == "RESOLVED" and status is Status.FAIL:
        # An ERROR now is "not evaluated", not "found again": the finding stays resolved.
        return "NEW", f"found again by regionready scan at {scope.note_time}"
    note = before.get("Note") or {}
    if workflow == "SUPPRESSED" and note.get("UpdatedBy") == asff.NOTE_AUTHOR:
        return "NEW", f"no longer suppressed in regionready at {scope.note_time}"
    return None


def _resolvable(finding: dict[str, Any], region: str, account: str, scope: _Scope) -> bool:
    """A finding of an earlier scan this scan speaks for, not resolved yet."""
    fields = finding.get("ProductFields") or {}
    generator = str(finding.get("GeneratorId") or "")
    return (
        generator.startswith(asff.GENERATOR_PREFIX)
        and generator[len(asff.GENERATOR_PREFIX) :] in scope.rules
        and fields.get("ProviderName") == asff.PROVIDER_NAME
        and fields.get(f"{asff.FIELD_PREFIX}pair") in scope.pairs
        and finding.get("AwsAccountId") == account
        and finding.get("Region", region) == region
        and finding.get("RecordState", "ACTIVE") == "ACTIVE"
        and _workflow(finding) != "RESOLVED"
    )


def _workflow(finding: dict[str, Any]) -> str:
    return str((finding.get("Workflow") or {}).get("Status") or "NEW")


def _identifier(finding: dict[str, Any]) -> dict[str, str]:
    return {"Id": finding["Id"], "ProductArn": finding["ProductArn"]}


def _batches(items: list[T]) -> Iterator[list[T]]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _call(region: str, action: str, method: Callable[..., T], **kwargs: Any) -> T:
    """``method(**kwargs)``; an AWS refusal or an unreachable endpoint as one line."""
    from botocore.exceptions import BotoCoreError, ClientError

    from regionready.collect.connectivity import unreachable

    try:
        return method(**kwargs)
    except ClientError as exc:
        error = exc.response.get("Error") or {}
        code = str(error.get("Code") or "error")
        message = " ".join(str(error.get("Message") or "").split())[:300]
        raise SecurityHubError(refusal(region, action, code, message)) from exc
    except BotoCoreError as exc:
        where = unreachable(exc)
        raise SecurityHubError(f"Security Hub in {region}: {action}: {where or exc}") from exc


def refusal(region: str, action: str, code: str, message: str = "") -> str:
    """The one line for an AWS error answer to ``action`` in ``region``."""
    if code in NOT_ENABLED:
        return (
            f"Security Hub is not enabled in {region} ({action}: {code}); enable it there "
            "or leave out --security-hub"
        )
    if code in DENIED:
        return (
            f"Security Hub in {region}: {action} was denied ({code}); grant it "
            "(regionready iam-policy --security-hub)"
        )
    detail = f": {message}" if message else ""
    return f"Security Hub in {region}: {action} failed ({code}{detail})"
