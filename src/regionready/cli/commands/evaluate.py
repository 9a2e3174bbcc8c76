"""``regionready evaluate SNAPSHOT``: judge a snapshot folder with the rules, offline."""

from __future__ import annotations

import argparse
from pathlib import Path

from regionready import accountstore
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
    return output.judge(args, accountstore.open_scan(args.snapshot), rules, options.clock(args))
