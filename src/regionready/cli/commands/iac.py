"""``regionready iac PATH... --source R --target R``: the IaC checks alone, no AWS at all.

Runs only the ``iac`` collector (in-process, no credentials, no AWS call), evaluates only
the rules over ``iac.*`` (IAC-001..004, STS-002) and reports like ``evaluate``: the same
``--format``/``--out``/``--fail-on``/``--allow-incomplete`` options and exit codes (0 ready,
1 findings at or above --fail-on, 2 usage error, 3 incomplete, e.g. checkov missing).
``scan --iac PATH`` runs the same collector beside the AWS ones
(:func:`collect_options`, :func:`check_checkov`).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any, cast

from regionready import registry
from regionready.cli import options, output
from regionready.cli.parser import add_evaluate_options, add_region_options
from regionready.errors import UsageError
from regionready.iac import checkov
from regionready.snapshot import LOCAL, Scan, iso, region_document

NAME = "iac"
HELP = "check templates, policies, config and code on disk for the target Region (no AWS)"
ACCOUNT = "local"
SERVICE = "iac"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    add_region_options(parser, one_pair=True)
    parser.add_argument(
        "--checkov",
        default=None,
        metavar="PATH",
        help=f"checkov executable for IAC-003 (default: ${checkov.ENV_VAR}, then PATH)",
    )
    parser.add_argument(
        "--no-checkov",
        action="store_true",
        help="do not run checkov: IAC-003 is reported not applicable instead of checked",
    )
    parser.add_argument(
        "--checkov-timeout",
        type=options.positive_int,
        default=checkov.DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=(
            "stop checkov (and its worker processes) after SECONDS per scanned folder; "
            f"IAC-003 is then ERROR (default {checkov.DEFAULT_TIMEOUT})"
        ),
    )
    parser.add_argument(
        "--base",
        type=Path,
        default=None,
        metavar="DIR",
        help="repository root report paths are relative to (default: current directory)",
    )
    add_evaluate_options(parser)


def run(args: argparse.Namespace) -> int:
    options.check_regions(args)
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or directory: {', '.join(missing)}")
    check_checkov(args)
    rules = [r for r in options.selected_rules(args) if r.collector == SERVICE]
    options.check_formats(args.format)
    scan = local_scan(args, dt.datetime.now(dt.UTC))
    return output.judge(args, scan, rules, options.clock(args))


def check_checkov(args: argparse.Namespace) -> None:
    """A checkov the user named that does not run is a usage error (exit 2), not ERROR."""
    if getattr(args, "no_checkov", False):
        return
    problem = checkov.named_problem(args.checkov)
    if problem is not None:
        raise UsageError(problem.rstrip())


def collect_options(args: argparse.Namespace, paths: list[Path] | None = None) -> dict[str, Any]:
    """The ``iac`` collector's options (collectors/iac.py) for ``paths``: by default the
    ``iac`` command's PATHs; ``scan --iac`` passes its own."""
    return {
        "code_paths": [str(p) for p in (args.paths if paths is None else paths)],
        "code_base": str(getattr(args, "base", None) or Path.cwd()),
        "source_region": _one_pair(args)[0],
        "target_region": _one_pair(args)[1],
        "checkov": args.checkov,
        "skip_checkov": getattr(args, "no_checkov", False),
        "checkov_timeout": args.checkov_timeout,
    }


def _one_pair(args: argparse.Namespace) -> tuple[str, str]:
    """The pair code is checked for: ``iac``'s ``--source``/``--target``, or the one pair
    of ``scan --iac`` (which refuses several)."""
    pairs = getattr(args, "region_pairs", None)
    if pairs:
        return pairs[0].source, pairs[0].target
    return str(args.source), str(args.target)


class _NoAws:
    """The account of an IaC-only run: any AWS client request is a bug."""

    def client(self, service: str, region: str) -> Any:
        raise RuntimeError(f"regionready iac makes no AWS calls (asked for {service})")


def local_scan(args: argparse.Namespace, started: dt.datetime) -> Scan:
    """Collect the ``iac`` service into an in-memory Scan (manifest + local document)."""
    # Imported here: regionready.collect.driver imports boto3 (about 0.2 s and 10 MiB), which this
    # command never calls and the commands without AWS should not pay for.
    from regionready.collect.driver import Task, run_task
    from regionready.collect.sessions import AccountSession

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
