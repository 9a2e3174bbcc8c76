"""The argument parser: the top level, the command contract, and the option groups that
more than one command shares (so a flag means, and says, the same everywhere).

A command is a module of :mod:`regionready.cli.commands` with ``NAME`` and ``HELP`` (one
line: the command list, and the description of its ``--help``), ``add_arguments(parser)``
and ``run(args) -> exit code`` (:class:`Command`). Every option has a help text: the
command line teaches (tests/cli/test_help.py).
"""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from regionready import __version__, registry
from regionready.cli import options
from regionready.errors import EXIT_CODES
from regionready.gate import FAIL_ON_CHOICES
from regionready.iac import checkov

PROG = "regionready"
DESCRIPTION = (
    "Is the target AWS Region ready for your security services? regionready snapshots a "
    "source and a target Region, checks readiness, parity and quotas with YAML rules, and "
    "reports in formats CI reads."
)
EXAMPLES = """\
examples:
  regionready demo                                   # no AWS account needed
  regionready scan --source me-central-1 --target eu-central-1 --out scan/
  regionready scan --source me-central-1 --target eu-central-1,eu-west-1  # two targets
  regionready scan --source me-central-1 --target eu-central-1 --active-active
  regionready scan --source me-central-1,me-south-1 --target eu-central-1  # fold two
  regionready collect --source me-central-1 --target eu-central-1 --out scan/
  regionready evaluate scan/ --cutover-date 2026-12-01 --format json --out reports/
  regionready iam-policy --services acm,kms > regionready-readonly.json
"""
#: Help texts keep their line breaks (the epilog's table, the examples).
FORMATTER = argparse.RawDescriptionHelpFormatter


class Command(Protocol):
    """What a module of :mod:`regionready.cli.commands` provides."""

    NAME: str
    HELP: str

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


def epilog() -> str:
    """The exit codes (:data:`regionready.errors.EXIT_CODES`) and the examples."""
    width = max(len(str(code)) for code, _ in EXIT_CODES)
    lines = ["exit codes:"]
    for code, meaning in EXIT_CODES:
        lead = f"  {code:>{width}}  "
        wrapped = textwrap.wrap(meaning, width=88 - len(lead), break_on_hyphens=False)
        lines.append(lead + wrapped[0])
        lines += [" " * len(lead) + more for more in wrapped[1:]]
    return "\n".join(lines) + "\n\n" + EXAMPLES


def build_parser(commands: Iterable[Command]) -> argparse.ArgumentParser:
    """The ``regionready`` parser with ``commands`` as its subcommands, in that order."""
    parser = argparse.ArgumentParser(
        prog=PROG, description=DESCRIPTION, epilog=epilog(), formatter_class=FORMATTER
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in commands:
        p = sub.add_parser(
            command.NAME, help=command.HELP, description=command.HELP, formatter_class=FORMATTER
        )
        p.set_defaults(func=command.run)
        command.add_arguments(p)
    return parser


# -- option groups shared by commands ----------------------------------------------------


def add_region_options(parser: argparse.ArgumentParser, *, one_pair: bool = False) -> None:
    """``--source``, ``--target`` (comma lists), ``--pairs``, ``--active-active`` and
    ``--allow-unknown-region``: what :func:`regionready.cli.options.check_regions` turns
    into ``args.region_pairs``. ``one_pair``: a command that judges one pair only."""
    if one_pair:
        parser.add_argument(
            "--source", required=True, metavar="REGION", help="source AWS Region, e.g. me-central-1"
        )
        parser.add_argument(
            "--target", required=True, metavar="REGION", help="target AWS Region, e.g. eu-central-1"
        )
    else:
        parser.add_argument(
            "--source",
            type=options.csv_list,
            default=[],
            metavar="REGION[,REGION]",
            help="source AWS Region, e.g. me-central-1; several with one --target: "
            "consolidation (both fold into the target)",
        )
        parser.add_argument(
            "--target",
            type=options.csv_list,
            default=[],
            metavar="REGION[,REGION]",
            help="target AWS Region, e.g. eu-central-1; several: each is judged against the "
            "source (a pilot-light and a backup Region)",
        )
        parser.add_argument(
            "--pairs",
            type=options.csv_list,
            default=[],
            metavar="SRC:TGT[,SRC:TGT]",
            help="the pairs to judge, instead of --source and --target, e.g. "
            "me-central-1:eu-central-1,me-central-1:eu-west-1",
        )
        parser.add_argument(
            "--active-active",
            action="store_true",
            help="with one --source and one --target: each Region is also judged as the "
            "source of the other (parity in both directions)",
        )
    parser.add_argument(
        "--allow-unknown-region",
        action="store_true",
        help="accept a well-formed Region code this botocore does not know yet (a new Region)",
    )


def add_session_options(parser: argparse.ArgumentParser, *, purpose: str) -> None:
    """How to reach AWS: ``--profile``, ``--role-arn``, ``--external-id``,
    ``--endpoint-url``. ``purpose``: what the role is assumed for ("the scan")."""
    parser.add_argument("--profile", default=None, help="AWS shared-config profile")
    parser.add_argument("--role-arn", default=None, help=f"role to assume for {purpose}")
    parser.add_argument("--external-id", default=None, help="external id for --role-arn")
    parser.add_argument(
        "--endpoint-url",
        default=None,
        help="send every AWS call here (e.g. a moto server); AWS_ENDPOINT_URL also works",
    )


def add_rules_dir_option(parser: argparse.ArgumentParser) -> None:
    """``--rules DIR`` (repeatable): rule directories besides the built-in catalogue."""
    parser.add_argument(
        "--rules",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="extra rules directory: every *.yaml and *.yml under it (tests/ folders hold "
        "fixtures); repeatable",
    )


def add_only_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    """``--only IDS``: the rule ids a command is limited to."""
    parser.add_argument(
        "--only", type=options.csv_list, default=None, metavar="IDS", help=help_text
    )


def add_rule_options(parser: argparse.ArgumentParser) -> None:
    """``--rules``, ``--only`` and ``--param``: :func:`options.selected_rules`."""
    add_rules_dir_option(parser)
    add_only_option(
        parser, "only these rule ids (comma list); scan then collects only what they read"
    )
    parser.add_argument(
        "--param",
        action="append",
        type=options.rule_param,
        default=[],
        metavar="RULE.NAME=VALUE",
        help="override a rule parameter, e.g. --param ACM-003.days=45; repeatable",
    )


def add_clock_options(parser: argparse.ArgumentParser) -> None:
    """``--now`` and ``--cutover-date``: :func:`options.clock`."""
    parser.add_argument(
        "--now",
        type=options.iso_time,
        default=None,
        help="evaluate as of this time (default: the clock)",
    )
    parser.add_argument(
        "--cutover-date",
        type=options.iso_time,
        default=None,
        help="count expiry windows from this date instead of now",
    )


def add_fail_on_option(parser: argparse.ArgumentParser, *, help_text: str) -> None:
    """``--fail-on SEVERITY`` (default: high)."""
    parser.add_argument("--fail-on", choices=FAIL_ON_CHOICES, default="high", help=help_text)


def add_table_or_json_option(parser: argparse.ArgumentParser) -> None:
    """``--format table|json`` of the commands that print one listing."""
    parser.add_argument(
        "--format",
        choices=("table", "json"),
        default="table",
        help="table for a person, json for a program (default: table)",
    )


def add_evaluate_options(parser: argparse.ArgumentParser) -> None:
    """The options of the commands that judge a snapshot and report (evaluate, scan,
    iac): :func:`regionready.cli.output.emit` reads them."""
    add_rule_options(parser)
    add_clock_options(parser)
    parser.add_argument(
        "--format",
        type=options.csv_list,
        default=["table"],
        help="comma list of outputs: table (console) and report formats "
        f"({', '.join(options.report_formats())}); default: table",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="directory for report files (default: .)"
    )
    add_fail_on_option(parser, help_text="lowest severity that fails the gate (default: high)")
    parser.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="do not exit 3 when something could not be read (ERROR results stay in reports)",
    )
    parser.add_argument("--redact", action="store_true", help="mask account ids in reports")
    parser.add_argument(
        "--suppressions",
        type=Path,
        default=None,
        metavar="FILE",
        help="YAML of accepted findings (rule, resource glob, reason, owner, expires)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        metavar="REPORT",
        help="a previous JSON report: fail only on findings that are new since it",
    )
    parser.add_argument(
        "--step-summary",
        action="store_true",
        help="append the Markdown report to $GITHUB_STEP_SUMMARY (GitHub Actions)",
    )
    parser.add_argument(
        "--security-hub",
        action="store_true",
        help="after the reports, import the findings into AWS Security Hub (the "
        "credentials' account, each target Region) and resolve those gone since the last "
        "import; commands without --profile/--role-arn use the default credential chain "
        "and AWS_ENDPOINT_URL",
    )


def add_collect_options(parser: argparse.ArgumentParser) -> None:
    """The options of the commands that collect from AWS (collect, scan):
    :func:`regionready.cli.commands.collect.collect_snapshot` reads them."""
    add_region_options(parser)
    parser.add_argument(
        "--services",
        type=options.csv_list,
        default=None,
        help=f"comma list of services (default: all: {', '.join(registry.service_names())})",
    )
    add_session_options(parser, purpose="the scan")
    parser.add_argument(
        "--accounts",
        type=Path,
        default=None,
        metavar="FILE",
        help="organisation scan: YAML list of accounts (id, role, external_id, source, target)",
    )
    parser.add_argument(
        "--shard",
        default=None,
        metavar="I/N",
        help="with --accounts: scan only the I-th of N slices (CI matrix); join with 'merge'",
    )
    parser.add_argument(
        "--cloudtrail-days",
        type=options.cloudtrail_days,
        default=7,
        metavar="DAYS",
        help="STS calls are looked up in this many days of CloudTrail history (default 7)",
    )
    parser.add_argument(
        "--cloudtrail-max-events",
        type=options.positive_int,
        default=1000,
        metavar="N",
        help="read at most N CloudTrail events per Region, newest first (default 1000)",
    )
    parser.add_argument(
        "--iac",
        "--code",
        action="append",
        type=Path,
        default=[],
        metavar="PATH",
        help="also check templates, policies, config and code under PATH (repeatable)",
    )
    parser.add_argument(
        "--checkov", default=None, metavar="PATH", help="checkov executable for IAC-003"
    )
    parser.add_argument(
        "--checkov-timeout",
        type=options.positive_int,
        default=checkov.DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="stop checkov after SECONDS per scanned folder; IAC-003 is then ERROR "
        f"(default {checkov.DEFAULT_TIMEOUT})",
    )
    parser.add_argument("--workers", type=int, default=8, help="parallel collectors (default 8)")
    parser.add_argument(
        "--account-workers",
        type=options.positive_int,
        default=4,
        metavar="N",
        help="with --accounts: collect at most N accounts at a time, their collectors "
        "sharing the --workers threads (default 4); on Linux per process, the accounts "
        "shared among REGIONREADY_PROCESSES processes, each taking the next as it can",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress output on stderr")
    parser.add_argument(
        "--debug",
        action="store_true",
        help="a collector that fails with a Python error: append its traceback to debug.log "
        "in the snapshot folder (the error names the entry)",
    )
