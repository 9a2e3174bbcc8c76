"""Safe YAML loading that remembers where every value came from.

Rule, fixture, suppression and account files are user input: they are only ever
safe-loaded, aliases are refused (no alias bombs; rule files never need them), and each
mapping key keeps its line so an error can say ``path:line: what is wrong``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_FILE_BYTES = 1_000_000


class YamlError(Exception):
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


def load(path: Path, text: str | None = None) -> tuple[Any, Lines]:
    """Parse one YAML document; return (data, {json path: line})."""
    if text is None:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise YamlError(f"{path}:1: file is larger than {MAX_FILE_BYTES} bytes")
            text = path.read_text("utf-8")
        except OSError as exc:
            raise YamlError(f"{path}:1: cannot read: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise YamlError(f"{path}:1: not UTF-8 text") from exc
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
