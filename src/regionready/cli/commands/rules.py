"""``regionready rules list|validate|test|docs|schema|functions``: work on rule files."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from regionready import sanitize
from regionready.cli import options
from regionready.cli.parser import FORMATTER, add_rules_dir_option, add_table_or_json_option
from regionready.engine import rules
from regionready.engine.fixtures import fixture_files, run_fixture_file
from regionready.engine.functions import (
    BUILTIN_FUNCTIONS,
    CUSTOM_FUNCTIONS,
    function_arguments,
    function_summary,
)
from regionready.engine.operators import OPERATORS
from regionready.engine.reads import rule_reads
from regionready.engine.schema import rule_schema
from regionready.errors import EXIT_OK
from regionready.ruledocs import catalogue_path, stale_pages, write_docs
from regionready.wording import plural

NAME = "rules"
HELP = "list, validate and test rules"

Action = Callable[[argparse.Namespace], int]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(
        dest="rules_command", metavar="ACTION", required=True, help="what to do (ACTION --help)"
    )

    def add(name: str, action: Action, help_text: str) -> argparse.ArgumentParser:
        p = actions.add_parser(
            name, help=help_text, description=help_text, formatter_class=FORMATTER
        )
        p.set_defaults(rules_action=action)
        add_rules_dir_option(p)
        return p

    p = add("list", list_rules, "list every rule (id, service, kind, severity, title)")
    add_table_or_json_option(p)
    p = add("validate", validate_files, "check rule files against the schema and engine")
    p.add_argument("paths", nargs="*", type=Path, help="rule files or directories (default: all)")
    p = add("test", run_fixtures, "run every rule's fixtures (fires / stays quiet)")
    p.add_argument(
        "--only",
        type=options.csv_list,
        default=None,
        metavar="IDS",
        help="only these rule ids (comma list)",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="list passing cases too")
    p = add(
        "docs", write_rule_docs, "write docs/rules/<ID>.md and docs/checks.md from the rule files"
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path("docs/rules"),
        help="folder of the rule pages (default: docs/rules); checks.md goes beside it",
    )
    p.add_argument("--check", action="store_true", help="exit 1 if the docs are out of date")
    add("schema", print_schema, "print the rule file JSON Schema")
    add("functions", print_functions, "list the JMESPath functions and operators")


def run(args: argparse.Namespace) -> int:
    action: Action = args.rules_action
    return action(args)


def list_rules(args: argparse.Namespace) -> int:
    loaded = rules.load_rules(args.rules)
    if args.format == "json":
        rows = [
            {
                "id": r.id,
                "service": r.service,
                "kind": r.kind,
                "severity": r.severity.value,
                "title": r.title,
                "path": r.path,
                # What the rule reads: a result is ERROR exactly when this is incomplete.
                "reads": rule_reads(r).to_dict(),
            }
            for r in loaded
        ]
        print(json.dumps(rows, indent=2))
        return EXIT_OK
    table = Table(title=plural(len(loaded), "rule"), title_justify="left")
    for column in ("id", "service", "kind", "severity", "title"):
        table.add_column(column, overflow="fold")
    for r in loaded:
        table.add_row(r.id, r.service, r.kind, r.severity.value, r.title)
    Console(soft_wrap=True).print(table)
    return EXIT_OK


def validate_files(args: argparse.Namespace) -> int:
    """Every problem of every rule file, one ``path:line: field: message`` line each on
    stdout, then one error line (the first problem) and exit 2; or ``N rule files valid``."""
    count, errors = rules.validate_rules(args.paths, args.rules)
    if errors:
        for error in errors:
            print(sanitize.message(error))
        more = len(errors) - 1
        raise rules.RuleError(
            errors[0] + (f" (and {more} more, all {len(errors)} listed on stdout)" if more else "")
        )
    print(f"{plural(count, 'rule file')} valid")
    return EXIT_OK


def run_fixtures(args: argparse.Namespace) -> int:
    """Every fixture case of the built-in and ``--rules`` folders; exit 1 when one fails
    or (without ``--only``) a rule has no fixture."""
    by_id = {r.id: r for r in rules.load_rules(args.rules)}
    outcomes = []
    for directory in [rules.builtin_rules_dir(), *args.rules]:
        for path in fixture_files(directory):
            outcomes.extend(run_fixture_file(path, by_id))
    if args.only:
        outcomes = [o for o in outcomes if o.rule_id in set(args.only)]
    failed = [o for o in outcomes if not o.ok]
    for outcome in outcomes:
        mark = "ok  " if outcome.ok else "FAIL"
        if args.verbose or not outcome.ok:
            print(f"{mark} {outcome.label}  ({outcome.path}:{outcome.line})")
        for problem in outcome.problems:
            print(f"       {problem}")
    untested = sorted(set(by_id) - {o.rule_id for o in outcomes})
    if untested and not args.only:
        print(f"rules with no fixture: {', '.join(untested)}")
    print(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed or (untested and not args.only) else EXIT_OK


def write_rule_docs(args: argparse.Namespace) -> int:
    loaded = rules.load_rules(args.rules)
    if args.check:
        stale = stale_pages(loaded, args.out)
        if stale:
            names = ", ".join(str(path) for path in stale)
            print(f"out of date: {names} (run 'regionready rules docs')")
            return 1
        print(f"{args.out} and {catalogue_path(args.out)} are up to date")
        return EXIT_OK
    written = write_docs(loaded, args.out)
    print(
        f"wrote {plural(len(written), 'file')}: {args.out}/ and {catalogue_path(args.out)}",
        file=sys.stderr,
    )
    return EXIT_OK


def print_schema(args: argparse.Namespace) -> int:
    print(json.dumps(rule_schema(), indent=2))
    return EXIT_OK


def print_functions(args: argparse.Namespace) -> int:
    # The same summaries as docs/checks.md (regionready.ruledocs): one docstring each.
    print("regionready functions:")
    for name in CUSTOM_FUNCTIONS:
        print(f"  {name}({', '.join(function_arguments(name))})  {function_summary(name)}")
    print("JMESPath built-ins: " + ", ".join(BUILTIN_FUNCTIONS))
    print("operators:")
    for op in OPERATORS.values():
        print(f"  {op.name:13} {op.doc}")
    return EXIT_OK
