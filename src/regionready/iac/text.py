"""Positions in a file's text: offsets to 1-based line and column, allowed spans.

Columns count characters (not bytes), as SARIF's default column kind and editors do.
A scanner finds matches with a regular expression over the whole text, then keeps only
those inside the spans it may look in (string scalars, string literals, non-comment
lines), so the reported line and column are exactly where the text is.
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Iterator

Span = tuple[int, int]

#: Lines that are only a comment in the usual configuration and code syntaxes.
COMMENT_LINE_RE = re.compile(r"^\s*(#|//|/\*|\*|;|--|rem\s)", re.IGNORECASE)


class Positions:
    """Offset -> (line, column) for one text (both 1-based)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def line_col(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1

    def offset(self, line: int, column: int) -> int:
        """The offset of a 1-based line and 0-based character column."""
        return self.starts[line - 1] + column

    def line_text(self, line: int) -> str:
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return self.text[start:end]

    def first_column(self, line: int) -> int:
        """1-based column of the first non-blank character of a line (1 if blank)."""
        if line < 1 or line > len(self.starts):
            return 1
        text = self.line_text(line)
        stripped = text.lstrip()
        return len(text) - len(stripped) + 1 if stripped else 1


def code_lines(text: str) -> list[Span]:
    """Spans of every line that is not a comment-only line."""
    spans: list[Span] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        if not COMMENT_LINE_RE.match(line):
            spans.append((offset, offset + len(line)))
        offset += len(line)
    return spans


def within(spans: list[Span], start: int, end: int) -> bool:
    """True when [start, end) lies inside one of the (sorted, disjoint) spans."""
    index = bisect.bisect_right(spans, (start, sys.maxsize)) - 1
    return index >= 0 and spans[index][0] <= start and end <= spans[index][1]


def normalise(spans: list[Span]) -> list[Span]:
    """Sorted, merged spans (overlapping or touching spans become one)."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def subtract(spans: list[Span], holes: list[Span]) -> list[Span]:
    """``spans`` minus ``holes`` (both sorted, disjoint)."""
    result: list[Span] = []
    for start, end in spans:
        pieces = [(start, end)]
        for hole_start, hole_end in holes:
            next_pieces = []
            for a, b in pieces:
                if hole_end <= a or hole_start >= b:
                    next_pieces.append((a, b))
                    continue
                if a < hole_start:
                    next_pieces.append((a, hole_start))
                if hole_end < b:
                    next_pieces.append((hole_end, b))
            pieces = next_pieces
        result.extend(pieces)
    return result


def matches_in(pattern: re.Pattern[str], text: str, spans: list[Span]) -> Iterator[re.Match[str]]:
    """Matches of ``pattern`` that lie wholly inside ``spans``."""
    for match in pattern.finditer(text):
        if within(spans, match.start(), match.end()):
            yield match
