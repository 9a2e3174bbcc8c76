"""YAML and JSON documents as node trees with positions, without constructing them.

``yaml.compose`` keeps every scalar's exact start and end offset and does not need
constructors, so CloudFormation short tags (``!Sub``, ``!Ref``, ``!GetAtt``) need no
special loader. JSON is YAML; tabs, which JSON allows only as whitespace between tokens
(a tab inside a JSON string must be escaped), are replaced by spaces of the same length
so offsets, lines and columns stay exact.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import yaml

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Scalar:
    """A scalar node: its key path, offsets in the text, value, and whether it is a key."""

    path: KeyPath
    start: int
    end: int
    value: str
    is_key: bool


def compose(text: str, *, json_text: bool = False) -> list[yaml.Node] | None:
    """The documents of a YAML (or JSON) text as nodes; None when it does not parse."""
    source = text.replace("\t", " ") if json_text else text
    try:
        return [node for node in yaml.compose_all(source, Loader=yaml.SafeLoader) if node]
    except (yaml.YAMLError, RecursionError, ValueError):
        return None


def get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value node of ``key`` in a mapping node (None if absent or not a mapping)."""
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            found: yaml.Node = value_node
            return found
    return None


def keys(node: yaml.Node | None) -> list[str]:
    if not isinstance(node, yaml.MappingNode):
        return []
    return [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]


def scalars(root: yaml.Node) -> Iterator[Scalar]:
    """Every scalar under ``root`` (keys included), depth first, aliases visited once."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, KeyPath]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            yield Scalar(path, node.start_mark.index, node.end_mark.index, node.value, False)
        elif isinstance(node, yaml.MappingNode):
            for key_node, value_node in reversed(node.value):
                name: str | int = (
                    key_node.value if isinstance(key_node, yaml.ScalarNode) else "<complex key>"
                )
                if isinstance(key_node, yaml.ScalarNode):
                    yield Scalar(
                        (*path, name),
                        key_node.start_mark.index,
                        key_node.end_mark.index,
                        key_node.value,
                        True,
                    )
                stack.append((value_node, (*path, name)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in reversed(list(enumerate(node.value))):
                stack.append((item, (*path, index)))
