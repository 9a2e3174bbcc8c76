"""``regionready scan``: collect, then evaluate: the CI gate in one command."""

from __future__ import annotations

import argparse
from pathlib import Path

from regionready import accountstore
from regionready.cli import options, output
from regionready.cli.commands.collect import collect_snapshot
from regionready.cli.parser import add_collect_options, add_evaluate_options

NAME = "scan"
HELP = "collect, then evaluate (the CI gate)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_collect_options(parser)
    add_evaluate_options(parser)
    parser.add_argument(
        "--snapshot-dir",
        type=Path,
        default=None,
        help="where to keep the snapshot (default: OUT/snapshot)",
    )


def run(args: argparse.Namespace) -> int:
    options.check_regions(args)
    rules = options.selected_rules(args)
    options.check_formats(args.format)
    snapshot_dir = args.snapshot_dir or (args.out or Path(".")) / "snapshot"
    # --only: read only what those checks need (the rest is recorded as not read).
    collect_snapshot(args, snapshot_dir, only=rules if args.only else None)
    return output.judge(args, accountstore.open_scan(snapshot_dir), rules, options.clock(args))
