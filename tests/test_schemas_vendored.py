"""The report schemas the tests validate against live in this repository, under
tests/schemas, and are the official texts, unchanged:

- ``sarif-schema-2.1.0.json``: the OASIS SARIF 2.1.0 schema (errata 01),
  https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json
- ``junit-ant.xsd``: the Apache Ant JUnit XML schema (Windy Road Technology, Apache
  License 2.0), the schema of the JUnit reports CI systems read.

Their SHA-256 is pinned here: a change to either is deliberate and shows in this test.
"""

import hashlib
import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

VENDORED = Path(__file__).resolve().parent / "schemas"

SHA256 = {
    "sarif-schema-2.1.0.json": "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e",
    "junit-ant.xsd": "147ff89ef34a82f9a1b2951e7cad251b98c9a7a48a0e0c8e44937141791f57a8",
}


@pytest.mark.parametrize("name", sorted(SHA256))
def test_vendored_schema_is_pinned(name: str) -> None:
    data = (VENDORED / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == SHA256[name], f"tests/schemas/{name} changed"


def test_sarif_schema_is_the_oasis_2_1_0_schema() -> None:
    schema = json.loads((VENDORED / "sarif-schema-2.1.0.json").read_text("utf-8"))
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]


def test_junit_schema_is_the_ant_schema() -> None:
    root = ElementTree.parse(VENDORED / "junit-ant.xsd").getroot()
    text = "".join(root.itertext())
    assert "Apache Ant JUnit" in text
    names = {e.get("name") for e in root if e.get("name")}
    assert {"testsuite", "testsuites"} <= names
