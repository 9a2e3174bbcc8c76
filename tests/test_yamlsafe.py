"""yamlsafe parses with libyaml when it can: the same data and the same lines as the
pure-Python parser, and every refusal (aliases, bad YAML, non-printable characters)
still comes from the pure parser with its line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from regionready import yamlsafe
from regionready.engine.rules import builtin_rules_dir

CATALOGUE = sorted(builtin_rules_dir().rglob("*.yaml"))


class _CountingLoader(yaml.CSafeLoader):  # type: ignore[misc]
    built = 0

    def construct_document(self, node: yaml.Node) -> object:
        _CountingLoader.built += 1
        return super().construct_document(node)


def test_libyaml_is_built_in() -> None:
    assert yaml.__with_libyaml__, "PyYAML without libyaml: rule loading is ten times slower"


@pytest.mark.parametrize("path", CATALOGUE, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_every_catalogue_file_loads_as_the_pure_parser_loads_it(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yaml, "CSafeLoader", _CountingLoader)
    before = _CountingLoader.built
    fast = yamlsafe.load(path)
    assert _CountingLoader.built == before + 1, "libyaml was not used"
    monkeypatch.delattr(yaml, "CSafeLoader")  # as PyYAML without libyaml: the pure parser
    assert fast == yamlsafe.load(path)


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("a: 1\nb: &x [1]\nc: *x\n", 3, "aliases"),
        ("a: 1\nb: [1,\n", 3, ""),
        ("a: 1\nb: \x07\n", 1, "invalid YAML"),
        ("a: 1\n  b: 2\n", 2, "mapping values are not allowed"),
    ],
)
def test_refusals_are_the_pure_parsers(tmp_path: Path, text: str, line: int, says: str) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(text)
    with pytest.raises(yamlsafe.YamlError) as refused:
        yamlsafe.load(path)
    assert str(refused.value).startswith(f"{path}:{line}: ")
    assert says in str(refused.value)
