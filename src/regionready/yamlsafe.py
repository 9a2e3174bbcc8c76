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
    parsed = _with_libyaml(text)
    if parsed is None:  # not safe to use as it is: the pure loader says why, with its line
        parsed = _with_pure_python(path, text)
    data, node = parsed
    lines: Lines = {}
    if node is not None:
        _record_lines(node, (), lines)
    return data, lines


def _with_libyaml(text: str) -> tuple[Any, Node | None] | None:
    """(data, root node) through PyYAML's C parser (libyaml), about ten times faster than
    the pure-Python one, which is what a scan of the rule catalogue spent most of its
    time in; None when libyaml is not built into PyYAML, when the text does not parse,
    or when it uses an alias (a node reached twice), so that :func:`_with_pure_python`
    says why, exactly as it always has."""
    loader_class = getattr(yaml, "CSafeLoader", None)
    if loader_class is None or yaml.reader.Reader.NON_PRINTABLE.search(text):
        return None  # (the pure reader refuses non-printable characters; libyaml may not)
    try:
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
            if node is not None and _has_alias(node):
                return None
            return (None if node is None else loader.construct_document(node)), node
        finally:
            loader.dispose()
    except (yaml.YAMLError, RecursionError):
        return None


def _has_alias(root: Node) -> bool:
    """Whether a node is reached twice (how an alias appears once composed)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return True
        seen.add(id(node))
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                stack.extend((key_node, value_node))
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
    return False


def _with_pure_python(path: Path, text: str) -> tuple[Any, Node | None]:
    """(data, root node) through the pure-Python parser, which refuses aliases at the
    alias; every problem is a YamlError ``path:line: what``."""
    try:
        loader = _NoAliasLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None, None
            return loader.construct_document(node), node
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


def line_of(lines: Lines, path: tuple[str | int, ...]) -> int:
    """The line of ``path`` or of its nearest recorded parent."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get((), 1)
