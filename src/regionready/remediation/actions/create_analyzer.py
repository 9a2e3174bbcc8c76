"""create-analyzer (AA-001): an IAM Access Analyzer analyzer of the source's type in the target.

The analyzer gets the source analyzer's name, type, tags and configuration (the
internal-access or unused-access settings; ARNs in them mapped to the target Region).
Its archive rules are not copied here: each is its own AA-002 finding and
create-archive-rule change, which finds this analyzer by type.

Idempotent by type and name: an ACTIVE analyzer of the type in the target (whatever its
name) already satisfies AA-001, and so does the same-named analyzer of that type while it
is still CREATING. A same-named analyzer of another type, or one of this type that is
DISABLED or FAILED, is refused with a message: fixing it would mean deleting it.
"""

from __future__ import annotations

import copy
from typing import Any

from regionready.model import Result
from regionready.remediation import Change, PlanContext, TargetClients
from regionready.remediation.actions.common import in_region
from regionready.remediation.actions.errors import RemediationError

ACTION = "create-analyzer"
PERMISSIONS = ("access-analyzer:ListAnalyzers", "access-analyzer:CreateAnalyzer")


def plan(finding: Result, ctx: PlanContext) -> list[Change]:
    arn = str(finding.details.get("source") or finding.resource_id)
    analyzer = ctx.find(ctx.source, "accessanalyzer", "analyzer", "arn", arn)
    if analyzer is None or not analyzer.get("type") or not analyzer.get("name"):
        return []
    params: dict[str, Any] = {
        "analyzerName": analyzer["name"],
        "type": analyzer["type"],
        "tags": dict(analyzer.get("tags") or {}),
    }
    if analyzer.get("configuration"):
        params["configuration"] = in_region(
            copy.deepcopy(analyzer["configuration"]), ctx.source, ctx.target
        )
    return [
        Change.fixing(
            finding,
            ACTION,
            region=ctx.target,
            resource=f"{analyzer['type']}/{analyzer['name']}",
            summary=f"create the {analyzer['type']} analyzer {analyzer['name']}"
            f"{' with its configuration' if 'configuration' in params else ''}",
            params=params,
        )
    ]


def apply(change: Change, clients: TargetClients) -> str:
    p = change.params
    aa = clients("accessanalyzer")
    analyzers = [
        a for page in aa.get_paginator("list_analyzers").paginate() for a in page["analyzers"]
    ]
    same_type = [a for a in analyzers if a.get("type") == p["type"]]
    active = sorted(str(a["name"]) for a in same_type if a.get("status") == "ACTIVE")
    if active:
        return f"already present: {p['type']} analyzer {active[0]} is ACTIVE"
    named = next((a for a in analyzers if a.get("name") == p["analyzerName"]), None)
    if named is not None:
        if named.get("type") != p["type"]:
            raise RemediationError(
                f"an analyzer named {p['analyzerName']} of type {named.get('type')} exists in "
                f"{clients.target}; a {p['type']} analyzer needs another name"
            )
        if named.get("status") == "CREATING":
            return f"already present: {p['type']} analyzer {p['analyzerName']} is CREATING"
        raise RemediationError(
            f"{p['type']} analyzer {p['analyzerName']} in {clients.target} is "
            f"{named.get('status')} ({named.get('statusReason') or 'no reason given'}); "
            "remediation does not delete it to recreate it"
        )
    kwargs: dict[str, Any] = {"analyzerName": p["analyzerName"], "type": p["type"]}
    if p.get("tags"):
        kwargs["tags"] = p["tags"]
    if p.get("configuration"):
        kwargs["configuration"] = p["configuration"]
    created = aa.create_analyzer(**kwargs)["arn"]
    return f"created {p['type']} analyzer {created}"
