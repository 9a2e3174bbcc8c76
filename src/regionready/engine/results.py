"""The results a rule gives, made by ``model.Result``'s own constructor.

Every result of a rule in an account shares the rule's id, service, kind and severity
and the account's Region pair; the helpers here fill those in, so each place that makes
a result says only what is particular to it. The fingerprint is ``model.fingerprint``,
computed by the constructor.
"""

from __future__ import annotations

from typing import Any

from regionready.engine.conditions import Context, EvaluationError
from regionready.engine.data import failed_calls
from regionready.engine.rules import Rule
from regionready.model import Location, Result, Severity, Status


def result(
    rule: Rule,
    context: Context,
    *,
    status: Status,
    region: str,
    resource_id: str,
    correlation_key: str,
    message: str,
    severity: Severity | None = None,
    details: dict[str, Any] | None = None,
    resource: str | None = None,
    location: Location | None = None,
    name: str | None = None,
) -> Result:
    """A result of ``rule`` in ``context``'s account (``resource``: the resource type,
    when it is not the rule's first)."""
    return Result(
        rule_id=rule.id,
        status=status,
        severity=severity or rule.severity,
        service=rule.service,
        kind=rule.kind,
        message=message,
        account=context.account,
        region=region,
        resource_type=resource or rule.resource,
        resource_id=resource_id,
        correlation_key=correlation_key,
        source_region=context.source_region,
        target_region=context.target_region,
        location=location,
        resource_name=name,
        details=details or {},
    )


def _whole_type(
    rule: Rule,
    context: Context,
    region: str,
    resource: str | None,
    status: Status,
    key: str,
    message: str,
    details: dict[str, Any] | None = None,
) -> Result:
    """One result standing for every item of a resource type in a Region."""
    resource = resource or rule.resource
    return result(
        rule,
        context,
        resource=resource,
        status=status,
        region=region,
        resource_id=f"{resource}@{region}",
        correlation_key=f"{key}@{region}",
        message=message,
        details=details,
    )


def error(
    rule: Rule,
    context: Context,
    region: str,
    errors: list[dict[str, Any]],
    resource: str | None = None,
) -> Result:
    """ERROR for a whole resource type the rule cannot judge (its data is missing)."""
    message = "could not evaluate: " + failed_calls(errors)
    return _whole_type(
        rule, context, region, resource, Status.ERROR, "error", message, {"errors": errors}
    )


def item_error(
    rule: Rule,
    context: Context,
    region: str,
    item_id: str,
    errors: list[dict[str, Any]],
    resource: str | None = None,
    correlation_key: str | None = None,
) -> Result:
    """ERROR for one item whose data the rule reads is incomplete: the same
    fingerprint as its PASS or FAIL would have, so a diff sees what became unknown."""
    return result(
        rule,
        context,
        resource=resource,
        status=Status.ERROR,
        region=region,
        resource_id=item_id,
        correlation_key=correlation_key or item_id,
        message=f"could not evaluate {item_id}: " + failed_calls(errors),
        details={"errors": errors},
    )


def rule_error(rule: Rule, context: Context, exc: EvaluationError) -> Result:
    """A rule that raised on this account's data: one ERROR (never PASS) saying why."""
    region = context.source_region if rule.scope == "source" else context.target_region
    text = " ".join(str(exc).split())[:1000]
    return result(
        rule,
        context,
        status=Status.ERROR,
        region=region,
        resource_id=f"{rule.resource}@{region}",
        correlation_key=f"error@{region}",
        message=f"could not evaluate: {text}",
        details={"evaluation_error": text},
    )


def not_applicable(
    rule: Rule, context: Context, region: str, why: str, resource: str | None = None
) -> Result:
    """NOT_APPLICABLE for a whole resource type (nothing to check, or not collected on
    purpose)."""
    return _whole_type(rule, context, region, resource, Status.NOT_APPLICABLE, "none", why)


def location(value: Any) -> Location | None:
    """A file location from a rule's ``location`` expression ({path, line, column})."""
    if not isinstance(value, dict) or not isinstance(value.get("path"), str):
        return None
    line = value.get("line")
    column = value.get("column")
    return Location(
        path=value["path"],
        line=line if isinstance(line, int) and line >= 1 else None,
        column=column if isinstance(column, int) and column >= 1 else None,
    )


def mark_blocked(results: list[Result], rules: list[Rule]) -> None:
    """A failure of a rule another rule depends on is that rule's root cause.

    When both rules judge the same resource type, only the dependency's failure on the
    same resource (correlation key) blocks; across resource types any failure of the
    dependency in the account does (e.g. a missing KMS replica blocks Identity Center).
    """
    resource_of = {rule.id: rule.resource for rule in rules}
    failing = [r for r in results if r.status is Status.FAIL]
    failing_any = {(r.rule_id, r.account) for r in failing}
    failing_on = {(r.rule_id, r.account, r.correlation_key) for r in failing}
    depends = {rule.id: rule.depends_on for rule in rules if rule.depends_on}
    for found in failing:
        blocked = []
        for dep in depends.get(found.rule_id, ()):
            if resource_of.get(dep) == resource_of.get(found.rule_id):
                hit = (dep, found.account, found.correlation_key) in failing_on
            else:
                hit = (dep, found.account) in failing_any
            if hit:
                blocked.append(dep)
        found.blocked_by = blocked
