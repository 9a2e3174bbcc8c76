"""``regionready evaluate SNAPSHOT``: judge a snapshot folder with the rules, offline."""

from __future__ import annotations

import argparse
from pathlib import Path

from regionready import accountstore, runner
from regionready.cli import options, output
from regionready.cli.parser import add_evaluate_options

NAME = "evaluate"
HELP = "judge a snapshot directory with the rules (offline)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("snapshot", type=Path, help="snapshot directory written by 'collect'")
    add_evaluate_options(parser)


def run(args: argparse.Namespace) -> int:
    rules = options.selected_rules(args)
    options.check_formats(args.format)
    # The snapshot is released as soon as the report exists: the reporters reuse its memory.
    report = runner.build_report(accountstore.open_scan(args.snapshot), rules, options.clock(args))
    return output.emit(args, report)
