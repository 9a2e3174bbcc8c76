"""Region pairs from the command line: the shapes, and the combinations refused."""

from __future__ import annotations

import pytest

from regionready import topology
from regionready.errors import UsageError
from regionready.topology import Pair

A, B, C = "me-central-1", "eu-central-1", "eu-west-1"


@pytest.mark.parametrize(
    ("sources", "targets", "pairs", "active", "expected", "shape"),
    [
        ([A], [B], [], False, [Pair(A, B)], "one pair"),
        ([A], [B, C], [], False, [Pair(A, B), Pair(A, C)], "several targets"),
        ([A, C], [B], [], False, [Pair(A, B), Pair(C, B)], "consolidation"),
        ([A], [B], [], True, [Pair(A, B), Pair(B, A)], "active-active"),
        ([], [], [f"{A}:{B}", f"{C}:{A}"], False, [Pair(A, B), Pair(C, A)], "pairs"),
        ([], [], [f" {A} : {B} "], False, [Pair(A, B)], "one pair"),
    ],
)
def test_build(
    sources: list[str],
    targets: list[str],
    pairs: list[str],
    active: bool,
    expected: list[Pair],
    shape: str,
) -> None:
    found = topology.build(sources, targets, pairs=pairs, active_active=active)
    assert found == expected
    assert topology.shape(found) == shape


@pytest.mark.parametrize(
    ("sources", "targets", "pairs", "active", "message"),
    [
        ([A], [B], [f"{A}:{C}"], False, "--pairs lists every pair"),
        ([A, C], [B, "eu-north-1"], [], False, "say which go together with --pairs"),
        ([A], [], [], False, "name the Regions"),
        ([A], [B, C], [], True, "--active-active takes exactly two Regions"),
        ([A], [A], [], False, f"{A} -> {A}: the source and the target must be different"),
        ([], [], [f"{A}:{B}", f"{A}:{B}"], False, f"{A} -> {B} is given twice"),
        ([], [], [f"{A}-{B}"], False, "is not SOURCE:TARGET"),
        ([], [], [f"{A}:{B}:{C}"], False, "is not SOURCE:TARGET"),
        ([], [], [f":{B}"], False, "is not SOURCE:TARGET"),
    ],
)
def test_build_refuses(
    sources: list[str], targets: list[str], pairs: list[str], active: bool, message: str
) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        topology.build(sources, targets, pairs=pairs, active_active=active)


def test_regions_collects_each_region_once_sources_first() -> None:
    pairs = [Pair(A, B), Pair(B, A), Pair(A, C)]
    assert topology.regions(pairs) == [A, B, C]
    assert topology.sources_of(pairs, A) == [B]
    assert topology.sources_of([Pair(A, B), Pair(C, B)], B) == [A, C]


def test_pair_forms() -> None:
    pair = Pair(A, B)
    assert pair.label == f"{A}:{B}" and str(pair) == f"{A} -> {B}"
    assert topology.parse_pair(pair.label) == pair
    assert topology.from_list(topology.to_list([pair])) == [pair]
