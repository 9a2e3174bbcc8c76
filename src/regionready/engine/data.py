"""What a rule reads from a snapshot, and what is missing from it.

A collector that could not read something records it (an error naming the resource
types, fields and items it left incomplete). Here each rule gets the items it judges
together with the errors that touch what it reads, so the engine can make a result
ERROR exactly when its data is incomplete, never PASS.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from regionready.engine import limits
from regionready.engine.conditions import Evaluator
from regionready.engine.reads import Fields, RuleReads, rule_reads
from regionready.engine.rules import Rule
from regionready.snapshot import GLOBAL, LOCAL, NOT_SELECTED, CollectionError, Scan

#: The engine's own collector: GEN-005 judges what the collectors could not read.
META_COLLECTOR = "regionready"
#: The code of data absent from the snapshot (its collector was not run there).
NOT_COLLECTED = "NotCollected"


@dataclass
class Dataset:
    """The items of one resource type a rule judges, and what is missing from them.

    ``errors`` left the type incomplete as a whole (nothing can be judged);
    ``incomplete`` maps the id of an item the rule cannot judge to the errors that left
    the fields it reads incomplete (that item is ERROR, the others are judged);
    ``not_run`` says why the collector deliberately left the type out (its rule is
    NOT_APPLICABLE with that reason).
    """

    items: list[dict[str, Any]]
    id_field: str
    errors: list[dict[str, Any]] = field(default_factory=list)
    incomplete: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    not_run: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def id_of(self, item: dict[str, Any]) -> str:
        """An item's id as results name it (``-`` when it has none)."""
        return str(item.get(self.id_field, "")) or "-"

    def item_errors(self) -> list[dict[str, Any]]:
        """The errors of every incomplete item, in item order."""
        return [error for errors in self.incomplete.values() for error in errors]


def missing(collector: str, rtype: str, code: str, message: str) -> dict[str, Any]:
    """A collection error the engine itself records (data absent from the snapshot, or
    too much of it), shaped as collectors record theirs."""
    return CollectionError(collector, code, message, f"{collector}:*", [rtype]).to_dict()


def failed_calls(errors: list[dict[str, Any]]) -> str:
    """Why data is missing, once each: a call that failed and the permission it needs;
    data that was not collected at all; the calls a scoped collection did not make,
    named together."""
    parts: list[str] = []
    not_called: list[str] = []
    for e in errors:
        if e["code"] == NOT_SELECTED:
            not_called.append(e["api"])
        elif e["code"] == NOT_COLLECTED:
            parts.append(e["message"])  # "route53 was not collected in eu-central-1"
        else:
            parts.append(f"{e['api']} failed with {e['code']} (needs {e['action']})")
    if not_called:
        apis = list(dict.fromkeys(not_called))
        parts.append(
            f"{', '.join(apis)} {'was' if len(apis) == 1 else 'were'} not called (the "
            "snapshot was collected for selected checks only: collect without --only)"
        )
    return "; ".join(dict.fromkeys(parts))


def reads_missing(error: dict[str, Any], rtype: str, fields: Fields) -> bool:
    """Whether ``error`` left any of ``fields`` (None: all) of ``rtype`` incomplete."""
    if rtype not in error["resource_types"]:
        return False
    missing_fields = (error.get("fields") or {}).get(rtype)
    return missing_fields is None or fields is None or not fields.isdisjoint(missing_fields)


def whole(ds: Dataset) -> Dataset:
    """A dataset judged as a whole (a quota counts every item, a lookup may reach any):
    an incomplete item leaves all of it incomplete."""
    if not ds.incomplete:
        return ds
    return Dataset([], ds.id_field, unique([*ds.errors, *ds.item_errors()]))


def unique(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each error once (the same error object can touch several items), in order."""
    return list({id(e): e for e in errors}.values())


class SnapshotData:
    """The datasets of a scan for the rules being evaluated."""

    def __init__(self, scan: Scan, rules: list[Rule], services: set[str]) -> None:
        self.scan = scan
        self.rules = rules
        self.services = services
        self._reads = {rule.id: (rule, rule_reads(rule)) for rule in rules}

    def reads(self, rule: Rule) -> RuleReads:
        """What ``rule`` reads (worked out once for each rule being evaluated)."""
        found = self._reads.get(rule.id)
        return found[1] if found is not None and found[0] is rule else rule_reads(rule)

    def collected(self, rule: Rule, resource: str | None = None) -> bool:
        """Whether the rule's collector (or the one of ``resource``) was run."""
        return self.collected_in(rule, self.services, resource)

    @staticmethod
    def collected_in(rule: Rule, services: set[str], resource: str | None = None) -> bool:
        """Whether ``services`` holds the rule's collector (or the one of ``resource``)."""
        names = [resource] if resource else list(rule.resources)
        return any(name.split(".", 1)[0] in services for name in names)

    def _service_doc(self, account: str, region: str, collector: str) -> dict[str, Any] | None:
        """Global and local services are found wherever a rule looks; others per Region."""
        for where in (GLOBAL, LOCAL):
            found = self.scan.service(account, where, collector)
            if found is not None:
                return found
        return self.scan.service(account, region, collector)

    def dataset(
        self,
        account: str,
        region: str,
        rule: Rule,
        resource: str | None = None,
        pair_regions: tuple[str, str] | None = None,
        judged: Collection[str] | None = None,
        side: str | None = None,
    ) -> Dataset:
        """The items of the rule's resource type (or of ``resource``) in ``region``
        (GEN-005's: of ``pair_regions``, the Regions of the pair being judged, and
        ``judged``: the ids of the rules judged in that pair). ``side`` (``source``,
        ``target``): a parity rule's items on that side of the pair, incomplete only
        where that side's reads are."""
        if rule.collector == META_COLLECTOR:
            return self.collection(account, pair_regions, judged)
        name = resource or rule.resource
        collector, rtype = name.split(".", 1)
        fields = self.reads(rule).fields(name, side)
        return self.dataset_for(account, region, collector, rtype, fields)

    def dataset_for(
        self, account: str, region: str, collector: str, rtype: str, fields: Fields = None
    ) -> Dataset:
        """The items of ``collector.rtype``; errors that left any of ``fields`` (None:
        any field) incomplete make the whole type, or the items they name, unusable."""
        resource = f"{collector}.{rtype}"
        svc = self._service_doc(account, region, collector)
        if svc is None:
            message = f"{collector} was not collected in {region}"
            return Dataset([], "", [missing(collector, rtype, NOT_COLLECTED, message)])
        errors: list[dict[str, Any]] = []
        incomplete: dict[str, list[dict[str, Any]]] = {}
        for error in [*svc["errors"], *svc.get("unread", ())]:
            if not reads_missing(error, rtype, fields):
                continue
            about = (error.get("resources") or {}).get(rtype)
            if about is None:
                errors.append(error)
            else:
                for item_id in about:
                    incomplete.setdefault(str(item_id), []).append(error)
        items = svc["resources"].get(rtype)
        if items is None and not errors:
            message = f"{resource} is not in the snapshot"
            errors = [missing(collector, rtype, NOT_COLLECTED, message)]
        id_field = svc["id_fields"].get(rtype, "")
        try:
            limits.check_items(len(items or []), resource)
        except limits.LimitError as exc:
            too_many = missing(collector, rtype, "TooManyItems", str(exc))
            return Dataset([], id_field, [*errors, too_many])
        not_run = (svc.get("not_run") or {}).get(rtype)
        return Dataset(items or [], id_field, errors, incomplete, not_run)

    def collection(
        self,
        account: str,
        regions: tuple[str, str] | None = None,
        judged: Collection[str] | None = None,
    ) -> Dataset:
        """GEN-005's items: one per service collected in each Region (of ``regions``, a
        pair's source and target, when given; global and local data always), with what
        it could not read and the rules left without their data: those ``judged`` in
        the pair (by default every rule whose collector ran) that read it on that side."""
        # A rule not judged in this scan is not left unjudged either.
        readers = [
            (rule.id, self.reads(rule))
            for rule in self.rules
            if self.collected(rule) and (judged is None or rule.id in judged)
        ]
        sides = dict(zip(regions or (), ("source", "target"), strict=False))
        items = []
        # By key first: only this account's documents are read (accountstore).
        documents = [
            (region, self.scan.documents[(doc_account, region)])
            for doc_account, region in sorted(self.scan.documents)
            if doc_account == account and (regions is None or region in regions or region == GLOBAL)
        ]
        if self.scan.local:
            documents.append((LOCAL, self.scan.local))
        for region, doc in documents:
            side = sides.get(region)  # None: global and local data, read from either side
            for name, svc in sorted(doc["services"].items()):
                blocked = sorted(
                    {
                        rid
                        for err in svc["errors"]
                        for rtype in err["resource_types"]
                        for rid, reads in readers
                        if f"{name}.{rtype}" in reads.resources
                        and reads_missing(err, rtype, reads.fields(f"{name}.{rtype}", side))
                    }
                )
                items.append(
                    {
                        "Id": f"{name}@{region}",
                        "Service": name,
                        "Region": region,
                        "Status": svc["status"],
                        "Errors": svc["errors"],
                        "MissingActions": sorted({e["action"] for e in svc["errors"]}),
                        "Rules": blocked,
                    }
                )
        return Dataset(items, "Id")

    def lookups(
        self, evaluator: Evaluator, region: str
    ) -> tuple[dict[str, dict[str, Any]], Dataset | None]:
        """Hash indexes of the rule's ``lookups``; a Dataset with errors if one is missing."""
        context = evaluator.context
        indexes: dict[str, dict[str, Any]] = {}
        failed: list[Dataset] = []  # every lookup that is missing data, not only the first
        for name, spec in evaluator.rule.lookups.items():
            collector, rtype = spec["resource"].split(".", 1)
            where = {
                "target": context.target_region,
                "source": context.source_region,
            }.get(spec.get("scope", "same"), region)
            fields = self.reads(evaluator.rule).lookups.get(name)
            ds = self.dataset_for(context.account, where, collector, rtype, fields)
            if ds.incomplete:  # which looked-up item an item reaches is not known ahead
                ds = Dataset([], "", ds.item_errors())
            if not ds.ok:
                not_run = all(e.get("code") == NOT_COLLECTED for e in ds.errors)
                if spec.get("optional") and not_run:
                    indexes[name] = {}  # a collector that was not run: nothing to look up
                    continue
                failed.append(ds)
                continue
            index: dict[str, Any] = {}
            for item in ds.items:
                key = evaluator.join_key(spec["key"], item)
                if key is None:
                    continue
                if spec.get("many"):
                    index.setdefault(key, []).append(item)
                else:
                    index.setdefault(key, item)
            indexes[name] = index
        if failed:
            errors = [e for ds in failed for e in ds.errors]
            return {}, Dataset([], "", [e for i, e in enumerate(errors) if e not in errors[:i]])
        return indexes, None

    def quota_value(self, account: str, region: str, quota: dict[str, Any]) -> tuple[float, str]:
        """The quota's value in ``region`` from Service Quotas, else its documented default."""
        svc = self.scan.service(account, region, "servicequotas")
        code = quota.get("quota_code")
        if svc is not None and code:
            for item in svc["resources"].get("quota", []):
                if item.get("QuotaCode") == code and item.get("ServiceCode") == quota.get(
                    "service_code"
                ):
                    return float(item["Value"]), "Service Quotas"
        return float(quota["default"]), "documented default"
