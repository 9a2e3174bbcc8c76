"""IAM Access Analyzer analyzers and their archive rules in one Region.

Items (AWS field names, as the APIs return them):

``analyzer`` (id ``arn``)
    Each ListAnalyzers entry as returned: arn, name, type (ACCOUNT, ORGANIZATION,
    ACCOUNT_UNUSED_ACCESS, ORGANIZATION_UNUSED_ACCESS, ACCOUNT_INTERNAL_ACCESS,
    ORGANIZATION_INTERNAL_ACCESS), status (ACTIVE, CREATING, DISABLED, FAILED),
    statusReason, createdAt, configuration (unused/internal access settings), tags, ...

``archive_rule`` (id ``Id``: ``<analyzer name>/<rule name>``)
    Each ListArchiveRules entry as returned (ruleName, filter, createdAt, updatedAt) plus
    ``analyzer``: {arn, name, type, status} of the analyzer it belongs to (a rule's
    counterpart in another Region is the same-named rule of an analyzer of the same
    type; analyzer names may differ between Regions) and ``Id``, because rule names are
    unique only within an analyzer.

Archive rules are their own resource type, not a list inside each analyzer: checks
report and remediate them one by one, and a denied ListArchiveRules then leaves only
the archive-rule checks without data, not the analyzer checks.
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "accessanalyzer"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"analyzer": "arn", "archive_rule": "Id"}
PERMISSIONS = (
    "access-analyzer:ListAnalyzers",
    "access-analyzer:ListArchiveRules",
)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}

ANALYZER_SUMMARY_FIELDS = ("arn", "name", "type", "status")


def _archive_rules(clients: Clients, analyzer: dict[str, Any]) -> list[dict[str, Any]]:
    name = str(analyzer["name"])
    rules = clients.paginate(
        "accessanalyzer",
        "list_archive_rules",
        "archiveRules",
        feeds=["archive_rule"],
        analyzerName=name,
    )
    summary = {field: analyzer.get(field) for field in ANALYZER_SUMMARY_FIELDS}
    return [
        {**rule, "analyzer": dict(summary), "Id": f"{name}/{rule['ruleName']}"}
        for rule in rules or []
    ]


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    analyzers = clients.paginate(
        "accessanalyzer", "list_analyzers", "analyzers", feeds=["analyzer", "archive_rule"]
    )
    items = [dict(analyzer) for analyzer in analyzers or []]
    per_analyzer = clients.map(lambda analyzer: _archive_rules(clients, analyzer), items)
    rules = [rule for found in per_analyzer for rule in found]
    return {"analyzer": items, "archive_rule": rules}
