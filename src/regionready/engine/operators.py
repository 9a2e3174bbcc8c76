"""Condition operators: the one table the engine and the rule schema are built from."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from regionready.engine.limits import LimitError, check_regex_subject, regex_problems


@dataclass(frozen=True)
class Operator:
    name: str
    takes_value: bool
    test: Callable[[Any, Any], bool]
    doc: str


def _ordered(test: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    """lt/le/gt/ge are false (not an error) when either side is missing or not comparable."""

    def wrapped(left: Any, right: Any) -> bool:
        if left is None or right is None:
            return False
        try:
            return test(left, right)
        except TypeError:
            return False

    return wrapped


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict) and len(value) == 0)


def _contains(container: Any, item: Any) -> bool:
    if isinstance(container, str):
        return isinstance(item, str) and item in container
    if isinstance(container, list):
        return item in container  # compares with ==: unhashable items are fine
    if isinstance(container, dict):
        return isinstance(item, str) and item in container  # JSON keys are strings
    return False


def _in(item: Any, container: Any) -> bool:
    return isinstance(container, list | str | dict) and _contains(container, item)


@lru_cache(maxsize=512)
def _regex(pattern: str) -> re.Pattern[str]:
    """A compiled pattern; LimitError for one that is invalid or could backtrack without
    bound (rule files are checked when loaded; ``value_from`` patterns come from data)."""
    problems = regex_problems(pattern)
    if problems:
        raise LimitError(problems[0])
    return re.compile(pattern)


def _regex_match(value: Any, pattern: Any) -> bool:
    if not isinstance(value, str):
        return False
    pattern = str(pattern)
    return _regex(pattern).search(check_regex_subject(pattern, value)) is not None


def _glob(value: Any, pattern: Any) -> bool:
    return isinstance(value, str) and fnmatch.fnmatchcase(value, str(pattern))


OPERATORS: dict[str, Operator] = {
    op.name: op
    for op in (
        Operator("eq", True, lambda a, b: a == b, "equal"),
        Operator("ne", True, lambda a, b: a != b, "not equal"),
        Operator("lt", True, _ordered(lambda a, b: a < b), "less than"),
        Operator("le", True, _ordered(lambda a, b: a <= b), "less than or equal"),
        Operator("gt", True, _ordered(lambda a, b: a > b), "greater than"),
        Operator("ge", True, _ordered(lambda a, b: a >= b), "greater than or equal"),
        Operator("in", True, _in, "the value is one of a list (or a substring)"),
        Operator("not-in", True, lambda a, b: not _in(a, b), "the value is not one of a list"),
        Operator("contains", True, _contains, "a list or string contains the value"),
        Operator(
            "not-contains", True, lambda a, b: not _contains(a, b), "does not contain the value"
        ),
        Operator("absent", False, lambda a, _b: a is None, "the key is missing or null"),
        Operator("present", False, lambda a, _b: a is not None, "the key is there, not null"),
        Operator("empty", False, lambda a, _b: _is_empty(a), "missing, null, '' , [] or {}"),
        Operator("not-empty", False, lambda a, _b: not _is_empty(a), "has at least one element"),
        Operator("regex", True, _regex_match, "a string matches the regular expression"),
        Operator("glob", True, _glob, "a string matches the shell-style pattern"),
    )
}
