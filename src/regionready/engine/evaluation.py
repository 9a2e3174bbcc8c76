"""The rule engine: judges a loaded snapshot against rules. No boto3, no collectors.

Every (rule, resource) pair yields a result. Data a collector could not read makes the
rules over it ERROR, never PASS. The work is split by job:

- ``engine_conditions``: the one way expressions and conditions are evaluated, in a
  frozen per-rule, per-account ``Context``;
- ``engine_data``: the items a rule reads and the collection errors that touch them;
- ``engine_results``: results, made by ``model.Result``'s constructor;
- ``engine_parity`` and ``engine_quota``: the rule kinds that compare Regions and count
  against quotas; readiness (and hygiene) rules are judged here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import Any

from regionready import topology
from regionready.engine.collision import collision
from regionready.engine.conditions import Clock, Context, EvaluationError, Evaluator
from regionready.engine.data import META_COLLECTOR, Dataset, SnapshotData, unique
from regionready.engine.parity import parity
from regionready.engine.quota import quota
from regionready.engine.results import (
    error,
    item_error,
    location,
    mark_blocked,
    not_applicable,
    reference_names,
    result,
    rule_error,
)
from regionready.engine.rules import Rule
from regionready.model import Result, Status
from regionready.snapshot import Scan

__all__ = ["Clock", "Context", "Engine", "EvaluationError", "evaluate", "not_collected"]


def collected_services(scan: Scan) -> set[str]:
    """The collectors ``scan`` was collected with (its manifest's), and the engine's own."""
    return set(scan.manifest.get("services", [])) | {META_COLLECTOR}


def not_collected(scan: Scan, rules: list[Rule]) -> list[Rule]:
    """The rules of ``rules`` that ``scan`` holds no data for (none of their collectors
    was run): they get no result at all, so whoever judges should say so."""
    services = collected_services(scan)
    return [rule for rule in rules if not SnapshotData.collected_in(rule, services)]


@dataclass
class Engine:
    """Evaluates ``rules`` on ``scan`` as of ``clock``; ``services``: the collectors
    that were run (by default those the snapshot's manifest names)."""

    scan: Scan
    rules: list[Rule]
    clock: Clock
    services: set[str] | None = None

    def __post_init__(self) -> None:
        if self.services is None:
            self.services = collected_services(self.scan)
        self.data = SnapshotData(self.scan, self.rules, self.services)
        #: (rule, account, Region, resource type) -> the items by id, for names_of.
        self._items: dict[tuple[str, str, str, str | None], dict[str, Any]] = {}

    def evaluate(self) -> list[Result]:
        """Every rule whose collector was run, in every account; sorted, with each
        failure's root causes (``depends_on``) marked."""
        results: list[Result] = []
        for account in self.scan.accounts:
            results.extend(self.evaluate_account(account))
        results.sort(key=_ORDER)
        return results

    def evaluate_account(self, account: str) -> list[Result]:
        """Every rule in every Region pair of ``account`` (an organisation scan may give
        an account its own), each failure's root causes marked (always of its own account
        and pair), unsorted. Only this account's data is read, so a snapshot read one
        account at a time (regionready.accountstore) holds one account while it is judged."""
        results: list[Result] = []
        pairs = self.scan.pairs(account)
        for pair in pairs:
            sources = tuple(topology.sources_of(pairs, pair.target))
            found: list[Result] = []
            for rule in self.judged(sources):
                context = Context(
                    account, pair.source, pair.target, self.clock, rule.params, sources=sources
                )
                try:
                    found.extend(self.evaluate_rule(rule, context))
                except EvaluationError as exc:
                    found.append(rule_error(rule, context, exc))
            if len(pairs) > 1:
                for r in found:  # which direction a message is about, in every format
                    r.message = f"{pair}: {r.message}"
            results.extend(found)
        mark_blocked(results, self.rules, self.names_of)
        self._items.clear()  # names_of's items of this account
        return results

    def judged(self, sources: tuple[str, ...]) -> list[Rule]:
        """The rules judged in a pair whose target has ``sources``: those whose collector
        ran, and collision rules only where sources are consolidated (two or more)."""
        return [
            rule
            for rule in self.rules
            if self.data.collected(rule) and (rule.kind != "collision" or len(sources) > 1)
        ]

    def names_of(self, rule: Rule, result: Result, expression: str) -> set[str]:
        """The names ``expression`` gives on the item ``result`` is about (a parity
        result's source item); none when the item or the value cannot be found."""
        source_region, target_region = result.source_region, result.target_region
        if rule.kind in ("parity", "collision"):
            region, item_id = source_region, str(result.details.get("source") or "")
        else:
            region, item_id = result.region, result.resource_id
        resource = result.resource_type if result.resource_type in rule.resources else None
        key = (rule.id, result.account, region, resource)
        if key not in self._items:
            ds = self.data.dataset(result.account, region, rule, resource, side="source")
            self._items[key] = {ds.id_of(item): item for item in ds.items}
        item = self._items[key].get(item_id)
        if item is None:
            return set()
        context = Context(result.account, source_region, target_region, self.clock, rule.params)
        try:
            value = Evaluator(rule, context).search(expression, item)
        except EvaluationError:
            return set()
        return reference_names(value)

    def evaluate_rule(self, rule: Rule, context: Context) -> list[Result]:
        """The results of one rule in one account (EvaluationError if the rule breaks)."""
        if rule.lookups:
            region = context.target_region if rule.scope != "source" else context.source_region
            indexes, missing = self.data.lookups(Evaluator(rule, context), region)
            if missing is not None:
                # Name the rule's own missing data too, not only the lookup's.
                owns = self._own_datasets(rule, context, region)
                mine = unique([e for own in owns for e in (*own.errors, *own.item_errors())])
                errors = [*mine, *[e for e in missing.errors if e not in mine]]
                return [error(rule, context, region, errors)]
            context = replace(context, lookups=indexes)
        ev = Evaluator(rule, context)
        if rule.kind == "parity":
            return parity(self.data, ev)
        if rule.kind == "collision":
            return collision(self.data, ev)
        if rule.kind == "quota":
            return quota(self.data, ev)
        if rule.collector == META_COLLECTOR:
            return self._readiness(ev, None)
        results: list[Result] = []
        for region in self._regions(rule, context):
            for resource in rule.resources:
                if self.data.collected(rule, resource):
                    results.extend(self._readiness(ev, region, resource))
        return results

    def _own_datasets(self, rule: Rule, context: Context, region: str) -> list[Dataset]:
        """The rule's own data where it reads it (a parity rule: on each side of the
        pair, else in ``region``), of every resource type it judges whose collector ran."""
        if rule.collector == META_COLLECTOR:
            return []
        places: list[tuple[str, str | None]] = (
            [(context.source_region, "source"), (context.target_region, "target")]
            if rule.kind == "parity"
            else [(region, None)]
        )
        return [
            self.data.dataset(context.account, where, rule, resource, side=side)
            for where, side in places
            for resource in rule.resources
            if resource == rule.resource or self.data.collected(rule, resource)
        ]

    @staticmethod
    def _regions(rule: Rule, context: Context) -> list[str]:
        if rule.scope == "source":
            return [context.source_region]
        if rule.scope == "both":
            return [context.source_region, context.target_region]
        return [context.target_region]

    def _readiness(
        self, ev: Evaluator, region: str | None, resource: str | None = None
    ) -> list[Result]:
        """Each item of the resource type in ``region`` (None: every item names its own
        Region, as GEN-005's do) judged on its own."""
        rule, context = ev.rule, ev.context
        ds = self.data.dataset(
            context.account,
            region or context.target_region,
            rule,
            resource,
            pair_regions=(context.source_region, context.target_region),
            judged={r.id for r in self.judged(context.sources)},
        )
        label = region or "all"
        if not ds.ok:
            return [error(rule, context, label, ds.errors, resource)]
        results: list[Result] = []
        for item in ds.items:
            rid = ds.id_of(item)
            if rid in ds.incomplete:
                results.append(item_error(rule, context, label, rid, ds.incomplete[rid], resource))
                continue
            item_region = region if region is not None else str(item.get("Region"))
            results.append(_judged(ev, item, rid, item_region, resource))
        if not results:
            why = f"not run: {ds.not_run}" if ds.not_run else "no resources to check"
            results.append(not_applicable(rule, context, label, why, resource))
        return results


_ORDER = attrgetter("rule_id", "account", "source_region", "target_region", "region", "resource_id")


def _judged(
    ev: Evaluator, item: dict[str, Any], rid: str, region: str, resource: str | None
) -> Result:
    """One item of a readiness rule: NOT_APPLICABLE out of ``where``, else FAIL when
    ``fail_when`` holds (message and escalated severity), else PASS."""
    rule, context = ev.rule, ev.context
    if not ev.all_hold(rule.where, item):
        return result(
            rule,
            context,
            resource=resource,
            status=Status.NOT_APPLICABLE,
            region=region,
            resource_id=rid,
            correlation_key=rid,
            message="not in scope of this check",
            name=ev.name(item),
        )
    status, message, severity = Status.PASS, "passes", None
    if rule.fail_when and ev.all_hold(rule.fail_when, item):
        status = Status.FAIL
        message = ev.render(rule.message, {**item, **context.names(region)})
        severity = ev.severity(item)
    return result(
        rule,
        context,
        resource=resource,
        status=status,
        region=region,
        resource_id=rid,
        correlation_key=rid,
        message=message,
        severity=severity,
        location=location(ev.search(rule.location, item)) if rule.location else None,
        name=ev.name(item),
    )


def evaluate(
    scan: Scan,
    rules: list[Rule],
    *,
    now: dt.datetime,
    cutover: dt.datetime | None = None,
    services: set[str] | None = None,
) -> list[Result]:
    """Every result of ``rules`` on ``scan``, as of ``now`` (expiry windows counted from
    ``cutover`` when given)."""
    return Engine(scan, rules, Clock(now, cutover), services).evaluate()
