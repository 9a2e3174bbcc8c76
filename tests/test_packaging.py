"""collectors/, reporters/ and rules/ ship as subpackages of regionready, from a wheel
and from an editable install alike."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import venv
import zipfile
from importlib import resources
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_editable_install_maps_the_top_level_folders() -> None:
    acm = importlib.import_module("regionready.collectors.acm")
    assert Path(acm.__file__ or "").resolve() == REPO / "collectors" / "acm.py"
    catalog = Path(str(resources.files("regionready.catalog")))
    assert (catalog / "acm" / "ACM-001.yaml").is_file()
    sarif = importlib.import_module("regionready.reporters.sarif")
    assert Path(sarif.__file__ or "").resolve() == REPO / "reporters" / "sarif.py"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("regionready-*.whl")
    return found


def test_wheel_contains_collectors_reporters_rules_and_schemas(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "regionready/cli/__init__.py",
        "regionready/cli/commands/scan.py",
        "regionready/collectors/acm.py",
        "regionready/collectors/kms.py",
        "regionready/reporters/sarif.py",
        "regionready/catalog/acm/ACM-001.yaml",
        "regionready/catalog/acm/tests/ACM-001.yaml",
        "regionready/schemas/snapshot.schema.json",
        "regionready/demo/moto_gaps/__init__.py",
        "regionready/demo/moto_gaps/kms.py",
        "regionready/demo/seed.py",
        "regionready/remediation/actions/__init__.py",
    ):
        assert expected in names, expected
    assert not any(n.startswith("tests/") for n in names)


def test_wheel_installs_into_a_fresh_virtualenv_and_runs_outside_the_repo(
    wheel: Path, tmp_path: Path
) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run(
        # The README's first command installs non-editable with the demo extra.
        [str(bindir / "python"), "-m", "pip", "install", "-q", f"{wheel}[demo]"],
        check=True,
        capture_output=True,
    )
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    clean_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    version = subprocess.run(
        [str(bindir / "regionready"), "--version"],
        cwd=outside,
        env=clean_env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert version.stdout.strip().startswith("regionready ")
    listing = subprocess.run(
        [str(bindir / "regionready"), "rules", "list", "--format", "json"],
        cwd=outside,
        env=clean_env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert '"ACM-001"' in listing.stdout and '"KMS-003"' in listing.stdout
    tested = subprocess.run(
        [str(bindir / "regionready"), "rules", "test"],
        cwd=outside,
        env=clean_env,
        capture_output=True,
        text=True,
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
    demo = subprocess.run(
        [str(bindir / "regionready"), "demo", "--out", str(outside / "demo")],
        cwd=outside,
        env=clean_env,
        capture_output=True,
        text=True,
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert (outside / "demo" / "regionready.sarif").is_file()
    located = subprocess.run(
        [str(bindir / "python"), "-c", "import regionready.collectors.acm as m; print(m.__file__)"],
        cwd=outside,
        env=clean_env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert str(env_dir) in located.stdout
