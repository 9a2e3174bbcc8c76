"""``regionready iac PATH... --source R --target R``: the IaC checks alone, no AWS at all.

Runs only the ``iac`` collector (in-process, no credentials, no AWS call), evaluates only
the rules over ``iac.*`` (IAC-001..004, STS-002) and reports like ``evaluate``: the same
``--format``/``--out``/``--fail-on``/``--allow-incomplete`` options and exit codes (0 ready,
1 findings at or above --fail-on, 2 usage error, 3 incomplete, e.g. checkov missing).

Wiring (in ``regionready.cli.build_parser``)::

    from regionready.iac import cli as iac_cli
    p = add("iac", iac_cli.run, iac_cli.HELP)
    iac_cli.add_arguments(p)
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any, cast

from regionready.iac import checkov
from regionready.iac.checkov import DEFAULT_TIMEOUT, ENV_VAR

HELP = "check templates, policies, config and code on disk for the target Region (no AWS)"
ACCOUNT = "local"
SERVICE = "iac"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from regionready import cli

    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    parser.add_argument("--source", required=True, metavar="REGION", help="source Region")
    parser.add_argument("--target", required=True, metavar="REGION", help="target Region")
    cli.add_region_options(parser)
    parser.add_argument(
        "--checkov",
        default=None,
        metavar="PATH",
        help=f"checkov executable for IAC-003 (default: ${ENV_VAR}, then PATH)",
    )
    parser.add_argument(
        "--no-checkov",
        action="store_true",
        help="do not run checkov: IAC-003 is reported not applicable instead of checked",
    )
    parser.add_argument(
        "--checkov-timeout",
        type=cli._positive_int,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=(
            "stop checkov (and its worker processes) after SECONDS per scanned folder; "
            f"IAC-003 is then ERROR (default {DEFAULT_TIMEOUT})"
        ),
    )
    parser.add_argument(
        "--base",
        type=Path,
        default=None,
        metavar="DIR",
        help="repository root report paths are relative to (default: current directory)",
    )
    cli._add_evaluate_options(parser)


class _NoAws:
    """The account of an IaC-only run: any AWS client request is a bug."""

    def client(self, service: str, region: str) -> Any:
        raise RuntimeError(f"regionready iac makes no AWS calls (asked for {service})")

    def forget_models(self) -> None:
        """No client, so no cached service model to drop."""


def check_checkov(args: argparse.Namespace) -> None:
    """A checkov the user named that does not run is a usage error (exit 2), not ERROR."""
    from regionready import cli

    if getattr(args, "no_checkov", False):
        return
    problem = checkov.named_problem(args.checkov)
    if problem is not None:
        raise cli.UsageError(problem.rstrip())


def collect_options(args: argparse.Namespace) -> dict[str, Any]:
    """The collector options of an IaC scan (also what ``scan --iac`` passes)."""
    return {
        "code_paths": [str(p) for p in args.paths],
        "code_base": str(args.base or Path.cwd()),
        "source_region": args.source,
        "target_region": args.target,
        "checkov": args.checkov,
        "skip_checkov": args.no_checkov,
        "checkov_timeout": args.checkov_timeout,
    }


def local_scan(args: argparse.Namespace, started: dt.datetime) -> Any:
    """Collect the ``iac`` service into an in-memory Scan (manifest + local document)."""
    from regionready import registry
    from regionready.collect import AccountSession, Task, run_task
    from regionready.snapshot import LOCAL, Scan, iso, region_document

    module = registry.collector(SERVICE)
    data = run_task(
        cast(AccountSession, _NoAws()), Task(SERVICE, LOCAL, module), collect_options(args)
    )
    finished = dt.datetime.now(dt.UTC)
    manifest = {
        "source_region": args.source,
        "target_region": args.target,
        "accounts": [ACCOUNT],
        "services": [SERVICE],
        "started_at": iso(started),
        "finished_at": iso(finished),
    }
    local = region_document(LOCAL, LOCAL, {SERVICE: data}, iso(finished))
    return Scan(root=Path("."), manifest=manifest, documents={}, local=local)


def run(args: argparse.Namespace) -> int:
    from regionready import cli
    from regionready.runner import build_report

    cli._check_regions(args)
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise cli.UsageError(f"no such file or directory: {', '.join(missing)}")
    check_checkov(args)
    rules = [r for r in cli._load_rules(args) if r.collector == SERVICE]
    cli._check_formats(args.format)
    scan = local_scan(args, dt.datetime.now(dt.UTC))
    report = build_report(scan, rules, cli._clock(args))
    return cli._emit(args, report)
