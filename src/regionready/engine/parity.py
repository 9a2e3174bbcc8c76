"""Parity rules: each source item against its counterparts in the target Region.

Items are paired by a join key (``pair_by``) through a hash join: one dict of target
items per rule, so evaluation stays linear in the number of resources. A source item is
matched when any counterpart passes its ``compare`` and ``fail_when``: a stale copy
beside its re-created twin is not drift.
"""

from __future__ import annotations

from typing import Any

from regionready.engine.conditions import EvaluationError, Evaluator
from regionready.engine.data import Dataset, SnapshotData, reads_missing
from regionready.engine.reads import expression_fields
from regionready.engine.results import error, item_error, not_applicable, result
from regionready.model import Result, Status

#: Target counterparts compared per source item of a parity rule, in snapshot order: keys
#: are names and domains, which real accounts rarely repeat, and the bound keeps a
#: pathological snapshot (hundreds of items with one key) from costing items squared.
MAX_COUNTERPARTS = 32

_UNPAIRED = {"fail": Status.FAIL, "pass": Status.PASS, "not_applicable": Status.NOT_APPLICABLE}


def join_incomplete(ev: Evaluator, tgt: Dataset) -> bool:
    """Whether an incomplete target item lacks a field the join key or the target
    filter reads."""
    rule = ev.rule
    texts = [rule.pair_by or "", *(c.key for c in rule.target_where)]
    keyed = expression_fields(texts, rule.params)
    return any(
        reads_missing(e, rule.resource_type, keyed)
        for errors in tgt.incomplete.values()
        for e in errors
    )


def _index(ev: Evaluator, tgt: Dataset) -> dict[str, list[dict[str, Any]]]:
    """Every target counterpart of a join key that passes ``target_where``, in
    snapshot order."""
    rule = ev.rule
    assert rule.pair_by is not None
    index: dict[str, list[dict[str, Any]]] = {}
    for item in tgt.items:
        if rule.target_where and not ev.all_hold(rule.target_where, item):
            continue
        key = ev.join_key(rule.pair_by, item)
        if key is not None:
            index.setdefault(key, []).append(item)
    return index


def parity(data: SnapshotData, ev: Evaluator) -> list[Result]:
    """One result per source item: NOT_APPLICABLE out of ``where``, the ``on_unpaired``
    status without a counterpart, PASS or FAIL against its counterparts; ERROR for an
    item whose data (or whose counterparts' data) the rule cannot read."""
    rule, context = ev.rule, ev.context
    source_region, target_region = context.source_region, context.target_region
    src = data.dataset(context.account, source_region, rule, side="source")
    tgt = data.dataset(context.account, target_region, rule, side="target")
    if not src.ok or not tgt.ok:
        return [error(rule, context, target_region, (src if not src.ok else tgt).errors)]
    assert rule.pair_by is not None
    if tgt.incomplete and join_incomplete(ev, tgt):
        # A target item whose join key cannot be read could be any source item's twin.
        return [error(rule, context, target_region, tgt.item_errors())]
    index = _index(ev, tgt)
    names = context.names(target_region)
    results: list[Result] = []
    for item in src.items:
        sid = src.id_of(item)
        if sid in src.incomplete:
            # Named like the result it replaces: after its first counterpart, if any.
            try:
                known_key = ev.join_key(rule.pair_by, item)
            except EvaluationError:
                known_key = None
            seen = index.get(known_key) if known_key is not None else None
            rid = tgt.id_of(seen[0]) if seen else sid
            errors = src.incomplete[sid]
            results.append(
                item_error(rule, context, target_region, rid, errors, None, known_key or rid)
            )
            continue
        if not ev.all_hold(rule.where, item):
            results.append(
                result(
                    rule,
                    context,
                    status=Status.NOT_APPLICABLE,
                    region=source_region,
                    resource_id=sid,
                    correlation_key=sid,
                    message="not in scope of this check",
                    name=ev.name(item),
                )
            )
            continue
        key = ev.join_key(rule.pair_by, item)
        twins = index.get(key) if key is not None else None
        if twins is None:
            results.append(_unpaired(ev, item, sid, key, names))
        else:
            results.append(_paired(ev, item, sid, key, twins, tgt, names))
    if not results:
        results.append(not_applicable(rule, context, target_region, "no source resources"))
    return results


def _unpaired(
    ev: Evaluator, item: dict[str, Any], sid: str, key: str | None, names: dict[str, Any]
) -> Result:
    """A source item without a counterpart: ``on_unpaired`` says what that means."""
    rule = ev.rule
    status = _UNPAIRED[rule.on_unpaired]
    message, severity = "no counterpart in the target", None
    if status is Status.FAIL:
        pair = {"source": item, "target": None, **names}
        message = ev.render(rule.unpaired_message or rule.message, pair)
        severity = ev.severity(pair)
    return result(
        rule,
        ev.context,
        status=status,
        region=ev.context.target_region,
        resource_id=sid,
        correlation_key=key or sid,
        message=message,
        severity=severity,
        details={"source": sid, "target": None},
        name=ev.name(item),
    )


def _paired(
    ev: Evaluator,
    item: dict[str, Any],
    sid: str,
    key: str | None,
    twins: list[dict[str, Any]],
    tgt: Dataset,
    names: dict[str, Any],
) -> Result:
    """A source item against its counterparts: PASS when one of them matches, else a
    FAIL about the first one judged (ERROR when the others cannot be judged)."""
    rule, context = ev.rule, ev.context
    first: tuple[dict[str, Any], dict[str, Any], list[str]] | None = None
    unknown: list[dict[str, Any]] = []  # errors of twins that cannot be judged
    unknown_id = ""
    for twin in twins[:MAX_COUNTERPARTS]:
        twin_id = tgt.id_of(twin)
        twin_errors = tgt.incomplete.get(twin_id)
        if twin_errors:
            unknown.extend(twin_errors)
            unknown_id = unknown_id or twin_id
            continue
        pair = {"source": item, "target": twin, **names}
        drift = [cond.describe() for cond in rule.compare if not ev.holds(cond, pair)]
        if not drift and not (rule.fail_when and ev.all_hold(rule.fail_when, pair)):
            return result(
                rule,
                context,
                status=Status.PASS,
                region=context.target_region,
                resource_id=twin_id,
                correlation_key=key or twin_id,
                message="matches its source counterpart",
                details={"source": sid, "target": twin_id, "drift": drift},
                name=ev.name(twin),
            )
        if first is None:
            first = (twin, pair, drift)
    if unknown:  # none of those seen matches, and the others cannot be seen
        return item_error(rule, context, context.target_region, unknown_id, unknown, None, key)
    assert first is not None
    twin, pair, drift = first
    tid = tgt.id_of(twin)
    return result(
        rule,
        context,
        status=Status.FAIL,
        region=context.target_region,
        resource_id=tid,
        correlation_key=key or tid,
        message=ev.render(rule.message, {**pair, "drift": drift}),
        severity=ev.severity(pair),
        details={"source": sid, "target": tid, "drift": drift},
        name=ev.name(twin),
    )
