"""Reports and rules built by hand for the cutover plan tests: a rule is a small
:class:`Rule`, a finding a FAIL :class:`Result` whose ``blocked_by`` names its blockers
as the engine does (``<rule id> <resource name or id>``)."""

from __future__ import annotations

from regionready.engine.rules import Rule
from regionready.model import Report, Result, ScanInfo, Severity, Status

SOURCE = "me-central-1"
TARGET = "eu-central-1"
ACCOUNT = "111111111111"
NOW = "2026-11-23T00:00:00Z"


def rule(
    rule_id: str,
    service: str,
    *,
    severity: Severity = Severity.HIGH,
    resource: str | None = None,
    action: str | None = None,
    needs_source: bool = False,
    text: str = "",
) -> Rule:
    return Rule(
        id=rule_id,
        title=f"{rule_id} title",
        description="A rule of the plan tests.",
        service=service,
        kind="readiness",
        severity=severity,
        resource=resource or f"{service}.thing",
        message="m",
        remediation_text=text or f"Fix {rule_id} by hand.",
        remediation_action=action,
        references=("test",),
        path=f"rules/{service}/{rule_id}.yaml",
        needs_source=needs_source,
    )


def finding(
    rule_id: str,
    name: str,
    *,
    blocked_by: tuple[str, ...] = (),
    severity: Severity = Severity.HIGH,
    status: Status = Status.FAIL,
    account: str = ACCOUNT,
    source: str = SOURCE,
    target: str = TARGET,
    service: str = "svc",
) -> Result:
    return Result(
        rule_id=rule_id,
        status=status,
        severity=severity,
        service=service,
        kind="readiness",
        message=f"{name} is not ready",
        account=account,
        region=target,
        resource_type="thing",
        resource_id=f"arn:aws:svc:{target}:{account}:thing/{name}",
        correlation_key=name,
        source_region=source,
        target_region=target,
        resource_name=name,
        blocked_by=list(blocked_by),
    )


def report(results: list[Result], rules: list[Rule] | None = None) -> Report:
    return Report(
        scan=ScanInfo(source_region=SOURCE, target_region=TARGET, accounts=[ACCOUNT], now=NOW),
        rules={r.id: r.info() for r in rules or []},
        results=results,
    )
