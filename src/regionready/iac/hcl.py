"""Just enough of Terraform's HCL: where the comments and the ``variable`` blocks are.

Not a parser. A single tokenizer pass recognises strings, heredocs, comments (``#``,
``//``, ``/* */``) and braces, so that a ``#`` inside a string is not a comment and a
brace inside a string does not close a block. ``variable "x" { default = ... }`` blocks
are Terraform's parameter construct: a Region there is a default, not a hard-code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from regionready.iac.text import Span

_TOKEN = re.compile(
    r"""
     (?P<string>"(?:[^"\\\n]|\\.)*")
    |(?P<heredoc><<-?[ \t]*(?P<tag>[A-Za-z_][A-Za-z0-9_]*)[ \t]*\n.*?\n[ \t]*(?P=tag)[ \t]*$)
    |(?P<comment>\#[^\n]*|//[^\n]*|/\*.*?\*/)
    |(?P<variable>^[ \t]*variable[ \t]+"[^"\n]*"[ \t]*(?=\{))
    |(?P<open>\{)
    |(?P<close>\})
    """,
    re.VERBOSE | re.DOTALL | re.MULTILINE,
)


@dataclass
class Layout:
    comments: list[Span] = field(default_factory=list)
    variables: list[Span] = field(default_factory=list)


def layout(text: str) -> Layout:
    found = Layout()
    depth = 0
    variable_start: int | None = None
    variable_depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "comment":
            found.comments.append((match.start(), match.end()))
        elif kind == "variable" and variable_start is None:
            variable_start = match.start()
            variable_depth = depth
        elif kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
            if variable_start is not None and depth == variable_depth:
                found.variables.append((variable_start, match.end()))
                variable_start = None
    if variable_start is not None:
        found.variables.append((variable_start, len(text)))
    return found


# -- blocks and attributes ---------------------------------------------------------------

_CONTEXT_TOKEN = re.compile(
    r"""
     (?P<string>"(?:[^"\\\n]|\\.)*")
    |(?P<heredoc><<-?[ \t]*(?P<tag>[A-Za-z_][A-Za-z0-9_]*)[ \t]*\n.*?\n[ \t]*(?P=tag)[ \t]*$)
    |(?P<comment>\#[^\n]*|//[^\n]*|/\*.*?\*/)
    |(?P<assign>^[ \t]*(?P<name>[A-Za-z_][\w-]*|"[^"\n]*")[ \t]*=(?![=>]))
    |(?P<open>\{)
    |(?P<close>\})
    """,
    re.VERBOSE | re.DOTALL | re.MULTILINE,
)


@dataclass
class Block:
    """A ``{ ... }`` block (or object literal): the text before its brace on that line
    (``provider "aws"``, ``condition``, ``tags =``), its offsets and its attributes (name
    -> the rest of the line after ``=``, for the first line of each value)."""

    header: str
    start: int
    end: int
    parent: Block | None
    attrs: dict[str, str] = field(default_factory=dict)

    def chain(self) -> list[Block]:
        found: list[Block] = []
        block: Block | None = self
        while block is not None:
            found.append(block)
            block = block.parent
        return found

    @property
    def kind(self) -> str:
        """The first word of the header: ``provider``, ``variable``, ``condition``..."""
        words = self.header.replace("=", " ").split()
        return words[0].strip('"') if words else ""


@dataclass
class Context:
    """Where an offset is: its innermost block (None: top level) and the attribute whose
    value it is in (None: none, or a block header)."""

    block: Block | None
    attr: str | None

    def blocks(self) -> list[Block]:
        return self.block.chain() if self.block is not None else []


class Contexts:
    """Offset -> :class:`Context` for one HCL text (one tokenizer pass)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._offsets: list[int] = [0]
        self._states: list[Context] = [Context(None, None)]
        block: Block | None = None
        attr: str | None = None
        for match in _CONTEXT_TOKEN.finditer(text):
            kind = match.lastgroup
            if kind == "assign":
                attr = match.group("name").strip('"')
                line_end = text.find("\n", match.end())
                value = text[match.end() : line_end if line_end >= 0 else len(text)]
                if block is not None:
                    block.attrs.setdefault(attr, value)
            elif kind == "open":
                line_start = text.rfind("\n", 0, match.start()) + 1
                header = text[line_start : match.start()].strip()
                block = Block(header, match.start(), len(text), block)
                attr = None
            elif kind == "close":
                if block is not None:
                    block.end = match.end()
                    block = block.parent
                attr = None
            else:
                continue
            self._offsets.append(match.end() if kind != "open" else match.start() + 1)
            self._states.append(Context(block, attr))

    def at(self, offset: int) -> Context:
        import bisect

        index = bisect.bisect_right(self._offsets, offset) - 1
        return self._states[max(0, index)]
