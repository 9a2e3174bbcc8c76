"""``regionready plan SNAPSHOT``: the snapshot's open findings as an ordered cutover
runbook (regionready.cutover), in Markdown, JSON or Graphviz dot.

It judges the snapshot as ``evaluate`` does (the same rules, parameters, clock and
suppressions) and ends with the same exit code as ``evaluate`` with the same
``--fail-on`` and ``--allow-incomplete``: the plan is written either way.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
import textwrap
from pathlib import Path

from regionready import atomic, graph, runner, sanitize, snapshot_manifest, suppressions
from regionready.cli import options, output
from regionready.cli.parser import add_clock_options, add_fail_on_option, add_rule_options
from regionready.cutover import render
from regionready.cutover.phases import DATA_RULE_IDS, PHASE_TEXT, PHASES
from regionready.cutover.steps import Plan, build_plan
from regionready.gate import exit_code
from regionready.inventory import inventory
from regionready.model import Result
from regionready.snapshot import iso
from regionready.wording import plural

NAME = "plan"
HELP = "an ordered cutover runbook for a snapshot's open findings (offline)"
FORMATS = ("markdown", "json", "dot")


def epilog() -> str:
    """What the plan is, its phases, needs_source and the exit codes (``--help``)."""
    width = max(len(phase) for phase in PHASES)
    phases = "\n".join(
        textwrap.fill(
            f"{index}. {phase:<{width}}  {PHASE_TEXT[phase]}",
            width=88,
            initial_indent="  ",
            subsequent_indent=" " * (width + 7),
            break_on_hyphens=False,
        )
        for index, phase in enumerate(PHASES, start=1)
    )
    return f"""\
The plan has one step per rule and Region pair with open findings (FAIL; suppressed
findings are left out). Each step names the findings it clears, the automatic fix
('regionready remediate SNAPSHOT --rule ID', then --apply) or the manual one, the steps
it waits for and those it unblocks (the findings' "blocked by"), and the Regions it acts
in. Steps are ordered by phase, then blockers first, then severity (critical first) and
rule id. A step that blocks a step of an earlier phase is moved up into that phase; a
cycle of steps waiting for each other is broken (the plan says where).

phases:
{phases}
  The data phase holds {", ".join(sorted(DATA_RULE_IDS))} and every rule with
  needs_source over a data store.

needs_source: fixing the finding reads the source Region (re-encrypting, replicating,
  cloning from it). These steps, and the steps they wait for, must be done while the
  source Region still answers: the plan names them at the top, in a warning.

--format markdown is the runbook, with a mermaid graph of what blocks what; json is
  for programs (schema: regionready/schemas/plan.schema.json); dot is that graph for
  Graphviz (dot -Tsvg). A graph of more than {render.GRAPH_NODE_LIMIT} findings is drawn by rule.

exit codes (as 'evaluate'; the plan is written in every case but 2):
  0  no open finding at or above --fail-on
  1  open findings at or above --fail-on (default: high)
  2  usage or input error (a bad flag, rule file, snapshot or suppressions file, or
     an --output that cannot be written)
  3  incomplete: a check could not be evaluated (ERROR), so the plan may lack steps;
     see --allow-incomplete

examples:
  regionready plan scan/ > cutover.md
  regionready plan scan/ --format json --output plan.json
  regionready plan scan/ --format dot | dot -Tsvg > plan.svg
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = epilog()
    parser.add_argument("snapshot", type=Path, help="snapshot directory written by 'collect'")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="markdown",
        help="markdown (the runbook), json or dot (the blocking graph); default: markdown",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the plan to FILE (replaced whole, never half-written); default: stdout",
    )
    add_rule_options(parser)
    add_clock_options(parser)
    parser.add_argument(
        "--suppressions",
        type=Path,
        default=None,
        metavar="FILE",
        help="YAML of accepted findings (rule, resource glob, reason, owner, expires): "
        "left out of the plan",
    )
    add_fail_on_option(
        parser,
        help_text="exit 1 when an open finding is at or above this severity (default: high)",
    )
    parser.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="do not exit 3 when a check could not be evaluated (the plan says so)",
    )
    parser.add_argument(
        "--redact", action="store_true", help="mask account ids (fingerprints are kept)"
    )


def run(args: argparse.Namespace) -> int:
    rules = options.selected_rules(args)
    scan = snapshot_manifest.read_scan(args.snapshot)
    # Every source of the scan's pairs (consolidation and active-active have several).
    sources = dict.fromkeys(pair.source for pair in scan.pairs())
    usages = tuple(usage for source in sources for usage in inventory(scan, source))
    used = graph.users(graph.resource_edges(scan))
    clock = options.clock(args)
    suppressor = None
    if args.suppressions:
        today = dt.date.fromisoformat(iso(clock.now)[:10])
        suppressor = suppressions.Suppressor(suppressions.load(args.suppressions), today)

    def suppress(results: list[Result]) -> None:
        if suppressor is not None:
            for notice in suppressor.apply(results):
                output.warn(notice)

    report = runner.build_report(scan, rules, clock, prepare=suppress)
    del scan  # the reporters reuse its memory
    for notice in suppressor.unmatched() if suppressor is not None else []:
        output.warn(notice)
    plan = build_plan(
        report,
        rules,
        snapshot=str(args.snapshot),
        rules_dirs=[str(directory) for directory in args.rules],
        redact=args.redact,
    )
    plan = dataclasses.replace(
        plan,
        inventory=usages,
        used_by={
            f.fingerprint: tuple(
                dict.fromkeys(
                    user
                    for name in (f.resource_id, f.resource_name)
                    if name
                    for user in used.get((f.account, name), [])
                )
            )
            for step in plan.steps
            for f in step.findings
        },
    )
    text = render_plan(plan, args.format)
    if args.output is None:
        sys.stdout.write(text)
    else:
        atomic.write_text(args.output, text)
        print(f"wrote {sanitize.text(args.output)}: {summary_line(plan)}", file=sys.stderr)
    return exit_code(report.results, fail_on=args.fail_on, allow_incomplete=args.allow_incomplete)


def render_plan(plan: Plan, fmt: str) -> str:
    """The plan in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return json.dumps(render.json_document(plan), indent=2, sort_keys=True) + "\n"
    if fmt == "dot":
        return render.dot(plan)
    return render.markdown(plan)


def summary_line(plan: Plan) -> str:
    """``12 steps, 40 findings; 3 steps need the source Region``."""
    summary = plan.summary
    line = f"{plural(summary.steps, 'step')}, {plural(summary.findings, 'finding')}"
    if summary.needs_source_region:
        line += (
            f"; {plural(len(summary.before_source_lost), 'step')} before the source Region is lost"
        )
    return line
