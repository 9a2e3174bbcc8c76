"""A plan of a scan with several Region pairs: the title names every pair, each pair's
findings get their own steps, and the source-Region warning names every source."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema

from regionready.cutover import render
from regionready.cutover.steps import build_plan
from regionready.model import Report, ScanInfo

from .conftest import ACCOUNT, NOW, SOURCE, TARGET, finding, rule

WEST = "eu-west-1"
RULES = [rule("KMS-001", "kms", needs_source=True)]


def two_pair_report() -> Report:
    pairs = [{"source": SOURCE, "target": TARGET}, {"source": SOURCE, "target": WEST}]
    return Report(
        scan=ScanInfo(SOURCE, TARGET, [ACCOUNT], NOW, pairs=pairs),
        rules={r.id: r.info() for r in RULES},
        results=[
            finding("KMS-001", "alias/app", target=TARGET),
            finding("KMS-001", "alias/app", target=WEST),
        ],
    )


def test_each_pair_has_its_own_step_and_the_title_names_both() -> None:
    plan = build_plan(two_pair_report(), RULES)
    assert [(s.source_region, s.target_region) for s in plan.steps] == [
        (SOURCE, TARGET),
        (SOURCE, WEST),
    ]
    text = render.markdown(plan)
    assert text.splitlines()[0] == f"# Cutover plan: {SOURCE} → {TARGET}, {SOURCE} → {WEST}"
    assert f"Before the source Region ({SOURCE}) is lost" in text
    document = render.json_document(plan)
    schema = json.loads(
        resources.files("regionready.schemas").joinpath("plan.schema.json").read_text()
    )
    jsonschema.validate(document, schema)
    assert document["pairs"] == [
        {"source": SOURCE, "target": TARGET},
        {"source": SOURCE, "target": WEST},
    ]
    # The graph title is a label, cut like every label: it starts with both pairs.
    assert f'label="cutover plan {SOURCE} -> {TARGET}, {SOURCE} ->' in render.dot(plan)
