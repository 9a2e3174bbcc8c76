"""``regionready diff`` and ``--baseline`` on reports of several Region pairs.

Findings match by fingerprint, which hashes the source and the target Region: the same
certificate missing from two targets is two findings, each fixed (or not) on its own, an
ERROR in one pair leaves the other pair's findings judged, and when the reports hold more
than one pair between them each line of the diff names its pair.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from regionready.cli import main
from regionready.topology import Pair

from ._pairs import (
    CENTRAL,
    NOW,
    SOURCE,
    WEST,
    certificates,
    copy_in,
    make_pairs_scan,
)
from .conftest import CERT_SOURCE, DENIED

WWW = dict(
    CERT_SOURCE,
    CertificateArn=f"{CERT_SOURCE['CertificateArn']}-www",
    DomainName="www.example.com",
    SubjectAlternativeNames=["www.example.com"],
)
CENTRAL_LEAD = f"{SOURCE} -> {CENTRAL}: "
WEST_LEAD = f"{SOURCE} -> {WEST}: "


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def evaluate(scan: Path, out: Path, *extra: str) -> int:
    return main(
        [
            "evaluate",
            str(scan),
            "--now",
            NOW,
            "--only",
            "ACM-001",
            "--format",
            "json",
            "--out",
            str(out),
            *extra,
        ]
    )


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real JSON reports of ACM-001 (api.example.com must exist in each target):

    - ``open``: missing from both targets (two findings);
    - ``half``: recreated in eu-west-1 only (fixed there, open into eu-central-1);
    - ``gone_denied``: api deleted from the source (www remains, recreated in
      eu-central-1), and eu-west-1's certificates cannot be listed (ERROR in that pair);
    - ``one``: a scan of the one pair me-central-1 -> eu-central-1, api missing.
    """
    tmp = tmp_path_factory.mktemp("pairs")
    empty = certificates()
    scans = {
        "open": ({SOURCE: certificates(CERT_SOURCE), CENTRAL: empty, WEST: empty}, {}, 1),
        "half": (
            {SOURCE: certificates(CERT_SOURCE), CENTRAL: empty, WEST: certificates(copy_in(WEST))},
            {},
            1,
        ),
        "gone_denied": (
            {
                SOURCE: certificates(WWW),
                CENTRAL: certificates(copy_in(CENTRAL, WWW)),
                WEST: {"acm": {"private_ca": []}},
            },
            {WEST: DENIED},
            3,
        ),
    }
    found: dict[str, Path] = {}
    for name, (regions, errors, expected) in scans.items():
        scan = make_pairs_scan(tmp / f"{name}-scan", regions, errors=errors)
        assert evaluate(scan, tmp / name) == expected, name
        found[name] = tmp / name / "regionready.json"
    one = make_pairs_scan(
        tmp / "one-scan",
        {SOURCE: certificates(CERT_SOURCE), CENTRAL: empty},
        pairs=[Pair(SOURCE, CENTRAL)],
    )
    assert evaluate(one, tmp / "one") == 1
    found["one"] = tmp / "one" / "regionready.json"
    return found


def lines_of(out: str) -> dict[str, list[str]]:
    """Label -> lines, from diff's table output (the last line is the summary)."""
    found: dict[str, list[str]] = {}
    for line in out.splitlines()[:-1]:
        label = "not evaluated" if line.startswith("not evaluated") else line.split()[0]
        found.setdefault(label, []).append(line)
    return found


def pairs_of(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(r["source_region"], r["target_region"]) for r in items]


def test_the_same_finding_in_two_pairs_is_two_findings(
    reports: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    results = json.loads(reports["open"].read_text())["results"]
    failing = [r for r in results if r["status"] == "FAIL"]
    assert sorted(pairs_of(failing)) == [(SOURCE, CENTRAL), (SOURCE, WEST)]
    assert {r["resource_id"] for r in failing} == {CERT_SOURCE["CertificateArn"]}
    assert len({r["fingerprint"] for r in failing}) == 2
    code, out = run(capsys, "diff", str(reports["open"]), str(reports["open"]), "--format", "json")
    assert code == 0
    changes = json.loads(out)
    assert sorted(pairs_of(changes["unchanged"])) == [(SOURCE, CENTRAL), (SOURCE, WEST)]
    assert changes["new"] == changes["fixed"] == changes["not_evaluated"] == []


def test_fixed_in_one_pair_and_still_open_in_the_other(
    reports: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = str(reports["open"]), str(reports["half"])
    code, out = run(capsys, "diff", old, new, "--format", "json")
    assert code == 0
    changes = json.loads(out)
    assert pairs_of(changes["fixed"]) == [(SOURCE, WEST)]
    assert pairs_of(changes["unchanged"]) == [(SOURCE, CENTRAL)]
    assert changes["new"] == changes["not_evaluated"] == changes["suppressed"] == []
    code, out = run(capsys, "diff", old, new)
    assert out.splitlines()[-1] == (
        "0 new, 1 fixed, 1 unchanged findings, 0 not evaluated, 0 suppressed"
    )
    lines = lines_of(out)
    (fixed,) = lines["fixed"]
    (unchanged,) = lines["unchanged"]
    assert f"ACM-001 {WEST}: {WEST_LEAD}api.example.com" in fixed, fixed
    assert f"ACM-001 {CENTRAL}: {CENTRAL_LEAD}api.example.com" in unchanged, unchanged
    # Back again: the finding into eu-west-1 is new, the one into eu-central-1 is not.
    code, out = run(capsys, "diff", new, old)
    assert code == 1  # a new high finding, --fail-on high by default
    lines = lines_of(out)
    assert [WEST_LEAD in line for line in lines["new"]] == [True]
    assert [CENTRAL_LEAD in line for line in lines["unchanged"]] == [True]


def test_an_error_in_one_pair_leaves_the_other_pair_judged(
    reports: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # api is gone from the source: into eu-central-1 the rule ran on complete data (fixed);
    # into eu-west-1 it could not list the certificates (not evaluated, never fixed).
    code, out = run(
        capsys, "diff", str(reports["open"]), str(reports["gone_denied"]), "--format", "json"
    )
    assert code == 0
    changes = json.loads(out)
    assert pairs_of(changes["fixed"]) == [(SOURCE, CENTRAL)]
    assert pairs_of(changes["not_evaluated"]) == [(SOURCE, WEST)]
    assert changes["unchanged"] == changes["new"] == []


def test_each_line_names_its_pair_across_a_one_pair_and_a_two_pair_report(
    reports: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    one = json.loads(reports["one"].read_text())
    (finding,) = [r for r in one["results"] if r["status"] == "FAIL"]
    assert "->" not in finding["message"]  # a one-pair scan's messages have no prefix
    code, out = run(capsys, "diff", str(reports["one"]), str(reports["open"]))
    assert code == 1  # the finding into eu-west-1 is new
    lines = lines_of(out)
    (unchanged,) = lines["unchanged"]  # the old report's record, led by its pair here
    (new,) = lines["new"]
    assert unchanged.count(CENTRAL_LEAD) == 1 and "->" not in unchanged.replace(CENTRAL_LEAD, "")
    assert new.count(WEST_LEAD) == 1 and "->" not in new.replace(WEST_LEAD, "")


def test_a_one_pair_diff_does_not_name_the_pair(
    reports: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "diff", str(reports["one"]), str(reports["one"]))
    assert code == 0
    (unchanged,) = lines_of(out)["unchanged"]
    assert unchanged.split() == [
        "unchanged",
        "high",
        "ACM-001",
        f"{CENTRAL}:",
        *json.loads(reports["one"].read_text())["results"][0]["message"].split(),
    ]
    assert "->" not in unchanged


def test_baseline_gates_on_the_pair_whose_finding_is_new(
    reports: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Baseline: open into eu-central-1 only. Now: open into both: one new finding.
    empty = certificates()
    scan = make_pairs_scan(
        tmp_path / "scan", {SOURCE: certificates(CERT_SOURCE), CENTRAL: empty, WEST: empty}
    )
    capsys.readouterr()
    code = main(
        [
            "evaluate",
            str(scan),
            "--now",
            NOW,
            "--only",
            "ACM-001",
            "--format",
            "table,json",
            "--out",
            str(tmp_path / "r"),
            "--baseline",
            str(reports["half"]),
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "1 new (2 in total) at or above --fail-on high" in out.splitlines()[0], out
    assert "baseline: 1 new, 0 fixed, 1 unchanged findings" in out, out
    results = json.loads((tmp_path / "r" / "regionready.json").read_text())["results"]
    tags = {
        r["target_region"]: r["details"].get("baseline") for r in results if r["status"] == "FAIL"
    }
    assert tags == {CENTRAL: "existing", WEST: "new"}
