"""create-archive-rule (AA-002): the source analyzer's archive rule on the target analyzer.

The rule keeps its name and filter; ARNs in the filter are mapped to the target Region
(AA-002 compares filters with Region names in ARNs normalised, so a rule archiving the
source's KMS key findings archives the target key's findings there). The rule goes on
the target's ACTIVE analyzer of the source analyzer's type, found when the change is
applied (analyzer names may differ between Regions; create-analyzer, AA-001, may have
just made it): one that already has a rule of that name, else the same-named one, else
the first by name.

Idempotent: a same-named rule with the same filter (compared as AA-002 compares them) is
left alone; one with another filter is updated (UpdateArchiveRule), never deleted.
"""

from __future__ import annotations

import copy
from typing import Any

from regionready.engine.functions import normalize_policy
from regionready.model import Result
from regionready.remediation import Change, PlanContext, TargetClients
from regionready.remediation.actions.common import in_region
from regionready.remediation.actions.errors import RemediationError

ACTION = "create-archive-rule"
PERMISSIONS = (
    "access-analyzer:ListAnalyzers",
    "access-analyzer:ListArchiveRules",
    "access-analyzer:CreateArchiveRule",
    "access-analyzer:UpdateArchiveRule",
)


def plan(finding: Result, ctx: PlanContext) -> list[Change]:
    rule_id = str(finding.details.get("source") or finding.resource_id)
    rule = ctx.find(ctx.source, "accessanalyzer", "archive_rule", "Id", rule_id)
    if rule is None or not rule.get("ruleName"):
        return []
    analyzer = rule.get("analyzer") or {}
    kind = analyzer.get("type")
    if not kind:
        return []
    params = {
        "type": kind,
        "sourceAnalyzer": analyzer.get("name"),
        "ruleName": rule["ruleName"],
        "filter": in_region(copy.deepcopy(rule.get("filter") or {}), ctx.source, ctx.target),
    }
    return [
        Change.fixing(
            finding,
            ACTION,
            region=ctx.target,
            resource=f"{kind}/{rule['ruleName']}",
            summary=f"archive rule {rule['ruleName']} (filter on "
            f"{', '.join(sorted(params['filter'])) or 'nothing'}) on the {kind} analyzer",
            params=params,
        )
    ]


def _analyzer(aa: Any, p: dict[str, Any], target: str) -> tuple[str, dict[str, Any] | None]:
    """The target analyzer to hold the rule, and its same-named rule if it has one."""
    active = sorted(
        (
            a
            for page in aa.get_paginator("list_analyzers").paginate(type=p["type"])
            for a in page["analyzers"]
            if a.get("status") == "ACTIVE"
        ),
        key=lambda a: str(a["name"]),
    )
    if not active:
        raise RemediationError(
            f"{target} has no ACTIVE {p['type']} analyzer for archive rule {p['ruleName']}: "
            "create-analyzer (AA-001) must run first"
        )
    for analyzer in active:
        name = str(analyzer["name"])
        for page in aa.get_paginator("list_archive_rules").paginate(analyzerName=name):
            for rule in page["archiveRules"]:
                if rule.get("ruleName") == p["ruleName"]:
                    return name, rule
    same = next((a for a in active if a["name"] == p.get("sourceAnalyzer")), active[0])
    return str(same["name"]), None


def apply(change: Change, clients: TargetClients) -> str:
    p = change.params
    aa = clients("accessanalyzer")
    target = clients.target
    analyzer, existing = _analyzer(aa, p, target)
    if existing is None:
        aa.create_archive_rule(analyzerName=analyzer, ruleName=p["ruleName"], filter=p["filter"])
        return f"created archive rule {p['ruleName']} on {analyzer}"
    if normalize_policy(existing.get("filter") or {}, target) == normalize_policy(
        p["filter"], target
    ):
        return f"already present: archive rule {p['ruleName']} on {analyzer} has the filter"
    aa.update_archive_rule(analyzerName=analyzer, ruleName=p["ruleName"], filter=p["filter"])
    return f"updated the filter of archive rule {p['ruleName']} on {analyzer}"
