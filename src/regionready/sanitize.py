"""The one sanitiser for text that leaves the process on a terminal or in a CI log.

Resource names, tags, messages, paths and AWS error texts are untrusted: anyone who can
name a resource writes them. Printed raw, they could

- forge lines (a newline, or a carriage return, which GitHub's runner also splits on);
- drive the terminal (ESC sequences, OSC-8 links, BEL, any other C0 or C1 control);
- reorder what a reader sees (bidirectional overrides and isolates, invisible marks);
- issue GitHub Actions workflow commands: a line that starts with ``::`` after leading
  whitespace (``::error::``, ``::add-mask::``, ``::stop-commands::``), or the legacy form
  ``##[command]`` anywhere in a line.

Two layers, used by every printer of regionready:

:func:`text`
    One untrusted value, made visible and kept on one line: each control character
    (C0, DEL, C1), line or paragraph separator, bidirectional control (U+061C,
    U+200E/U+200F, U+202A..U+202E, U+2066..U+2069), invisible format character (zero width
    space, word joiner, BOM, ...) and lone surrogate is written as its escape (``\\n``,
    ``\\r``, ``\\t``, ``\\x1b``, ``\\u202e``), and ``##[`` as ``##\\u005b``. Everything else,
    Arabic, CJK and emoji included, is kept as it is, so a name stays findable.
:func:`message`
    A sentence (an error, a warning, an AWS error text) that may embed untrusted values:
    runs of whitespace, line breaks included, become one space; the rest as :func:`text`.
:func:`line` and :class:`LineGuard`
    A whole output line, or a stream of them: a line whose first character after leading
    whitespace and invisible characters would be ``::`` gets a visible ``\\`` in front
    (``\\::error::...`` is not a workflow command), and ``##[`` becomes ``##\\u005b``:
    the same escape of ``[`` in plain text and in a JSON string (where ``##`` can only
    be), so ``--format json`` output printed through the guard stays valid, equal JSON.
    :func:`regionready.cli.main` wraps ``sys.stdout`` and ``sys.stderr`` in a
    :class:`LineGuard` for the whole run, so this holds for every line it prints.

Backslashes already in a value are left alone: the escapes are for a human reading a
terminal or a log; the JSON report keeps every value exactly.
"""

from __future__ import annotations

import re
import threading
from typing import Any, TextIO

#: Characters never printed raw: C0 controls, DEL and C1 controls; the Arabic letter mark;
#: zero width space and the left-to-right/right-to-left marks; line and paragraph
#: separators; the bidirectional embeddings and overrides (U+202A..U+202E); word joiner,
#: invisible operators, the isolates (U+2066..U+2069) and the deprecated format controls
#: up to U+206F; the BOM (zero width no-break space); interlinear annotation controls;
#: lone surrogates (not UTF-8: a strict log or terminal would fail on them).
#: Zero width joiner and non-joiner (U+200C/U+200D) are kept: Persian, Indic scripts and
#: emoji sequences need them.
UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: The legacy workflow command prefix, which the runner finds anywhere in a line.
LEGACY_COMMAND = "##["
_LEGACY_DEFUSED = "##\\u005b"
#: What may precede ``::`` on a line and still leave it a workflow command: the runner
#: trims leading whitespace (.NET's, a subset of Python's ``\s``); invisible and control
#: characters are counted too, to be safe. Not the line breaks themselves.
_LEAD = (
    "(?:[^\\S\r\n]"
    "|[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff])"
)
_COMMAND_AT_LINE_START = re.compile(f"(?<=[\r\n]){_LEAD}*(?=::)")
_UNDECIDED = re.compile(f"{_LEAD}*:?")
#: The visible mark put in front of a line that would start with ``::``.
COMMAND_MARK = "\\"
_WHITESPACE = re.compile(r"\s+")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def text(value: object) -> str:
    """One untrusted value made visible, on one line (see the module docstring)."""
    result = str(value)
    if not result.isascii() or UNSAFE.search(result):
        result = UNSAFE.sub(_visible, result)
    if LEGACY_COMMAND in result:
        result = result.replace(LEGACY_COMMAND, _LEGACY_DEFUSED)
    return result


def message(value: object) -> str:
    """A sentence that may embed untrusted values: whitespace runs (line breaks too)
    become one space, then :func:`text`."""
    return text(_WHITESPACE.sub(" ", str(value)).strip())


def _guard(data: str, *, at_start: bool) -> str:
    """``data`` with every line that would start with ``::`` marked; ``at_start``: the
    first character of ``data`` begins a line."""
    if "::" in data:
        if at_start:
            data = _COMMAND_AT_LINE_START.sub(_mark, "\n" + data)[1:]
        else:
            data = _COMMAND_AT_LINE_START.sub(_mark, data)
    if LEGACY_COMMAND in data:
        data = data.replace(LEGACY_COMMAND, _LEGACY_DEFUSED)
    return data


def _mark(match: re.Match[str]) -> str:
    return COMMAND_MARK + match.group()


def line(value: str) -> str:
    """A whole output line (or lines): none starts with ``::``; ``##[`` is defused."""
    return _guard(value, at_start=True)


class LineGuard:
    """A text stream wrapper that applies :func:`line` to everything written through it.

    Writes arrive in any pieces (``print`` writes the text, then the newline): the output
    is the same however the text was cut. A line whose start is still undecided (only
    whitespace, or one ``:``, so far), or a trailing ``#`` or ``##``, is held back until
    the next write decides it, or :meth:`release`. Everything else (``isatty``, ``fileno``,
    ``encoding``) is the wrapped stream's, so rich and ``input`` behave as before.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._pending = ""
        self._at_start = True
        self._lock = threading.Lock()

    def write(self, data: str) -> int:
        with self._lock:
            whole = self._pending + data
            self._pending = ""
            last = max(whole.rfind("\n"), whole.rfind("\r"))
            if (last >= 0 or self._at_start) and _UNDECIDED.fullmatch(whole, last + 1):
                keep = len(whole) - (last + 1)  # the start of a line, still undecided
            else:
                keep = min(2, len(whole) - len(whole.rstrip("#")))  # "##" + a later "["
            if keep:
                self._pending = whole[-keep:]
                whole = whole[:-keep]
            if whole:
                self.stream.write(_guard(whole, at_start=self._at_start))
                self._at_start = whole[-1] in "\r\n"
        return len(data)

    def writelines(self, lines: Any) -> None:
        for item in lines:
            self.write(item)

    def flush(self) -> None:
        self.stream.flush()

    def release(self) -> TextIO:
        """Write what is held back, flush, and return the wrapped stream."""
        with self._lock:
            pending, self._pending = self._pending, ""
            if pending:  # whitespace or one ":": it cannot start a command any more
                self.stream.write(pending)
        self.stream.flush()
        return self.stream

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)
