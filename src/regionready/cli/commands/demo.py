"""``regionready demo``: the real scan against a simulated account (moto, in-process)."""

from __future__ import annotations

import argparse
from pathlib import Path

from regionready.cli.parser import add_fail_on_option

NAME = "demo"
HELP = "scan a simulated account (moto, in-process): no AWS account needed"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=Path, default=Path("regionready-demo"), help="output directory"
    )
    add_fail_on_option(
        parser,
        help_text="lowest severity the verdict counts as failing (default: high); the demo exits 0",
    )
    parser.add_argument(
        "--remediate",
        action="store_true",
        help="also plan and apply the fixes in the simulated target, then scan again",
    )


def run(args: argparse.Namespace) -> int:
    # Imported here: regionready.demo.run imports boto3 (about 0.2 s and 10 MiB that no
    # other command without AWS should pay) and needs moto, the optional [demo] extra.
    from regionready.demo.run import run_demo

    return run_demo(out=args.out, fail_on=args.fail_on, remediate=args.remediate)
