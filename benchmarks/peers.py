"""The peers: Cloud Custodian and Prowler, each installed in its own virtualenv.

``ensure(name)`` creates ``benchmarks/.venvs/<name>`` and pip-installs the tool the first
time (``pip install c7n`` / ``pip install prowler``), so the suite runs on a fresh machine;
later runs reuse it. ``run_c7n`` / ``run_prowler`` run the tool against an endpoint and
return the measured run plus the resources each check flagged.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from lib import HERE, Measured, run_measured, scan_env

VENVS = HERE / ".venvs"
C7N_POLICIES = HERE / "c7n" / "policies.yml"
SOURCE = "me-central-1"
TARGET = "eu-central-1"

# c7n-org (Cloud Custodian's multi-account runner, benchmarks/org_bench.py) is installed
# beside c7n in the same virtualenv.
PACKAGES = {"c7n": ["c7n", "c7n-org"], "prowler": ["prowler"]}
EXECUTABLES = {"c7n": ["custodian", "c7n-org"], "prowler": ["prowler"]}
DISTRIBUTIONS = {
    "c7n": ["c7n", "c7n-org", "boto3", "botocore"],
    "prowler": ["prowler", "boto3", "botocore"],
}

# Prowler checks closest to the six overlapping checks (Prowler has no Secrets Manager
# replication check). Each Prowler check has its own semantics; see the README.
PROWLER_CHECKS = [
    "acm_certificates_expiration_check",
    "kms_cmk_rotation_enabled",
    "kms_cmk_not_multi_region",
    "wafv2_webacl_with_rules",
    "wafv2_webacl_logging_enabled",
]


class PeerError(Exception):
    pass


def venv_bin(name: str) -> Path:
    return VENVS / name / "bin"


def ensure(name: str, *, log: Any = print) -> dict[str, Any]:
    """The tool's virtualenv, created and installed if missing; its versions."""
    bindir = venv_bin(name)
    exes = [bindir / exe for exe in EXECUTABLES[name]]
    if not all(exe.exists() for exe in exes):
        log(f"installing {' '.join(PACKAGES[name])} into {VENVS / name} (first run only) ...")
        # A virtualenv made before c7n-org joined c7n's packages is completed, not remade.
        if (VENVS / name).exists() and not (bindir / "pip").exists():
            shutil.rmtree(VENVS / name)
        if not (VENVS / name).exists():
            base = getattr(sys, "_base_executable", sys.executable)
            subprocess.run([base, "-m", "venv", str(VENVS / name)], check=True)
        proc = subprocess.run(
            [str(bindir / "pip"), "install", "--quiet", "--disable-pip-version-check"]
            + PACKAGES[name],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0 or not all(exe.exists() for exe in exes):
            raise PeerError(f"pip install {name} failed: {proc.stderr.strip()[-2000:]}")
    code = (
        "import importlib.metadata as m, json, sys\n"
        f"print(json.dumps({{d: m.version(d) for d in {DISTRIBUTIONS[name]!r}}}))"
    )
    versions = json.loads(
        subprocess.run(
            [str(bindir / "python"), "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )
    return {"bin": str(bindir), "versions": versions}


# ---------------------------------------------------------------- Cloud Custodian


def run_c7n(endpoint: str, out: Path, *, timeout: float = 1800) -> tuple[Measured, dict[str, Any]]:
    """``custodian run`` of benchmarks/c7n/policies.yml in both Regions via ``endpoint``."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    cmd = [
        str(venv_bin("c7n") / "custodian"),
        "run",
        "--region",
        SOURCE,
        "--region",
        TARGET,
        "--cache-period",
        "0",
        "-s",
        str(out),
        str(C7N_POLICIES),
    ]
    env = scan_env(endpoint, C7N_OUTPUT_DIR=str(out))
    measured = run_measured(cmd, env=env, cwd=out, timeout=timeout)
    return measured, c7n_flagged(out)


def c7n_flagged(out: Path) -> dict[str, Any]:
    """policy name -> {"region": ..., "ids": [...]} from the resources.json files."""
    found: dict[str, Any] = {}
    for path in sorted(out.rglob("resources.json")):
        policy = path.parent.name
        region = path.parent.parent.name if path.parent.parent != out else None
        resources = json.loads(path.read_text("utf-8") or "[]")
        entry = found.setdefault(policy, {"regions": {}, "resources": []})
        entry["regions"][region or "?"] = len(resources)
        entry["resources"].extend(resources)
    return found


# ---------------------------------------------------------------- Prowler


def run_prowler(
    endpoint: str, out: Path, *, timeout: float = 1800
) -> tuple[Measured, dict[str, Any]]:
    """``prowler aws`` of PROWLER_CHECKS in both Regions via ``endpoint``."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    cmd = [
        str(venv_bin("prowler") / "prowler"),
        "aws",
        "--region",
        SOURCE,
        TARGET,
        "--checks",
        *PROWLER_CHECKS,
        "--output-formats",
        "json-ocsf",
        "--output-directory",
        str(out),
        "--output-filename",
        "prowler",
        "--no-banner",
    ]
    # Prowler's default config.yaml lists me-central-1 (and me-south-1) under
    # ``disallowed_regions`` and drops them from every scan with one INFO log line; the
    # source Region of the benchmark must be scanned, so only me-south-1 stays excluded.
    env = scan_env(endpoint, HOME=str(out), PROWLER_AWS_DISALLOWED_REGIONS="me-south-1")
    measured = run_measured(cmd, env=env, cwd=out, timeout=timeout)
    return measured, prowler_findings(out)


def prowler_findings(out: Path) -> dict[str, Any]:
    """check id -> {"FAIL": [resource uids], "PASS": n} from the OCSF JSON output."""
    found: dict[str, Any] = {}
    for path in sorted(out.rglob("*.ocsf.json")):
        try:
            items = json.loads(path.read_text("utf-8") or "[]")
        except json.JSONDecodeError:
            continue
        for item in items:
            check = (item.get("metadata") or {}).get("event_code") or "?"
            status = str(item.get("status_code") or "?").upper()
            uids = [r.get("uid") for r in item.get("resources") or []]
            entry = found.setdefault(check, {"FAIL": [], "PASS": 0, "other": 0})
            if status == "FAIL":
                entry["FAIL"].extend(u for u in uids if u)
            elif status == "PASS":
                entry["PASS"] += 1
            else:
                entry["other"] += 1
    return found


def prowler_error(measured: Measured) -> str:
    """The lines of Prowler's output that say why it failed."""
    lines = (measured.stderr + "\n" + measured.stdout).splitlines()
    keep = [
        line.strip()
        for line in lines
        if any(w in line for w in ("ERROR", "Error", "error", "CRITICAL", "Traceback"))
    ]
    return "\n".join(keep[-12:]) or "\n".join(lines[-12:])
