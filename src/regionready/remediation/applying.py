"""Applying planned changes, in order, stopping at the first failure; every change is
appended to the audit log."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from regionready import atomic
from regionready.remediation.actions.errors import RemediationError
from regionready.remediation.guard import TargetClients
from regionready.remediation.planning import Change, action


@dataclass
class Outcome:
    change: Change
    status: str  # applied | unchanged | skipped | failed | not-run
    detail: str


def append_audit(log: Path | None, change: Change, status: str, detail: str) -> None:
    """One JSON line for ``change`` in the audit log (none when ``log`` is None); the
    detail is cut at 500 characters and never holds secret material."""
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
    clients_for: Callable[[Change], TargetClients],
    *,
    audit_log: Path | None,
) -> list[Outcome]:
    """Apply in order; stop at the first failure and mark the rest not run.
    ``clients_for(change)``: the clients of the change's account and pair."""
    outcomes: list[Outcome] = []
    failed = False
    for change in changes:
        if failed:
            outcomes.append(Outcome(change, "not-run", "stopped after an earlier failure"))
            continue
        if change.blocked:
            append_audit(audit_log, change, "skipped", change.blocked)
            outcomes.append(Outcome(change, "skipped", change.blocked))
            continue
        try:
            detail = action(change.action).apply(change, clients_for(change))
            status = "unchanged" if detail.startswith("already") else "applied"
        except (ClientError, BotoCoreError, RemediationError) as exc:
            status, detail, failed = "failed", str(exc), True
        except Exception as exc:  # an action's bug must still stop and report, not crash
            status, detail, failed = "failed", f"{type(exc).__name__}: {exc}", True
        append_audit(audit_log, change, status, detail)
        outcomes.append(Outcome(change, status, detail))
    return outcomes
