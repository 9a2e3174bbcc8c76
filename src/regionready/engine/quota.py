"""Quota rules: what the target Region uses plus what the move would add, against the
quota (its Service Quotas value when collected, else the documented default).

A quota counts every item, so an item the collector could not read fully leaves the
count unknown: the result is ERROR, never a PASS on a partial count.
"""

from __future__ import annotations

from typing import Any

from regionready.engine.conditions import EvaluationError, Evaluator, as_text
from regionready.engine.data import Dataset, SnapshotData, whole
from regionready.engine.results import error, result
from regionready.engine.rules import quota_where
from regionready.model import Result, Status


def quota(data: SnapshotData, ev: Evaluator) -> list[Result]:
    """One result per quota the rule names; one ERROR for data all entries lack."""
    results: list[Result] = []
    seen: set[str] = set()
    for entry in ev.rule.quotas:
        found = _entry(data, ev, entry)
        if found.fingerprint not in seen:
            seen.add(found.fingerprint)
            results.append(found)
    return results


def _entry(data: SnapshotData, ev: Evaluator, entry: dict[str, Any]) -> Result:
    rule, context = ev.rule, ev.context
    account, target_region = context.account, context.target_region
    collector, rtype = (entry.get("resource") or rule.resource).split(".", 1)
    where = quota_where(entry) if "where" in entry else rule.where
    usage_expr = entry.get("usage") or rule.usage or "length(@)"
    adds_expr = entry.get("adds", rule.adds)
    pair_by = entry.get("pair_by", rule.pair_by)
    fields = data.reads(rule).fields(f"{collector}.{rtype}")
    tgt = whole(data.dataset_for(account, target_region, collector, rtype, fields))
    src = (
        whole(data.dataset_for(account, context.source_region, collector, rtype, fields))
        if adds_expr
        else Dataset([], "")
    )
    if not tgt.ok or not src.ok:
        return error(rule, context, target_region, (tgt if not tgt.ok else src).errors)
    in_target = [i for i in tgt.items if ev.all_hold(where, i)]
    usage = ev.search(usage_expr, in_target)
    adds = 0
    if adds_expr:
        candidates = [i for i in src.items if ev.all_hold(where, i)]
        if pair_by:
            have = {ev.join_key(pair_by, i) for i in in_target}
            candidates = [i for i in candidates if ev.join_key(pair_by, i) not in have]
        adds = ev.search(adds_expr, candidates)
    limit, origin = data.quota_value(account, target_region, entry)
    try:
        total = float(usage or 0) + float(adds or 0)
    except (TypeError, ValueError) as exc:
        raise EvaluationError(
            f"{rule.path}: {rule.id}: usage {usage!r} and adds {adds!r} must be numbers"
        ) from exc
    fails = total > limit
    name = entry["name"]
    names = {
        **context.names(target_region),
        "usage": usage,
        "adds": adds,
        "total": total,
        "quota": limit,
        "quota_source": origin,
        "quota_name": name,
    }
    message = (
        ev.render(rule.message, names)
        if fails
        else f"{name}: {as_text(total)} of {as_text(limit)} ({origin})"
    )
    return result(
        rule,
        context,
        status=Status.FAIL if fails else Status.PASS,
        region=target_region,
        resource_id=f"quota:{name}@{target_region}",
        correlation_key=f"quota:{name}",
        message=message,
        details={"usage": usage, "adds": adds, "quota": limit, "quota_source": origin},
    )
