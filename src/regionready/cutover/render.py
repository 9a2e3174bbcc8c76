"""A cutover plan as Markdown, JSON, Graphviz dot and a mermaid flowchart.

Resource ids, names and messages are untrusted (anyone who can name or tag a resource
writes them), and so are the titles and texts of rules from a ``--rules`` folder. Each
output makes them inert in its own syntax:

- Markdown: :func:`regionready.reporters.markdown.escape` (one line, HTML entities for
  ``& < > | ```, backslashes before Markdown metacharacters, no @-mention); a command
  is a code span fenced by more backticks than it holds.
- dot: a double-quoted string with ``\\`` and ``"`` backslash-escaped (so no ``\\n``,
  ``\\l`` or ``\\N`` escape of dot's survives), control and invisible characters as
  spaces.
- mermaid: a double-quoted label in which every character but letters, digits and
  `` ._:/=+,-`` is written as mermaid's entity code ``#<decimal>;``: no quote, bracket,
  backtick, ``#``, ``;``, HTML or line break is left to parse.

Labels are cut at :data:`LABEL_CHARS`. The graph is the blocking edges between findings
(each finding that blocks or is blocked by another is a node, ``RULE-ID name``, filled
with its step's phase colour); above :data:`GRAPH_NODE_LIMIT` nodes it is summarised by
rule: one node per rule id with its number of findings, one edge per pair of rules with
the number of findings edges.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from typing import Any

from regionready import sanitize
from regionready.cutover.phases import PHASE_TEXT, PHASES

# The picture of the blocking graph lives in picture.py; its names are part of this API.
from regionready.cutover.picture import GRAPH_NODE_LIMIT as GRAPH_NODE_LIMIT
from regionready.cutover.picture import LABEL_CHARS as LABEL_CHARS
from regionready.cutover.picture import PHASE_COLOURS as PHASE_COLOURS
from regionready.cutover.picture import dot as dot
from regionready.cutover.picture import dot_string as dot_string
from regionready.cutover.picture import graph as graph
from regionready.cutover.picture import mermaid as mermaid
from regionready.cutover.picture import mermaid_label as mermaid_label
from regionready.cutover.steps import Plan, Step
from regionready.reporters.markdown import escape
from regionready.wording import plural

#: A rule's remediation text in the Markdown is cut to this many characters.
REMEDIATION_CHARS = 2000
#: ``kind`` of the JSON document, and its schema (src/regionready/schemas/).
JSON_KIND = "regionready-cutover-plan"
PLAN_SCHEMA = "plan.schema.json"
PLAN_SCHEMA_VERSION = 1


# -- JSON --------------------------------------------------------------------------------


def json_document(plan: Plan) -> dict[str, Any]:
    """The plan as plain JSON data (``src/regionready/schemas/plan.schema.json``)."""
    summary = plan.summary
    return {
        "schema_version": PLAN_SCHEMA_VERSION,
        "kind": JSON_KIND,
        "source_region": plan.source_region,
        "target_region": plan.target_region,
        "pairs": [{"source": source, "target": target} for source, target in plan.pairs]
        or [{"source": plan.source_region, "target": plan.target_region}],
        "accounts": list(plan.accounts),
        "now": plan.now,
        "cutover_date": plan.cutover_date,
        "phases": [
            {
                "name": phase,
                "description": PHASE_TEXT[phase],
                "steps": [s.number for s in plan.steps if s.phase == phase],
            }
            for phase in PHASES
        ],
        "summary": {
            "steps": summary.steps,
            "findings": summary.findings,
            "automatic": summary.automatic,
            "manual": summary.manual,
            "needs_source_region": list(summary.needs_source_region),
            "before_source_lost": list(summary.before_source_lost),
            "suppressed": summary.suppressed,
            "not_evaluated": summary.not_evaluated,
            "cycles": len(plan.cycles),
        },
        "steps": [_step_document(step, plan.used_by) for step in plan.steps],
        "edges": [{"blocker": e.blocker, "blocked": e.blocked} for e in plan.edges],
        "cycles": [{"step": c.step, "ignored": list(c.ignored)} for c in plan.cycles],
        "inventory": [usage.to_dict() for usage in plan.inventory],
    }


def _step_document(step: Step, used_by: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
    return {
        "number": step.number,
        "rule_id": step.rule_id,
        "title": step.title,
        "service": step.service,
        "phase": step.phase,
        "rule_phase": step.rule_phase,
        "severity": step.severity.value,
        "source_region": step.source_region,
        "target_region": step.target_region,
        "regions": list(step.regions),
        "needs_source_region": step.needs_source_region,
        "accounts": list(step.accounts),
        "action": step.action,
        "command": list(step.command) if step.command else None,
        "remediation": step.remediation,
        "waits_for": list(step.waits_for),
        "unblocks": list(step.unblocks),
        "unblocks_findings": list(step.unblocks_findings),
        "findings": [
            {
                "fingerprint": f.fingerprint,
                "rule_id": f.rule_id,
                "severity": f.severity.value,
                "account": f.account,
                "region": f.region,
                "resource_id": f.resource_id,
                "resource_name": f.resource_name,
                "message": f.message,
                "blocked_by": list(f.blocked_by),
                "used_by": list(used_by.get(f.fingerprint, ())),
            }
            for f in step.findings
        ],
    }


# -- Markdown ----------------------------------------------------------------------------


def code(text: str) -> str:
    """``text`` as an inline code span: one line, fenced by more backticks than any run
    in it (a backtick cannot end it early)."""
    inner = sanitize.text(text)
    longest = max((len(run) for run in re.findall("`+", inner)), default=0)
    fence = "`" * (longest + 1)
    if inner.startswith("`") or inner.endswith("`"):
        inner = f" {inner} "
    return f"{fence}{inner}{fence}"


def _numbers(numbers: tuple[int, ...] | list[int]) -> str:
    """``step 3``, ``steps 1, 2 and 5``."""
    items = [str(n) for n in numbers]
    if len(items) == 1:
        return f"step {items[0]}"
    return f"steps {', '.join(items[:-1])} and {items[-1]}"


USERS_SHOWN = 5


def _inventory_lines(plan: Plan) -> list[str]:
    """The re-encryption inventory: what each customer key of the source encrypts."""
    if not plan.inventory:
        return []
    lines = [
        "",
        f"## Data under customer keys of {escape(', '.join(plan.sources))}",
        "",
        "Re-encrypting it into the target needs the source Region's KMS to answer "
        "(KMS-010 to KMS-013 judge each resource).",
        "",
        "| Key | Account | Resources | Size | What |",
        "|---|---|---:|---:|---|",
    ]
    for usage in plan.inventory:
        size = usage.size or "not reported"
        if usage.size and usage.unsized:
            size += f" (+{usage.unsized} unsized)"
        what = ", ".join(
            f"{count} {escape(rtype)}" for rtype, count in sorted(usage.by_type.items())
        )
        key = escape(usage.name) + (" (multi-Region)" if usage.multi_region else "")
        if len(plan.sources) > 1:
            key += f" in {escape(usage.region)}"
        lines.append(f"| {key} | {escape(usage.account)} | {usage.resources} | {size} | {what} |")
    return lines


def markdown(plan: Plan, limit: int = GRAPH_NODE_LIMIT) -> str:
    """The plan as a GitHub-flavoured Markdown runbook (deterministic)."""
    summary = plan.summary
    lines = [
        f"# Cutover plan: {escape(plan.title.replace(' -> ', ' → '))}",
        "",
        f"**{plural(summary.steps, 'step')}** clear "
        f"**{plural(summary.findings, 'open finding')}** "
        f"({summary.automatic} automatic, {summary.manual} manual) · "
        f"accounts: {', '.join(escape(a) for a in plan.accounts) or 'none'} · "
        f"evaluated at {escape(plan.now)}"
        + (f" · cutover date {escape(plan.cutover_date)}" if plan.cutover_date else ""),
    ]
    if summary.needs_source_region:
        readers = summary.needs_source_region
        helpers = [n for n in summary.before_source_lost if n not in readers]
        lines += [
            "",
            "> [!WARNING]",
            f"> **Before the source Region ({escape(', '.join(plan.sources))}) is lost, do "
            f"{_numbers(summary.before_source_lost)}.** "
            f"{_numbers(readers).capitalize()} "
            f"{'reads' if len(readers) == 1 else 'read'} the source Region "
            "(re-encrypting, replicating or cloning from it)"
            + (
                f"; {_numbers(helpers)} {'comes' if len(helpers) == 1 else 'come'} before "
                f"{'it' if len(readers) == 1 else 'them'}."
                if helpers
                else "."
            ),
        ]
    if plan.cycles:
        lines += ["", "> [!CAUTION]", "> Steps wait for each other in a cycle:"]
        lines += [
            f"> step {c.step} ({escape(plan.step(c.step).rule_id)}) comes first although "
            f"it waits for {_numbers(c.ignored)}: check that order by hand."
            for c in plan.cycles
        ]
    notes = []
    if summary.not_evaluated:
        notes.append(
            f"{plural(summary.not_evaluated, 'check')} could not be evaluated (ERROR): "
            "the plan may be missing steps."
        )
    if summary.suppressed:
        notes.append(f"{plural(summary.suppressed, 'suppressed finding')} left out.")
    if notes:
        lines += ["", "> [!NOTE]", "> " + " ".join(notes)]
    lines += _inventory_lines(plan)
    if not plan.steps:
        lines += ["", "Nothing to do: no open finding."]
        return "\n".join(lines) + "\n"

    lines += [
        "",
        "## Steps",
        "",
        "| Step | Phase | Rule | Severity | Findings | How | Waits for | Source Region |",
        "|---:|---|---|---|---:|---|---|---|",
    ]
    for step in plan.steps:
        how = f"automatic: {escape(step.action)}" if step.action else "manual"
        waits = ", ".join(str(n) for n in step.waits_for) or "none"
        source = "**yes**" if step.needs_source_region else ""
        lines.append(
            f"| {step.number} | {escape(step.phase)} | **{escape(step.rule_id)}** "
            f"{escape(step.title)} | {escape(step.severity.value)} | {len(step.findings)} "
            f"| {how} | {waits} | {source} |"
        )
    if plan.edges:
        g = graph(plan, limit)
        lines += [
            "",
            "## What blocks what",
            "",
            (
                "Each arrow: the rule's findings block the next rule's findings (the count "
                "of findings edges); too many findings to draw one by one."
                if g.summarised
                else "Each arrow: this finding blocks that one. Colours are phases."
            ),
            "",
            mermaid(plan, limit).rstrip("\n"),
        ]
    for index, (phase, steps) in enumerate(plan.phases(), start=1):
        lines += ["", f"## Phase {index}: {phase}", "", f"_{escape(PHASE_TEXT[phase])}_"]
        for step in steps:
            lines += _step_lines(plan, step)
    return "\n".join(lines) + "\n"


def _step_lines(plan: Plan, step: Step) -> list[str]:
    lines = [
        "",
        f"### Step {step.number}: {escape(step.rule_id)} {escape(step.title)}",
        "",
        f"**{escape(step.severity.value)}** · {plural(len(step.findings), 'finding')} · "
        f"acts in {escape(step.target_region)} (target)"
        + (f" and {escape(step.source_region)} (source)" if step.needs_source_region else "")
        + f" · {plural(len(step.accounts), 'account')}",
        "",
    ]
    if step.needs_source_region:
        lines.append(
            f"- ⚠️ **Needs the source Region** ({escape(step.source_region)}): do this "
            "while it still answers."
        )
    if step.phase != step.rule_phase:
        lines.append(
            f"- Listed under {escape(step.phase)} (its rule is {escape(step.rule_phase)}): "
            f"it blocks {_numbers(step.unblocks)}."
        )
    if step.waits_for:
        lines.append(f"- Waits for {_numbers(step.waits_for)}.")
    if step.unblocks:
        lines.append(
            f"- Unblocks {_numbers(step.unblocks)} "
            f"({plural(len(step.unblocks_findings), 'finding')})."
        )
    if step.action:
        lines.append(
            f"- Automatic: action {code(step.action)}. Run "
            f"{code(shlex.join(step.command))} to see the changes, then again with "
            "`--apply`."
        )
    if step.remediation:
        label = "What the action does" if step.action else "Manual"
        lines.append(f"- {label}: {escape(step.remediation, REMEDIATION_CHARS)}")
    users = {f.fingerprint: plan.used_by.get(f.fingerprint, ()) for f in step.findings}
    with_users = any(users.values())
    lines += [
        "",
        "| Resource | Account | Region | Finding | Blocked by |"
        + (" Used by |" if with_users else ""),
        "|---|---|---|---|---|" + ("---|" if with_users else ""),
    ]
    for f in step.findings:
        resource = escape(f.name)
        if f.resource_name and f.resource_name != f.resource_id:
            resource += f"<br>{escape(f.resource_id)}"
        row = (
            f"| {resource} | {escape(f.account)} | {escape(f.region)} | {escape(f.message)} "
            f"| {'<br>'.join(escape(b) for b in f.blocked_by) or 'none'} |"
        )
        if with_users:
            row += f" {_users(users[f.fingerprint])} |"
        lines.append(row)
    return lines


def _users(users: tuple[str, ...]) -> str:
    """At most :data:`USERS_SHOWN` users of a resource, and how many more."""
    shown = "<br>".join(escape(u) for u in users[:USERS_SHOWN]) or "none"
    if len(users) > USERS_SHOWN:
        shown += f"<br>and {len(users) - USERS_SHOWN} more"
    return shown
