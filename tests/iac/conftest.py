"""Helpers for the IaC scanner tests: fixture trees, exact findings, checkov lookup."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from regionready.iac.scan import ScanOptions, ScanOutcome, scan

FIXTURES = Path(__file__).parent / "fixtures"
SOURCE = "me-central-1"
TARGET = "eu-central-1"
# An explicit checkov path that does not exist: IAC-003 records NotFound at once, so
# tests of the other checks never start checkov (even where REGIONREADY_CHECKOV is set).
NO_CHECKOV = "/nonexistent/checkov"

Hit = tuple[str, str, int, int, str]  # (check, path, line, column, code)


def run_scan(
    *names: str,
    source: str = SOURCE,
    target: str = TARGET,
    checkov: str | None = NO_CHECKOV,
) -> ScanOutcome:
    return scan(
        ScanOptions(
            paths=[FIXTURES / name for name in names],
            base=FIXTURES,
            source_region=source,
            target_region=target,
            checkov_path=checkov,
        )
    )


def hits(outcome: ScanOutcome, check: str | None = None) -> set[Hit]:
    return {
        (i["Check"], i["Path"], i["Line"], i["Column"], i["Code"])
        for rtype, items in outcome.items.items()
        if rtype != "file"
        for i in items
        if not i["Clean"] and (check is None or i["Check"] == check)
    }


def clean(outcome: ScanOutcome) -> set[tuple[str, str]]:
    return {
        (i["Check"], i["Path"])
        for rtype, items in outcome.items.items()
        if rtype != "file"
        for i in items
        if i["Clean"]
    }


def item(outcome: ScanOutcome, item_id: str) -> dict[str, Any]:
    for rtype, items in outcome.items.items():
        for found in items:
            if rtype != "file" and found["Id"] == item_id:
                return found
    raise AssertionError(f"no item {item_id}")


CHECKOV_VERSION = "3.3.30"
CHECKOV_VENV = Path(__file__).resolve().parents[2] / ".cache" / "checkov-venv"


@pytest.fixture(scope="session")
def checkov_path() -> str:
    """checkov from $REGIONREADY_CHECKOV or PATH, else installed once into its OWN
    virtualenv under .cache/ (it pins boto3 and pytest down: never regionready's)."""
    found = os.environ.get("REGIONREADY_CHECKOV") or shutil.which("checkov")
    if found and Path(found).exists():
        return found
    checkov = CHECKOV_VENV / "bin" / "checkov"
    if not checkov.exists():
        import subprocess
        import sys

        subprocess.run([sys.executable, "-m", "venv", str(CHECKOV_VENV)], check=True)
        done = subprocess.run(
            [
                str(CHECKOV_VENV / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "-q",
                f"checkov=={CHECKOV_VERSION}",
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0 or not checkov.exists():
            pytest.fail(
                "checkov is needed for the IAC-003 tests and could not be installed into "
                f"{CHECKOV_VENV}: {done.stderr[-500:]}"
            )
    return str(checkov)
