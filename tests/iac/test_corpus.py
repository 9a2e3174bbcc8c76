"""Precision and must-find recall of IAC-002 and IAC-004 on the labelled corpus
(tests/iac/corpus: real files from PyPI sdists and from seven terraform-aws-modules
repositories on GitHub, see SOURCES.md, and files written for the corpus under
written/). Fails when precision on the judged findings of the real
files, or must-find recall, drops below 0.9 for either check; or when a finding on a
real file is not judged in labels.yaml (judge it there)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from regionready.iac import endpoints, regions
from regionready.iac.files import SourceFile, discover_all

CORPUS = Path(__file__).parent / "corpus"
LABELS: dict[str, Any] = yaml.safe_load((CORPUS / "labels.yaml").read_text())
CHECKS = ("IAC-002", "IAC-004")
Key = tuple[str, str, str, int, str]  # (check, source Region, path, line, code)


@cache
def files() -> tuple[SourceFile, ...]:
    return tuple(f for f in discover_all([CORPUS], CORPUS).files if f.rel != "labels.yaml")


@cache
def made(source_region: str) -> frozenset[Key]:
    found: set[Key] = set()
    target = LABELS["target"]
    for source in files():
        # IAC-004 does not depend on the source Region: judged once, under us-east-1
        found_here = regions.scan(source, source_region, target)
        if source_region == "us-east-1":
            found_here += endpoints.scan(source)
        for finding in found_here:
            if finding.check in CHECKS:
                key = (finding.check, source_region, finding.path, finding.line, finding.code)
                found.add(key)
    return frozenset(found)


def _key(entry: dict[str, Any]) -> Key:
    return (entry["check"], entry["source"], entry["path"], entry["line"], entry["code"])


def test_the_corpus_is_large_enough_and_judged() -> None:
    kinds = [f.kind for f in files()]
    assert kinds.count("cloudformation") >= 300
    assert len(LABELS["findings"]) >= 100
    assert len(LABELS["must_find"]) >= 30
    assert all(e["reason"] for e in LABELS["findings"])


@pytest.mark.parametrize("source_region", ["us-east-1", "us-west-2", "eu-west-1"])
def test_every_finding_on_a_real_file_is_judged(source_region: str) -> None:
    judged = {_key(e) for e in LABELS["findings"]}
    real = {k for k in made(source_region) if not k[2].startswith("written/")}
    assert real - judged == set(), "judge these findings in tests/iac/corpus/labels.yaml"


@pytest.mark.parametrize("check", CHECKS)
def test_precision_on_judged_real_findings_is_at_least_0_9(check: str) -> None:
    true = false = 0
    for entry in LABELS["findings"]:
        if entry["check"] != check or _key(entry) not in made(entry["source"]):
            continue
        if entry["hazard"]:
            true += 1
        else:
            false += 1
    assert true + false > 0
    precision = true / (true + false)
    print(f"{check}: precision {true}/{true + false} = {precision:.3f}")
    assert precision >= 0.9


@pytest.mark.parametrize("check", CHECKS)
def test_must_find_recall_is_at_least_0_9(check: str) -> None:
    wanted = [e for e in LABELS["must_find"] if e["check"] == check]
    found = [e for e in wanted if _key(e) in made(e["source"])]
    missed = [e for e in wanted if e not in found]
    recall = len(found) / len(wanted)
    print(f"{check}: must-find recall {len(found)}/{len(wanted)} = {recall:.3f}; missed {missed}")
    assert recall >= 0.9


def test_must_not_find_idioms_are_not_reported() -> None:
    reported = {(k[0], k[2], k[3]) for k in made("us-east-1")}
    wrong = [e for e in LABELS["must_not_find"] if (e["check"], e["path"], e["line"]) in reported]
    assert wrong == []
