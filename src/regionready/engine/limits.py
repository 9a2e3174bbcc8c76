"""Bounds on the work one rule can make the engine do.

A rule file is input: a rule author (or anyone who can add a ``--rules`` directory)
writes the JMESPath expressions and regular expressions the engine runs over every
resource. Neither language loops, but both can still take exponential or high-polynomial
time or memory on small inputs:

- a regular expression with nested quantifiers backtracks exponentially
  (``(a+)+$`` needs about 2**n steps on ``"a" * n + "!"``), and adjacent overlapping
  quantifiers polynomially (``.*.*x`` on 4,000 characters takes seconds, ``.*.*.*x``
  minutes);
- a JMESPath multi-select duplicates its input, so a chain of them grows it
  exponentially (``@ | [@, @] | [@, @] | ...`` doubles per stage and ``to_string`` then
  serialises 2**k copies); a very deep expression exhausts the parser's recursion.

Everything here is a pure function: the checks a rule's expressions and patterns must
pass when the rule is loaded (``expression_problems``, ``regex_problems``), and the
checks applied to the data at evaluation time (``check_regex_subject``,
``check_items``). A check returns the problems as sentences (empty: fine) or raises
``LimitError``; the caller adds the file and line.

The regex check is deliberately conservative: it estimates the worst-case backtracking
steps of a pattern on a subject of ``MAX_REGEX_SUBJECT_CHARS`` characters and refuses
patterns over ``MAX_REGEX_COST``. A quantifier inside another quantifier (or a quantified
alternation) is refused outright. Quantifiers multiply (each combination of their
lengths may be tried), unless a literal none of them can match separates them; an
unanchored pattern is tried at every start position; possessive quantifiers and atomic
groups are counted like the others (they do not backtrack, but every attempt still scans
the subject), and so are backreferences. Anchoring a pattern with ``^`` and separating
its quantifiers with literals is what keeps it under the budget.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import jmespath
from jmespath.exceptions import JMESPathError

from regionready.engine.regex_syntax import Node, Unreadable, parse

#: Longest JMESPath expression a rule may hold (after placeholder substitution).
MAX_EXPRESSION_CHARS = 4_000
#: Deepest nesting of an expression's syntax tree.
MAX_EXPRESSION_DEPTH = 40
#: Largest factor by which an expression may multiply the size of its input
#: (multi-selects duplicate it; pipes and projections compose the factors).
MAX_EXPRESSION_AMPLIFICATION = 256
#: Longest regular expression a rule may hold.
MAX_REGEX_CHARS = 256
#: The subject length the regex budget is computed for: every accepted pattern is
#: matched against values up to this long; a longer value only by a pattern whose cost
#: stays within the budget at that length (else the rule is an ERROR, never cut short).
MAX_REGEX_SUBJECT_CHARS = 4_096
#: Estimated worst-case backtracking steps of a pattern on a subject of
#: MAX_REGEX_SUBJECT_CHARS characters: one unbounded quantifier, or two in an anchored
#: pattern, stay under it (about 0.1 s at worst, measured); ``.*.*x`` unanchored does
#: not (15 s on 4,000 characters).
MAX_REGEX_COST = 4 * MAX_REGEX_SUBJECT_CHARS**2
#: Most items of one resource type in one account and Region the engine judges.
MAX_ITEMS_PER_RESOURCE_TYPE = 200_000


class LimitError(ValueError):
    """Input over one of the limits; the message says which and what to do."""


# -- JMESPath -------------------------------------------------------------------------------

_COMPOSE = {
    "subexpression",
    "pipe",
    "index_expression",
    "projection",
    "value_projection",
    "filter_projection",
}
_DUPLICATE = {"multi_select_list", "multi_select_dict"}


def _children(node: Any) -> list[Any]:
    return [c for c in node.get("children", []) if isinstance(c, dict)]


def expression_depth(node: dict[str, Any]) -> int:
    """Depth of a parsed JMESPath syntax tree (a leaf is 1); iterative, any depth."""
    deepest = 0
    stack = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in _children(current))
    return deepest


def amplification(node: dict[str, Any]) -> int:
    """An upper estimate of how many times an expression can copy its input.

    Field access, literals and ``@`` give 1; a multi-select gives the sum of its
    elements (each is a copy); composition (``a.b``, ``a | b``, ``a[*].b``,
    ``a[?c].b``) multiplies; functions and boolean operators add their arguments.
    """
    kind = node.get("type")
    children = _children(node)
    if kind == "filter_projection" and len(children) == 3:
        left, right, condition = children
        return amplification(left) * amplification(right) + amplification(condition)
    if kind in _COMPOSE and children:
        product = 1
        for child in children:
            product *= amplification(child)
        return product
    if kind in _DUPLICATE:
        return max(1, sum(amplification(child) for child in children))
    if kind == "key_val_pair" and children:
        return amplification(children[0])
    if not children:
        return 1
    return max(1, sum(amplification(child) for child in children))


def expression_problems(text: str) -> list[str]:
    """Why a JMESPath expression may not be used by a rule (empty: it may)."""
    if len(text) > MAX_EXPRESSION_CHARS:
        return [f"expression is {len(text)} characters long; the limit is {MAX_EXPRESSION_CHARS}"]
    try:
        parsed = jmespath.compile(text).parsed
    except RecursionError:
        return [f"expression is nested too deeply (limit: depth {MAX_EXPRESSION_DEPTH})"]
    except JMESPathError:
        return []  # syntax errors are reported by the caller, with the parser's message
    depth = expression_depth(parsed)
    if depth > MAX_EXPRESSION_DEPTH:
        return [f"expression is nested {depth} levels deep; the limit is {MAX_EXPRESSION_DEPTH}"]
    factor = amplification(parsed)
    if factor > MAX_EXPRESSION_AMPLIFICATION:
        return [
            f"expression can copy its input {factor} times (multi-selects such as [@, @] "
            f"chained by pipes or projections); the limit is {MAX_EXPRESSION_AMPLIFICATION}"
        ]
    return []


# -- regular expressions --------------------------------------------------------------------
# The cost model walks the syntax tree regionready.engine.regex_syntax reads (no private API of
# the standard library): nodes ``(kind, argument)``, described there.


class _Nested(Exception):
    """A quantifier over something that can itself match in more than one way."""


def _bodies(node: Node) -> list[list[Node]]:
    """The bodies directly inside a regex node."""
    kind, arg = node
    if kind == "REPEAT":
        return [arg[2]]
    if kind in ("GROUP", "ATOMIC", "ASSERT"):
        return [arg]
    if kind in ("BRANCH", "CONDITIONAL"):
        return list(arg)
    return []


def _walk(body: list[Node]) -> Iterator[Node]:
    """Every node of a body, depth first."""
    for node in body:
        yield node
        for child in _bodies(node):
            yield from _walk(child)


def _ambiguous(body: list[Node]) -> bool:
    """Whether a body can match the same text in more than one way (it has a
    backtracking quantifier or an alternation)."""
    for kind, arg in _walk(body):
        if kind in ("BRANCH", "CONDITIONAL"):
            return True
        if kind == "REPEAT" and arg[1] != arg[0]:
            return True
    return False


def _in_category(category: str, char: str) -> bool:
    if category == "DIGIT":
        return char.isdecimal()
    if category == "NOT_DIGIT":
        return not char.isdecimal()
    if category == "WORD":
        return char.isalnum() or char == "_"
    if category == "NOT_WORD":
        return not (char.isalnum() or char == "_")
    if category == "SPACE":
        return char.isspace()
    return not char.isspace()


def _in_class(items: list[tuple[str, Any]], char: str) -> bool:
    for kind, arg in items:
        if kind == "LITERAL" and arg == char:
            return True
        if kind == "RANGE" and arg[0] <= char <= arg[1]:
            return True
        if kind == "CATEGORY" and _in_category(arg, char):
            return True
    return False


def _may_match(body: list[Node] | None, char: str) -> bool:
    """Whether a quantified body can match a character the literal ``char`` matches
    (itself, or a case variant of it under IGNORECASE); True when unsure."""
    if body is None or len(body) != 1:
        return True
    kind, arg = body[0]
    variants = {c for c in (char, char.lower(), char.upper()) if len(c) == 1}
    if kind == "LITERAL":
        return arg in variants
    if kind != "IN":
        return True
    negated, items = arg
    if negated:  # matches what the class lacks
        return any(not _in_class(items, v) for v in variants)
    return any(_in_class(items, v) for v in variants)


def _cost(body: list[Node], subject: int) -> int:
    """Worst-case backtracking steps of a body on a subject of ``subject`` chars.

    Quantifiers multiply until a literal none of them can match: past it they cannot
    be retried in combination (a greedy run stops before it), so segments add up.
    Possessive repeats and atomic groups never backtrack into themselves, but each
    attempt still scans the subject: they count like any other repeat and group."""
    total = 0
    segment = 1
    bodies: list[Any] = []
    for kind, arg in body:
        if kind == "REPEAT":
            low, high, inner = arg
            if _ambiguous(inner):
                raise _Nested
            top = subject if high is None else min(high, subject)
            if high != low:
                segment *= max(1, top - min(low, top) + 1)
                bodies.append(inner)
        elif kind == "LITERAL" and bodies:
            if not any(_may_match(b, arg) for b in bodies):
                total += segment
                segment, bodies = 1, []
        elif kind in ("GROUP", "ATOMIC"):
            segment *= _cost(arg, subject)
            bodies.append(None)  # unknown content: no later literal separates it
        elif kind in ("BRANCH", "CONDITIONAL"):
            segment *= sum(_cost(branch, subject) for branch in arg)
            bodies.append(None)
        elif kind == "ASSERT":
            segment *= _cost(arg, subject)
        elif kind == "BACKREF":
            segment *= subject  # comparing with a captured group scans up to its length
            bodies.append(None)
    return max(1, total + segment)


def _anchored(body: list[Node]) -> bool:
    return bool(body) and body[0] in (("AT", "BEGINNING"), ("AT", "BEGINNING_STRING"))


def regex_cost(pattern: str, subject: int = MAX_REGEX_SUBJECT_CHARS) -> int | None:
    """Estimated worst-case steps of ``re.search(pattern, s)`` with ``len(s) == subject``;
    None when the pattern nests quantifiers (exponential: no useful bound). Raises
    ``re.error`` for an invalid pattern and ``Unreadable`` for syntax it does not read."""
    flags = re.compile(pattern).flags
    parsed = parse(pattern, flags)
    try:
        cost = _cost(parsed, subject)
    except _Nested:
        return None
    starts = 1 if _anchored(parsed) and not flags & re.MULTILINE else subject
    return cost * starts


def regex_problems(pattern: Any) -> list[str]:
    """Why a regular expression may not be used by a rule (empty: it may)."""
    if not isinstance(pattern, str):
        return [f"a regex value must be a string, not {type(pattern).__name__}"]
    if len(pattern) > MAX_REGEX_CHARS:
        return [f"regex is {len(pattern)} characters long; the limit is {MAX_REGEX_CHARS}"]
    try:
        re.compile(pattern)
    except re.error as exc:
        return [f"invalid regular expression {pattern!r}: {exc}"]
    except (RecursionError, OverflowError, MemoryError) as exc:
        return [f"invalid regular expression {pattern!r}: {type(exc).__name__}"]
    try:
        cost = regex_cost(pattern)
    except (RecursionError, re.error, OverflowError):
        return [f"regex {pattern!r} is nested too deeply"]
    except Unreadable as exc:
        return [
            f"regex {pattern!r} uses syntax the cost check does not read ({exc}); rewrite "
            "it with plain literals, classes, groups and quantifiers"
        ]
    if cost is None:
        return [
            f"regex {pattern!r} nests quantifiers (e.g. (a+)+ or (a|b)*), which can take "
            "exponential time; rewrite it without a quantified group that can match the "
            "same text in more than one way"
        ]
    if cost > MAX_REGEX_COST:
        return [
            f"regex {pattern!r} can backtrack about {cost:.1e} steps on a "
            f"{MAX_REGEX_SUBJECT_CHARS}-character value (limit {MAX_REGEX_COST:.1e}): "
            "anchor it with ^, use fewer unbounded quantifiers (*, +, {n,}), or separate "
            "them with characters they cannot match"
        ]
    return []


@lru_cache(maxsize=1024)
def _cost_at(pattern: str, size: int) -> int | None:
    try:
        return regex_cost(pattern, size)
    except (RecursionError, re.error, OverflowError, Unreadable):
        return None


def check_regex_subject(pattern: str, value: str) -> str:
    """The string a ``regex`` condition may be matched against; LimitError when the
    pattern's worst case on a string this long is over the budget.

    Up to MAX_REGEX_SUBJECT_CHARS every accepted pattern is within it; a longer value is
    fine for a pattern whose cost does not grow with it (``^arn:aws:``), and refused for
    one whose does (``.*x``), rather than silently cut."""
    if len(value) <= MAX_REGEX_SUBJECT_CHARS:
        return value
    size = 1 << (len(value) - 1).bit_length()  # powers of two: a small cache suffices
    cost = _cost_at(pattern, size)
    if cost is None or cost > MAX_REGEX_COST:
        raise LimitError(
            f"regex {pattern[:60]!r} on a value of {len(value)} characters could take "
            f"too long (values over {MAX_REGEX_SUBJECT_CHARS} characters are matched only "
            "by patterns whose cost does not grow with them, e.g. anchored with ^)"
        )
    return value


def check_items(count: int, resource: str) -> None:
    """LimitError when one resource type holds more items than the engine judges."""
    if count > MAX_ITEMS_PER_RESOURCE_TYPE:
        raise LimitError(
            f"{resource} holds {count} items; the limit is {MAX_ITEMS_PER_RESOURCE_TYPE} "
            "per account and Region"
        )
