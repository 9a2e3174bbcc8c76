"""JMESPath expressions compiled once into Python closures.

``jmespath``'s ``TreeInterpreter`` walks the syntax tree on every search: a method
lookup per node, a new interpreter per search and a type check per function argument.
The engine runs the same few hundred expressions over every resource, so here each
parsed tree becomes a tree of closures once (``field`` is a ``dict.get``, a
subexpression a composition, a projection a loop, ...), with the interpreter's exact
semantics node by node:

- JMESPath truthiness (``''``, ``[]``, ``{}``, ``null`` and ``false`` are false; ``0``
  is true) for ``||``, ``&&``, ``!`` and filters;
- ``==``/``!=`` never equate ``0``/``1`` with ``false``/``true``; ordering comparisons
  give ``null`` unless both sides are numbers or strings;
- projections drop ``null`` results and give ``null`` on a non-list; ``[]`` flattens one
  level; a multi-select of ``null`` is ``null``;
- a function's arity is checked once, here; its arguments' types on every call with
  the same rule as ``jmespath.functions`` (the Python type name among the allowed
  ones). A call whose arguments do not pass that quick check, a function with typed
  array elements, a variadic or unknown function goes through
  ``Functions.call_function``, which raises exactly the error the interpreter would.

Node types not compiled here (expression references, i.e. ``sort_by(@, &x)``, and any
future ones) are handed to the interpreter itself, so every expression evaluates
exactly as ``jmespath.search`` with the same ``Options`` does (the differential tests in
``tests/engine/test_jmespath_compile.py`` hold the two side by side).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from numbers import Number
from typing import Any

import jmespath
from jmespath import functions as jp_functions
from jmespath import visitor

Compiled = Callable[[Any], Any]

_interpreter_equals = visitor._equals


def _equals(x: Any, y: Any) -> Any:
    """``==`` as the interpreter's: ``0``/``1`` never equal ``false``/``true``. Only a
    comparison with a boolean can be that special case (bool has no subclasses)."""
    if type(x) is bool or type(y) is bool:
        return _interpreter_equals(x, y)
    return x == y


_ORDERING: dict[str, Callable[[Any, Any], Any]] = {
    "lt": operator.lt,
    "gt": operator.gt,
    "lte": operator.le,
    "gte": operator.ge,
}


def is_false(value: Any) -> bool:
    """JMESPath falsiness, as ``TreeInterpreter._is_false``: ``''``, ``[]``, ``{}``,
    ``null`` and ``false`` (its equality tests, for JSON's types by type first)."""
    if value is None or value is False:
        return True
    kind = type(value)
    if kind is str or kind is list or kind is dict:
        return not value
    if kind is int or kind is float or kind is bool:
        return False
    return value == "" or value == [] or value == {}


def _mapped(elements: Iterable[Any], right: Compiled, keep: Compiled | None = None) -> list[Any]:
    """A projection's right-hand side applied to each element (that ``keep`` does not
    judge false), None results dropped."""
    collected = []
    for element in elements:
        if keep is not None and is_false(keep(element)):
            continue
        current = right(element)
        if current is not None:
            collected.append(current)
    return collected


def _is_actual_number(value: Any) -> bool:
    kind = type(value)
    if kind is int or kind is float:  # JSON's numbers, without the ABC check
        return True
    return not isinstance(value, bool) and isinstance(value, Number)


def _is_comparable(value: Any) -> bool:
    return isinstance(value, str) or _is_actual_number(value)


_UNSET = object()
_SAME_CURRENT = {"subexpression", "pipe", "index_expression", "projection"}
_SAME_CURRENT |= {"filter_projection", "value_projection", "flatten"}
_ALL_CHILDREN = {"function_expression", "comparator", "and_expression", "or_expression"}
_ALL_CHILDREN |= {"not_expression"}


def invariant(node: Any) -> bool:
    """Whether an expression's value does not depend on the current value at all.

    Literals are; a function or operator whose operands all are; a chain, projection
    or flatten whose first part (what the rest is applied to) is. Fields, ``@``,
    indexes and multi-selects (``null`` on a ``null`` current value) are not, nor is an
    expression reference.
    """
    if not isinstance(node, dict):
        return False
    kind = node.get("type")
    children = node.get("children") or []
    if kind == "literal":
        return True
    if kind in _ALL_CHILDREN:
        return all(invariant(child) for child in children)
    if kind in _SAME_CURRENT:
        return bool(children) and invariant(children[0])
    return False


class Compiler:
    """Compiles expression text to closures bound to one ``Options`` (its functions)."""

    def __init__(self, options: jmespath.Options | None = None) -> None:
        self.options = options or jmespath.Options()
        self.interpreter = visitor.TreeInterpreter(self.options)
        self.functions: Any = self.interpreter._functions
        self.dict_cls: Any = self.interpreter._dict_cls
        self._cache: dict[str, Compiled] = {}

    def compile(self, text: str) -> Compiled:
        """The closure of an expression (raises jmespath's ParseError as compile does)."""
        found = self._cache.get(text)
        if found is None:
            found = self.node(jmespath.compile(text).parsed)
            self._cache[text] = found
        return found

    def search(self, text: str, data: Any) -> Any:
        return self.compile(text)(data)

    # -- nodes ------------------------------------------------------------------------

    def node(self, node: dict[str, Any]) -> Compiled:
        method = getattr(self, "_" + str(node.get("type")), None)
        if method is None:
            return self._interpreted(node)
        compiled: Compiled = method(node)
        return compiled

    def _interpreted(self, node: dict[str, Any]) -> Compiled:
        visit = self.interpreter.visit

        def interpreted(value: Any) -> Any:
            return visit(node, value)

        return interpreted

    def _field(self, node: dict[str, Any]) -> Compiled:
        name = node["value"]

        def field(value: Any) -> Any:
            try:
                return value.get(name)
            except AttributeError:
                return None

        return field

    def _fields(self, names: list[str]) -> Compiled:
        def fields(value: Any) -> Any:
            for name in names:
                try:
                    value = value.get(name)
                except AttributeError:
                    return None
            return value

        return fields

    def _chain(self, node: dict[str, Any]) -> Compiled:
        """subexpression, index_expression and pipe: each child applied to the last."""
        children = node["children"]
        if all(child.get("type") == "field" for child in children):
            return self._fields([child["value"] for child in children])
        steps = [self.node(child) for child in children]
        if len(steps) == 2:
            first, second = steps

            def chain2(value: Any) -> Any:
                return second(first(value))

            return chain2

        def chain(value: Any) -> Any:
            for step in steps:
                value = step(value)
            return value

        return chain

    _subexpression = _chain
    _index_expression = _chain
    _pipe = _chain

    def _current(self, node: dict[str, Any]) -> Compiled:
        def current(value: Any) -> Any:
            return value

        return current

    _identity = _current

    def _literal(self, node: dict[str, Any]) -> Compiled:
        constant = node["value"]

        def literal(value: Any) -> Any:
            return constant

        return literal

    def _index(self, node: dict[str, Any]) -> Compiled:
        position = node["value"]

        def index(value: Any) -> Any:
            if not isinstance(value, list):
                return None
            try:
                return value[position]
            except IndexError:
                return None

        return index

    def _slice(self, node: dict[str, Any]) -> Compiled:
        bounds = node["children"]

        def slice_(value: Any) -> Any:
            if not isinstance(value, list):
                return None
            return value[slice(*bounds)]

        return slice_

    def _comparator(self, node: dict[str, Any]) -> Compiled:
        left, right = (self.node(child) for child in node["children"])
        op = node["value"]
        if op == "eq":

            def eq(value: Any) -> Any:
                return _equals(left(value), right(value))

            return eq
        if op == "ne":

            def ne(value: Any) -> Any:
                return not _equals(left(value), right(value))

            return ne
        test = _ORDERING.get(op)
        if test is None:
            return self._interpreted(node)

        def ordering(value: Any) -> Any:
            a = left(value)
            b = right(value)
            if not (_is_comparable(a) and _is_comparable(b)):
                return None
            return test(a, b)

        return ordering

    def _or_expression(self, node: dict[str, Any]) -> Compiled:
        left, right = (self.node(child) for child in node["children"])

        def or_(value: Any) -> Any:
            matched = left(value)
            if is_false(matched):
                matched = right(value)
            return matched

        return or_

    def _and_expression(self, node: dict[str, Any]) -> Compiled:
        left, right = (self.node(child) for child in node["children"])

        def and_(value: Any) -> Any:
            matched = left(value)
            if is_false(matched):
                return matched
            return right(value)

        return and_

    def _not_expression(self, node: dict[str, Any]) -> Compiled:
        (operand,) = (self.node(child) for child in node["children"])

        def not_(value: Any) -> Any:
            original = operand(value)
            if _is_actual_number(original) and original == 0:
                return False
            return not original

        return not_

    def _projection(self, node: dict[str, Any]) -> Compiled:
        left, right = (self.node(child) for child in node["children"])
        if node["children"][1].get("type") == "identity":

            def project_all(value: Any) -> Any:
                base = left(value)
                if not isinstance(base, list):
                    return None
                return [element for element in base if element is not None]

            return project_all

        def project(value: Any) -> Any:
            base = left(value)
            if not isinstance(base, list):
                return None
            return _mapped(base, right)

        return project

    def _value_projection(self, node: dict[str, Any]) -> Compiled:
        left, right = (self.node(child) for child in node["children"])

        def project_values(value: Any) -> Any:
            base = left(value)
            try:
                base = base.values()
            except AttributeError:
                return None
            return _mapped(base, right)

        return project_values

    def _filter_projection(self, node: dict[str, Any]) -> Compiled:
        left, right, condition = (self.node(child) for child in node["children"])

        def filter_(value: Any) -> Any:
            base = left(value)
            if not isinstance(base, list):
                return None
            return _mapped(base, right, condition)

        return filter_

    def _flatten(self, node: dict[str, Any]) -> Compiled:
        (inner,) = (self.node(child) for child in node["children"])

        def flatten(value: Any) -> Any:
            base = inner(value)
            if not isinstance(base, list):
                return None
            merged: list[Any] = []
            for element in base:
                if isinstance(element, list):
                    merged.extend(element)
                else:
                    merged.append(element)
            return merged

        return flatten

    def _multi_select_list(self, node: dict[str, Any]) -> Compiled:
        parts = [self.node(child) for child in node["children"]]

        if len(parts) == 2:
            first, second = parts

            def multi_list2(value: Any) -> Any:
                if value is None:
                    return None
                return [first(value), second(value)]

            return multi_list2

        if len(parts) == 3:
            first, second, third = parts

            def multi_list3(value: Any) -> Any:
                if value is None:
                    return None
                return [first(value), second(value), third(value)]

            return multi_list3

        def multi_list(value: Any) -> Any:
            if value is None:
                return None
            return [part(value) for part in parts]

        return multi_list

    def _multi_select_dict(self, node: dict[str, Any]) -> Compiled:
        parts = [(child["value"], self.node(child)) for child in node["children"]]
        dict_cls = self.dict_cls

        def multi_dict(value: Any) -> Any:
            if value is None:
                return None
            collected = dict_cls()
            for key, part in parts:
                collected[key] = part(value)
            return collected

        return multi_dict

    def _key_val_pair(self, node: dict[str, Any]) -> Compiled:
        return self.node(node["children"][0])

    def _function_expression(self, node: dict[str, Any]) -> Compiled:
        call = self._call(node)
        if not invariant(node):
            return call
        # Arguments that do not depend on the current value (``lookup('roles',
        # '111111111111')``): the function, pure, gives the same value for as long as
        # the functions' state (the rule's lookups) is the same. The value is computed
        # again when that state changes; an error is never kept, so it is raised again.
        functions = self.functions
        kept: list[Any] = [_UNSET, None]

        def invariant_call(value: Any) -> Any:
            state = functions.lookups if hasattr(functions, "lookups") else None
            if kept[0] is state:
                return kept[1]
            result = call(value)
            kept[0] = state
            kept[1] = result
            return result

        return invariant_call

    def _call(self, node: dict[str, Any]) -> Compiled:
        name = node["value"]
        children = node["children"]
        if any(child.get("type") == "expref" for child in children):
            return self._interpreted(node)
        args = [self.node(child) for child in children]
        functions = self.functions

        def call_checked(value: Any) -> Any:
            return functions.call_function(name, [arg(value) for arg in args])

        spec = functions.FUNCTION_TABLE.get(name)
        if spec is None:
            return call_checked  # UnknownFunctionError, after the arguments, as jmespath
        signature = spec["signature"]
        if (signature and signature[-1].get("variadic")) or len(args) != len(signature):
            return call_checked  # arity errors and variadics: the library's own checks
        allowed: list[frozenset[str] | None] = []
        for arg_spec in signature:
            types = arg_spec["types"]
            if not types:
                allowed.append(None)
                continue
            if any("-" in t for t in types):
                return call_checked  # typed array elements: the library checks them
            names: list[str] = []
            for t in types:
                names.extend(jp_functions.REVERSE_TYPES_MAP[t])
            allowed.append(frozenset(names))
        method = spec["function"]
        checks = list(zip(args, allowed, strict=True))
        if len(checks) == 1:
            ((only, only_types),) = checks

            def call1(value: Any) -> Any:
                resolved = only(value)
                if only_types is not None and type(resolved).__name__ not in only_types:
                    return functions.call_function(name, [resolved])
                return method(functions, resolved)

            return call1

        if len(checks) == 2:
            (first, first_types), (second, second_types) = checks

            def call2(value: Any) -> Any:
                a = first(value)
                b = second(value)
                if (first_types is not None and type(a).__name__ not in first_types) or (
                    second_types is not None and type(b).__name__ not in second_types
                ):
                    return functions.call_function(name, [a, b])
                return method(functions, a, b)

            return call2

        def call(value: Any) -> Any:
            resolved = [arg(value) for arg in args]
            for current, types in zip(resolved, allowed, strict=True):
                if types is not None and type(current).__name__ not in types:
                    return functions.call_function(name, resolved)
            return method(functions, *resolved)

        return call
