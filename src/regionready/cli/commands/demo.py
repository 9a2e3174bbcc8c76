"""``regionready demo``: the real scan against a simulated account (moto, in-process)."""

from __future__ import annotations

import argparse
from pathlib import Path

from regionready.cli.parser import add_fail_on_option

NAME = "demo"
HELP = "scan a simulated account (moto, in-process): no AWS account needed"

#: ``--topology`` choices (regionready.demo.topologies seeds and pairs each), and
#: what each shows; without it the demo scans its one pair, me-central-1 -> eu-central-1.
TOPOLOGIES: dict[str, str] = {
    "two-targets": "me-central-1 -> eu-central-1 and -> eu-west-1, a backup Region that "
    "holds a few things eu-central-1 lacks and little else",
    "active-active": "me-central-1 <-> eu-central-1, parity judged both ways",
    "consolidation": "me-central-1 and me-south-1 -> eu-central-1, with the same alias, "
    "secret, web ACL and domain in both sources: collisions",
}


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
        help="also plan and apply the fixes in the simulated target, then scan again "
        "(the one pair only: not with --topology)",
    )
    parser.add_argument(
        "--topology",
        choices=list(TOPOLOGIES),
        default=None,
        help="seed and scan several Region pairs instead of the one, each judged and "
        "shown on its own: " + "; ".join(f"{name} ({what})" for name, what in TOPOLOGIES.items()),
    )


def run(args: argparse.Namespace) -> int:
    # Imported here: regionready.demo.run imports boto3 (about 0.2 s and 10 MiB that no
    # other command without AWS should pay) and needs moto, the optional [demo] extra.
    # run_demo refuses --remediate with --topology (a usage error) before any work.
    from regionready.demo.run import run_demo

    return run_demo(
        out=args.out,
        fail_on=args.fail_on,
        remediate=args.remediate,
        topology_name=args.topology,
    )
