"""The plan rendered: Markdown (with its mermaid graph), JSON against its schema, dot
checked line by line (no Graphviz needed), hostile names inert, big graphs summarised."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

import jsonschema
import pytest
from markdown_it import MarkdownIt

from regionready.cutover import render
from regionready.cutover.phases import PHASES
from regionready.cutover.steps import Plan, build_plan
from regionready.engine.rules import Rule
from regionready.model import Result, Severity, Status

from .conftest import SOURCE, TARGET, finding, report, rule

HOSTILE = (
    'evil"]`x`\n## injected\r\n<script>alert(1)</script> | [l](javascript:x) @octocat '
    "#quot; ;end} {\\n\\l\x1b[31m\u202e"
)

RULES = [
    rule("KMS-001", "kms", action="create-key", text="Create the key | <b>now</b>."),
    rule("KMS-010", "kms", needs_source=True, resource="ec2.volume"),
    rule("SM-001", "secretsmanager", action="replicate-secret"),
    rule("ACM-004", "acm", action="reimport"),
    rule("GD-001", "guardduty", severity=Severity.CRITICAL),
    rule("GD-002", "guardduty"),
    rule("GD-003", "guardduty"),
]


def sample_results() -> list[Result]:
    return [
        finding("KMS-001", HOSTILE),
        finding("KMS-001", "alias/app", severity=Severity.CRITICAL),
        finding("KMS-010", "vol-1", blocked_by=(f"KMS-001 {HOSTILE}",)),
        finding("SM-001", "app/db", blocked_by=("KMS-001 alias/app",)),
        finding("SM-001", "app/accepted", status=Status.SUPPRESSED),
        finding("ACM-004", "api.example.com"),
        finding("ACM-004", "broken.example.com", status=Status.ERROR),
        # GD-002 and GD-003 wait for each other: a cycle
        finding("GD-002", "det-1", blocked_by=("GD-003 det-1",)),
        finding("GD-003", "det-1", blocked_by=("GD-002 det-1",)),
        finding("GD-001", "det-0"),
    ]


def sample(**kwargs: Any) -> Plan:
    return build_plan(report(sample_results(), RULES), RULES, **kwargs)


def big(count: int = 35) -> Plan:
    """``count`` keys each blocking one secret and one data copy: 3 x count nodes."""
    results = []
    for n in range(count):
        results += [
            finding("KMS-001", f"alias/k{n}"),
            finding("SM-001", f"s{n}", blocked_by=(f"KMS-001 alias/k{n}",)),
            finding("KMS-010", f"vol-{n}", blocked_by=(f"KMS-001 alias/k{n}",)),
        ]
    return build_plan(report(results, RULES), RULES)


def schema_validator() -> jsonschema.protocols.Validator:
    text = resources.files("regionready.schemas").joinpath(render.PLAN_SCHEMA).read_text("utf-8")
    schema = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def gfm() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table").enable("strikethrough")


# -- JSON --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "plan",
    [
        sample(),
        sample(redact=True, snapshot="scans/111111111111"),
        big(),
        build_plan(report([]), []),
    ],
    ids=["sample", "redacted", "big", "empty"],
)
def test_json_document_validates_against_its_schema(plan: Plan) -> None:
    document = render.json_document(plan)
    schema_validator().validate(json.loads(json.dumps(document)))


def test_json_document_holds_the_plan() -> None:
    plan = sample()
    document = render.json_document(plan)
    assert [p["name"] for p in document["phases"]] == list(PHASES)
    assert document["summary"]["needs_source_region"] == list(plan.summary.needs_source_region)
    assert document["summary"]["suppressed"] == 1
    assert document["summary"]["not_evaluated"] == 1
    assert document["summary"]["cycles"] == 1
    steps = {s["rule_id"]: s for s in document["steps"]}
    assert steps["KMS-010"]["regions"] == [TARGET, SOURCE]
    assert steps["KMS-001"]["command"][:5] == [
        "regionready",
        "remediate",
        "SNAPSHOT",
        "--rule",
        "KMS-001",
    ]
    assert steps["GD-001"]["command"] is None
    names = {f["resource_name"] for f in steps["KMS-001"]["findings"]}
    assert HOSTILE in names  # JSON keeps values exactly
    assert len(document["edges"]) == len(plan.edges) == 4


def test_every_graph_node_and_edge_refers_to_the_plan() -> None:
    plan = sample()
    prints = set(plan.findings())
    for edge in plan.edges:
        assert edge.blocker in prints and edge.blocked in prints


# -- dot ---------------------------------------------------------------------------------

_ID = r"[A-Za-z_][A-Za-z0-9_]*"
_QUOTED = r'"(?:[^"\\\n]|\\.)*"'
_VALUE = rf"(?:{_QUOTED}|{_ID}|\d+)"
_ATTR = rf"{_ID}={_VALUE}"
_ATTRS = rf"\[{_ATTR}(?:, {_ATTR})*\]"
DOT_LINE = re.compile(
    "|".join(
        [
            r"digraph [A-Za-z_]\w* \{",
            rf" {{2,4}}{_ID}={_VALUE};",
            rf"  (?:node|edge|graph) {_ATTRS};",
            rf" {{2,4}}(?P<node>{_ID}) {_ATTRS};",
            rf"  (?P<tail>{_ID}) -> (?P<head>{_ID})(?: {_ATTRS})?;",
            rf"  subgraph cluster_{_ID} \{{",
            r"  \}",
            r"\}",
        ]
    )
)


def check_dot(text: str) -> tuple[set[str], list[tuple[str, str]], list[str]]:
    """Every line a dot statement of the shape render.dot writes; braces balanced; every
    edge between declared nodes. (declared nodes, edges, quoted strings unescaped)."""
    assert text.endswith("}\n")
    nodes: set[str] = set()
    edges: list[tuple[str, str]] = []
    for line in text.splitlines():
        match = DOT_LINE.fullmatch(line)
        assert match, f"not a dot statement: {line!r}"
        if match["node"]:
            nodes.add(match["node"])
        if match["tail"]:
            edges.append((match["tail"], match["head"]))
    assert text.count("\ndigraph") == 0 and text.startswith("digraph cutover {")
    assert sum(1 for line in text.splitlines() if line.rstrip().endswith("{")) == sum(
        1 for line in text.splitlines() if line.strip() == "}"
    )
    assert {n for edge in edges for n in edge} <= nodes
    strings = [
        re.sub(r"\\(.)", r"\1", quoted[1:-1])
        for line in text.splitlines()
        for quoted in re.findall(_QUOTED, line)
    ]
    return nodes, edges, strings


def test_dot_is_well_formed_and_coloured_by_phase() -> None:
    plan = sample()
    text = render.dot(plan)
    nodes, edges, strings = check_dot(text)
    finding_nodes = {n for n in nodes if n.startswith("f")}
    # the findings in an edge: 2 keys, their data copy and secret, the 2 GuardDuty ones
    assert len(finding_nodes) == 6
    assert len(edges) == len(plan.edges)
    assert f'fillcolor="{render.PHASE_COLOURS["keys"]}"' in text
    assert f'fillcolor="{render.PHASE_COLOURS["detection"]}"' in text
    assert "KMS-010 vol-1" in strings and "SM-001 app/db" in strings
    assert {"keys", "data", "secrets", "detection"} <= set(strings)  # the legend


def test_dot_labels_of_hostile_names_stay_one_string() -> None:
    text = render.dot(sample())
    _, _, strings = check_dot(text)
    (hostile,) = [s for s in strings if s.startswith("KMS-001 evil")]
    assert "\n" not in hostile and "\x1b" not in hostile and "\u202e" not in hostile
    assert hostile.endswith("…") and len(hostile) <= render.LABEL_CHARS
    assert 'evil\\"]' in text  # the quote escaped, inside the string
    assert "\\\\n" in render.dot_string("a\\nb")  # dot's own \n escape is not one


# -- mermaid -----------------------------------------------------------------------------

_LABEL = r'"(?:[A-Za-z0-9 ._:/=+,-]|#\d+;)*"'
MERMAID_LINE = re.compile(
    "|".join(
        [
            r"```mermaid",
            r"flowchart LR",
            rf"    (?P<node>{_ID})\[{_LABEL}\]",
            rf'    (?P<tail>{_ID}) -->(?:\|"\d+"\|)? (?P<head>{_ID})',
            r"    classDef [a-z]+ fill:#[0-9a-f]{6},stroke:#[0-9a-f]{6},color:#[0-9a-f]{6}",
            rf"    class {_ID}(?:,{_ID})* [a-z]+",
            r"```",
        ]
    )
)


def check_mermaid(text: str) -> tuple[set[str], list[tuple[str, str]]]:
    lines = text.splitlines()
    assert lines[0] == "```mermaid" and lines[1] == "flowchart LR" and lines[-1] == "```"
    assert lines.count("```") == 1
    nodes: set[str] = set()
    edges: list[tuple[str, str]] = []
    for line in lines:
        match = MERMAID_LINE.fullmatch(line)
        assert match, f"not a mermaid line: {line!r}"
        if match["node"]:
            nodes.add(match["node"])
        if match["tail"]:
            edges.append((match["tail"], match["head"]))
    assert {n for edge in edges for n in edge} <= nodes
    return nodes, edges


def test_mermaid_lines_are_well_formed_and_hostile_names_encoded() -> None:
    plan = sample()
    text = render.mermaid(plan)
    _nodes, edges = check_mermaid(text)
    assert len(edges) == len(plan.edges)
    assert "evil#34;#93;#96;x#96;" in text  # " ] ` as entity codes
    assert "<script>" not in text and "#60;script#62;" in text
    for phase in ("keys", "data", "secrets", "detection"):
        assert f"classDef {phase} fill:{render.PHASE_COLOURS[phase]}" in text
    assert render.mermaid_label("a\nb") == '"a b"'


# -- summarised graphs ---------------------------------------------------------------------


def test_a_big_graph_is_summarised_by_rule() -> None:
    plan = big(35)  # 105 findings, all in an edge
    g = render.graph(plan)
    assert g.summarised
    assert [n.label for n in g.nodes] == [
        "KMS-001 (35 findings)",
        "KMS-010 (35 findings)",
        "SM-001 (35 findings)",
    ]
    assert sorted((e.count or 0) for e in g.edges) == [35, 35]
    assert sum(e.count or 0 for e in g.edges) == len(plan.edges)
    nodes, edges, _strings = check_dot(render.dot(plan))
    assert len(nodes - {f"legend_{p}" for p in PHASES}) == 3 and len(edges) == 2
    assert '[label="35"]' in render.dot(plan)
    m_nodes, m_edges = check_mermaid(render.mermaid(plan))
    assert len(m_nodes) == 3 and len(m_edges) == 2
    assert '-->|"35"|' in render.mermaid(plan)


def test_the_limit_is_a_number_of_finding_nodes() -> None:
    plan = big(20)  # 60 nodes: at the limit, drawn one by one
    assert len(render.graph(plan).nodes) == render.GRAPH_NODE_LIMIT
    assert not render.graph(plan).summarised
    assert render.graph(plan, limit=59).summarised
    assert "by rule" in render.dot(plan, limit=59)


# -- Markdown ------------------------------------------------------------------------------


def test_markdown_is_the_runbook_in_order() -> None:
    plan = sample()
    text = render.markdown(plan)
    lines = text.splitlines()
    assert lines[0] == f"# Cutover plan: {SOURCE} → {TARGET}"
    steps = [line for line in lines if line.startswith("### Step ")]
    assert [line.split(":")[0] for line in steps] == [
        f"### Step {n}" for n in range(1, len(plan.steps) + 1)
    ]
    phases = [line for line in lines if line.startswith("## Phase ")]
    assert phases == [
        "## Phase 1: keys",
        "## Phase 2: data",
        "## Phase 3: certificates",
        "## Phase 4: secrets",
        "## Phase 5: detection",
    ]
    # the warning comes before the steps, and names the steps to do first
    warning = lines.index("> [!WARNING]")
    assert warning < lines.index("## Steps")
    assert "do steps 1 and 2" in lines[warning + 1]
    assert "Step 2 reads the source Region" in lines[warning + 1]
    assert "> [!CAUTION]" in lines and "> [!NOTE]" in lines
    assert "1 suppressed finding left out" in text
    assert "1 check could not be evaluated" in text
    assert "```mermaid" in text
    assert "`regionready remediate SNAPSHOT --rule KMS-001`" in text
    assert "--pem-dir DIR" in text
    assert "Needs the source Region" in text


def test_markdown_of_an_empty_plan() -> None:
    text = render.markdown(build_plan(report([]), []))
    assert "Nothing to do: no open finding." in text
    assert "```mermaid" not in text and "## Steps" not in text


def test_markdown_hostile_values_are_inert() -> None:
    hostile_rule = Rule(**{**RULES[0].__dict__, "title": "T <img src=x> | `x`"})
    rules = [hostile_rule, *RULES[1:]]
    plan = build_plan(
        report(sample_results(), rules), rules, snapshot="snap`s`\n## x", rules_dirs=["r|d"]
    )
    text = render.markdown(plan)
    for raw in ("<script>", "<img", "<b>now", "\x1b", "\u202e", "@octocat"):
        assert raw not in text, raw
    assert not any(line.startswith("## injected") for line in text.splitlines())
    tokens = gfm().parse(text)
    inline_html = {
        child.content
        for token in tokens
        if token.type == "inline"
        for child in token.children or []
        if child.type == "html_inline"
    }
    assert inline_html <= {"<br>"}
    assert not [t for t in tokens if t.type == "html_block"]
    links = [
        child
        for token in tokens
        if token.type == "inline"
        for child in token.children or []
        if child.type in ("link_open", "image")
    ]
    assert links == []
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert not any("injected" in h for h in headings)
    # every table row keeps its cells
    for line in text.splitlines():
        if line.startswith("| ") and "Resource" not in line and "Step |" not in line:
            cells = len(re.findall(r"(?<!\\)\|", line))
            assert cells in (6, 9), line
    # the command with backticks is one code span
    spans = [
        child.content
        for token in tokens
        if token.type == "inline"
        for child in token.children or []
        if child.type == "code_inline" and "remediate" in child.content
    ]
    assert spans and all("snap`s`\\n## x" in s for s in spans)


def test_markdown_says_why_a_step_moved_up() -> None:
    rules = [rule("SM-001", "secretsmanager"), rule("GEN-001", "gen", resource="account.region")]
    results = [
        finding("SM-001", "app/db", blocked_by=("GEN-001 eu-central-1",)),
        finding("GEN-001", "eu-central-1"),
    ]
    text = render.markdown(build_plan(report(results, rules), rules))
    assert "Listed under secrets (its rule is other): it blocks step 2." in text


def test_code_span_fences_past_backticks() -> None:
    assert render.code("a") == "`a`"
    assert render.code("a`b") == "``a`b``"
    assert render.code("`x`") == "`` `x` ``"
    assert "\n" not in render.code("a\nb")
