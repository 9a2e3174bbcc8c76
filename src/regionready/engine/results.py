"""The results a rule gives, made by ``model.Result``'s own constructor.

Every result of a rule in an account shares the rule's id, service, kind and severity
and the account's Region pair; the helpers here fill those in, so each place that makes
a result says only what is particular to it. The fingerprint is ``model.fingerprint``,
computed by the constructor.
"""

from __future__ import annotations

from collections.abc import Callable
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


#: The names a result's item gives for an expression (see :func:`reference_names`).
NamesOf = Callable[[Rule, Result, str], set[str]]


def reference_names(value: Any) -> set[str]:
    """The names a reference answers to: itself (each of a list), and for a KMS ARN
    also its key id or its ``alias/<name>``; nothing for null."""
    if value is None:
        return set()
    if isinstance(value, list):
        return set().union(*(reference_names(v) for v in value)) if value else set()
    text = str(value)
    names = {text} if text else set()
    parts = text.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and parts[2] == "kms":
        resource = parts[5]
        names.add(resource[len("key/") :] if resource.startswith("key/") else resource)
    return names


def blocker(result: Result) -> str:
    """How a finding names a failure that blocks it: ``<rule id> <resource>`` (the
    resource's name, else its id)."""
    return f"{result.rule_id} {result.resource_name or result.resource_id}"


#: Where a failure can block another: (account, source Region, target Region).
Scope = tuple[str, str, str]


def _scope(result: Result) -> Scope:
    return result.account, result.source_region, result.target_region


def mark_blocked(results: list[Result], rules: list[Rule], names_of: NamesOf) -> None:
    """The failures that block each failure, its root causes (``blocked_by``): for each
    rule it ``depends_on``, the exact failing resources of that rule, named by
    :func:`blocker`.

    With an edge (a ``depends_on`` entry with ``via``): the other rule's failures that one
    of the references ``via`` gives on this result's item names (by resource id,
    correlation key or resource name, or a value of ``to`` on its item); a result whose
    item refers to nothing (an AWS managed key) is blocked by none. Without an edge, when
    both rules judge the same resource type: its failure on the same resource
    (correlation key); across resource types: every failure of it in the account. A
    failure is only ever blocked by failures of its own account and Region pair.
    """
    by_id = {rule.id: rule for rule in rules}
    failing: dict[tuple[str, Scope], list[Result]] = {}
    for r in results:
        if r.status is Status.FAIL:
            failing.setdefault((r.rule_id, _scope(r)), []).append(r)
    named: dict[tuple[str, Scope, str | None], list[tuple[Result, set[str]]]] = {}

    def with_names(dep: str, scope: Scope, to: str | None) -> list[tuple[Result, set[str]]]:
        """The dependency's failures in ``scope``, each with the names it answers to."""
        if (dep, scope, to) not in named:
            named[(dep, scope, to)] = [
                (
                    r,
                    reference_names([r.resource_id, r.correlation_key, r.resource_name])
                    | (names_of(by_id[dep], r, to) if to is not None and dep in by_id else set()),
                )
                for r in failing.get((dep, scope), [])
            ]
        return named[(dep, scope, to)]

    def blocking(rule: Rule, dep: str, found: Result) -> list[Result]:
        edge = rule.edges.get(dep)
        if edge is not None:
            refs = names_of(rule, found, edge.via)
            return [r for r, names in with_names(dep, _scope(found), edge.to) if refs & names]
        others = failing.get((dep, _scope(found)), [])
        if dep in by_id and by_id[dep].resource == rule.resource:
            return [r for r in others if r.correlation_key == found.correlation_key]
        return others

    for results_of_rule in failing.values():
        for found in results_of_rule:
            rule = by_id.get(found.rule_id)
            causes = (
                []
                if rule is None
                else [r for dep in rule.depends_on for r in blocking(rule, dep, found)]
            )
            found.blocked_by = list(dict.fromkeys(blocker(r) for r in causes))
