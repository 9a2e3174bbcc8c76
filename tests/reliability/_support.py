"""Shared helpers of the reliability tests: run the CLI in-process, write snapshots by
hand (hostile ones too), and check that every report a run wrote is still valid.

``run`` calls ``regionready.cli.main`` with stdout and stderr as strict UTF-8 byte
streams (what a pipe in CI is), so text that a terminal or a log could not take (a lone
surrogate, say) is caught as the crash it would be. An exception escaping ``main`` is
returned as ``Run.crash`` (with its traceback) instead of being raised, so properties
can assert "never a traceback" and say what the traceback was.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import xmlschema
from hypothesis import HealthCheck, Phase, settings

from regionready.cli import main
from regionready.engine.fixtures import region_document
from regionready.snapshot import schema
from regionready.snapshot_manifest import manifest_document

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "tests" / "schemas"
ACCOUNT = "111111111111"
SOURCE = "me-central-1"
TARGET = "eu-central-1"
NOW = "2026-11-23T00:00:00Z"
ALL_FORMATS = "table,json,sarif,junit,markdown"
REPORT_FORMATS = "json,sarif,junit,markdown"  # every report that is written to a file
#: The discard port on this host: nothing listens, so a call that should never be made
#: fails at once instead of reaching AWS.
CLOSED_PORT = "http://127.0.0.1:9"


@dataclass
class Run:
    code: int | None
    out: str
    err: str
    crash: str | None = None

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]

    def describe(self) -> str:
        return f"exit {self.code}\nstdout: {self.out[-2000:]}\nstderr: {self.err[-2000:]}\n" + (
            f"TRACEBACK:\n{self.crash}" if self.crash else ""
        )


def _stream() -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", newline="")


def _text(stream: io.TextIOWrapper) -> str:
    with contextlib.suppress(UnicodeEncodeError):  # already reported as the crash
        stream.flush()
    buffer = stream.buffer
    assert isinstance(buffer, io.BytesIO)
    return buffer.getvalue().decode("utf-8", "replace")


def run(*argv: str | Path) -> Run:
    """``regionready ARGV`` in-process; never raises (a crash is in ``Run.crash``)."""
    out, err = _stream(), _stream()
    code: int | None = None
    crash = None
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([str(a) for a in argv])
            out.flush()
            err.flush()
    except SystemExit as exc:  # argparse: bad flags exit 2 with usage, not a traceback
        code = exc.code if isinstance(exc.code, int) else 2
    except BaseException:
        crash = traceback.format_exc()
    return Run(code, _text(out), _text(err), crash)


def _limit_memory(limit: int) -> None:  # pragma: no cover - runs in the child
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run_bounded(*argv: str | Path, timeout: float = 30, memory: int = 2 << 30) -> Run:
    """``regionready ARGV`` as a child process with a time and memory limit, for inputs
    that could make a broken build hang or exhaust memory: the test then fails (the
    child is killed) instead of taking CI down with it."""
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_ENDPOINT_URL", "AWS_PROFILE")}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "regionready", *map(str, argv)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            preexec_fn=lambda: _limit_memory(memory),
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        return Run(None, str(exc.stdout or ""), str(exc.stderr or ""),
                   f"still running after {timeout} s: killed")  # fmt: skip
    crash = done.stderr if "Traceback (most recent call last)" in done.stderr else None
    if done.returncode < 0 or "MemoryError" in done.stderr:
        crash = f"killed by signal {-done.returncode} or out of memory\n{done.stderr[-2000:]}"
    return Run(done.returncode, done.stdout, done.stderr, crash)


def assert_clean_usage_error(result: Run, path: Path | str) -> None:
    """Exit 2, exactly one line on stderr, and that line names the file."""
    assert result.crash is None, result.describe()
    assert result.code == 2, result.describe()
    assert len(result.err_lines) == 1, result.describe()
    line = result.err_lines[0]
    assert line.startswith("regionready: error: "), result.describe()
    assert str(path) in line or Path(path).name in line, result.describe()
    assert "Traceback" not in result.err


# -- command lines and settings -----------------------------------------------------------


def collect_argv(
    out: Path, *extra: str | Path, command: str = "collect", endpoint: str = CLOSED_PORT
) -> list[str | Path]:
    """``regionready collect`` (or ``scan``) of KMS from SOURCE to TARGET into ``out``,
    quiet, against ``endpoint``; ``extra`` is appended (``--accounts FILE``, say)."""
    return [
        command,
        "--source",
        SOURCE,
        "--target",
        TARGET,
        "--services",
        "kms",
        "--quiet",
        "--endpoint-url",
        endpoint,
        "--out",
        out,
        *extra,
    ]


def evaluate_argv(
    snapshot: Path,
    *extra: str | Path,
    rules: Path | None = None,
    only: str | None = None,
    formats: str | None = None,
    out: Path | None = None,
) -> list[str | Path]:
    """``regionready evaluate SNAPSHOT --now NOW`` (a fixed clock), with ``--rules``,
    ``--only``, ``--format`` and ``--out`` where given; ``extra`` is appended."""
    argv: list[str | Path] = ["evaluate", snapshot]
    if rules is not None:
        argv += ["--rules", rules]
    argv += ["--now", NOW]
    if only is not None:
        argv += ["--only", only]
    if formats is not None:
        argv += ["--format", formats]
    if out is not None:
        argv += ["--out", out]
    return [*argv, *extra]


@contextmanager
def workspace() -> Iterator[Path]:
    """A fresh temporary directory per hypothesis example (``tmp_path`` is one per test)."""
    with tempfile.TemporaryDirectory() as tmp:
        yield Path(tmp)


def cli_settings(max_examples: int) -> settings:
    """Hypothesis settings for a property that runs the CLI once per example: a bounded
    number of examples, no deadline, and no shrinking (every shrink step is another CLI
    run, hundreds of them; a failure's own example is clear enough)."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        phases=(Phase.explicit, Phase.reuse, Phase.generate),
    )


def rule_head(description: str) -> str:
    """The YAML of an ACM readiness rule XX-001 up to its conditions (``fail_when:`` and
    the rest are for the test to append)."""
    return f"""\
id: XX-001
title: test rule
description: {description}
service: acm
kind: readiness
severity: high
resource: acm.certificate
message: "{{DomainName}} is bad"
remediation: {{text: fix it}}
references: [x]
"""


# -- snapshots ----------------------------------------------------------------------------


def manifest(services: list[str], **extra: Any) -> dict[str, Any]:
    doc = manifest_document(
        source_region=SOURCE,
        target_region=TARGET,
        accounts=[ACCOUNT],
        tool_version="test",
        rules_version="test",
        started_at="2026-11-23T00:00:00Z",
        finished_at="2026-11-23T00:01:00Z",
        services=services,
        api_calls={},
    )
    doc.update(extra)
    return doc


def write_json(path: Path, data: Any) -> Path:
    """ASCII JSON (``\\u`` escapes): lone surrogates and control characters survive."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=True, indent=1), "ascii")
    return path


def write_snapshot(
    root: Path,
    source: dict[str, Any],
    target: dict[str, Any],
    errors: dict[str, Any] | None = None,
) -> Path:
    """A snapshot directory with the given ``{service: {type: [items]}}`` per Region."""
    errors = errors or {}
    documents = {
        SOURCE: region_document(SOURCE, source, errors.get("source", {})),
        TARGET: region_document(TARGET, target, errors.get("target", {})),
    }
    services = sorted({name for doc in documents.values() for name in doc["services"]})
    for region, doc in documents.items():
        write_json(root / ACCOUNT / f"{region}.json", doc)
    write_json(root / "manifest.json", manifest(services))
    return seal(root)


def seal(root: Path) -> Path:
    """List the snapshot's account files in its manifest as they are now (path, size,
    SHA-256), so a test that edits an account file by hand tests what reads it, not the
    manifest check. The manifest is left as it is if it is not a JSON object."""
    try:
        doc = json.loads((root / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return root
    if not isinstance(doc, dict):
        return root
    names = [f"{ACCOUNT}/{SOURCE}.json", f"{ACCOUNT}/{TARGET}.json", "local.json"]
    doc["files"] = [
        {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        for name in names
        if (root / name).is_file()
        for data in [(root / name).read_bytes()]
    ]
    write_json(root / "manifest.json", doc)
    return root


def acm_snapshot(root: Path) -> Path:
    """A small ACM snapshot where ACM-001 and ACM-003 fail."""
    return write_snapshot(
        root,
        {
            "acm": {
                "certificate": [
                    {
                        "CertificateArn": f"arn:aws:acm:{SOURCE}:{ACCOUNT}:certificate/api",
                        "DomainName": "api.example.com",
                        "SubjectAlternativeNames": ["api.example.com"],
                        "KeyAlgorithm": "EC_prime256v1",
                        "Type": "AMAZON_ISSUED",
                        "Status": "ISSUED",
                    }
                ],
                "private_ca": [],
            }
        },
        {
            "acm": {
                "certificate": [
                    {
                        "CertificateArn": f"arn:aws:acm:{TARGET}:{ACCOUNT}:certificate/shop",
                        "DomainName": "shop.example.com",
                        "SubjectAlternativeNames": ["shop.example.com"],
                        "KeyAlgorithm": "RSA_2048",
                        "Type": "IMPORTED",
                        "Status": "ISSUED",
                        "NotAfter": "2026-12-20T00:00:00Z",
                    }
                ],
                "private_ca": [],
            }
        },
    )


# -- report validity ----------------------------------------------------------------------


@cache
def _sarif_validator() -> Any:
    data = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text("utf-8"))
    cls = jsonschema.validators.validator_for(data)
    return cls(data)


@cache
def _junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "junit-ant.xsd"))


@cache
def _report_validator() -> Any:
    return jsonschema.Draft202012Validator(schema("report.schema.json"))


_HEADINGS = re.compile(
    r"^(## (✅ READY for cutover|❌ NOT READY for cutover: .*)"
    r"|### Readiness by service|### Root causes first|### Findings( \(\d+\))?"
    r"|#### \S+ (Critical|High|Medium|Low|Note) \(\d+\)"
    r"|### ⚠️ Not evaluated \(\d+\)|### Suppressed \(\d+\))$"
)
_MERMAID_INIT = (
    '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#cf222e, #2da44e"}}}}%%'
)
_TABLE_PIPES = 9  # | Service | Checks | Pass | Fail | Error | Suppressed | N/A | Score |


def check_markdown(text: str) -> None:
    """Structure only from the reporter: every heading, table row and list item is one
    the reporter writes; untrusted text cannot open HTML, code or new lines."""
    lines = text.split("\n")
    in_mermaid = False
    fences = 0
    for number, line in enumerate(lines, 1):
        where = f"markdown line {number}: {line[:200]!r}"
        if line.startswith("```"):
            fences += 1
            in_mermaid = line == "```mermaid"
            continue
        if in_mermaid:
            if line.startswith("%%{init: "):  # the reporter's fixed chart colours
                assert line == _MERMAID_INIT, where
                continue
            assert re.fullmatch(r'[A-Za-z0-9 ."\[\],>_/()-]*', line), where
            continue
        assert "<" not in line.replace("<br>", ""), where
        assert "<script" not in line.lower(), where
        assert "`" not in line, where
        if line.startswith("#"):
            assert _HEADINGS.match(line), where
        elif line.startswith("|"):
            assert line.count("|") == _TABLE_PIPES, where
            assert line.endswith("|"), where
        elif line.startswith("- "):
            assert line.startswith("- **"), where
        else:
            assert (
                line == ""
                or line.startswith("**")
                or line.startswith("Findings by severity: ")
                or line.startswith("Accounts: ")
                or line.startswith("These checks could not run")
                or line.startswith("_… ")
                or line == "No findings."
            ), where
    assert fences in (0, 4), "only the two mermaid charts are fenced"
    for bad in ("\r", "\x00", "\x1b", "\u202e", "\u2028"):
        assert bad not in text, f"{bad!r} in markdown"


def check_reports(
    out: Path, formats: tuple[str, ...] = ("json", "sarif", "junit", "markdown")
) -> dict[str, Any]:
    """Every report in ``out`` parses and validates; returns them by format."""
    found: dict[str, Any] = {}
    if "json" in formats:
        data = json.loads((out / "regionready.json").read_bytes().decode("utf-8"))
        errors = [e.message for e in _report_validator().iter_errors(data)]
        assert not errors, errors[:3]
        found["json"] = data
    if "sarif" in formats:
        data = json.loads((out / "regionready.sarif").read_bytes().decode("utf-8"))
        errors = [e.message for e in _sarif_validator().iter_errors(data)]
        assert not errors, errors[:3]
        found["sarif"] = data
    if "junit" in formats:
        path = out / "regionready.xml"
        _junit_schema().validate(str(path))
        found["junit"] = path.read_text("utf-8")
    if "markdown" in formats:
        text = (out / "regionready.md").read_bytes().decode("utf-8")
        check_markdown(text)
        found["markdown"] = text
    return found
