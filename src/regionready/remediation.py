"""Remediation: plan changes from findings, apply them only when asked, only in the target.

An action is a module of ``regionready.actions`` listed in ``registry.ACTIONS`` under its
``ACTION`` name, the name a rule's ``remediation.action`` gives (``create-key`` ->
``create_key``); its contract is :class:`regionready.plugins.Action`::

    ACTION = "create-key"
    PERMISSIONS = ("kms:CreateKey", ...)    # every AWS action it may call
    def plan(finding: Result, ctx: PlanContext) -> list[Change]     # pure: snapshot only
    def apply(change: Change, clients: TargetClients) -> str         # idempotent; outcome text

Which findings an action fixes is said by the rules only (``remediation.action``). An
action imports shared code from ``regionready.actions.common`` and its errors from
``regionready.actions.errors``, never another action. A finding waits for another rule
through the engine's ``blocked_by`` (the rule's ``depends_on``), never by evaluating a
rule again: add-region plans nothing while IDC-003 blocks it.

Safety, enforced here for every action (not left to each one):
- nothing changes without ``--apply``; a second apply plans nothing (apply checks state);
- no delete-like call is ever made (a botocore hook refuses them);
- mutating calls go to the target Region only; the AWS APIs that create a copy in the
  target by calling the source Region's endpoint (kms:ReplicateKey,
  secretsmanager:ReplicateSecretToRegions, sso:AddRegion on an Identity Center instance
  whose primary Region is the source) are allowed there only when the copy they create
  is in the target;
- every change is appended to an audit log (JSON lines, no secret material);
- on a failure the run stops and says what was done and what was not.

A change to this machine rather than AWS (set-sts-regional rewrites the AWS config file,
keeping a backup) has ``region == "local"`` and makes no AWS call.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from regionready import atomic, registry
from regionready.actions.errors import RemediationError, UnsafeCall
from regionready.model import Result, Status
from regionready.rules import Rule
from regionready.snapshot import GLOBAL, LOCAL, Scan

if TYPE_CHECKING:
    from regionready.plugins import Action

__all__ = [
    "NEVER",
    "READ_ONLY",
    "Change",
    "Outcome",
    "PlanContext",
    "RemediationError",
    "TargetClients",
    "UnsafeCall",
    "action",
    "action_names",
    "apply",
    "guard",
    "iam_policy",
    "permissions",
    "plan",
]

READ_ONLY = re.compile(r"^(List|Describe|Get|BatchGet|Head|Search|Lookup)")
NEVER = re.compile(
    r"^(Delete|Remove|Disable|Revoke|Retire|Schedule|Cancel|Disassociate|Deregister|Untag"
    r"|Purge|Stop|Terminate|Detach)"
)


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


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
    one statement on ``*`` (as ``collect.iam_policy`` is for the collectors)."""
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
        source, target = scan.pair(result.account)
        ctx = PlanContext(scan, result.account, source, target, dict(options or {}))
        planned = module.plan(result, ctx)
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


# -- the guard -----------------------------------------------------------------------------


def _cross_region_create(operation: str, params: dict[str, Any], target: str) -> bool:
    """APIs called on the source endpoint whose only effect is a copy in the target."""
    if operation == "ReplicateKey":
        return params.get("ReplicaRegion") == target
    if operation == "ReplicateSecretToRegions":
        regions = {r.get("Region") for r in params.get("AddReplicaRegions", [])}
        return regions == {target}
    if operation == "AddRegion":  # sso-admin, on the instance's primary Region
        return params.get("RegionName") == target
    return False


def guard(target: str, region: str) -> Callable[..., None]:
    """A botocore hook refusing unsafe calls of a client in ``region``."""

    def check(model: Any, params: dict[str, Any], **_: Any) -> None:
        operation = str(model.name)
        if READ_ONLY.match(operation):
            return
        if NEVER.match(operation):
            raise UnsafeCall(f"refused {operation}: remediation never deletes or disables")
        if region == target or _cross_region_create(operation, params, target):
            return
        raise UnsafeCall(f"refused {operation} in {region}: remediation acts only in {target}")

    return check


class TargetClients:
    """Clients for one account: target Region by default, source only for reads and the
    cross-Region create APIs; every client carries the guard."""

    def __init__(self, make_client: Callable[[str, str], Any], source: str, target: str) -> None:
        self._make = make_client
        self.source = source
        self.target = target
        self._cache: dict[tuple[str, str], Any] = {}

    def _client(self, service: str, region: str) -> Any:
        key = (service, region)
        if key not in self._cache:
            client = self._make(service, region)
            # before-parameter-build sees the API parameters (before-call sees the wire form).
            client.meta.events.register("before-parameter-build", guard(self.target, region))
            self._cache[key] = client
        return self._cache[key]

    def __call__(self, service: str) -> Any:
        return self._client(service, self.target)

    def in_source(self, service: str) -> Any:
        return self._client(service, self.source)


# -- applying ------------------------------------------------------------------------------


@dataclass
class Outcome:
    change: Change
    status: str  # applied | unchanged | skipped | failed | not-run
    detail: str


def _audit(log: Path | None, change: Change, status: str, detail: str) -> None:
    if log is None:
        return
    entry = {
        "time": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "action": change.action,
        "rule": change.rule_id,
        "fingerprint": change.fingerprint,
        "account": change.account,
        "region": change.region,
        "resource": change.resource,
        "outcome": status,
        "detail": detail[:500],
    }
    try:
        # A regular file only: a symlink (or FIFO, device) there is refused, not followed.
        atomic.append_line(log, json.dumps(entry, sort_keys=True))
    except OSError as exc:
        raise RemediationError(
            f"{log}: cannot append to the audit log: {exc.strerror or exc}"
        ) from exc


def apply(
    changes: list[Change],
    clients_for: Callable[[str], TargetClients],
    *,
    audit_log: Path | None,
) -> list[Outcome]:
    """Apply in order; stop at the first failure and mark the rest not run."""
    outcomes: list[Outcome] = []
    failed = False
    for change in changes:
        if failed:
            outcomes.append(Outcome(change, "not-run", "stopped after an earlier failure"))
            continue
        if change.blocked:
            _audit(audit_log, change, "skipped", change.blocked)
            outcomes.append(Outcome(change, "skipped", change.blocked))
            continue
        try:
            detail = action(change.action).apply(change, clients_for(change.account))
            status = "unchanged" if detail.startswith("already") else "applied"
        except (ClientError, BotoCoreError, RemediationError) as exc:
            status, detail, failed = "failed", str(exc), True
        except Exception as exc:  # an action's bug must still stop and report, not crash
            status, detail, failed = "failed", f"{type(exc).__name__}: {exc}", True
        _audit(audit_log, change, status, detail)
        outcomes.append(Outcome(change, status, detail))
    return outcomes
