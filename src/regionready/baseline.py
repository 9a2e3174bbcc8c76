"""Baselines and diffs between two reports, by finding fingerprint.

``--baseline old.json`` makes the gate fail only on findings that are new since that
report; ``regionready diff OLD NEW`` lists new, fixed and unchanged findings (the
periodic DR-readiness scan).

A finding of the old report is *fixed* only on evidence: the new report has its
fingerprint as PASS or NOT_APPLICABLE, or no longer has it at all while the rule was
evaluated for that account without an ERROR (the resource is gone and the data was
complete). A finding whose check could not be evaluated in the new report (the same
fingerprint is ERROR, or an ERROR result of the same rule and account, such as
``kms.alias@eu-central-1`` for a whole resource type, may cover it, or the rule has no
result at all for that account) is *not evaluated*, never fixed. A finding that is
SUPPRESSED in the new report is *suppressed*: accepted, not fixed.

Everything is per Region pair: a fingerprint hashes the source and the target Region, so
the same finding in two pairs is two findings, fixed or not each on its own, and an ERROR
in one pair never makes a finding of another pair "not evaluated".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from regionready import inputfile
from regionready.errors import RegionReadyError
from regionready.model import Result, Severity, Status
from regionready.snapshot import parse_json


class BaselineError(RegionReadyError):
    """A baseline or report file that cannot be used."""


SEVERITIES = {s.value for s in Severity}
TEXT_FIELDS = (
    "rule_id",
    "resource_id",
    "region",
    "message",
    "account",
    "source_region",
    "target_region",
)


def load_report(path: Path) -> dict[str, Any]:
    try:
        text = inputfile.read_text(path, "baseline")
    except inputfile.InputFileError as exc:
        raise BaselineError(str(exc)) from exc
    data = parse_json(path, text, BaselineError)
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise BaselineError(f"{path}: not a regionready JSON report (no results list)")
    for index, item in enumerate(data["results"]):
        if not isinstance(item, dict) or not {"fingerprint", "status"} <= set(item):
            raise BaselineError(f"{path}: results[{index}] has no fingerprint/status")
        if not isinstance(item["fingerprint"], str) or not isinstance(item["status"], str):
            raise BaselineError(f"{path}: results[{index}]: fingerprint and status must be text")
        severity = item.get("severity", "note")
        if not isinstance(severity, str) or severity not in SEVERITIES:
            raise BaselineError(f"{path}: results[{index}]: unknown severity")
        for key in TEXT_FIELDS:
            if item.get(key) is not None and not isinstance(item[key], str):
                raise BaselineError(f"{path}: results[{index}]: {key} must be text")
    return data


def failing_fingerprints(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["fingerprint"]: r for r in report["results"] if r["status"] == "FAIL"}


def mark_new(results: list[Result], baseline: dict[str, Any]) -> list[Result]:
    """Tag each finding new or existing; return the new ones."""
    known = failing_fingerprints(baseline)
    new = []
    for result in results:
        if result.status is not Status.FAIL:
            continue
        if result.fingerprint in known:
            result.details["baseline"] = "existing"
        else:
            result.details["baseline"] = "new"
            new.append(result)
    return new


@dataclass
class Diff:
    new: list[dict[str, Any]] = field(default_factory=list)
    fixed: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[dict[str, Any]] = field(default_factory=list)
    #: Old findings whose check could not be evaluated in the new report (never "fixed").
    not_evaluated: list[dict[str, Any]] = field(default_factory=list)
    #: Old findings that are SUPPRESSED in the new report (accepted, not fixed).
    suppressed: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "new": self.new,
            "fixed": self.fixed,
            "unchanged": self.unchanged,
            "not_evaluated": self.not_evaluated,
            "suppressed": self.suppressed,
        }

    def summary(self) -> str:
        return (
            f"{len(self.new)} new, {len(self.fixed)} fixed, {len(self.unchanged)} unchanged "
            f"findings, {len(self.not_evaluated)} not evaluated, "
            f"{len(self.suppressed)} suppressed"
        )


#: Statuses that show a finding is gone (see the module docstring).
_FIXED = frozenset({Status.PASS.value, Status.NOT_APPLICABLE.value})


def records(results: Iterable[Result]) -> Iterator[dict[str, Any]]:
    """The fields :func:`diff` reads, of results not written to a report, made one at a
    time as they are read."""
    return (
        {
            "fingerprint": r.fingerprint,
            "status": r.status.value,
            "severity": r.severity.value,
            "rule_id": r.rule_id,
            "account": r.account,
            "region": r.region,
            "source_region": r.source_region,
            "target_region": r.target_region,
            "resource_id": r.resource_id,
            "message": r.message,
        }
        for r in results
    )


#: Where a rule ran: (rule id, account, source Region, target Region).
Scope = tuple[str, str, str, str]


def _scope(r: dict[str, Any], default: tuple[str, str]) -> Scope:
    """The rule, account and pair of a result record; ``default``: the report's pair, for
    a record that names none."""
    return (
        r.get("rule_id") or "",
        r.get("account") or "",
        r.get("source_region") or default[0],
        r.get("target_region") or default[1],
    )


def _pair_of(report: dict[str, Any]) -> tuple[str, str]:
    """The report's (first) pair from its ``scan``, ("", "") when it has none."""
    scan = report.get("scan")
    if not isinstance(scan, dict):
        return "", ""
    source, target = scan.get("source_region"), scan.get("target_region")
    return (
        source if isinstance(source, str) else "",
        target if isinstance(target, str) else "",
    )


def diff(old: dict[str, Any], new: dict[str, Any]) -> Diff:
    """New, fixed, unchanged, not evaluated and suppressed findings from ``old`` to ``new``
    (two reports, or ``{"results": records(...)}``: ``new``'s results are read once, so
    they may be a generator). A rule "ran" or "erred" per account and Region pair."""
    before = failing_fingerprints(old)
    old_pair, new_pair = _pair_of(old), _pair_of(new)
    status_of: dict[str, str] = {}
    evaluated: set[Scope] = set()
    errored: set[Scope] = set()
    after: dict[str, dict[str, Any]] = {}  # failing_fingerprints(new), in the same one pass
    for r in new["results"]:
        status_of.setdefault(r["fingerprint"], r["status"])
        if r["status"] == Status.FAIL.value:
            status_of[r["fingerprint"]] = r["status"]
            after[r["fingerprint"]] = r
        key = _scope(r, new_pair)
        evaluated.add(key)
        if r["status"] == Status.ERROR.value:
            errored.add(key)
    result = Diff()
    for fp, r in before.items():
        status = status_of.get(fp)
        key = _scope(r, old_pair)
        if status == Status.FAIL.value:
            result.unchanged.append(r)
        elif status == Status.SUPPRESSED.value:
            result.suppressed.append(r)
        elif status in _FIXED:
            result.fixed.append(r)
        elif status is None and key in evaluated and key not in errored:
            result.fixed.append(r)  # gone, and the rule saw complete data
        else:  # ERROR, or gone where the rule erred or did not run
            result.not_evaluated.append(r)
    result.new = [r for fp, r in after.items() if fp not in before]
    for items in (result.new, result.fixed, result.unchanged, result.not_evaluated):
        items.sort(key=_order)
    result.suppressed.sort(key=_order)
    return result


def _order(r: dict[str, Any]) -> tuple[str, str, str, str]:
    return (
        r.get("rule_id") or "",
        r.get("resource_id") or "",
        r.get("source_region") or "",
        r.get("target_region") or "",
    )
