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
