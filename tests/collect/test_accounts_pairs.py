"""accounts.yaml: each account's own Region pairs (``source``/``target``, ``pairs``,
``active_active``), their errors (``file:line``), and what ``collect --accounts`` makes
of them: the manifest's ``account_regions`` and ``Scan.pairs(account)``."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from regionready import topology
from regionready.cli import main
from regionready.collect import accounts
from regionready.collect import driver as collect
from regionready.collect import organisation as org
from regionready.collect.accounts import AccountsError
from regionready.engine.fixtures import region_document
from regionready.snapshot_manifest import read_scan
from regionready.topology import Pair

ME, ME_SOUTH, CENTRAL, WEST = "me-central-1", "me-south-1", "eu-central-1", "eu-west-1"
CERT = {
    "CertificateArn": "arn:aws:acm:me-central-1:111111111111:certificate/api",
    "DomainName": "api.example.com",
    "SubjectAlternativeNames": ["api.example.com"],
    "KeyAlgorithm": "EC_prime256v1",
    "Type": "AMAZON_ISSUED",
    "Status": "ISSUED",
}


def accounts_file(tmp_path: Path, *fields: str) -> Path:
    """An accounts file: a plain account first (line 2), then one with ``fields`` (line 3,
    its fields on the lines below)."""
    path = tmp_path / "accounts.yaml"
    lines = ["accounts:", '  - id: "111111111111"', '  - id: "222222222222"']
    path.write_text("\n".join([*lines, *(f"    {f}" for f in fields)]) + "\n")
    return path


def own_pairs(tmp_path: Path, *fields: str) -> tuple[Pair, ...]:
    plain, spec = accounts.load(accounts_file(tmp_path, *fields))
    assert plain.pairs == ()  # an account without Regions: the command line's pairs
    return spec.pairs


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param([f"source: {ME}", f"target: {CENTRAL}"], [(ME, CENTRAL)], id="one-pair"),
        pytest.param(
            [f"source: {ME}", f"target: [{CENTRAL}, {WEST}]"],
            [(ME, CENTRAL), (ME, WEST)],
            id="several-targets",
        ),
        pytest.param(
            [f"source: [{ME}, {ME_SOUTH}]", f"target: {CENTRAL}"],
            [(ME, CENTRAL), (ME_SOUTH, CENTRAL)],
            id="consolidation",
        ),
        pytest.param(
            [f"pairs: [{ME}:{CENTRAL}, {ME_SOUTH}:{WEST}]"],
            [(ME, CENTRAL), (ME_SOUTH, WEST)],
            id="pairs",
        ),
        pytest.param(
            [f"source: {CENTRAL}", f"target: {WEST}", "active_active: true"],
            [(CENTRAL, WEST), (WEST, CENTRAL)],
            id="active-active",
        ),
        pytest.param(
            [f"source: {ME}", f"target: {CENTRAL}", "active_active: false"],
            [(ME, CENTRAL)],
            id="active-active-false",
        ),
        pytest.param(['role: "audit"'], [], id="none-of-its-own"),
    ],
)
def test_each_form_gives_the_account_its_pairs(
    tmp_path: Path, fields: list[str], expected: list[tuple[str, str]]
) -> None:
    assert own_pairs(tmp_path, *fields) == tuple(Pair(s, t) for s, t in expected)


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        pytest.param([f"pairs: [{ME}]"], f"'{ME}' is not SOURCE:TARGET", id="pair-without-colon"),
        pytest.param(
            [f"pairs: ['{ME}:{CENTRAL}:{WEST}']"], "is not SOURCE:TARGET", id="pair-two-colons"
        ),
        pytest.param([f"pairs: {ME}:{CENTRAL}"], "pairs must be a list", id="pairs-not-a-list"),
        pytest.param(["pairs: [1, 2]"], "pairs must be a list", id="pairs-not-text"),
        pytest.param(["active_active: true"], "active_active needs source and target", id="aa"),
        pytest.param(
            [f"source: {ME}", f"target: {CENTRAL}", "active_active: yes please"],
            "active_active must be true or false",
            id="aa-not-a-boolean",
        ),
        pytest.param([f"source: {ME}"], "give both source and target", id="source-only"),
        pytest.param([f"target: {CENTRAL}"], "give both source and target", id="target-only"),
        pytest.param(
            [f"source: {ME}", "target: eu-west"], "target 'eu-west' is not a Region", id="region"
        ),
        pytest.param(
            [f"source: {ME}", f"target: [{CENTRAL}, 5]"], "target 5 is not a Region", id="int"
        ),
        pytest.param(
            ["source: ME-CENTRAL-1", f"target: {CENTRAL}"], "is not a Region", id="upper-case"
        ),
        pytest.param([f"pairs: [{ME}:Mars]"], "'Mars' is not a Region code", id="pair-region"),
        pytest.param(
            [f"source: {WEST}", f"target: {WEST}"], "must be different Regions", id="same-region"
        ),
        pytest.param(
            [f"pairs: [{ME}:{WEST}, {ME}:{WEST}]"], "is given twice", id="pair-given-twice"
        ),
        pytest.param(
            [f"source: [{ME}, {ME_SOUTH}]", f"target: [{CENTRAL}, {WEST}]"],
            "several sources and several targets",
            id="several-by-several",
        ),
        pytest.param(
            [f"source: {ME}", f"pairs: [{ME}:{WEST}]"], "leave out", id="pairs-and-source"
        ),
        pytest.param(
            [f"source: {ME}", f"target: [{CENTRAL}, {WEST}]", "active_active: true"],
            "exactly two Regions",
            id="aa-three-regions",
        ),
    ],
)
def test_an_error_is_one_line_naming_file_and_line(
    tmp_path: Path, fields: list[str], why: str
) -> None:
    path = accounts_file(tmp_path, *fields)
    with pytest.raises(AccountsError) as caught:
        accounts.load(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:3: "), message  # the entry of account 222222222222
    assert why in message and "\n" not in message, message


def test_a_bad_entry_is_exit_2_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = accounts_file(tmp_path, f"source: {ME}")
    argv = ["collect", "--source", ME, "--target", CENTRAL, "--services", "acm"]
    assert main([*argv, "--accounts", str(path), "--out", str(tmp_path / "s"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert re.search(rf"{re.escape(str(path))}:3: give both source and target", err), err


ORGANISATION = f"""\
accounts:
  - id: "111111111111"
  - id: "222222222222"
    pairs: [{ME}:{CENTRAL}, {ME}:{WEST}]
  - id: "333333333333"
    source: {ME_SOUTH}
    target: {WEST}
"""


@pytest.fixture
def organisation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, list[dict[str, Any]]]:
    """``collect --accounts`` of three accounts with the organisation collector replaced
    by one that records its arguments and returns an ACM document per Region the account
    is collected in: one certificate in each source Region, none in the targets (no AWS,
    no network)."""
    calls: list[dict[str, Any]] = []

    def fake_collect(
        _session: Any, specs: list[Any], *, pairs: list[Pair], **_: Any
    ) -> list[collect.CollectResult]:
        calls.append({"specs": specs, "pairs": pairs})
        found = []
        for spec in specs:
            documents = {}
            own = spec.pairs or pairs
            for region in topology.regions(own):
                certs = [CERT] if region in {p.source for p in own} else []
                doc = region_document(region, {"acm": {"certificate": certs, "private_ca": []}}, {})
                documents[(spec.id, region)] = dict(doc, account=spec.id)
            found.append(collect.CollectResult(spec.id, documents, {}))
        return found

    monkeypatch.setattr(org, "collect", fake_collect)
    path = tmp_path / "accounts.yaml"
    path.write_text(ORGANISATION)
    out = tmp_path / "snapshot"
    argv = ["collect", "--source", ME, "--target", CENTRAL, "--services", "acm", "--quiet"]
    assert main([*argv, "--accounts", str(path), "--out", str(out)]) == 0
    return out, calls


def test_collect_writes_each_account_s_own_pairs_in_the_manifest(
    organisation: tuple[Path, list[dict[str, Any]]],
) -> None:
    out, calls = organisation
    (call,) = calls
    assert call["pairs"] == [Pair(ME, CENTRAL)]  # the command line's, for account 111...
    assert {s.id: s.pairs for s in call["specs"]} == {
        "111111111111": (),
        "222222222222": (Pair(ME, CENTRAL), Pair(ME, WEST)),
        "333333333333": (Pair(ME_SOUTH, WEST),),
    }
    scan = read_scan(out)
    assert scan.manifest["account_regions"] == {
        "222222222222": {
            "pairs": [{"source": ME, "target": CENTRAL}, {"source": ME, "target": WEST}]
        },
        "333333333333": {"source": ME_SOUTH, "target": WEST},
    }
    assert scan.pairs("222222222222") == [Pair(ME, CENTRAL), Pair(ME, WEST)]
    assert scan.pairs("333333333333") == [Pair(ME_SOUTH, WEST)]
    assert scan.pairs("111111111111") == [Pair(ME, CENTRAL)]
    assert scan.pairs() == [Pair(ME, CENTRAL), Pair(ME, WEST), Pair(ME_SOUTH, WEST)]
    # Each account is collected in the Regions of its own pairs, each Region once.
    assert sorted(scan.documents) == sorted(
        [
            ("111111111111", ME),
            ("111111111111", CENTRAL),
            ("222222222222", ME),
            ("222222222222", CENTRAL),
            ("222222222222", WEST),
            ("333333333333", ME_SOUTH),
            ("333333333333", WEST),
        ]
    )


def test_evaluate_judges_each_account_on_its_own_pairs(
    organisation: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    out, _ = organisation
    argv = ["evaluate", str(out), "--only", "ACM-001", "--format", "json"]
    assert main([*argv, "--now", "2026-11-23T00:00:00Z", "--out", str(tmp_path / "r")]) == 1
    report = json.loads((tmp_path / "r" / "regionready.json").read_text())
    failing = {
        (r["account"], r["source_region"], r["target_region"])
        for r in report["results"]
        if r["status"] == "FAIL"
    }
    assert failing == {
        ("111111111111", ME, CENTRAL),
        ("222222222222", ME, CENTRAL),
        ("222222222222", ME, WEST),
        ("333333333333", ME_SOUTH, WEST),
    }
    assert report["scan"]["pairs"] == [
        {"source": ME, "target": CENTRAL},
        {"source": ME, "target": WEST},
        {"source": ME_SOUTH, "target": WEST},
    ]
