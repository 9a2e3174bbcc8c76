"""The vendored report schemas are byte-identical to the project's shared copies."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "schemas"
VENDORED = REPO / "tests" / "schemas"


@pytest.mark.parametrize("name", ["sarif-schema-2.1.0.json", "junit-ant.xsd"])
def test_vendored_schema_matches_shared(name: str) -> None:
    vendored = (VENDORED / name).read_bytes()
    assert vendored, name
    shared = SHARED / name
    if shared.is_file():  # shared/ sits beside the clone in CI and on developer machines
        assert vendored == shared.read_bytes(), f"tests/schemas/{name} is out of date"
