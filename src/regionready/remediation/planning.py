"""Planning: the changes that fix findings, from the snapshot alone (no AWS call).

``plan`` asks the action each failing rule names (``remediation.action``) for its
changes; an action is found through ``registry.ACTIONS``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from regionready import registry
from regionready.engine.rules import Rule
from regionready.model import Result, Status
from regionready.remediation.actions.errors import RemediationError
from regionready.snapshot import GLOBAL, LOCAL, Scan

if TYPE_CHECKING:
    from regionready.plugins import Action


@dataclass
class Change:
    action: str
    rule_id: str
    fingerprint: str
    account: str
    region: str
    resource: str
    summary: str
    params: dict[str, Any] = field(default_factory=dict)
    # Why this change cannot be made as planned (input the user must supply, e.g. PEM
    # files or a bucket): apply skips it and says so instead of failing the run.
    blocked: str | None = None
    #: The finding's pair: an action copies from ``source`` and acts in ``target``.
    source: str = ""
    target: str = ""

    @classmethod
    def fixing(
        cls,
        finding: Result,
        action: str,
        *,
        region: str,
        resource: str,
        summary: str,
        params: dict[str, Any] | None = None,
        blocked: str | None = None,
    ) -> Change:
        """A change of ``action`` that fixes ``finding`` (its rule, fingerprint, account)."""
        return cls(
            action=action,
            rule_id=finding.rule_id,
            fingerprint=finding.fingerprint,
            account=finding.account,
            region=region,
            resource=resource,
            summary=summary,
            params={} if params is None else params,
            blocked=blocked,
            source=finding.source_region,
            target=finding.target_region,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class UnreadData(RemediationError):
    """A fix would be planned from data the snapshot did not read (collected with
    ``--only``): no change is planned for that finding, and a note says why."""


@dataclass
class PlanContext:
    scan: Scan
    account: str
    source: str
    target: str
    options: dict[str, Any] = field(default_factory=dict)
    # Why a finding got no change (an action appends here and plans nothing).
    notes: list[str] = field(default_factory=list)

    def items(self, region: str, service: str, rtype: str) -> list[dict[str, Any]]:
        svc = self.scan.service(self.account, GLOBAL, service) or self.scan.service(
            self.account, region, service
        )
        if svc is None:
            return []
        unread = sorted({e["api"] for e in svc.get("unread", ()) if rtype in e["resource_types"]})
        if unread:
            raise UnreadData(
                f"{service}.{rtype} in {region} was collected for selected checks only "
                f"({', '.join(unread)} not called): collect without --only to plan this fix"
            )
        found: list[dict[str, Any]] = svc["resources"].get(rtype, [])
        return found

    def find(
        self, region: str, service: str, rtype: str, key: str, value: Any
    ) -> dict[str, Any] | None:
        return next((i for i in self.items(region, service, rtype) if i.get(key) == value), None)


# -- actions -------------------------------------------------------------------------------


def action_names() -> list[str]:
    """Every action's name, sorted (the keys of ``registry.ACTIONS``)."""
    return registry.action_names()


def action(name: str) -> Action:
    """The action a rule's ``remediation.action`` names; RemediationError for none."""
    try:
        return registry.action(name)
    except registry.UnknownPlugin as exc:
        if not re.fullmatch(r"[a-z][a-z0-9_-]*", name):
            raise RemediationError(f"unknown remediation action '{name}'") from exc
        raise RemediationError(f"remediation action '{name}' is not implemented yet") from exc


def permissions(names: Iterable[str]) -> list[str]:
    """Every IAM action the named remediation actions may call, sorted."""
    actions: set[str] = set()
    for name in names:
        actions.update(action(name).PERMISSIONS)
    return sorted(actions)


def iam_policy(names: Iterable[str]) -> dict[str, Any]:
    """The policy ``regionready iam-policy --remediation`` prints for the named actions:
    one statement on ``*`` (as ``collect.permissions.iam_policy`` is for the collectors)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "RegionReadyRemediation",
                "Effect": "Allow",
                "Action": permissions(names),
                "Resource": "*",
            }
        ],
    }


def plan(
    results: list[Result],
    rules: dict[str, Rule],
    scan: Scan,
    *,
    options: dict[str, Any] | None = None,
) -> tuple[list[Change], list[str]]:
    """Changes for every FAIL result whose rule names an action; notes for the rest."""
    changes: list[Change] = []
    notes: list[str] = []
    seen: set[tuple[str, str, str, str]] = set()
    for result in results:
        if result.status is not Status.FAIL:
            continue
        rule = rules.get(result.rule_id)
        name = rule.remediation_action if rule else None
        if not name:
            continue
        try:
            module = action(name)
        except RemediationError as exc:
            notes.append(f"{result.rule_id} {result.resource_id}: {exc}")
            continue
        # Each finding is fixed in its own pair's target (several targets, active-active).
        source, target = result.source_region, result.target_region
        ctx = PlanContext(scan, result.account, source, target, dict(options or {}))
        try:
            planned = module.plan(result, ctx)
        except UnreadData as exc:
            notes.append(f"{result.rule_id} {result.resource_id}: not planned: {exc}")
            continue
        notes.extend(ctx.notes)
        for change in planned:
            # One change per account, except on this machine (one file for all accounts).
            owner = "" if change.region == LOCAL else change.account
            key = (owner, change.action, change.region, change.resource)
            if key in seen:  # two findings fixed by one change (e.g. WAF-002 and WAF-003)
                continue
            seen.add(key)
            if change.region not in (target, LOCAL):
                raise RemediationError(
                    f"{name} planned a change in {change.region}, outside the target {target}"
                )
            changes.append(change)
    return changes, notes
