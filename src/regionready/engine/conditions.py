"""How a rule's expressions and conditions are evaluated: one way, in one context.

Every condition of a rule (``where``, ``target_where``, ``fail_when``, ``compare``,
``escalate[].when``, ``quota[].where``) goes through ``Evaluator.holds``, and every
expression (join keys, lookups keys, usage, locations, message templates) through
``Evaluator.search``: jmespath's own public ``compile`` and ``search``, with the custom
functions handed over by ``jmespath.Options``.

What an expression may depend on besides the item it judges (account, Region pair,
parameters, lookups, clock) is a ``Context``, frozen and made for one rule in one
account. The function set is made from it too, so nothing an earlier rule or account
left behind can change an answer, and an ``Evaluator`` can be thrown away after its rule.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jmespath
from jmespath.exceptions import JMESPathError
from jmespath.parser import ParsedResult
from jmespath.visitor import TreeInterpreter

from regionready.engine.functions import RegionReadyFunctions, lookup_key, sorted_json
from regionready.engine.operators import OPERATORS
from regionready.engine.rules import TEMPLATE_RE, Condition, Rule, condition_value, substitute
from regionready.model import Severity

# JMESPath type errors, and functions meeting values they cannot take (an epoch beyond
# year 9999, JSON text nested too deeply, ...)
_SEARCH_ERRORS = (JMESPathError, TypeError, ValueError, OverflowError, RecursionError)
# An operator meeting values it cannot compare (LimitError is a ValueError).
_TEST_ERRORS = (TypeError, ValueError, re.error, RecursionError)


class EvaluationError(Exception):
    """A rule that cannot be evaluated on valid data (a bug in the rule)."""


@dataclass(frozen=True)
class Clock:
    """When an evaluation happens: ``now``, and the cutover date rules count from when
    one is given (``--cutover-date``), so one snapshot always evaluates the same way."""

    now: dt.datetime
    cutover: dt.datetime | None = None

    @property
    def instant(self) -> dt.datetime:
        return self.cutover or self.now


@dataclass(frozen=True)
class Context:
    """Everything a rule's expressions may read besides the item: made for one rule in
    one account (an organisation scan may give each account its own Region pair), and
    passed to what needs it, never kept on the engine or on the function set."""

    account: str
    source_region: str
    target_region: str
    clock: Clock
    params: Mapping[str, Any] = field(default_factory=dict)
    #: The rule's ``lookups``: name -> lookup key -> item (or items).
    lookups: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: Every source of ``target_region`` in this account (more than one: consolidation).
    sources: tuple[str, ...] = ()

    def placeholders(self) -> dict[str, Any]:
        """What ``{params.x}``, ``{source_region}``, ... stand for in the rule's text."""
        return {
            "params": self.params,
            "source_region": self.source_region,
            "target_region": self.target_region,
            "account": self.account,
        }

    def names(self, region: str) -> dict[str, Any]:
        """The names a message template may use besides the item's own fields."""
        return {
            "region": region,
            "account": self.account,
            "params": self.params,
            "source_region": self.source_region,
            "target_region": self.target_region,
        }


class Evaluator:
    """One rule's expressions and conditions in one ``Context``.

    Each expression is substituted and parsed once (``jmespath.compile``) per
    evaluator, that is per rule and account: its text names parameters and Regions. One
    interpreter visits them all (``ParsedResult.search`` would make one per search; it
    keeps no state between searches, and each one is garbage the cyclic collector must
    find, as its cache of bound methods refers back to it).
    """

    def __init__(self, rule: Rule, context: Context) -> None:
        self.rule = rule
        self.context = context
        functions = RegionReadyFunctions(context.clock.instant, context.lookups)
        self._interpreter = TreeInterpreter(jmespath.Options(custom_functions=functions))
        self._placeholders = context.placeholders()
        self._parsed: dict[str, ParsedResult] = {}

    def _error(self, what: str, exc: Exception) -> EvaluationError:
        return EvaluationError(f"{self.rule.path}: {self.rule.id}: {what}: {exc}")

    def search(self, text: str, data: Any) -> Any:
        """The value of one of the rule's expressions on ``data``; EvaluationError if it
        does not parse or meets values it cannot take."""
        try:
            parsed = self._parsed.get(text)
            if parsed is None:
                parsed = self._parsed[text] = jmespath.compile(substitute(text, self._placeholders))
            return self._interpreter.visit(parsed.parsed, data)
        except _SEARCH_ERRORS as exc:
            raise self._error(repr(text), exc) from exc

    def holds(self, cond: Condition, data: Any) -> bool:
        """Whether one condition holds on ``data``: its key searched, then its value
        (``value_from`` searched, or ``value`` with its placeholders filled)."""
        operator = OPERATORS[cond.op]
        left = self.search(cond.key, data)
        right = None
        if operator.takes_value:
            if cond.value_from:
                right = self.search(cond.value_from, data)
            else:
                right = condition_value(cond.value, self._placeholders)
        try:
            return bool(operator.test(left, right))
        except _TEST_ERRORS as exc:
            raise self._error(cond.describe(), exc) from exc

    def all_hold(self, conditions: Iterable[Condition], data: Any) -> bool:
        """Every condition holds (none: true), judged in order until one does not."""
        return all(self.holds(cond, data) for cond in conditions)

    def name(self, item: Any) -> str | None:
        """The item's name by the rule's ``resource_name`` expression (None without one, or
        when the item has no such value, or the expression cannot be evaluated on it)."""
        if not self.rule.resource_name or item is None:
            return None
        try:
            value = self.search(self.rule.resource_name, item)
        except EvaluationError:
            return None
        return None if value is None or value == "" else as_text(value)

    def severity(self, data: Any) -> Severity:
        """The severity of a failure on ``data``: the first ``escalate`` entry whose
        conditions all hold, else the rule's own."""
        for conditions, severity in self.rule.escalate:
            if self.all_hold(conditions, data):
                return severity
        return self.rule.severity

    def join_key(self, text: str, item: Any) -> str | None:
        """The hash key of a join expression (``pair_by``, a lookup's ``key``) on an
        item; None never matches."""
        return lookup_key(self.search(text, item))

    def render(self, template: str, data: Any) -> str:
        """Each ``{expression}`` of a message template replaced by its value as text;
        one that cannot be evaluated is left as it is."""

        def value(match: re.Match[str]) -> str:
            try:
                return as_text(self.search(match.group(1), data))
            except EvaluationError:
                return match.group(0)

        return TEMPLATE_RE.sub(value, template)


def as_text(value: Any) -> str:
    """A value as a message shows it: ``-`` for null, ``true``/``false``, whole numbers
    without ``.0``, lists joined by commas, objects as sorted JSON."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.1f}" if not value.is_integer() else str(int(value))
    if isinstance(value, list):
        return ", ".join(as_text(v) for v in value)
    if isinstance(value, dict):
        return sorted_json(value)
    return str(value)
