"""Remediation: plan changes from findings, apply them only when asked, only in the target.

An action is a module of ``regionready.remediation.actions`` listed in
``registry.ACTIONS`` under its ``ACTION`` name, the name a rule's ``remediation.action``
gives (``create-key`` -> ``create_key``); its contract is
:class:`regionready.plugins.Action`::

    ACTION = "create-key"
    PERMISSIONS = ("kms:CreateKey", ...)    # every AWS action it may call
    def plan(finding: Result, ctx: PlanContext) -> list[Change]     # pure: snapshot only
    def apply(change: Change, clients: TargetClients) -> str         # idempotent; outcome text

Which findings an action fixes is said by the rules only (``remediation.action``). An
action imports shared code from ``actions/common.py`` and its errors from
``actions/errors.py``, never another action. A finding waits for another rule through the
engine's ``blocked_by`` (the rule's ``depends_on``), never by evaluating a rule again:
add-region plans nothing while IDC-003 blocks it.

The package, and the safety each part enforces for every action (not left to each one):

planning.py  ``plan``: changes from the snapshot alone; nothing changes without
             ``--apply``, and a second apply plans nothing (apply checks state first)
guard.py     ``TargetClients`` and the botocore hook every client carries: no
             delete-like call, ever; mutating calls in the target Region only (the APIs
             that create a copy in the target by calling the source Region's endpoint,
             kms:ReplicateKey, secretsmanager:ReplicateSecretToRegions and sso:AddRegion
             on an instance whose primary Region is the source, only when the copy they
             create is in the target)
applying.py  ``apply``: in order, stopping at the first failure and saying what was done
             and what was not; every change appended to an audit log (JSON lines, no
             secret material)

This module re-exports their public names: ``remediation.plan``, ``remediation.apply``.

A change to this machine rather than AWS (set-sts-regional rewrites the AWS config file,
keeping a backup) has ``region == "local"`` and makes no AWS call.
"""

from regionready.remediation.actions.errors import RemediationError, UnsafeCall
from regionready.remediation.applying import Outcome, append_audit, apply
from regionready.remediation.guard import NEVER, READ_ONLY, TargetClients, guard
from regionready.remediation.planning import (
    Change,
    PlanContext,
    action,
    action_names,
    iam_policy,
    permissions,
    plan,
)

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
    "append_audit",
    "apply",
    "guard",
    "iam_policy",
    "permissions",
    "plan",
]
