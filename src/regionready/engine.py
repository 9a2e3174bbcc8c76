"""The rule engine: judges a loaded snapshot against rules. No boto3, no collectors.

Every (rule, resource) pair yields a result. Data a collector could not read makes the
rules over it ERROR, never PASS. Parity joins are hash joins (one dict per rule and
Region pair), so evaluation stays linear in the number of resources.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import MISSING, dataclass, field, fields
from functools import cached_property, partial
from operator import attrgetter
from typing import Any

import jmespath
from jmespath.exceptions import JMESPathError

from regionready import limits
from regionready.functions import RegionReadyFunctions, function_names, lookup_key, sorted_json
from regionready.jmespath_compile import Compiler
from regionready.model import Location, Result, Severity, Status
from regionready.operators import OPERATORS
from regionready.reads import Fields, RuleReads, expression_fields, rule_reads
from regionready.rules import Condition, Rule, substitute
from regionready.snapshot import GLOBAL, LOCAL, Scan

META_COLLECTOR = "regionready"
COLLECTION_TYPE = "collection"
_TEMPLATE_RE = re.compile(r"\{([^{}]+)\}")
_WHOLE_PLACEHOLDER_RE = re.compile(r"^\{(params\.\w+|source_region|target_region|account)\}$")


#: Target counterparts compared per source item of a parity rule, in snapshot order: keys
#: are names and domains, which real accounts rarely repeat, and the bound keeps a
#: pathological snapshot (hundreds of items with one key) from costing items squared.
MAX_COUNTERPARTS = 32


class EvaluationError(Exception):
    """A rule that cannot be evaluated on valid data (a bug in the rule)."""


# JMESPath type errors, and functions meeting values they cannot take (an epoch beyond
# year 9999, JSON text nested too deeply, ...)
_SEARCH_ERRORS = (JMESPathError, TypeError, ValueError, OverflowError, RecursionError)
_TEST_ERRORS = (TypeError, ValueError, re.error, RecursionError)
# Enum members read once (each ``Status.X`` is a metaclass attribute lookup).
_PASS, _FAIL, _NOT_APPLICABLE = Status.PASS, Status.FAIL, Status.NOT_APPLICABLE
_UNPAIRED = {"fail": _FAIL, "pass": _PASS, "not_applicable": _NOT_APPLICABLE}


def _fingerprinter(
    rule_id: str, account: str, source_region: str, target_region: str
) -> Callable[[str], str]:
    """``model.fingerprint`` of results that differ only in their correlation key: the
    same bytes hashed, the common prefix once (a copy of its hash state per key)."""
    prefix = hashlib.sha256("\x1f".join((rule_id, account, "")).encode("utf-8"))
    suffix = "\x1f".join(("", source_region, target_region)).encode("utf-8")
    copy = prefix.copy

    def of(correlation_key: str) -> str:
        state = copy()
        state.update(correlation_key.encode("utf-8"))
        state.update(suffix)
        return state.hexdigest()[:32]

    return of


# The fields a Result gets a fresh mutable default for (``field(default_factory=...)``).
_FRESH_FIELDS = {f.name for f in fields(Result) if f.default_factory is not MISSING}
_new_result = object.__new__


def _result_maker(**constants: Any) -> Callable[[str, str], Result]:
    """``Result(resource_id=..., correlation_key=..., **constants)`` for results of one
    rule, account, Region and resource type that differ only in their resource id and
    correlation key: a prototype's fields copied, the fingerprint hashed with the
    common prefix once. The constructor itself if ``Result`` has fresh defaults other
    than ``blocked_by`` and ``details``, or slots."""
    if {"blocked_by", "details"} != _FRESH_FIELDS or "__slots__" in vars(Result):

        def construct(resource_id: str, correlation_key: str) -> Result:
            return Result(resource_id=resource_id, correlation_key=correlation_key, **constants)

        return construct
    proto = Result(resource_id="", correlation_key="", **constants)
    base = proto.__dict__
    copy = base.copy
    hashed = _fingerprinter(proto.rule_id, proto.account, proto.source_region, proto.target_region)

    def make(resource_id: str, correlation_key: str) -> Result:
        values = copy()
        values["resource_id"] = resource_id
        values["correlation_key"] = correlation_key
        values["blocked_by"] = []
        values["details"] = {}
        values["fingerprint"] = hashed(correlation_key)
        result: Result = _new_result(Result)
        result.__dict__ = values
        return result

    return make


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


def _failed_calls(errors: list[dict[str, Any]]) -> str:
    """What failed and the permission it needs, once per distinct call."""
    parts = [f"{e['api']} failed with {e['code']} (needs {e['action']})" for e in errors]
    return "; ".join(dict.fromkeys(parts))


def _reads_missing(error: dict[str, Any], rtype: str, fields: Fields) -> bool:
    """Whether ``error`` left any of ``fields`` (None: all) of ``rtype`` incomplete."""
    if rtype not in error["resource_types"]:
        return False
    missing = (error.get("fields") or {}).get(rtype)
    return missing is None or fields is None or not fields.isdisjoint(missing)


@dataclass
class Clock:
    now: dt.datetime
    cutover: dt.datetime | None = None

    @property
    def instant(self) -> dt.datetime:
        return self.cutover or self.now


class _Compiled:
    """A rule with its placeholders substituted and expressions compiled once."""

    def __init__(self, rule: Rule, values: dict[str, Any], compiler: Compiler) -> None:
        self.rule = rule
        self.values = values
        self.compiler = compiler
        self._cache: dict[str, Any] = {}
        self._predicates: dict[int, tuple[Condition, Callable[[Any], bool]]] = {}
        self._templates: dict[str, tuple[list[tuple[str, str, str]], str]] = {}
        self._all_predicates: dict[int, tuple[Any, Callable[[Any], bool]]] = {}
        self._plain: set[int] = set()  # ids of predicates giving a bool (kept alive)

    def expr(self, text: str) -> Any:
        """The expression as a closure (jmespath_compile), placeholders substituted."""
        found = self._cache.get(text)
        if found is None:
            found = self.compiler.compile(substitute(text, self.values))
            self._cache[text] = found
        return found

    def search(self, text: str, data: Any) -> Any:
        try:
            return self.expr(text)(data)
        except _SEARCH_ERRORS as exc:
            # JMESPath type errors, and functions meeting values they cannot take (an
            # epoch beyond year 9999, JSON text nested too deeply, ...)
            raise EvaluationError(f"{self.rule.path}: {self.rule.id}: {text!r}: {exc}") from exc

    def value(self, cond: Condition, data: Any) -> Any:
        if cond.value_from:
            return self.search(cond.value_from, data)
        value = cond.value
        if isinstance(value, str):
            whole = _WHOLE_PLACEHOLDER_RE.match(value)
            if whole:
                name = whole.group(1)
                if name.startswith("params."):
                    return self.values["params"][name[len("params.") :]]
                return self.values[name]
            return substitute(value, self.values)
        return value

    def holds(self, cond: Condition, data: Any) -> bool:
        return self.predicate(cond)(data)

    def _holds(self, cond: Condition, data: Any) -> bool:
        left = self.search(cond.key, data)
        right = self.value(cond, data) if OPERATORS[cond.op].takes_value else None
        try:
            return OPERATORS[cond.op].test(left, right)
        except (TypeError, ValueError, re.error, RecursionError) as exc:  # and LimitError
            raise EvaluationError(
                f"{self.rule.path}: {self.rule.id}: {cond.describe()}: {exc}"
            ) from exc

    def predicate(self, cond: Condition) -> Callable[[Any], bool]:
        """``holds`` for one condition as a closure: its expressions compiled and a
        constant value substituted once; the same order of work and the same errors."""
        found = self._predicates.get(id(cond))
        if found is not None:
            return found[1]
        built = self._predicate(cond)
        self._predicates[id(cond)] = (cond, built)  # the condition kept: its id stays its own
        return built

    def _predicate(self, cond: Condition) -> Callable[[Any], bool]:
        operator = OPERATORS.get(cond.op)
        slow = partial(self._holds, cond)
        if operator is None:
            return slow
        test = operator.test
        try:
            key = self.expr(cond.key)
            from_data = operator.takes_value and bool(cond.value_from)
            value_expr = self.expr(cond.value_from) if cond.value_from and from_data else None
            constant = self.value(cond, None) if operator.takes_value and not from_data else None
        except Exception:  # the slow path raises it again, in its place
            return slow
        rule = self.rule

        def searched(text: str, exc: Exception) -> EvaluationError:
            return EvaluationError(f"{rule.path}: {rule.id}: {text!r}: {exc}")

        inline = _inline_predicate(cond.op, cond.key, key, constant, searched)
        if inline is not None and value_expr is None:
            self._plain.add(id(inline))
            return inline

        def holds(data: Any) -> bool:
            try:
                left = key(data)
            except _SEARCH_ERRORS as exc:
                raise searched(cond.key, exc) from exc
            if value_expr is not None:
                try:
                    right = value_expr(data)
                except _SEARCH_ERRORS as exc:
                    raise searched(str(cond.value_from), exc) from exc
            else:
                right = constant
            try:
                return test(left, right)
            except _TEST_ERRORS as exc:  # and LimitError
                raise EvaluationError(f"{rule.path}: {rule.id}: {cond.describe()}: {exc}") from exc

        return holds

    def all_hold(self, conditions: Iterable[Condition], data: Any) -> bool:
        return self.all_predicate(conditions)(data)

    def all_predicate(self, conditions: Iterable[Condition]) -> Callable[[Any], bool]:
        """``all_hold`` of a list of conditions as one closure."""
        found = self._all_predicates.get(id(conditions))
        if found is not None:
            return found[1]
        tests = [self.predicate(c) for c in conditions]
        built: Callable[[Any], bool]
        if not tests:

            def none(data: Any) -> bool:
                return True

            built = none
        elif len(tests) == 1 and id(tests[0]) in self._plain:
            built = tests[0]  # already a bool
        elif len(tests) == 1:
            (only,) = tests

            def one(data: Any) -> bool:
                return bool(only(data))

            built = one
        else:

            def every(data: Any) -> bool:
                for test in tests:  # noqa: SIM110 - faster than all() of a generator
                    if not test(data):
                        return False
                return True

            built = every
        self._all_predicates[id(conditions)] = (conditions, built)
        return built

    def render(self, template: str, data: dict[str, Any]) -> str:
        """Each ``{expression}`` of a template replaced by its value as text (left as it
        is when it cannot be evaluated); the template is split once."""
        split = self._templates.get(template)
        if split is None:
            split = self._templates[template] = _split_template(template)
        pieces, tail = split
        chunks: list[str] = []
        for literal, text, whole in pieces:
            chunks.append(literal)
            try:
                value = self.search(text, data)
            except (EvaluationError, JMESPathError):
                chunks.append(whole)
                continue
            chunks.append(_text(value))
        chunks.append(tail)
        return "".join(chunks)

    @cached_property
    def pair_expr(self) -> str | None:
        return self.rule.pair_by


def _inline_predicate(
    op: str,
    text: str,
    key: Callable[[Any], Any],
    constant: Any,
    searched: Callable[[str, Exception], EvaluationError],
) -> Callable[[Any], bool] | None:
    """``holds`` of the commonest operators against a constant, the operator's test
    written out (``OPERATORS`` gives the same answers; none of these can raise)."""
    if op == "present":

        def present(data: Any) -> bool:
            try:
                return key(data) is not None
            except _SEARCH_ERRORS as exc:
                raise searched(text, exc) from exc

        return present
    if op == "absent":

        def absent(data: Any) -> bool:
            try:
                return key(data) is None
            except _SEARCH_ERRORS as exc:
                raise searched(text, exc) from exc

        return absent
    if type(constant) is str or type(constant) is bool:  # ``==`` of JSON values: a bool
        if op == "eq":

            def eq(data: Any) -> bool:
                try:
                    left = key(data)
                except _SEARCH_ERRORS as exc:
                    raise searched(text, exc) from exc
                return bool(left == constant)

            return eq
        if op == "ne":

            def ne(data: Any) -> bool:
                try:
                    left = key(data)
                except _SEARCH_ERRORS as exc:
                    raise searched(text, exc) from exc
                return bool(left != constant)

            return ne
    return None


def _split_template(template: str) -> tuple[list[tuple[str, str, str]], str]:
    """A message template as (literal before, expression, ``{expression}``) pieces and
    the literal tail: what ``_TEMPLATE_RE.sub`` would visit, left to right."""
    pieces = []
    position = 0
    for match in _TEMPLATE_RE.finditer(template):
        pieces.append((template[position : match.start()], match.group(1), match.group(0)))
        position = match.end()
    return pieces, template[position:]


def _text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.1f}" if not value.is_integer() else str(int(value))
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return sorted_json(value)
    return str(value)


@dataclass
class Engine:
    scan: Scan
    rules: list[Rule]
    clock: Clock
    services: set[str] | None = None

    def __post_init__(self) -> None:
        self.source_region = self.scan.source_region
        self.target_region = self.scan.target_region
        self.functions = RegionReadyFunctions(self.clock.instant)
        self.options = jmespath.Options(custom_functions=self.functions)
        self.compiler = Compiler(self.options)
        self._join_keys: dict[str, dict[int, tuple[Any, str | None]]] = {}
        self._reads: dict[str, tuple[Rule, RuleReads]] = {}
        if self.services is None:
            self.services = set(self.scan.manifest.get("services", [])) | {META_COLLECTOR}

    # -- data access ---------------------------------------------------------------

    def _service_doc(self, account: str, region: str, collector: str) -> dict[str, Any] | None:
        """Global and local services are found wherever a rule looks; others per Region."""
        for where in (GLOBAL, LOCAL):
            found = self.scan.service(account, where, collector)
            if found is not None:
                return found
        return self.scan.service(account, region, collector)

    def reads(self, rule: Rule) -> RuleReads:
        """What ``rule`` reads (computed once per rule)."""
        found = self._reads.get(rule.id)
        if found is None or found[0] is not rule:
            found = self._reads[rule.id] = (rule, rule_reads(rule))
        return found[1]

    def dataset(
        self, account: str, region: str, rule: Rule, resource: str | None = None
    ) -> Dataset:
        if rule.collector == META_COLLECTOR:
            return self._collection_dataset(account)
        name = resource or rule.resource
        collector, rtype = name.split(".", 1)
        return self._dataset_for(account, region, collector, rtype, self.reads(rule).fields(name))

    def _dataset_for(
        self, account: str, region: str, collector: str, rtype: str, fields: Fields = None
    ) -> Dataset:
        """The items of ``collector.rtype``; errors that left any of ``fields`` (None:
        any field) incomplete make the whole type, or the items they name, unusable."""
        resource = f"{collector}.{rtype}"
        svc = self._service_doc(account, region, collector)
        if svc is None:
            return Dataset(
                [],
                "",
                [
                    {
                        "api": collector,
                        "code": "NotCollected",
                        "message": f"{collector} was not collected in {region}",
                        "action": f"{collector}:*",
                        "resource_types": [rtype],
                    }
                ],
            )
        errors: list[dict[str, Any]] = []
        incomplete: dict[str, list[dict[str, Any]]] = {}
        for error in svc["errors"]:
            if not _reads_missing(error, rtype, fields):
                continue
            about = (error.get("resources") or {}).get(rtype)
            if about is None:
                errors.append(error)
            else:
                for item_id in about:
                    incomplete.setdefault(str(item_id), []).append(error)
        items = svc["resources"].get(rtype)
        if items is None and not errors:
            errors = [
                {
                    "api": collector,
                    "code": "NotCollected",
                    "message": f"{resource} is not in the snapshot",
                    "action": f"{collector}:*",
                    "resource_types": [rtype],
                }
            ]
        id_field = svc["id_fields"].get(rtype, "")
        try:
            limits.check_items(len(items or []), resource)
        except limits.LimitError as exc:
            too_many = {
                "api": collector,
                "code": "TooManyItems",
                "message": str(exc),
                "action": f"{collector}:*",
                "resource_types": [rtype],
            }
            return Dataset([], id_field, [*errors, too_many])
        not_run = (svc.get("not_run") or {}).get(rtype)
        return Dataset(items or [], id_field, errors, incomplete, not_run)

    def _collection_dataset(self, account: str) -> Dataset:
        needed_by: dict[str, list[tuple[str, Fields]]] = {}
        for rule in self.rules:
            if not self._collected(rule):
                continue  # not judged in this scan, so not left unjudged either
            for resource, read in self.reads(rule).resources.items():
                needed_by.setdefault(resource, []).append((rule.id, read))
        items = []
        documents = [
            (region, doc)
            for (doc_account, region), doc in sorted(self.scan.documents.items())
            if doc_account == account
        ]
        if self.scan.local:
            documents.append((LOCAL, self.scan.local))
        for region, doc in documents:
            for name, svc in sorted(doc["services"].items()):
                blocked = sorted(
                    {
                        rid
                        for err in svc["errors"]
                        for rtype in err["resource_types"]
                        for rid, read in needed_by.get(f"{name}.{rtype}", [])
                        if _reads_missing(err, rtype, read)
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

    def regions(self, rule: Rule) -> list[str]:
        if rule.scope == "source":
            return [self.source_region]
        if rule.scope == "both":
            return [self.source_region, self.target_region]
        return [self.target_region]

    # -- evaluation ----------------------------------------------------------------

    def evaluate(self) -> list[Result]:
        # The snapshot is millions of objects, and evaluation allocates hundreds of
        # thousands more (results, join keys) but no reference cycles to speak of: the
        # cyclic collector would only traverse the snapshot again and again.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._evaluate()
        finally:
            if collecting:
                gc.enable()

    def _evaluate(self) -> list[Result]:
        results: list[Result] = []
        for account in self.scan.accounts:
            # An organisation scan may give an account its own Region pair.
            self.source_region, self.target_region = self.scan.pair(account)
            for rule in self.rules:
                if not self._collected(rule):
                    continue
                try:
                    results.extend(self.evaluate_rule(rule, account))
                except EvaluationError as exc:
                    results.append(self._rule_error(rule, account, exc))
        _mark_blocked(results, self.rules)
        results.sort(key=attrgetter("rule_id", "account", "region", "resource_id"))
        return results

    def _collected(self, rule: Rule, resource: str | None = None) -> bool:
        """Whether the rule's collector (or the one of ``resource``) was run."""
        services = self.services or set()
        names = [resource] if resource else list(rule.resources)
        return any(name.split(".", 1)[0] in services for name in names)

    def _join_key(self, compiled: _Compiled, text: str) -> Callable[[Any], str | None]:
        """``lookup_key`` of a join expression (``pair_by``) on a snapshot item.

        Many rules join the same resources by the same expression (every ACM parity
        rule pairs certificates by domain, key algorithm and SANs): the key of an item
        is computed once per evaluation when the expression does not call ``lookup``
        (whose answer changes from rule to rule). An error is never kept: it is raised
        again, for the rule that meets it.
        """
        search = compiled.search

        def computed(item: Any) -> str | None:
            return lookup_key(search(text, item))

        full = substitute(text, compiled.values)
        try:
            shared = "lookup" not in function_names(full)
        except JMESPathError:
            shared = False
        if not shared:
            return computed
        kept = self._join_keys.setdefault(full, {})

        def key_of(item: Any) -> str | None:
            found = kept.get(id(item))
            if found is not None and found[0] is item:  # the item itself, kept alive
                return found[1]
            key = computed(item)
            kept[id(item)] = (item, key)
            return key

        return key_of

    def _compiled(self, rule: Rule, account: str) -> _Compiled:
        values = {
            "params": rule.params,
            "source_region": self.source_region,
            "target_region": self.target_region,
            "account": account,
        }
        return _Compiled(rule, values, self.compiler)

    def _lookups(
        self, compiled: _Compiled, account: str, region: str
    ) -> tuple[dict[str, dict[str, Any]], Dataset | None]:
        """Hash indexes of the rule's ``lookups``; a Dataset with errors if one is missing."""
        indexes: dict[str, dict[str, Any]] = {}
        for name, spec in compiled.rule.lookups.items():
            collector, rtype = spec["resource"].split(".", 1)
            scope = spec.get("scope", "same")
            where = {
                "target": self.target_region,
                "source": self.source_region,
            }.get(scope, region)
            ds = self._dataset_for(account, where, collector, rtype)
            if ds.incomplete:  # which looked-up item an item reaches is not known ahead
                ds = Dataset([], "", [e for errs in ds.incomplete.values() for e in errs])
            if not ds.ok:
                not_run = all(e.get("code") == "NotCollected" for e in ds.errors)
                if spec.get("optional") and not_run:
                    indexes[name] = {}  # a collector that was not run: nothing to look up
                    continue
                return {}, ds
            index: dict[str, Any] = {}
            for item in ds.items:
                key = lookup_key(compiled.search(spec["key"], item))
                if key is None:
                    continue
                if spec.get("many"):
                    index.setdefault(key, []).append(item)
                else:
                    index.setdefault(key, item)
            indexes[name] = index
        return indexes, None

    def evaluate_rule(self, rule: Rule, account: str) -> list[Result]:
        compiled = self._compiled(rule, account)
        if rule.lookups:
            region = self.target_region if rule.scope != "source" else self.source_region
            indexes, missing = self._lookups(compiled, account, region)
            if missing is not None:
                # Name the rule's own missing data too, not only the lookup's.
                own = (
                    self.dataset(account, region, rule)
                    if rule.collector != META_COLLECTOR
                    else Dataset([], "")
                )
                mine = [*own.errors, *(e for errs in own.incomplete.values() for e in errs)]
                mine = list({id(e): e for e in mine}.values())
                errors = [*mine, *[e for e in missing.errors if e not in mine]]
                return [self._error(compiled, account, region, Dataset([], "", errors))]
            self.functions.lookups = indexes
        else:
            self.functions.lookups = {}
        if rule.kind == "parity":
            return self._parity(compiled, account)
        if rule.kind == "quota":
            return self._quota(compiled, account)
        if rule.collector == META_COLLECTOR:
            return self._readiness(compiled, account, None)
        results: list[Result] = []
        for region in self.regions(rule):
            for resource in rule.resources:
                if self._collected(rule, resource):
                    results.extend(self._readiness(compiled, account, region, resource))
        return results

    def _result(
        self,
        compiled: _Compiled,
        *,
        status: Status,
        account: str,
        region: str,
        resource_id: str,
        correlation_key: str,
        message: str,
        severity: Severity | None = None,
        details: dict[str, Any] | None = None,
        resource: str | None = None,
    ) -> Result:
        rule = compiled.rule
        return Result(
            rule_id=rule.id,
            status=status,
            severity=severity or rule.severity,
            service=rule.service,
            kind=rule.kind,
            message=message,
            account=account,
            region=region,
            resource_type=resource or rule.resource,
            resource_id=resource_id,
            correlation_key=correlation_key,
            source_region=self.source_region,
            target_region=self.target_region,
            details=details or {},
        )

    def _error(
        self,
        compiled: _Compiled,
        account: str,
        region: str,
        ds: Dataset,
        resource: str | None = None,
    ) -> Result:
        resource = resource or compiled.rule.resource
        return self._result(
            compiled,
            resource=resource,
            status=Status.ERROR,
            account=account,
            region=region,
            resource_id=f"{resource}@{region}",
            correlation_key=f"error@{region}",
            message="could not evaluate: " + _failed_calls(ds.errors),
            details={"errors": ds.errors},
        )

    def _item_error(
        self,
        compiled: _Compiled,
        account: str,
        region: str,
        item_id: str,
        errors: list[dict[str, Any]],
        resource: str | None = None,
        correlation_key: str | None = None,
    ) -> Result:
        """ERROR for one item whose data the rule reads is incomplete: the same
        fingerprint as its PASS or FAIL would have, so a diff sees what became unknown."""
        return self._result(
            compiled,
            resource=resource,
            status=Status.ERROR,
            account=account,
            region=region,
            resource_id=item_id,
            correlation_key=correlation_key or item_id,
            message=f"could not evaluate {item_id}: " + _failed_calls(errors),
            details={"errors": errors},
        )

    def _rule_error(self, rule: Rule, account: str, exc: EvaluationError) -> Result:
        """A rule that raised on this account's data: one ERROR (never PASS) saying why."""
        compiled = self._compiled(rule, account)
        region = self.source_region if rule.scope == "source" else self.target_region
        text = " ".join(str(exc).split())[:1000]
        return self._result(
            compiled,
            status=Status.ERROR,
            account=account,
            region=region,
            resource_id=f"{rule.resource}@{region}",
            correlation_key=f"error@{region}",
            message=f"could not evaluate: {text}",
            details={"evaluation_error": text},
        )

    def _not_applicable(
        self, compiled: _Compiled, account: str, region: str, why: str, resource: str | None = None
    ) -> Result:
        resource = resource or compiled.rule.resource
        return self._result(
            compiled,
            resource=resource,
            status=Status.NOT_APPLICABLE,
            account=account,
            region=region,
            resource_id=f"{resource}@{region}",
            correlation_key=f"none@{region}",
            message=why,
        )

    def _context(self, compiled: _Compiled, account: str, region: str) -> dict[str, Any]:
        return {
            "region": region,
            "account": account,
            "params": compiled.rule.params,
            "source_region": self.source_region,
            "target_region": self.target_region,
        }

    def _severity(self, compiled: _Compiled, data: Any) -> Severity:
        for conditions, severity in compiled.rule.escalate:
            if compiled.all_hold(conditions, data):
                return severity
        return compiled.rule.severity

    def _readiness(
        self,
        compiled: _Compiled,
        account: str,
        region: str | None,
        resource: str | None = None,
    ) -> list[Result]:
        rule = compiled.rule
        ds = self.dataset(account, region or self.target_region, rule, resource)
        label = region or "all"
        if not ds.ok:
            return [self._error(compiled, account, label, ds, resource)]
        results: list[Result] = []
        # What is the same for every item, hoisted out of the loop (the results are
        # what ``_result`` makes, field for field).
        in_scope = compiled.all_predicate(rule.where)
        failing = compiled.all_predicate(rule.fail_when) if rule.fail_when else None
        id_field = ds.id_field
        resource_type = resource or rule.resource
        common = self._result_fields(rule, account, resource_type)
        # Results as ``Result(...)`` makes them, per Region of the items (one, unless
        # the items name their own).
        makers: dict[str, tuple[Callable[[str, str], Result], Callable[[str, str], Result]]]
        makers = {}

        def makers_for(
            item_region: str,
        ) -> tuple[Callable[[str, str], Result], Callable[[str, str], Result]]:
            found = makers.get(item_region)
            if found is None:
                found = makers[item_region] = (
                    _result_maker(
                        status=_NOT_APPLICABLE,
                        message="not in scope of this check",
                        region=item_region,
                        **common,
                    ),
                    _result_maker(status=_PASS, message="passes", region=item_region, **common),
                )
            return found

        if region is not None:
            not_applicable, passing = makers_for(region)
        append = results.append
        incomplete = ds.incomplete
        for item in ds.items:
            if region is None:
                not_applicable, passing = makers_for(str(item.get("Region", region)))
            rid = str(item.get(id_field, "")) or "-"
            if incomplete and rid in incomplete:
                append(self._item_error(compiled, account, label, rid, incomplete[rid], resource))
                continue
            if not in_scope(item):
                append(not_applicable(rid, rid))
                continue
            result = passing(rid, rid)
            if failing is not None and failing(item):
                context = {**item, **self._context(compiled, account, result.region)}
                message = compiled.render(rule.message, context)
                result.status = _FAIL
                result.severity = self._severity(compiled, item) or rule.severity
                result.message = message
            if rule.location:
                result.location = _location(compiled.search(rule.location, item))
            append(result)
        if not results:
            why = f"not run: {ds.not_run}" if ds.not_run else "no resources to check"
            results.append(self._not_applicable(compiled, account, label, why, resource))
        return results

    def _result_fields(self, rule: Rule, account: str, resource_type: str) -> dict[str, Any]:
        """The fields every result of ``rule`` in ``account`` shares."""
        return {
            "rule_id": rule.id,
            "severity": rule.severity,
            "service": rule.service,
            "kind": rule.kind,
            "account": account,
            "resource_type": resource_type,
            "source_region": self.source_region,
            "target_region": self.target_region,
        }

    def _parity(self, compiled: _Compiled, account: str) -> list[Result]:
        rule = compiled.rule
        source_region, target_region = self.source_region, self.target_region
        src = self.dataset(account, source_region, rule)
        tgt = self.dataset(account, target_region, rule)
        if not src.ok or not tgt.ok:
            bad = src if not src.ok else tgt
            return [self._error(compiled, account, target_region, bad)]
        assert rule.pair_by is not None
        if tgt.incomplete and self._join_incomplete(compiled, tgt):
            # A target item whose join key cannot be read could be any source item's twin.
            errors = [e for errs in tgt.incomplete.values() for e in errs]
            return [self._error(compiled, account, target_region, Dataset([], "", errors))]
        key_of = self._join_key(compiled, rule.pair_by)
        # Every target counterpart of a key, in snapshot order: a source item is matched
        # when any of them passes (a stale copy beside its re-created twin is not drift).
        index: dict[str, list[dict[str, Any]]] = {}
        target_scope = compiled.all_predicate(rule.target_where) if rule.target_where else None
        for item in tgt.items:
            if target_scope is not None and not target_scope(item):
                continue
            key = key_of(item)
            if key is not None:
                twins = index.get(key)
                if twins is None:
                    index[key] = [item]
                else:
                    twins.append(item)
        results: list[Result] = []
        base = self._context(compiled, account, target_region)
        in_scope = compiled.all_predicate(rule.where)
        src_id = src.id_field
        common = self._result_fields(rule, account, rule.resource)
        not_applicable = _result_maker(
            status=_NOT_APPLICABLE,
            message="not in scope of this check",
            region=source_region,
            **common,
        )
        matching = _result_maker(
            status=_PASS, message="matches its source counterpart", region=target_region, **common
        )
        unpaired_status = _UNPAIRED.get(rule.on_unpaired)
        unpaired = {
            status: _result_maker(
                status=status,
                message="no counterpart in the target",
                region=target_region,
                **common,
            )
            for status in _UNPAIRED.values()
        }
        compare = [(condition, compiled.predicate(condition)) for condition in rule.compare]
        failing = compiled.all_predicate(rule.fail_when) if rule.fail_when else None
        tgt_id = tgt.id_field
        src_incomplete, tgt_incomplete = src.incomplete, tgt.incomplete
        for item in src.items:
            sid = str(item.get(src_id, "")) or "-"
            if src_incomplete and sid in src_incomplete:
                # Named like the result it replaces: after its first counterpart, if any.
                try:
                    known_key = key_of(item)
                except EvaluationError:
                    known_key = None
                seen = index.get(known_key) if known_key is not None else None
                rid = (str(seen[0].get(tgt_id, "")) or "-") if seen else sid
                errors = src_incomplete[sid]
                results.append(
                    self._item_error(
                        compiled, account, target_region, rid, errors, None, known_key or rid
                    )
                )
                continue
            if not in_scope(item):
                results.append(not_applicable(sid, sid))
                continue
            key = key_of(item)
            twins = index.get(key) if key is not None else None
            if twins is None:
                pair = {"source": item, "target": None, **base}
                status = unpaired_status or _UNPAIRED[rule.on_unpaired]
                result = unpaired[status](sid, key or sid)
                if status is _FAIL:
                    template = rule.unpaired_message or rule.message
                    result.message = compiled.render(template, pair)
                    result.severity = self._severity(compiled, pair) or rule.severity
                result.details = {"source": sid, "target": None}
                results.append(result)
                continue
            first: tuple[dict[str, Any], dict[str, Any], list[str]] | None = None
            unknown: list[dict[str, Any]] = []  # errors of twins that cannot be judged
            unknown_id = ""
            fails = True
            for twin in twins if len(twins) <= MAX_COUNTERPARTS else twins[:MAX_COUNTERPARTS]:
                if tgt_incomplete:
                    twin_id = str(twin.get(tgt_id, "")) or "-"
                    twin_errors = tgt_incomplete.get(twin_id)
                    if twin_errors:
                        unknown.extend(twin_errors)
                        unknown_id = unknown_id or twin_id
                        continue
                pair = {"source": item, "target": twin, **base}
                drift = [condition.describe() for condition, holds in compare if not holds(pair)]
                fails = bool(drift) or (failing is not None and failing(pair))
                if not fails:
                    break
                if first is None:
                    first = (twin, pair, drift)
            else:
                if unknown:  # none of those seen matches, and the others cannot be seen
                    results.append(
                        self._item_error(
                            compiled, account, target_region, unknown_id, unknown, None, key
                        )
                    )
                    continue
                # None matches: the finding is about the first counterpart.
                assert first is not None
                twin, pair, drift = first
            tid = str(twin.get(tgt_id, "")) or "-"
            result = matching(tid, key or tid)
            if fails:
                result.status = _FAIL
                result.message = compiled.render(rule.message, {**pair, "drift": drift})
                result.severity = self._severity(compiled, pair) or rule.severity
            result.details = {"source": sid, "target": tid, "drift": drift}
            results.append(result)
        if not results:
            results.append(
                self._not_applicable(compiled, account, target_region, "no source resources")
            )
        return results

    def _join_incomplete(self, compiled: _Compiled, tgt: Dataset) -> bool:
        """Whether an incomplete target item lacks a field the join key or the target
        filter reads."""
        rule = compiled.rule
        texts = [rule.pair_by or "", *(c.key for c in rule.target_where)]
        keyed = expression_fields(texts, rule.params)
        for errors in tgt.incomplete.values():
            for error in errors:
                if _reads_missing(error, rule.resource_type, keyed):
                    return True
        return False

    def _quota_value(self, account: str, region: str, quota: dict[str, Any]) -> tuple[float, str]:
        svc = self.scan.service(account, region, "servicequotas")
        code = quota.get("quota_code")
        if svc is not None and code:
            for item in svc["resources"].get("quota", []):
                if item.get("QuotaCode") == code and item.get("ServiceCode") == quota.get(
                    "service_code"
                ):
                    return float(item["Value"]), "Service Quotas"
        return float(quota["default"]), "documented default"

    def _quota(self, compiled: _Compiled, account: str) -> list[Result]:
        """One result per quota the rule names (usage in the target + what is to come)."""
        results: list[Result] = []
        seen: set[str] = set()
        for entry in compiled.rule.quotas:
            for result in self._quota_entry(compiled, account, entry):
                if result.fingerprint not in seen:  # one ERROR for data all entries lack
                    seen.add(result.fingerprint)
                    results.append(result)
        return results

    def _quota_entry(
        self, compiled: _Compiled, account: str, entry: dict[str, Any]
    ) -> list[Result]:
        rule = compiled.rule
        source_region, target_region = self.source_region, self.target_region
        collector, rtype = (entry.get("resource") or rule.resource).split(".", 1)
        where = (
            tuple(Condition.from_dict(c) for c in entry["where"])
            if "where" in entry
            else rule.where
        )
        usage_expr = entry.get("usage") or rule.usage or "length(@)"
        adds_expr = entry.get("adds", rule.adds)
        pair_by = entry.get("pair_by", rule.pair_by)
        fields = self.reads(rule).fields(f"{collector}.{rtype}")
        tgt = _whole(self._dataset_for(account, target_region, collector, rtype, fields))
        src = (
            _whole(self._dataset_for(account, source_region, collector, rtype, fields))
            if adds_expr
            else Dataset([], "")
        )
        if not tgt.ok or not src.ok:
            return [self._error(compiled, account, target_region, tgt if not tgt.ok else src)]
        in_scope = compiled.all_predicate(where)
        in_target = [i for i in tgt.items if in_scope(i)]
        usage = compiled.search(usage_expr, in_target)
        adds = 0
        if adds_expr:
            candidates = [i for i in src.items if in_scope(i)]
            if pair_by:
                key_of = self._join_key(compiled, pair_by)
                have = {key_of(i) for i in in_target}
                candidates = [i for i in candidates if key_of(i) not in have]
            adds = compiled.search(adds_expr, candidates)
        limit, origin = self._quota_value(account, target_region, entry)
        try:
            total = float(usage or 0) + float(adds or 0)
        except (TypeError, ValueError) as exc:
            raise EvaluationError(
                f"{rule.path}: {rule.id}: usage {usage!r} and adds {adds!r} must be numbers"
            ) from exc
        fails = total > limit
        name = entry["name"]
        context = {
            **self._context(compiled, account, target_region),
            "usage": usage,
            "adds": adds,
            "total": total,
            "quota": limit,
            "quota_source": origin,
            "quota_name": name,
        }
        message = (
            compiled.render(rule.message, context)
            if fails
            else f"{name}: {_text(total)} of {_text(limit)} ({origin})"
        )
        return [
            self._result(
                compiled,
                status=Status.FAIL if fails else Status.PASS,
                account=account,
                region=target_region,
                resource_id=f"quota:{name}@{target_region}",
                correlation_key=f"quota:{name}",
                message=message,
                details={"usage": usage, "adds": adds, "quota": limit, "quota_source": origin},
            )
        ]


def _whole(ds: Dataset) -> Dataset:
    """A dataset judged as a whole (a quota counts every item): an incomplete item
    leaves all of it incomplete."""
    if not ds.incomplete:
        return ds
    errors = [*ds.errors, *(e for errs in ds.incomplete.values() for e in errs)]
    return Dataset([], ds.id_field, list({id(e): e for e in errors}.values()))


def _location(value: Any) -> Location | None:
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


def _mark_blocked(results: list[Result], rules: list[Rule]) -> None:
    """A failure of a rule another rule depends on is that rule's root cause.

    When both rules judge the same resource type, only the dependency's failure on the
    same resource (correlation key) blocks; across resource types any failure of the
    dependency in the account does (e.g. a missing KMS replica blocks Identity Center).
    """
    resource_of = {rule.id: rule.resource for rule in rules}
    fail = Status.FAIL
    failing = [r for r in results if r.status is fail]
    failing_any = {(r.rule_id, r.account) for r in failing}
    failing_on = {(r.rule_id, r.account, r.correlation_key) for r in failing}
    depends = {rule.id: rule.depends_on for rule in rules if rule.depends_on}
    for result in failing:
        blocked = []
        for dep in depends.get(result.rule_id, ()):
            if resource_of.get(dep) == resource_of.get(result.rule_id):
                hit = (dep, result.account, result.correlation_key) in failing_on
            else:
                hit = (dep, result.account) in failing_any
            if hit:
                blocked.append(dep)
        result.blocked_by = blocked


def evaluate(
    scan: Scan,
    rules: list[Rule],
    *,
    now: dt.datetime,
    cutover: dt.datetime | None = None,
    services: set[str] | None = None,
) -> list[Result]:
    return Engine(scan, rules, Clock(now, cutover), services).evaluate()
