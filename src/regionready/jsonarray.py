"""A JSON array written one element at a time: what ``json.dumps(list(items), indent=2)``
writes, without the list or its text ever being whole in memory (the ASFF and OCSF
reports of an organisation can hold millions of elements)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import IO, Any


def write(handle: IO[str], items: Iterable[Any], encode: Callable[[Any], str]) -> None:
    """``items`` as an indented JSON array on ``handle``; ``encode`` gives one element's
    text as ``json.dumps(..., indent=2)`` would (JSON has no newline but the encoder's own:
    one in a string is escaped, so indenting an element is adding spaces after each)."""
    first = True
    for item in items:
        handle.write(("[\n  " if first else ",\n  ") + encode(item).replace("\n", "\n  "))
        first = False
    handle.write("[]" if first else "\n]")
