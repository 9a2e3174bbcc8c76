"""The picture of a cutover plan: its graph of blocking edges between findings, as
Graphviz dot and as a mermaid flowchart, summarised by rule when it has more nodes than
:data:`GRAPH_NODE_LIMIT`. Every label is escaped: resource names are untrusted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from regionready.cutover.phases import PHASES
from regionready.cutover.steps import Plan
from regionready.wording import plural

#: Above this many finding nodes the dot and mermaid graphs are summarised by rule.
GRAPH_NODE_LIMIT = 60
#: A node label is cut to this many characters (with "…").
LABEL_CHARS = 60

#: The fill colour of each phase's nodes (light, for dark text).
PHASE_COLOURS: dict[str, str] = {
    "keys": "#fde68a",
    "data": "#fca5a5",
    "certificates": "#bfdbfe",
    "secrets": "#ddd6fe",
    "identity": "#bbf7d0",
    "waf": "#fed7aa",
    "detection": "#a5f3fc",
    "other": "#e5e7eb",
}
_STROKE = "#374151"

_UNSAFE_LABEL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
    "\ud800-\udfff]+"
)
_MERMAID_SAFE = re.compile(r"[A-Za-z0-9 ._:/=+,-]")


# -- the graph -------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    phase: str


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    #: Findings edges this edge stands for (a summarised graph), else None.
    count: int | None = None


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    #: One node per rule (the findings graph had more than the limit of nodes).
    summarised: bool


def graph(plan: Plan, limit: int = GRAPH_NODE_LIMIT) -> Graph:
    """The blocking edges between the plan's findings, summarised by rule above
    ``limit`` nodes (see the module docstring)."""
    findings = plan.findings()
    linked = {e.blocker for e in plan.edges} | {e.blocked for e in plan.edges}
    ordered = [fp for fp in findings if fp in linked]
    if len(ordered) <= limit:
        ids = {fp: f"f{index}" for index, fp in enumerate(ordered)}
        nodes = tuple(Node(ids[fp], findings[fp][1].label, findings[fp][0].phase) for fp in ordered)
        edges = tuple(Edge(ids[e.blocker], ids[e.blocked]) for e in plan.edges)
        return Graph(nodes, edges, summarised=False)
    rules: dict[str, tuple[str, int]] = {}  # rule id -> (phase, findings in the plan)
    for step in plan.steps:
        phase, count = rules.get(step.rule_id, (step.phase, 0))
        rules[step.rule_id] = (phase, count + len(step.findings))
    in_graph = list(dict.fromkeys(findings[fp][1].rule_id for fp in ordered))
    rule_ids = {rule_id: f"r{index}" for index, rule_id in enumerate(in_graph)}
    counts: dict[tuple[str, str], int] = {}
    for e in plan.edges:
        pair = (findings[e.blocker][1].rule_id, findings[e.blocked][1].rule_id)
        counts[pair] = counts.get(pair, 0) + 1
    nodes = tuple(
        Node(
            rule_ids[rule_id],
            f"{rule_id} ({plural(rules[rule_id][1], 'finding')})",
            rules[rule_id][0],
        )
        for rule_id in in_graph
    )
    edges = tuple(Edge(rule_ids[a], rule_ids[b], count) for (a, b), count in counts.items())
    return Graph(nodes, edges, summarised=True)


def _plain_label(text: str) -> str:
    """One line, no control or invisible character, at most :data:`LABEL_CHARS`."""
    line = " ".join(_UNSAFE_LABEL.sub(" ", text).split())
    if len(line) > LABEL_CHARS:
        line = line[: LABEL_CHARS - 1].rstrip() + "…"
    return line or "?"


def dot_string(text: str) -> str:
    """``text`` as a dot double-quoted string (quotes included)."""
    label = _plain_label(text).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{label}"'


def mermaid_label(text: str) -> str:
    """``text`` as a mermaid double-quoted label (quotes included)."""
    label = "".join(
        char if _MERMAID_SAFE.fullmatch(char) else f"#{ord(char)};" for char in _plain_label(text)
    )
    return f'"{label}"'


def dot(plan: Plan, limit: int = GRAPH_NODE_LIMIT) -> str:
    """The blocking graph as a Graphviz digraph, one statement per line."""
    g = graph(plan, limit)
    title = f"cutover plan {plan.title}" + (", by rule" if g.summarised else "")
    lines = [
        "digraph cutover {",
        "  rankdir=LR;",
        f"  label={dot_string(title)};",
        f'  node [shape=box, style="rounded,filled", fontname="Helvetica", color="{_STROKE}"];',
    ]
    for node in g.nodes:
        lines.append(
            f"  {node.id} [label={dot_string(node.label)}, "
            f'fillcolor="{PHASE_COLOURS[node.phase]}"];'
        )
    for edge in g.edges:
        extra = f' [label="{edge.count}"]' if edge.count is not None else ""
        lines.append(f"  {edge.source} -> {edge.target}{extra};")
    phases = [p for p in PHASES if any(n.phase == p for n in g.nodes)]
    if phases:
        lines += ["  subgraph cluster_legend {", '    label="phases";']
        lines += [f'    legend_{p} [label="{p}", fillcolor="{PHASE_COLOURS[p]}"];' for p in phases]
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def mermaid(plan: Plan, limit: int = GRAPH_NODE_LIMIT) -> str:
    """The blocking graph as a fenced ```mermaid flowchart``` block."""
    g = graph(plan, limit)
    lines = ["```mermaid", "flowchart LR"]
    lines += [f"    {node.id}[{mermaid_label(node.label)}]" for node in g.nodes]
    for edge in g.edges:
        arrow = f' -->|"{edge.count}"| ' if edge.count is not None else " --> "
        lines.append(f"    {edge.source}{arrow}{edge.target}")
    for phase in PHASES:
        members = [node.id for node in g.nodes if node.phase == phase]
        if members:
            lines.append(
                f"    classDef {phase} fill:{PHASE_COLOURS[phase]},stroke:{_STROKE},color:#111827"
            )
            lines.append(f"    class {','.join(members)} {phase}")
    lines.append("```")
    return "\n".join(lines) + "\n"
