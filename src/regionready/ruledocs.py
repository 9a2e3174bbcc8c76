"""The rule documentation, generated from the rule files by ``regionready rules docs``:
docs/rules/<ID>.md, one page per rule (SARIF helpUri points there), its index
docs/rules/README.md, and docs/checks.md, the whole check catalogue on one page with the
functions and operators rules are written with (their descriptions are the docstrings
``regionready rules functions`` prints)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from regionready import atomic
from regionready.engine.rules import Rule
from regionready.wording import plural

#: The catalogue page, beside the folder of rule pages: docs/rules -> docs/checks.md.
CATALOGUE_PAGE = "checks.md"

KINDS = {
    "readiness": "a target resource is judged on its own (certificate ISSUED, key enabled)",
    "parity": "a source resource is joined to its target counterpart and compared",
    "collision": "when sources are consolidated into one target, a source resource is "
    "joined to its namesakes in the other sources and compared",
    "quota": "the target's usage plus what the migration adds is compared with a quota",
    "hygiene": "a weakness of the target worth fixing before it takes traffic",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _scope(rule: Rule) -> str:
    if rule.kind == "parity":
        return "source joined to target"
    if rule.kind == "collision":
        return "source joined to the other sources of its target"
    return f"{rule.scope} Region"


def render_rule(rule: Rule) -> str:
    lines = [
        f"# {rule.id}: {rule.title}",
        "",
        f"- Service: `{rule.service}`",
        f"- Kind: {rule.kind}",
        f"- Default severity: {rule.severity.value}",
        f"- Resource: {', '.join(f'`{r}`' for r in rule.resources)} ({_scope(rule)})",
    ]
    if rule.depends_on:
        lines.append(f"- Blocked by: {', '.join(f'[{d}]({d}.md)' for d in rule.depends_on)}")
    if rule.needs_source:
        lines.append(
            "- Needs the source Region: fixing a finding reads it (re-encryption, "
            "replication, cloning), so `regionready plan` puts it before the source is lost"
        )
    if rule.remediation_action:
        lines.append(
            f"- Remediation action: `regionready remediate --rule {rule.id}` "
            f"(`{rule.remediation_action}`)"
        )
    lines += ["", "## Why", "", rule.description, "", "## Fix", "", rule.remediation_text]
    if rule.params:
        lines += ["", "## Parameters", "", "| name | default |", "|---|---|"]
        lines += [f"| `{k}` | `{v}` |" for k, v in sorted(rule.params.items())]
        lines += ["", f"Override with `--param {rule.id}.<name>=<value>`."]
    lines += ["", "## References", ""]
    lines += [f"- {ref}" for ref in rule.references]
    lines += ["", f"Source: [`{rule.path}`](../../{rule.path})", ""]
    return "\n".join(lines)


def render_index(rules: list[Rule]) -> str:
    lines = [
        "# The check catalogue",
        "",
        "Generated from `rules/` by `regionready rules docs`; do not edit by hand. The",
        "whole catalogue on one page, with the functions rules call: [checks.md](../checks.md).",
        "",
        "| ID | service | kind | severity | title |",
        "|---|---|---|---|---|",
    ]
    for rule in rules:
        lines.append(
            f"| [{rule.id}]({rule.id}.md) | {rule.service} | {rule.kind} | "
            f"{rule.severity.value} | {_cell(rule.title)} |"
        )
    return "\n".join(lines) + "\n"


def _code_cell(text: str) -> str:
    """A docstring summary for a table cell: reST ````x```` as Markdown ```x```."""
    return _cell(text.replace("``", "`"))


def render_catalogue(rules: list[Rule]) -> str:
    """docs/checks.md: every check by service, then the functions and operators."""
    from regionready.engine.functions import (
        BUILTIN_FUNCTIONS,
        CUSTOM_FUNCTIONS,
        function_arguments,
        function_summary,
    )
    from regionready.engine.operators import OPERATORS

    by_service: dict[str, list[Rule]] = defaultdict(list)
    for rule in rules:
        by_service[rule.service].append(rule)
    lines = [
        "# The check catalogue",
        "",
        "Generated from `rules/` and the rule functions by `regionready rules docs`; do not",
        "edit by hand. Each check has its own page under [rules/](rules/README.md); how a",
        "rule is evaluated is in [architecture.md](architecture.md), how to write one in",
        "[extending.md](extending.md).",
        "",
        f"{plural(len(rules), 'check')} over {plural(len(by_service), 'service')}. Kinds:",
        "",
    ]
    lines += [f"- **{kind}**: {what}" for kind, what in KINDS.items()]
    lines += ["", "| service | checks |", "|---|---|"]
    for service, group in sorted(by_service.items()):
        ids = ", ".join(f"[{r.id}](#{_anchor(r)})" for r in group)
        lines.append(f"| {service} | {ids} |")
    for service, group in sorted(by_service.items()):
        lines += ["", f"## {service}"]
        for rule in group:
            lines += ["", f"### {rule.id}: {rule.title}", ""]
            lines.append(
                f"Kind **{rule.kind}**, default severity **{rule.severity.value}**, resource "
                f"`{rule.resource}` ({_scope(rule)}) · [page](rules/{rule.id}.md) · "
                f"[rule file](../{rule.path})"
            )
            lines += ["", rule.description.strip(), "", f"Fix: {rule.remediation_text.strip()}"]
            extra = []
            if rule.remediation_action:
                extra.append(f"remediation action `{rule.remediation_action}`")
            if rule.depends_on:
                extra.append(f"blocked by {', '.join(rule.depends_on)}")
            if rule.params:
                extra.append(
                    "parameters "
                    + ", ".join(f"`{k}` = `{v}`" for k, v in sorted(rule.params.items()))
                )
            if extra:
                text = "; ".join(extra)
                lines += ["", text[0].upper() + text[1:] + "."]
    lines += [
        "",
        "## Functions",
        "",
        "The JMESPath functions regionready adds, as `regionready rules functions` lists",
        "them (each description is the function's docstring):",
        "",
        "| function | what it returns |",
        "|---|---|",
    ]
    for name in CUSTOM_FUNCTIONS:
        call = f"`{name}({', '.join(function_arguments(name))})`"
        lines.append(f"| {call} | {_code_cell(function_summary(name))} |")
    lines += [
        "",
        "JMESPath built-ins: " + ", ".join(f"`{name}`" for name in BUILTIN_FUNCTIONS) + ".",
        "",
        "## Operators",
        "",
        "| operator | holds when |",
        "|---|---|",
    ]
    lines += [f"| `{op.name}` | {_cell(op.doc)} |" for op in OPERATORS.values()]
    return "\n".join(lines) + "\n"


def _anchor(rule: Rule) -> str:
    """The GitHub anchor of a rule's heading ``### ID: title``."""
    text = f"{rule.id}: {rule.title}".lower()
    kept = "".join(ch for ch in text if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")


def catalogue_path(out: Path) -> Path:
    """docs/checks.md for rule pages in docs/rules (the folder beside ``out``)."""
    return out.parent / CATALOGUE_PAGE


def expected_files(rules: list[Rule]) -> dict[str, str]:
    """The pages of the rules folder, by file name."""
    files = {f"{rule.id}.md": render_rule(rule) for rule in rules}
    files["README.md"] = render_index(rules)
    return files


def expected_pages(rules: list[Rule], out: Path) -> dict[Path, str]:
    """Every generated page by path: the rules folder ``out`` and the catalogue page."""
    pages = {out / name: text for name, text in expected_files(rules).items()}
    pages[catalogue_path(out)] = render_catalogue(rules)
    return pages


def stale_pages(rules: list[Rule], out: Path) -> list[Path]:
    """The generated pages that are missing or differ from what the rules give."""
    return [
        path
        for path, text in expected_pages(rules, out).items()
        if not path.is_file() or path.read_text("utf-8") != text
    ]


def write_docs(rules: list[Rule], out: Path) -> list[Path]:
    return [atomic.write_text(path, text) for path, text in expected_pages(rules, out).items()]
