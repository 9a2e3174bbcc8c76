"""Compiled JMESPath (regionready.jmespath_compile) against jmespath's own interpreter.

Three nets: every expression the engine evaluates while running every rule fixture is
evaluated both ways on the very data (with the rule's lookups in place); every
expression of the catalogue on every item of every fixture; and random JSON data
(hypothesis) against expressions that cover every node type, error cases included.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any

import jmespath
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jmespath import visitor
from jmespath.exceptions import JMESPathError

from regionready import engine as engine_module
from regionready import jmespath_compile
from regionready import rules as rules_module
from regionready.engine import Clock, Engine, EvaluationError, _Compiled
from regionready.fixtures import DEFAULT_NOW, scan_from_case
from regionready.functions import RegionReadyFunctions, parse_time
from regionready.jmespath_compile import Compiler, invariant
from regionready.rules import builtin_rules_dir, load_rules, substitute

NOW = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
RULES_DIR = builtin_rules_dir()
FIXTURES = sorted(RULES_DIR.glob("*/tests/*.yaml"))


def outcome(func: Any, *args: Any) -> tuple[str, Any]:
    """A value, or the type and text of the error raised (errors must match too)."""
    try:
        return "value", func(*args)
    except Exception as exc:  # any error must be the same error
        return type(exc).__name__, str(exc)


def interpreted(text: str, options: jmespath.Options) -> Any:
    parsed = jmespath.compile(text)
    return partial(parsed.search, options=options)


class CheckingCompiler(Compiler):
    """Evaluates every expression compiled and interpreted, and records any difference."""

    def __init__(self, options: jmespath.Options) -> None:
        super().__init__(options)
        self.checked = 0
        self.differences: list[str] = []
        self.texts: set[str] = set()

    def compile(self, text: str) -> Any:
        compiled = super().compile(text)
        reference = interpreted(text, self.options)
        self.texts.add(text)

        def both(data: Any) -> Any:
            want = outcome(reference, data)
            got = outcome(compiled, data)
            self.checked += 1
            if got != want:
                self.differences.append(f"{text!r} on {data!r:.300}: {got!r} != {want!r}")
            if want[0] != "value":
                return reference(data)  # raises the interpreter's own error
            return want[1]

        return both


class InterpretingCompiler(Compiler):
    """The engine as it was: every expression through jmespath's interpreter."""

    def compile(self, text: str) -> Any:
        return interpreted(text, self.options)


def _reference_render(self: _Compiled, template: str, data: dict[str, Any]) -> str:
    def repl(match: re.Match[str]) -> str:
        try:
            value = self.search(match.group(1), data)
        except (EvaluationError, JMESPathError):
            return match.group(0)
        return engine_module._text(value)

    return engine_module._TEMPLATE_RE.sub(repl, template)


def _cases() -> list[tuple[str, int, dict[str, Any], str]]:
    found = []
    for path in FIXTURES:
        data = yaml.safe_load(path.read_text())
        for index, case in enumerate(data["cases"]):
            found.append((str(data["rule"]), index, case, str(data.get("now", DEFAULT_NOW))))
    return found


CASES = _cases()
RULES = {rule.id: rule for rule in load_rules([])}


def _engine(rule_id: str, case: dict[str, Any], default_now: str) -> Engine:
    rule = RULES[rule_id]
    if case.get("params"):
        rule = rule.with_params(case["params"])
    now = parse_time(case.get("now", default_now))
    cutover = parse_time(case.get("cutover")) if case.get("cutover") else None
    assert now is not None
    return Engine(scan_from_case(rule, case), [rule], Clock(now, cutover))


def _dicts(results: list[Any]) -> list[dict[str, Any]]:
    return [r.to_dict() for r in results]


def test_every_fixture_evaluates_exactly_as_the_interpreter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each fixture case: results identical to the engine on jmespath's interpreter with
    the per-condition path and the regex templates, and every expression evaluated on
    the way identical (value or error) to the interpreter's."""
    checked = 0
    texts: set[str] = set()
    for rule_id, _index, case, default_now in CASES:
        fast = _engine(rule_id, case, default_now)
        checking = CheckingCompiler(fast.options)
        fast.compiler = checking
        got = _dicts(fast.evaluate())
        assert not checking.differences, checking.differences[:5]
        checked += checking.checked
        texts |= checking.texts

        with monkeypatch.context() as patch:
            patch.setattr(_Compiled, "predicate", lambda self, cond: partial(self._holds, cond))
            patch.setattr(_Compiled, "render", _reference_render)
            slow = _engine(rule_id, case, default_now)
            slow.compiler = InterpretingCompiler(slow.options)
            want = _dicts(slow.evaluate())
        assert got == want, f"{rule_id}: {case.get('name')}"
    assert checked > 2_000, checked
    assert len(texts) > 200, len(texts)


def _catalogue_expressions() -> list[str]:
    values = {
        "params": {},
        "source_region": "me-central-1",
        "target_region": "eu-central-1",
        "account": "111111111111",
    }
    found: set[str] = set()
    for path in sorted(RULES_DIR.glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text())
        local = {**values, "params": data.get("params") or {}}
        for _where, text in rules_module._expressions(data):
            found.add(substitute(text, local))
        for key in ("message", "unpaired_message"):
            for text in rules_module.TEMPLATE_RE.findall(str(data.get(key) or "")):
                found.add(substitute(text, local))
    return sorted(found)


def _documents(case: dict[str, Any]) -> list[Any]:
    items: list[Any] = []
    for side in ("source", "target", "global", "local"):
        for service in (case.get(side) or {}).values():
            for rows in (service or {}).values():
                items.extend(row for row in rows or [] if isinstance(row, dict))
    pairs = [{"source": a, "target": b, "region": "eu-central-1"} for a, b in pairwise(items)]
    return [*items, *pairs, None, {}, []]


def test_every_catalogue_expression_on_every_fixture_document() -> None:
    expressions = _catalogue_expressions()
    assert len(expressions) > 250
    functions = RegionReadyFunctions(NOW)
    options = jmespath.Options(custom_functions=functions)
    compiler = Compiler(options)
    compiled = {text: compiler.compile(text) for text in expressions}
    reference = {text: interpreted(text, options) for text in expressions}
    by_file: dict[str, list[Any]] = {}
    for rule_id, _index, case, _now in CASES:
        by_file.setdefault(rule_id, []).extend(_documents(case))
    differences = []
    count = 0
    for rule_id, documents in sorted(by_file.items()):
        # the lookups of the rule's fixtures: every document keyed by its id-ish fields
        index: dict[str, Any] = {}
        for doc in documents:
            if isinstance(doc, dict):
                for key in ("Arn", "Name", "Id", "CertificateArn", "KeyId", "RegionName"):
                    if isinstance(doc.get(key), str):
                        index.setdefault(doc[key], doc)
        functions.lookups = {name: index for name in ("roles", "saml", "regions", "keys")}
        for text in expressions:
            for doc in documents:
                got = outcome(compiled[text], doc)
                want = outcome(reference[text], doc)
                count += 1
                if got != want:
                    differences.append(f"{rule_id}: {text!r} on {doc!r:.200}: {got} != {want}")
    assert not differences, differences[:5]
    assert count > 100_000


# -- random data against every node type -------------------------------------------------

KEYS = ["a", "b", "c", "x"]
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-3, max_value=3)
    | st.floats(min_value=-3, max_value=3, allow_nan=False)
    | st.sampled_from(["", "a", "b", "ab", "arn:aws:s3:us-east-1:1:x", "0", "[1]", '{"a": 1}'])
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner),
    max_leaves=20,
)

EXPRESSIONS = [
    # field, subexpression, index, slice, projections, flatten
    "a",
    "a.b",
    "a.b.c",
    "@",
    "@.a",
    "a[0]",
    "a[-1]",
    "a[1].b",
    "a[0:2]",
    "a[::-1]",
    "a[1:]",
    "a[*]",
    "a[*].b",
    "a[*].b[0]",
    "[*]",
    "a.*",
    "a.*.b",
    "*.a",
    "a[]",
    "a[].b",
    "a[][]",
    "[]",
    "a[*][*]",
    "a[*].b[*].c",
    "a[?b]",
    "a[?b].c",
    "[?a]",
    "a[?b == `1`]",
    "a[?!b]",
    "a[?b > `0`].c",
    "a[?b == c]",
    "a[?@ == 'a']",
    "a[?length(@) > `1`]",
    "a[*].b | [0]",
    "a | b",
    "a | [0]",
    "a[0] | b",
    # multi-selects
    "[a, b]",
    "{a: a, y: b}",
    "a.[b, c]",
    "a.{b: b, c: c}",
    "a[*].[b, c]",
    "[a, b][0]",
    # literals, comparators, boolean operators
    "`1`",
    "'a'",
    "`null`",
    "`[1, 2]`",
    '`{"a": 1}`',
    "a == b",
    "a != b",
    "a < b",
    "a <= b",
    "a > b",
    "a >= b",
    "a == `0`",
    "a == `false`",
    "a != `1`",
    "a < `1`",
    "a || b",
    "a && b",
    "!a",
    "!!a",
    "a || b && c",
    "!(a == b) || c",
    "(a || `[]`)[0]",
    "length(a || `[]`) > `0` && a[0] == 'a'",
    # built-in functions (type errors included)
    "length(a)",
    "length(@)",
    "contains(a, 'a')",
    "contains(a, b)",
    "starts_with(a, 'a')",
    "ends_with(a, b)",
    "join(', ', a)",
    "max(a)",
    "min(a)",
    "sum(a)",
    "avg(a)",
    "sort(a)",
    "keys(a)",
    "values(@)",
    "to_string(a)",
    "to_number(a)",
    "to_array(a)",
    "type(a)",
    "abs(a)",
    "floor(a)",
    "ceil(a)",
    "reverse(a)",
    "not_null(a, b, c)",
    "merge(a, b)",
    "sort_by(a, &b)",
    "max_by(a, &b)",
    "map(&b, a)",
    "length(a, b)",
    "length()",
    "no_such_function(a)",
    # custom functions, and calls whose arguments do not depend on the data
    "lookup('t', a)",
    "lookup('t', 'k')",
    "lookup('t', 'k').x",
    "lookup('t', 'k')[*].x",
    "length(lookup('t', 'k') || `[]`)",
    "difference(a, b)",
    "sorted_set(a)",
    "from_json(a)",
    "arn_region(a)",
    "days_until(a)",
    "to_epoch(a)",
    "normalize_policy(a, b)",
    "length('abc')",
    "contains(`[1, 2]`, `1`) && a",
    "[lookup('t', 'k'), a]",
]


def test_the_expressions_cover_every_node_type() -> None:
    seen: set[str] = set()
    for text in EXPRESSIONS:
        stack = [jmespath.compile(text).parsed]
        while stack:
            node = stack.pop()
            seen.add(node["type"])
            stack.extend(c for c in node.get("children", []) if isinstance(c, dict))
    every = {
        "and_expression",
        "comparator",
        "current",
        "expref",
        "field",
        "filter_projection",
        "flatten",
        "function_expression",
        "identity",
        "index",
        "index_expression",
        "key_val_pair",
        "literal",
        "multi_select_dict",
        "multi_select_list",
        "not_expression",
        "or_expression",
        "pipe",
        "projection",
        "slice",
        "subexpression",
        "value_projection",
    }
    assert every <= seen, every - seen


def _pair() -> tuple[RegionReadyFunctions, Compiler, jmespath.Options]:
    functions = RegionReadyFunctions(NOW)
    options = jmespath.Options(custom_functions=functions)
    return functions, Compiler(options), options


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=json_values, lookups=st.dictionaries(st.sampled_from(["k", "a"]), json_values))
def test_compiled_equals_interpreted_on_random_data(data: Any, lookups: dict[str, Any]) -> None:
    functions, compiler, options = _pair()
    for text in EXPRESSIONS:
        functions.lookups = {"t": lookups}
        want = outcome(interpreted(text, options), data)
        got = outcome(compiler.compile(text), data)
        assert got == want, text
        # the same again: a kept invariant value, and after the lookups change
        assert outcome(compiler.compile(text), data) == want, text
        functions.lookups = {"t": {"k": [data]}}
        want = outcome(interpreted(text, options), data)
        assert outcome(compiler.compile(text), data) == want, text


def test_invariant_calls_follow_the_lookups() -> None:
    functions, compiler, _options = _pair()
    expr = compiler.compile("lookup('t', 'k')")
    functions.lookups = {"t": {"k": 1}}
    assert expr(None) == 1
    functions.lookups = {"t": {"k": 2}}
    assert expr({"a": 1}) == 2
    assert invariant(jmespath.compile("lookup('t', 'k')[?a].b").parsed)
    assert not invariant(jmespath.compile("lookup('t', a)").parsed)
    assert not invariant(jmespath.compile("[`1`, `2`]").parsed)


def test_errors_are_the_interpreters() -> None:
    _functions, compiler, options = _pair()
    for text, data in [
        ("length(a)", {"a": 1}),
        ("join(', ', a)", {"a": [1]}),
        ("a < b", {"a": "x", "b": 1}),
        ("sum(a)", {"a": ["x"]}),
        ("no_such_function(a)", {}),
        ("length(a, b)", {}),
    ]:
        want = outcome(interpreted(text, options), data)
        assert want[0] != "value"
        assert outcome(compiler.compile(text), data) == want


def test_fixture_files_are_found() -> None:
    assert len(FIXTURES) >= 70
    assert all(isinstance(p, Path) for p in FIXTURES)


@settings(max_examples=300, deadline=None)
@given(x=json_values, y=json_values)
def test_equality_and_numbers_are_the_interpreters(x: Any, y: Any) -> None:
    for a, b in ((x, y), (x, x), (y, x), (0, False), (1, True), (1.0, True), (0, 0.0)):
        assert jmespath_compile._equals(a, b) == visitor._equals(a, b)
        assert jmespath_compile._is_actual_number(a) == visitor._is_actual_number(a)
