"""Numeric settings read from the environment, each refused in one line when bad."""

from __future__ import annotations

import os


def number_setting(
    name: str,
    default: float,
    *,
    high: float,
    whole: bool = True,
    raw: str | None = None,
) -> float:
    """The value of environment variable ``name`` (or ``raw`` when given), ``default``
    when unset or blank; ValueError naming the variable unless it is in (0, ``high``]
    (and a whole number when ``whole``)."""
    text = (os.environ.get(name, "") if raw is None else raw).strip()
    if not text:
        return default
    value: float | None
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        value = None
    if value is None or not 0 < value <= high:
        expected = (
            f"a whole number from 1 to {int(high)}"
            if whole
            else f"a positive number (at most {high:g})"
        )
        raise ValueError(f"{name}={text!r}: expected {expected}")
    return value


def whole_setting(name: str, default: int, *, high: int, raw: str | None = None) -> int:
    """``number_setting`` for a whole number."""
    return int(number_setting(name, default, high=high, raw=raw))
