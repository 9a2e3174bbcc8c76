"""IAC-003: checkov, run as an external program, on the resources a migration copies.

checkov is never imported: it pins boto3 and other libraries and lives in its own
environment (``pipx install checkov``, or a separate virtualenv). It is found, in order,
at the path given (``--checkov`` / ``options["checkov"]``), at ``$REGIONREADY_CHECKOV``,
then on ``PATH``. When nobody named one and none is on ``PATH``, IAC-003 is not run: the
scan records why (``NOT_INSTALLED_NOTE``), its rule reads NOT_APPLICABLE with that text and
the output says so once; never ERROR, never a pass. The command line refuses (exit 2) a
checkov the user named that does not run (``named_problem``). A checkov that was found
but fails on the scan records an error for IAC-003 (its rule then reads ERROR).

It runs offline: ``--skip-download`` and no API key (``BC_API_KEY`` and
``PRISMA_API_URL`` are removed from its environment), ``BC_SKIP_MAPPING=TRUE`` (no
policy metadata download), ``CKV_SKIP_PACKAGE_UPDATE_CHECK=TRUE`` (no PyPI version
check), ``CHECKOV_RUN_SCA_PACKAGE_SCAN_V2=false``, ``DOWNLOAD_EXTERNAL_MODULES=false``
(no Terraform registry), ``CKV_GITHUB_CONFIG_FETCH_DATA`` / ``CKV_GITLAB_CONFIG_FETCH_DATA``
false, and only the ``cloudformation`` and ``terraform`` frameworks.

``checkov -d DIR --quiet --compact -o json`` runs once per scanned directory (Terraform
needs its module's other files), once with ``-f`` for scanned single files. Failures on
resource types the migration touches are kept: CloudFormation ``AWS::KMS::*``,
``AWS::CertificateManager::*``, ``AWS::ACMPCA::*``, ``AWS::WAFv2::*`` (and WAF Classic),
``AWS::SecretsManager::*``, ``AWS::Cognito::*``, ``AWS::IAM::*``; Terraform ``aws_kms_*``,
``aws_acm_*``, ``aws_acmpca_*``, ``aws_wafv2_*`` (and ``aws_waf_*``, ``aws_wafregional_*``),
``aws_secretsmanager_*``, ``aws_cognito_*``, ``aws_iam_*``. The location is the first
line of the resource (``file_line_range``) at its first non-blank column.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from regionready.iac.model import IAC_003, ScanError

ENV_VAR = "REGIONREADY_CHECKOV"
INSTALL_HINT = (
    "install checkov in its own environment (pipx install checkov, or python3 -m venv "
    "/opt/checkov && /opt/checkov/bin/pip install checkov) and pass --checkov PATH or set "
    f"{ENV_VAR}; never into regionready's environment (it pins boto3 down)"
)
DEFAULT_TIMEOUT = 900
FRAMEWORKS = ("cloudformation", "terraform")
OFFLINE_ENV = {
    "BC_SKIP_MAPPING": "TRUE",
    "CKV_SKIP_PACKAGE_UPDATE_CHECK": "TRUE",
    "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
    "DOWNLOAD_EXTERNAL_MODULES": "false",
    "CKV_GITHUB_CONFIG_FETCH_DATA": "false",
    "CKV_GITLAB_CONFIG_FETCH_DATA": "false",
    "LOG_LEVEL": "ERROR",
}
DROPPED_ENV = ("BC_API_KEY", "PRISMA_API_URL", "BC_API_URL", "BC_ROOT_DIR")
_TOUCHED = re.compile(
    r"^AWS::(KMS|CertificateManager|ACMPCA|WAFv2|WAF|WAFRegional|SecretsManager|Cognito|IAM)::"
    r"|(^|\.)aws_(kms|acm|acmpca|wafv2|waf|wafregional|secretsmanager|cognito|iam)_"
)


@dataclass(frozen=True)
class Failure:
    """One failed checkov check on a resource the migration touches."""

    file: Path
    line: int
    check_id: str
    check_name: str
    resource: str
    severity: str | None


@dataclass
class Run:
    failures: list[Failure] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)


def touched(resource: str) -> bool:
    """True for a checkov resource string (``AWS::KMS::Key.Key``, ``aws_kms_key.k``) of a
    type the migration copies."""
    return bool(_TOUCHED.search(resource))


#: ``locate``'s error code when nobody named checkov and none is on PATH: IAC-003 is then
#: not run (said once, with how to enable it), never ERROR and never a pass.
NOT_INSTALLED = "NotInstalled"
NOT_INSTALLED_NOTE = (
    "checkov is not installed: IAC-003 was not run. To run it, install checkov in its own "
    f"environment (pipx install checkov) and put it on PATH, pass --checkov PATH or set {ENV_VAR}"
)


def _error(code: str, message: str) -> ScanError:
    return ScanError(IAC_003, "checkov", code, message[:300], INSTALL_HINT)


def locate(option: str | None) -> str | ScanError:
    """The checkov executable to run, or the error that says why there is none."""
    for given, origin in ((option, "--checkov"), (os.environ.get(ENV_VAR), ENV_VAR)):
        if not given:
            continue
        path = Path(given).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        found = shutil.which(given)
        if found:
            return found
        return _error("NotFound", f"checkov not found at {given} ({origin})")
    found = shutil.which("checkov")
    if found:
        return found
    return _error(NOT_INSTALLED, "checkov is not installed (not on PATH)")


#: Seconds ``checkov --version`` may take (it imports its whole rule set, a few seconds).
VERSION_TIMEOUT = 120


def named_problem(option: str | None) -> str | None:
    """Why the checkov the user named (``--checkov`` or ``$REGIONREADY_CHECKOV``) cannot
    be used, or None (also when nobody named one: then it is optional)."""
    if not option and not os.environ.get(ENV_VAR):
        return None
    origin = "--checkov" if option else ENV_VAR
    found = locate(option)
    if isinstance(found, ScanError):
        return f"{found.message}; {INSTALL_HINT}"
    try:
        done = subprocess.run(
            [found, "--version"],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            env=environment(),
            timeout=VERSION_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return f"{origin} {found}: '--version' did not answer within {VERSION_TIMEOUT} s"
    except OSError as exc:
        return f"{origin} {found} cannot be run: {exc.strerror or exc}"
    if done.returncode != 0:
        tail = "".join((done.stderr or done.stdout).strip().splitlines()[-1:])
        said = f": {tail[:200]}" if tail else ""
        return f"{origin} {found} does not work: '--version' exited {done.returncode}{said}"
    return None


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env.update(OFFLINE_ENV)
    return env


def command(executable: str, target: list[str]) -> list[str]:
    return [
        executable,
        *target,
        "--quiet",
        "--compact",
        "-o",
        "json",
        "--framework",
        *FRAMEWORKS,
        "--skip-download",
    ]


def parse(stdout: str) -> list[dict[str, Any]]:
    """checkov's JSON report: a list (several frameworks), one report, or a bare summary
    (nothing to scan). Raises ValueError when it is not JSON."""
    data = json.loads(stdout) if stdout.strip() else {}
    reports = data if isinstance(data, list) else [data]
    return [r for r in reports if isinstance(r, dict) and "results" in r]


def failures(reports: list[dict[str, Any]]) -> list[Failure]:
    found = []
    for report in reports:
        for check in report.get("results", {}).get("failed_checks", []) or []:
            resource = str(check.get("resource") or "")
            if not touched(resource):
                continue
            lines = check.get("file_line_range") or [1, 1]
            path = check.get("file_abs_path") or check.get("file_path") or ""
            found.append(
                Failure(
                    file=Path(str(path)),
                    line=max(1, int(lines[0] or 1)),
                    check_id=str(check.get("check_id") or "CKV_UNKNOWN"),
                    check_name=str(check.get("check_name") or ""),
                    resource=resource,
                    severity=str(check["severity"]).upper() if check.get("severity") else None,
                )
            )
    return found


TIMEOUT_ACTION = (
    "raise the limit with --checkov-timeout SECONDS (regionready iac) or the collector "
    "option checkov_timeout, or scan fewer paths at a time; --no-checkov skips IAC-003"
)


def _kill_group(process: subprocess.Popen[str]) -> None:
    """SIGKILL checkov's whole process group (its workers too), then reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):  # a pipe held open elsewhere
        process.communicate(timeout=10)


def run(executable: str, target: list[str], timeout: int = DEFAULT_TIMEOUT) -> Run:
    """Run checkov once on ``target`` (``["-d", DIR]`` or ``["-f", FILE, ...]``).

    checkov runs in its own session (a new process group): on timeout the whole group
    is killed, the worker processes checkov forks included, never just the direct child.
    """
    result = Run()
    try:
        process = subprocess.Popen(
            command(executable, target),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=environment(),
            start_new_session=True,
        )
    except OSError as exc:
        result.errors.append(_error("CannotRun", f"cannot run checkov ({executable}): {exc}"))
        return result
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        result.errors.append(
            ScanError(
                IAC_003,
                "checkov",
                "Timeout",
                f"checkov timed out: it did not finish within {timeout} s and was stopped "
                "(with its worker processes); IAC-003 was not checked",
                TIMEOUT_ACTION,
            )
        )
        return result
    except BaseException:
        _kill_group(process)
        raise
    done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    if done.returncode not in (0, 1):
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [""]
        result.errors.append(_error("Failed", f"checkov exited with {done.returncode}: {tail[0]}"))
        return result
    try:
        result.failures = failures(parse(done.stdout))
    except (ValueError, TypeError, KeyError) as exc:
        result.errors.append(_error("BadOutput", f"checkov's JSON could not be read: {exc}"))
    return result
