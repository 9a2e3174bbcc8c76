"""The syntax tree of a Python regular expression, read without the standard library's
private parser.

:mod:`regionready.engine.limits` bounds the backtracking a rule's regex can cause by walking its
syntax tree. The only parser of that syntax in the standard library is ``re._parser``,
private (it was ``sre_parse`` before 3.11, and may change in any release), so this module
reads the syntax itself, for patterns ``re.compile`` has already accepted: literals,
classes, escapes, groups of every kind, alternation, quantifiers (greedy, lazy,
possessive) and the verbose flag (global or scoped). It keeps what the cost depends on and
nothing else, and where it is unsure it is conservative: an alternation is never folded
into a character class, so ``(a|b)*`` is a quantified alternation. What it cannot read
raises :class:`Unreadable`, and the pattern is refused.

Nodes are ``(kind, argument)`` pairs:

- ``("LITERAL", ch)``, ``("ANY", None)``, ``("BACKREF", None)``;
- ``("IN", (negated, items))``, a class, whose items are ``("LITERAL", ch)``,
  ``("RANGE", (lo, hi))`` or ``("CATEGORY", "DIGIT" | "NOT_DIGIT" | "WORD" | "NOT_WORD" |
  "SPACE" | "NOT_SPACE")``; a class of one literal is that literal (``[.]`` is ``.``
  escaped);
- ``("AT", "BEGINNING" | "BEGINNING_STRING" | "END" | "END_STRING" | "BOUNDARY" |
  "NOT_BOUNDARY")``;
- ``("REPEAT", (low, high or None, body))``, lazy and possessive ones included;
- ``("GROUP", body)``, ``("ATOMIC", body)``, ``("ASSERT", body)`` (look-ahead or -behind);
- ``("BRANCH", [body, ...])``, ``("CONDITIONAL", [body, ...])``;

where a body is a list of nodes. A plain ``(?:...)`` group is read as its content, in the
sequence or the repeat around it, so ``(?:ab)c`` is read as ``abc``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

Node = tuple[str, Any]


_CATEGORIES = {
    "d": "DIGIT",
    "D": "NOT_DIGIT",
    "w": "WORD",
    "W": "NOT_WORD",
    "s": "SPACE",
    "S": "NOT_SPACE",
}
_ANCHORS = {"A": "BEGINNING_STRING", "Z": "END_STRING", "b": "BOUNDARY", "B": "NOT_BOUNDARY"}
_CONTROL = {"a": "\a", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}
_OCTAL = "01234567"
_FLAGS = "aiLmsux"


class Unreadable(Exception):
    """Syntax :func:`parse` does not read: the caller refuses the pattern, never guesses."""


class _Reader:
    """Recursive descent over a pattern ``re.compile`` accepted."""

    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.at = 0

    def peek(self, ahead: int = 0) -> str:
        """The character ``ahead`` of the position ("" past the end)."""
        index = self.at + ahead
        return self.text[index] if index < len(self.text) else ""

    def next_in(self, chars: str, ahead: int = 0) -> bool:
        char = self.peek(ahead)
        return bool(char) and char in chars

    def take(self) -> str:
        char = self.peek()
        if not char:
            raise Unreadable("unexpected end")
        self.at += 1
        return char

    def taking(self, prefix: str) -> bool:
        if self.text.startswith(prefix, self.at):
            self.at += len(prefix)
            return True
        return False

    def until(self, end: str) -> str:
        stop = self.text.find(end, self.at)
        if stop < 0:
            raise Unreadable(f"no {end!r}")
        found, self.at = self.text[self.at : stop], stop + len(end)
        return found

    def alternatives(self, verbose: bool) -> list[list[Node]]:
        branches = [self.sequence(verbose)]
        while self.taking("|"):
            branches.append(self.sequence(verbose))
        return branches

    def body(self, verbose: bool) -> list[Node]:
        """Alternatives up to (not including) ``)`` or the end, as one body."""
        branches = self.alternatives(verbose)
        return branches[0] if len(branches) == 1 else [("BRANCH", branches)]

    def sequence(self, verbose: bool) -> list[Node]:
        items: list[Node] = []
        while True:
            char = self.peek()
            if not char or char in "|)":
                # A plain (?:...) group is its content: read as if it were not there.
                return [
                    n for kind, arg in items for n in (arg if kind == "PLAIN" else [(kind, arg)])
                ]
            if verbose and char.isspace():
                self.at += 1
            elif verbose and char == "#":
                stop = self.text.find("\n", self.at)
                self.at = len(self.text) if stop < 0 else stop + 1
            elif char in "*+?" or (char == "{" and self.repeat_ahead()):
                if not items or items[-1][0] in ("AT", "REPEAT"):
                    raise Unreadable("nothing to repeat")
                kind, arg = items[-1]
                body = arg if kind == "PLAIN" else [items[-1]]
                items[-1] = ("REPEAT", (*self.quantifier(), body))
            else:
                item = self.item(verbose)
                if item is not None:
                    items.append(item)

    def repeat_ahead(self) -> bool:
        """Whether the ``{`` here opens a quantifier ({m}, {m,}, {,n}, {m,n}, {,}) rather
        than being a literal brace."""
        index = self.at + 1
        digits = 0
        while self.peek(index - self.at).isdigit():
            index, digits = index + 1, digits + 1
        comma = self.peek(index - self.at) == ","
        if comma:
            index += 1
            while self.peek(index - self.at).isdigit():
                index += 1
        return self.peek(index - self.at) == "}" and (digits > 0 or comma)

    def quantifier(self) -> tuple[int, int | None]:
        char = self.take()
        if char == "*":
            low, high = 0, None
        elif char == "+":
            low, high = 1, None
        elif char == "?":
            low, high = 0, 1
        else:
            bounds = self.until("}")
            if "," in bounds:
                first, _, second = bounds.partition(",")
                low, high = int(first or 0), int(second) if second else None
            else:
                low = high = int(bounds)
        if self.peek() in ("?", "+"):  # lazy or possessive: counted like greedy
            self.at += 1
        return low, high

    def item(self, verbose: bool) -> Node | None:
        char = self.take()
        if char == "(":
            return self.group(verbose)
        if char == "[":
            return self.klass()
        if char == ".":
            return ("ANY", None)
        if char == "^":
            return ("AT", "BEGINNING")
        if char == "$":
            return ("AT", "END")
        if char == "\\":
            return self.escape()
        return ("LITERAL", char)

    def group(self, verbose: bool) -> Node | None:
        if not self.taking("?"):
            return self.closing(("GROUP", self.body(verbose)))
        if self.taking(":"):
            return self.closing(("PLAIN", self.body(verbose)))
        if self.taking("P<"):
            self.until(">")
            return self.closing(("GROUP", self.body(verbose)))
        if self.taking("P="):
            self.until(")")
            return ("BACKREF", None)
        if self.taking("#"):
            self.until(")")
            return None
        if self.taking("=") or self.taking("!") or self.taking("<=") or self.taking("<!"):
            return self.closing(("ASSERT", self.body(verbose)))
        if self.taking(">"):
            return self.closing(("ATOMIC", self.body(verbose)))
        if self.taking("("):
            self.until(")")
            return self.closing(("CONDITIONAL", self.alternatives(verbose)))
        on = ""
        while self.next_in(_FLAGS):
            on += self.take()
        off = ""
        if self.taking("-"):
            while self.next_in(_FLAGS):
                off += self.take()
        if self.taking(")"):  # global flags (re.compile's flags say which)
            return None
        if not self.taking(":"):
            raise Unreadable("inline flags")
        inner = (verbose or "x" in on) and "x" not in off
        return self.closing(("GROUP", self.body(inner)))

    def closing(self, node: Node) -> Node:
        if not self.taking(")"):
            raise Unreadable("unclosed group")
        return node

    def escape(self) -> Node:
        char = self.take()
        if char in _CATEGORIES:
            return ("IN", (False, [("CATEGORY", _CATEGORIES[char])]))
        if char in _ANCHORS:
            return ("AT", _ANCHORS[char])
        if char.isdigit() and char != "0":  # a group number, or three octal digits
            if self.peek().isdigit():
                if char in _OCTAL and self.next_in(_OCTAL) and self.next_in(_OCTAL, 1):
                    return ("LITERAL", chr(int(char + self.take() + self.take(), 8)))
                self.take()
            return ("BACKREF", None)
        return ("LITERAL", self.character(char))

    def character(self, char: str) -> str:
        """The character an escape ``\\<char>...`` (char already taken) stands for."""
        if char in _HEX_DIGITS:
            return chr(int("".join(self.take() for _ in range(_HEX_DIGITS[char])), 16))
        if char == "N" and self.taking("{"):
            return unicodedata.lookup(self.until("}"))
        if char in _OCTAL:  # \0.. anywhere; \1.. in a class (outside: see escape)
            digits = char
            while len(digits) < 3 and self.next_in(_OCTAL):
                digits += self.take()
            return chr(int(digits, 8))
        if char.isascii() and char.isalnum() and char not in _CONTROL and char != "b":
            raise Unreadable(f"escape \\{char}")
        return _CONTROL.get(char, "\b" if char == "b" else char)

    def klass(self) -> Node:
        negated = self.taking("^")
        items: list[tuple[str, Any]] = []
        first = True
        while first or self.peek() != "]":
            first = False
            char = self.take()
            if char == "\\":
                escaped = self.take()
                if escaped in _CATEGORIES:
                    items.append(("CATEGORY", _CATEGORIES[escaped]))
                    continue
                char = self.character(escaped)
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.at += 1
                high = self.take()
                if high == "\\":
                    high = self.character(self.take())
                items.append(("RANGE", (char, high)))
            else:
                items.append(("LITERAL", char))
        self.at += 1  # the closing ]
        if not negated and len(items) == 1 and items[0][0] == "LITERAL":
            return items[0]  # [.] is the literal .: it can separate quantifiers
        return ("IN", (negated, items))


def parse(pattern: str, flags: int) -> list[Node]:
    """The syntax tree of a pattern ``re.compile`` accepted with these ``flags``."""
    reader = _Reader(pattern)
    body = reader.body(bool(flags & re.VERBOSE))
    if reader.at != len(pattern):
        raise Unreadable("unbalanced parenthesis")
    return body
