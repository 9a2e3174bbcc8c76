"""docs/rules/<ID>.md, generated from the rule files (SARIF helpUri points there)."""

from __future__ import annotations

from pathlib import Path

from regionready import atomic
from regionready.rules import Rule


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _scope(rule: Rule) -> str:
    return "source joined to target" if rule.kind == "parity" else f"{rule.scope} Region"


def render_rule(rule: Rule) -> str:
    lines = [
        f"# {rule.id}: {rule.title}",
        "",
        f"- Service: `{rule.service}`",
        f"- Kind: {rule.kind}",
        f"- Default severity: {rule.severity.value}",
        f"- Resource: `{rule.resource}` ({_scope(rule)})",
    ]
    if rule.depends_on:
        lines.append(f"- Blocked by: {', '.join(f'[{d}]({d}.md)' for d in rule.depends_on)}")
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
        "Generated from `rules/` by `regionready rules docs`; do not edit by hand.",
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


def expected_files(rules: list[Rule]) -> dict[str, str]:
    files = {f"{rule.id}.md": render_rule(rule) for rule in rules}
    files["README.md"] = render_index(rules)
    return files


def write_docs(rules: list[Rule], out: Path) -> list[Path]:
    written = []
    for name, text in expected_files(rules).items():
        written.append(atomic.write_text(out / name, text))
    return written
