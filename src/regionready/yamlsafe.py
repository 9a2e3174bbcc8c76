"""Safe YAML loading that remembers where every value came from.

Rule, fixture, suppression and account files are user input: they are read through
:mod:`regionready.inputfile` (regular files only, symlinks resolved, size bounded), only
ever safe-loaded, aliases are refused (no alias bombs; rule files never need them), and
each mapping key keeps its line so an error can say ``path:line: what is wrong``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from regionready import inputfile
from regionready.errors import RegionReadyError


class YamlError(RegionReadyError):
    """A YAML file that cannot be used; the message starts with ``path:line:``."""


def _one_line(text: str) -> str:
    return " ".join(text.split())


class _NoAliasLoader(yaml.SafeLoader):
    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise yaml.constructor.ConstructorError(
                None, None, "YAML aliases (*name) are not allowed here", event.start_mark
            )
        node: Node | None = super().compose_node(parent, index)
        return node


Lines = dict[tuple[str | int, ...], int]


def _record_lines(node: Node, path: tuple[str | int, ...], lines: Lines) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode):
                child = (*path, str(key_node.value))
                _record_lines(value_node, child, lines)
                lines[child] = key_node.start_mark.line + 1
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*path, index), lines)


def read(path: Path, kind: str = "rule", within: Path | None = None) -> str:
    """The text of ``path`` through :func:`regionready.inputfile.read_text`; a file that
    cannot be read (a FIFO, a device, a symlink loop, one too large, ...) is a
    YamlError ``path:1: why``."""
    try:
        return inputfile.read_text(path, kind, within)
    except inputfile.InputFileError as exc:
        message = str(exc)
        prefix = f"{path}: "
        raise YamlError(
            f"{path}:1: {message[len(prefix) :] if message.startswith(prefix) else message}"
        ) from exc


def load(
    path: Path, text: str | None = None, *, kind: str = "rule", within: Path | None = None
) -> tuple[Any, Lines]:
    """Parse one YAML document; return (data, {json path: line}).

    Without ``text`` the file is read with :func:`read` (``kind`` sets its size limit,
    ``within`` the folder a symlink must stay in)."""
    if text is None:
        text = read(path, kind, within)
    try:
        loader = _NoAliasLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None, {}
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(f"{path}:{line}: {_one_line(problem)}") from exc
    except yaml.YAMLError as exc:
        # e.g. a ReaderError (a NUL or other non-printable character): its text spans
        # several lines, and the error must be one
        raise YamlError(f"{path}:1: invalid YAML: {_one_line(str(exc))}") from exc
    except RecursionError as exc:
        raise YamlError(f"{path}:1: YAML nested too deeply") from exc
    lines: Lines = {}
    _record_lines(node, (), lines)
    return data, lines


def line_of(lines: Lines, path: tuple[str | int, ...]) -> int:
    """The line of ``path`` or of its nearest recorded parent."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get((), 1)
