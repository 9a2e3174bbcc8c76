"""Collision rules: consolidation, where two or more source Regions fold into one target.

The target can hold one alias, one secret or one web ACL of a name. A collision rule
joins each item of a pair's source (``pair_by``) to the items of the same name in the
other sources of that target and compares them (``compare``, on ``source`` and
``other``; ``other_region`` names the other source). One result per source item:

- FAIL: a namesake in another source differs (the message names it and how);
- PASS: every namesake matches (the same multi-Region key, say);
- NOT_APPLICABLE: no other source holds the name.

A target with a single source is no consolidation: the engine does not run collision
rules for its pairs at all (they would say nothing), as for a collector not run.

Items of another source that cannot be read make the item (or, when their names cannot
be read, the rule) ERROR: a collision that could not be seen is never a pass.
"""

from __future__ import annotations

from typing import Any

from regionready.engine.conditions import Evaluator
from regionready.engine.data import Dataset, SnapshotData
from regionready.engine.parity import join_incomplete
from regionready.engine.results import error, item_error, not_applicable, result
from regionready.model import Result, Status


def collision(data: SnapshotData, ev: Evaluator) -> list[Result]:
    rule, context = ev.rule, ev.context
    source_region, target_region = context.source_region, context.target_region
    others = [s for s in context.sources if s != source_region]
    if not others:
        return []
    src = data.dataset(context.account, source_region, rule)
    if not src.ok:
        return [error(rule, context, source_region, src.errors)]
    indexes: dict[str, tuple[Dataset, dict[str, list[dict[str, Any]]]]] = {}
    for other in others:
        ds = data.dataset(context.account, other, rule)
        if not ds.ok:
            return [error(rule, context, other, ds.errors)]
        if ds.incomplete and join_incomplete(ev, ds):
            return [error(rule, context, other, ds.item_errors())]
        indexes[other] = (ds, _index(ev, ds))
    results: list[Result] = []
    for item in src.items:
        sid = src.id_of(item)
        if sid in src.incomplete:
            results.append(item_error(rule, context, target_region, sid, src.incomplete[sid]))
            continue
        if not ev.all_hold(rule.where, item):
            results.append(_verdict(ev, item, sid, sid, Status.NOT_APPLICABLE, "not in scope"))
            continue
        assert rule.pair_by is not None
        key = ev.join_key(rule.pair_by, item)
        results.append(_judged(ev, item, sid, key, indexes))
    if not results:
        results.append(not_applicable(rule, context, target_region, "no source resources"))
    return results


def _index(ev: Evaluator, ds: Dataset) -> dict[str, list[dict[str, Any]]]:
    """The items of another source in ``where``, by join key."""
    rule = ev.rule
    assert rule.pair_by is not None
    index: dict[str, list[dict[str, Any]]] = {}
    for item in ds.items:
        if ds.id_of(item) in ds.incomplete or ev.all_hold(rule.where, item):
            key = ev.join_key(rule.pair_by, item)
            if key is not None:
                index.setdefault(key, []).append(item)
    return index


def _judged(
    ev: Evaluator,
    item: dict[str, Any],
    sid: str,
    key: str | None,
    indexes: dict[str, tuple[Dataset, dict[str, list[dict[str, Any]]]]],
) -> Result:
    rule, context = ev.rule, ev.context
    names = context.names(context.target_region)
    unknown: list[dict[str, Any]] = []
    matched: list[str] = []
    for other, (ds, index) in indexes.items():
        for twin in index.get(key, []) if key is not None else []:
            twin_id = ds.id_of(twin)
            if twin_id in ds.incomplete:
                unknown.extend(ds.incomplete[twin_id])
                continue
            pair = {"source": item, "other": twin, "other_region": other, **names}
            drift = [cond.describe() for cond in rule.compare if not ev.holds(cond, pair)]
            if drift or (rule.fail_when and ev.all_hold(rule.fail_when, pair)):
                return result(
                    rule,
                    context,
                    status=Status.FAIL,
                    region=context.target_region,
                    resource_id=sid,
                    correlation_key=key or sid,
                    message=ev.render(rule.message, {**pair, "drift": drift}),
                    severity=ev.severity(pair),
                    details={
                        "source": sid,
                        "other": twin_id,
                        "other_region": other,
                        "drift": drift,
                    },
                    name=ev.name(item),
                )
            matched.append(other)
    if unknown:
        return item_error(rule, context, context.target_region, sid, unknown, None, key)
    if matched:
        why = f"its namesake in {', '.join(dict.fromkeys(matched))} matches"
        return _verdict(ev, item, sid, key or sid, Status.PASS, why)
    why = f"no other source of {context.target_region} holds it"
    return _verdict(ev, item, sid, key or sid, Status.NOT_APPLICABLE, why)


def _verdict(
    ev: Evaluator, item: dict[str, Any], sid: str, key: str, status: Status, message: str
) -> Result:
    return result(
        ev.rule,
        ev.context,
        status=status,
        region=ev.context.target_region,
        resource_id=sid,
        correlation_key=key,
        message=message,
        details={"source": sid},
        name=ev.name(item),
    )
