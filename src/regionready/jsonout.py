"""Indented JSON, byte for byte what ``json.dumps(value, indent=2, ...)`` writes, faster.

With ``indent`` the standard library uses its pure-Python encoder: a chain of nested
generators yielding one token at a time, joined at the end (millions of small strings for
a large report). This encoder does the same walk with one recursive function appending to
a list, the C string escapers of :mod:`json.encoder`, and :func:`iterencode` hands the
output over in chunks so a caller can stream a large document to a file instead of
holding all of it.

Same output as ``json.dumps(value, indent=2, sort_keys=..., ensure_ascii=...)`` with the
default separators (``", "`` between items, ``": "`` after keys: with an indent the item
separator's trailing space ends up before the newline, so it is ``","``), ``NaN`` and
``Infinity`` allowed, the same key coercion (str, int, float, bool, None) and the same
``TypeError`` for anything else. Not supported: ``default=``, ``cls=``, ``check_circular``
(a cycle raises ``RecursionError`` instead of ``ValueError``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from json.encoder import (
    INFINITY,
    encode_basestring,
    encode_basestring_ascii,
)
from typing import Any

#: Flush the buffer to the caller once it holds about this many pieces.
_CHUNK_PIECES = 8192


class LazyList:
    """A JSON array whose items are made one at a time while :func:`iterencode` writes.

    ``LazyList(results, Result.to_dict)`` encodes like ``[r.to_dict() for r in results]``
    without holding every converted item at once. Only :func:`iterencode` knows it.
    """

    __slots__ = ("convert", "items")

    def __init__(self, items: Sequence[Any], convert: Callable[[Any], Any]) -> None:
        self.items = items
        self.convert = convert


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == INFINITY:
        return "Infinity"
    if value == -INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _key(key: Any) -> str:
    """A non-string dict key as ``json.dumps`` coerces it."""
    if isinstance(key, float):
        return _float(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


class _Encoder:
    def __init__(self, *, sort_keys: bool, ensure_ascii: bool, indent: int = 2) -> None:
        self.sort_keys = sort_keys
        self.string: Callable[[str], str] = (
            encode_basestring_ascii if ensure_ascii else encode_basestring
        )
        self.step = " " * indent
        self.out: list[str] = []
        # newline + indentation per depth, built once.
        self.newlines: list[str] = ["\n"]

    def _newline(self, depth: int) -> str:
        newlines = self.newlines
        while len(newlines) <= depth:
            newlines.append("\n" + self.step * len(newlines))
        return newlines[depth]

    def member(self, key: Any, first: bool, inner: str) -> str:
        """What comes before a dict member's value: ``{`` or ``,``, the newline and
        indentation ``inner``, the key (coerced as ``json.dumps`` does) and ``": "``."""
        if not isinstance(key, str):
            key = _key(key)
        return ("{" if first else ",") + inner + self.string(key) + ": "

    def scalar(self, value: Any) -> str | None:
        """The encoding of a non-container value; None for a container."""
        if isinstance(value, str):
            return self.string(value)
        if value is None:
            return "null"
        if value is True:
            return "true"
        if value is False:
            return "false"
        if isinstance(value, int):
            return int.__repr__(value)
        if isinstance(value, float):
            return _float(value)
        if isinstance(value, (list, tuple, dict)):
            return None
        raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")

    def encode(self, value: Any, depth: int) -> None:
        out = self.out
        append = out.append
        text = self.scalar(value)
        if text is not None:
            append(text)
            return
        inner = self._newline(depth + 1)
        if isinstance(value, dict):
            if not value:
                append("{}")
                return
            items = sorted(value.items()) if self.sort_keys else value.items()
            scalar = self.scalar
            first = True
            for key, item in items:
                append(self.member(key, first, inner))
                first = False
                text = scalar(item)
                if text is None:
                    self.encode(item, depth + 1)
                else:
                    append(text)
            append(self._newline(depth) + "}")
        else:
            if not value:
                append("[]")
                return
            scalar = self.scalar
            first = True
            for item in value:
                append(("[" if first else ",") + inner)
                first = False
                text = scalar(item)
                if text is None:
                    self.encode(item, depth + 1)
                else:
                    append(text)
            append(self._newline(depth) + "]")

    def take(self) -> str:
        text = "".join(self.out)
        self.out.clear()
        return text


def dumps(value: Any, *, sort_keys: bool = False, ensure_ascii: bool = True) -> str:
    """``json.dumps(value, indent=2, sort_keys=sort_keys, ensure_ascii=ensure_ascii)``."""
    encoder = _Encoder(sort_keys=sort_keys, ensure_ascii=ensure_ascii)
    encoder.encode(value, 0)
    return encoder.take()


def iterencode(value: Any, *, sort_keys: bool = False, ensure_ascii: bool = True) -> Iterator[str]:
    """:func:`dumps` in chunks: the items of large lists (and dict values) one by one.

    The top-level dict and any list are walked here, one element per chunk batch, so the
    whole text never exists at once; everything else is encoded by :func:`dumps`' walk.
    """
    encoder = _Encoder(sort_keys=sort_keys, ensure_ascii=ensure_ascii)
    yield from _stream(encoder, value, 0)
    if encoder.out:
        yield encoder.take()


def _stream(encoder: _Encoder, value: Any, depth: int) -> Iterator[str]:
    out = encoder.out
    if isinstance(value, dict) and value:
        inner = encoder._newline(depth + 1)
        items = sorted(value.items()) if encoder.sort_keys else value.items()
        first = True
        for key, item in items:
            out.append(encoder.member(key, first, inner))
            first = False
            yield from _stream(encoder, item, depth + 1)
        out.append(encoder._newline(depth) + "}")
    elif isinstance(value, LazyList) or (isinstance(value, list) and len(value) > 1):
        elements: Sequence[Any] = value.items if isinstance(value, LazyList) else value
        convert = value.convert if isinstance(value, LazyList) else None
        if not elements:
            out.append("[]")
            return
        inner = encoder._newline(depth + 1)
        first = True
        for item in elements:
            out.append(("[" if first else ",") + inner)
            first = False
            encoder.encode(item if convert is None else convert(item), depth + 1)
            if len(out) >= _CHUNK_PIECES:
                yield encoder.take()
        out.append(encoder._newline(depth) + "]")
    else:
        encoder.encode(value, depth)
    if len(out) >= _CHUNK_PIECES:
        yield encoder.take()
