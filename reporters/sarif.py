"""SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer).

Shape (one run):

- ``tool.driver.rules``: every rule of the report, sorted by id, with help text and
  markdown, ``helpUri``, ``defaultConfiguration.level`` and GitHub's
  ``properties["security-severity"]``; rules referenced by a result but absent from
  ``report.rules`` get a minimal descriptor so every ``ruleIndex`` resolves.
- ``results``: FAIL results, and SUPPRESSED ones carrying
  ``suppressions: [{kind: external, status: accepted, justification: reason}]``. PASS and
  NOT_APPLICABLE are not results. Each has one physical location (the IaC file and line
  when known, else the repository-relative rule file at line 1), the resource ARN as a
  logical location, and ``partialFingerprints["regionready/v1"]`` (the stable finding
  fingerprint, so an alert survives re-runs and is closed when the finding goes away).
- ERROR results are *not* alerts: they become ``invocations[0].toolExecutionNotifications``
  with level ``error``, visible on the tool status page.
- ``automationDetails.id`` is ``regionready/<source>-to-<target>/``: the trailing slash
  makes the whole id the code scanning *category*, so scans of different Region pairs do
  not close each other's alerts.

Several Region pairs (one run still): each result's and error notification's
``properties`` also name its ``pair`` (``source:target``), ``source_region`` and
``target_region``; the run's ``properties.regionready.pairs`` lists every pair with its
own verdict and scores; ``automationDetails.id`` names every pair, sorted
(``regionready/a-to-b,a-to-c/``), one category for that set of pairs. The same finding in
two pairs keeps two alerts: code scanning tells results apart by their
``partialFingerprints``, and ``regionready/v1`` there hashes both Regions (the
``primaryLocationLineHash`` the upload action adds is the rule file's line, the same for
both, so it could not).

Severity mapping (GitHub reads ``security-severity`` only from rules: > 9.0 critical,
7.0-8.9 high, 4.0-6.9 medium, <= 3.9 low; 0.0 or absent means "no security severity"):
critical 9.5, high 8.0, medium 5.5, low 3.0, note 1.0. ``note`` gets 1.0 rather than 0.0
so it still sorts as a (lowest) security alert; it shows as "low" in GitHub.

Limits (:mod:`regionready.reporters.sarif_limits`): at most ``max_results`` results and
``max_bytes`` bytes of UTF-8; over either the most severe results are kept and a warning
notification says how many were dropped.
"""

from __future__ import annotations

import re
import urllib.parse
from datetime import UTC, datetime
from itertools import islice
from typing import IO, Any

from regionready.model import Report, Result, RuleInfo, Severity, Status, pair_title
from regionready.reporters.sarif_limits import (
    MAX_BYTES,
    MAX_RESULTS_PER_RUN,
    Errors,
    first_errors,
    fit,
    most_severe_first,
    run_notifications,
)
from regionready.results import Counts
from regionready.scoring import (
    DEFAULT_FAIL_ON,
    Scorecard,
    for_reporter,
    pair_scorecards,
    several_pairs,
)
from regionready.wording import plural

FORMAT = "sarif"
EXTENSION = ".sarif"

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "regionready"
INFORMATION_URI = "https://github.com/regionready/regionready"
RULE_DOCS_URI = INFORMATION_URI + "/blob/main/docs/rules/{rule_id}.md"
FINGERPRINT_KEY = "regionready/v1"

LEVELS: dict[Severity, str] = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.NOTE: "note",
}

SECURITY_SEVERITY: dict[Severity, str] = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.NOTE: "1.0",
}

_SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
_WORD = re.compile(r"[A-Za-z0-9]+")


def render(
    report: Report,
    *,
    redact: bool = False,
    fail_on: Severity | None = DEFAULT_FAIL_ON,
    max_results: int = MAX_RESULTS_PER_RUN,
    max_bytes: int = MAX_BYTES,
) -> str:
    """The report as a SARIF 2.1.0 document (deterministic, pure)."""
    return "".join(
        _chunks(
            report, redact=redact, fail_on=fail_on, max_results=max_results, max_bytes=max_bytes
        )
    )


def write(
    report: Report,
    handle: IO[str],
    *,
    redact: bool = False,
    fail_on: Severity | None = DEFAULT_FAIL_ON,
    max_results: int = MAX_RESULTS_PER_RUN,
    max_bytes: int = MAX_BYTES,
) -> None:
    """Write :func:`render`'s text to ``handle`` in pieces, never joined into one string."""
    for chunk in _chunks(
        report, redact=redact, fail_on=fail_on, max_results=max_results, max_bytes=max_bytes
    ):
        handle.write(chunk)


def _chunks(
    report: Report,
    *,
    redact: bool,
    fail_on: Severity | None,
    max_results: int,
    max_bytes: int,
) -> list[str]:
    """The document in pieces (``"".join`` of them is the text), within the limits."""
    report, card = for_reporter(report, redact=redact, fail_on=fail_on)
    rules, index = _rules(report)

    counts = Counts.of(report.results)
    total = counts.status(Status.FAIL) + counts.status(Status.SUPPRESSED)
    pairs = several_pairs(report)
    # At most max_results are made (GitHub takes no more), and MAX_ERROR_NOTIFICATIONS
    # notifications: whatever the size of the report, so is this document's.
    candidates = islice(most_severe_first(report.results), max(0, max_results))
    results = [_result(r, report, index, pairs) for r in candidates]
    errors = Errors(
        [_error_notification(r, report, index, pairs) for r in first_errors(report.results)],
        counts.status(Status.ERROR),
    )
    pair_cards = pair_scorecards(report, fail_on) if pairs else {}
    chunks: list[str] = fit(
        results,
        max_bytes,
        lambda keep: _document(
            report, card, pair_cards, rules, results, total, keep, errors, max_results, max_bytes
        ),
    )
    return chunks


def _document(
    report: Report,
    card: Scorecard,
    pair_cards: dict[str, Scorecard],
    rules: list[dict[str, Any]],
    results: list[dict[str, Any]],
    total: int,
    keep: int,
    errors: Errors,
    max_results: int,
    max_bytes: int,
) -> dict[str, Any]:
    """``results``: the first of the ``total`` FAIL and SUPPRESSED results, most severe
    first; ``keep`` of them go in."""
    scan = report.scan
    notifications = run_notifications(total, keep, errors, max_results, max_bytes)

    invocation: dict[str, Any] = {"executionSuccessful": True}
    for key, value in (("startTimeUtc", scan.started_at), ("endTimeUtc", scan.finished_at)):
        stamp = _utc(value)
        if stamp:
            invocation[key] = stamp
    if notifications:
        invocation["toolExecutionNotifications"] = notifications

    version = scan.tool_version or "0.0.0"
    driver: dict[str, Any] = {
        "name": TOOL_NAME,
        "version": version,
        "informationUri": INFORMATION_URI,
        "rules": rules,
    }
    if _SEMVER.match(version):
        driver["semanticVersion"] = version

    properties: dict[str, Any] = {
        "source_region": scan.source_region,
        "target_region": scan.target_region,
        "accounts": list(scan.accounts),
        "now": scan.now,
        "cutover_date": scan.cutover_date,
        "verdict": card.verdict.value,
        "fail_on": card.fail_on_label,
        "score": card.overall.score,
        "service_scores": {name: s.score for name, s in card.services.items()},
        "results_total": total,
        "results_kept": keep,
    }
    if pair_cards:
        properties["pairs"] = [_pair_properties(label, c) for label, c in pair_cards.items()]
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "automationDetails": _automation_details(report, pair_cards),
        "invocations": [invocation],
        "results": results[:keep],
        "properties": {"regionready": properties},
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def _automation_details(report: Report, pair_cards: dict[str, Scorecard]) -> dict[str, Any]:
    """The run's category: ``regionready/<source>-to-<target>/`` for one pair; for several,
    every pair in label order, comma-separated, so the same set of pairs always gets the
    same category whatever order the command line gave them in."""
    scan = report.scan
    if not pair_cards:
        return {
            "id": f"{TOOL_NAME}/{scan.source_region}-to-{scan.target_region}/",
            "description": {
                "text": (
                    f"Readiness of {scan.target_region} to take over from {scan.source_region}"
                )
            },
        }
    labels = list(pair_cards)
    names = ",".join(label.replace(":", "-to-", 1) for label in sorted(labels))
    titles = ", ".join(pair_title(label) for label in labels)
    return {
        "id": f"{TOOL_NAME}/{names}/",
        "description": {"text": f"Readiness of {plural(len(labels), 'Region pair')}: {titles}"},
    }


def _pair_properties(label: str, card: Scorecard) -> dict[str, Any]:
    """One entry of the run's ``pairs`` property: a pair and its own verdict and scores."""
    source, _, target = label.partition(":")
    return {
        "pair": label,
        "source_region": source,
        "target_region": target,
        "verdict": card.verdict.value,
        "blocking_findings": card.blocking_findings,
        "errors": card.errors,
        "score": card.overall.score,
        "service_scores": {name: s.score for name, s in card.services.items()},
    }


def _rules(report: Report) -> tuple[list[dict[str, Any]], dict[str, int]]:
    infos = dict(report.rules)
    for result in report.results:
        if result.rule_id not in infos:
            infos[result.rule_id] = RuleInfo(
                id=result.rule_id,
                title=result.rule_id,
                description="",
                service=result.service,
                kind=result.kind,
                severity=result.severity,
                path="",
            )
    ordered = sorted(infos)
    return [_rule(infos[rid]) for rid in ordered], {rid: i for i, rid in enumerate(ordered)}


def _rule(info: RuleInfo) -> dict[str, Any]:
    title = info.title or info.id
    description = info.description or title
    text = [description]
    markdown = [f"**{title}**", "", description]
    if info.remediation_text:
        text.append(f"Remediation: {info.remediation_text}")
        markdown += ["", f"**Remediation:** {info.remediation_text}"]
    if info.remediation_action:
        text.append(
            f"Remediation action: {info.remediation_action} "
            "(`regionready remediate` plans it; `--apply` applies it in the target Region)."
        )
        markdown += [
            "",
            f"**Remediation action:** `{info.remediation_action}` "
            "(`regionready remediate` plans it; `--apply` applies it in the target Region).",
        ]
    if info.references:
        text.append("References: " + "; ".join(info.references))
        markdown += ["", "**References:**", *(f"- {ref}" for ref in info.references)]
    tags = list(dict.fromkeys(t for t in (info.service, info.kind, "security") if t))
    return {
        "id": info.id,
        "name": _camel(title) or _camel(info.id) or "Rule",
        "shortDescription": {"text": title},
        "fullDescription": {"text": description},
        "help": {"text": "\n\n".join(text), "markdown": "\n".join(markdown)},
        "helpUri": info.help_uri or RULE_DOCS_URI.format(rule_id=urllib.parse.quote(info.id)),
        "defaultConfiguration": {"level": LEVELS[info.severity]},
        "properties": {
            "tags": tags,
            "security-severity": SECURITY_SEVERITY[info.severity],
            "precision": "high",
            "severity": info.severity.value,
        },
    }


def _location(result: Result, report: Report) -> dict[str, Any]:
    if result.location is not None:
        path, line, column = result.location.path, result.location.line, result.location.column
    else:
        info = report.rules.get(result.rule_id)
        path, line, column = (info.path if info else ""), None, None
    if not path:
        path = f"rules/{result.service}/{result.rule_id}.yaml"
    region: dict[str, int] = {"startLine": line if line and line >= 1 else 1}
    if column and column >= 1:
        region["startColumn"] = column
    location: dict[str, Any] = {
        "physicalLocation": {"artifactLocation": {"uri": _uri(path)}, "region": region}
    }
    if result.resource_id:
        logical = {"fullyQualifiedName": result.resource_id, "kind": "resource"}
        if result.resource_name:
            logical["name"] = result.resource_name
        location["logicalLocations"] = [logical]
    return location


def _properties(result: Result, pairs: bool) -> dict[str, Any]:
    """A result's property bag; with ``pairs`` (a scan of several Region pairs) it names
    the result's pair too."""
    properties: dict[str, Any] = {
        "account": result.account,
        "region": result.region,
        "resource_type": result.resource_type,
        "blocked_by": list(result.blocked_by),
        "severity": result.severity.value,
        "status": result.status.value,
        "service": result.service,
        "kind": result.kind,
    }
    if pairs:
        properties["pair"] = result.pair
        properties["source_region"] = result.source_region
        properties["target_region"] = result.target_region
    return properties


def _result(result: Result, report: Report, index: dict[str, int], pairs: bool) -> dict[str, Any]:
    info = report.rules.get(result.rule_id)
    sarif: dict[str, Any] = {
        "ruleId": result.rule_id,
        "ruleIndex": index[result.rule_id],
        "level": LEVELS[result.severity],
        "message": {"text": result.message or (info.title if info else result.rule_id)},
        "locations": [_location(result, report)],
        "partialFingerprints": {FINGERPRINT_KEY: result.fingerprint},
        "properties": _properties(result, pairs),
    }
    if result.status is Status.SUPPRESSED:
        details = dict(result.suppression or {})
        suppression: dict[str, Any] = {
            "kind": "external",
            "status": "accepted",
            "justification": details.pop("reason", "") or "suppressed",
        }
        if details:
            suppression["properties"] = {k: details[k] for k in sorted(details)}
        sarif["suppressions"] = [suppression]
    return sarif


def _error_notification(
    result: Result, report: Report, index: dict[str, int], pairs: bool
) -> dict[str, Any]:
    subject = result.resource_id or result.correlation_key or "(no resource)"
    return {
        "level": "error",
        "descriptor": {"id": "regionready/evaluation-error"},
        "associatedRule": {"id": result.rule_id, "index": index[result.rule_id]},
        "message": {
            "text": (
                f"{result.rule_id} could not be evaluated for {subject} "
                f"(account {result.account}, {result.region}): {result.message}"
            )
        },
        "locations": [_location(result, report)],
        "properties": {"fingerprint": result.fingerprint, **_properties(result, pairs)},
    }


def _uri(path: str) -> str:
    """A repository-relative URI reference with forward slashes.

    An absolute path (a rule file outside the checkout) is cut to its ``rules/...`` tail,
    or to its file name: code scanning rejects absolute file URIs outside the repository.
    """
    uri = path.replace("\\", "/")
    while uri.startswith("./"):
        uri = uri[2:]
    if uri.startswith("/") or re.match(r"^[A-Za-z]:/", uri):
        cut = uri.rfind("/rules/")
        uri = uri[cut + 1 :] if cut >= 0 else uri.rsplit("/", 1)[-1]
    return urllib.parse.quote(uri.lstrip("/"), safe="/")


def _camel(text: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in _WORD.findall(text))


def _utc(value: str | None) -> str | None:
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
