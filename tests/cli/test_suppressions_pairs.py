"""Suppressions' ``pair``: a glob on the result's ``source:target``, absent = every pair."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from regionready import suppressions
from regionready.cli import main
from regionready.suppressions import SuppressionError

from ._pairs import CENTRAL, NOW, SOURCE, WEST, certificates, make_pairs_scan
from .conftest import CERT_SOURCE

ENTRY = """\
suppressions:
  - rule: ACM-001
    resource: "*"
    reason: the backup Region gets its certificate in the December release
    owner: platform-team@example.com
    expires: 2026-12-31
"""


def write(tmp_path: Path, extra: str = "", *, expires: str = "2026-12-31") -> Path:
    path = tmp_path / "suppressions.yaml"
    path.write_text(ENTRY.replace("2026-12-31", expires) + extra)
    return path


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """api.example.com missing from both targets: ACM-001 fails in both pairs."""
    empty = certificates()
    return make_pairs_scan(
        tmp_path_factory.mktemp("scan") / "s",
        {SOURCE: certificates(CERT_SOURCE), CENTRAL: empty, WEST: empty},
    )


def statuses(
    scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], entries: Path
) -> tuple[int, dict[str, str], str]:
    """Exit code, target Region -> ACM-001 status, and stderr of evaluate with ``entries``."""
    out = tmp_path / "r"
    argv = ["evaluate", str(scan), "--now", NOW, "--only", "ACM-001", "--format", "json"]
    code = main([*argv, "--out", str(out), "--suppressions", str(entries)])
    err = capsys.readouterr().err
    results = json.loads((out / "regionready.json").read_text())["results"]
    return code, {r["target_region"]: r["status"] for r in results}, err


@pytest.mark.parametrize(
    ("pair", "expected"),
    [
        ('"*:eu-west-1"', {CENTRAL: "FAIL", WEST: "SUPPRESSED"}),
        (f"{SOURCE}:{CENTRAL}", {CENTRAL: "SUPPRESSED", WEST: "FAIL"}),
        ('"me-*:eu-*"', {CENTRAL: "SUPPRESSED", WEST: "SUPPRESSED"}),
        ('"*:us-east-1"', {CENTRAL: "FAIL", WEST: "FAIL"}),
        ("eu-west-1:me-central-1", {CENTRAL: "FAIL", WEST: "FAIL"}),  # the other direction
    ],
)
def test_pair_glob_limits_an_entry_to_the_pairs_it_matches(
    scan: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pair: str,
    expected: dict[str, str],
) -> None:
    code, found, _ = statuses(scan, tmp_path, capsys, write(tmp_path, f"    pair: {pair}\n"))
    assert found == expected
    assert code == (1 if "FAIL" in expected.values() else 0)


def test_without_pair_an_entry_applies_to_every_pair(
    scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert suppressions.load(write(tmp_path))[0].pair is None
    code, found, _ = statuses(scan, tmp_path, capsys, write(tmp_path))
    assert (code, found) == (0, {CENTRAL: "SUPPRESSED", WEST: "SUPPRESSED"})


def test_an_expired_entry_with_a_pair_says_which_pair(
    scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = write(tmp_path, '    pair: "*:eu-west-1"\n', expires="2026-01-31")
    code, found, err = statuses(scan, tmp_path, capsys, entries)
    assert (code, found) == (1, {CENTRAL: "FAIL", WEST: "FAIL"})
    assert "suppression for ACM-001 * pair *:eu-west-1 (owner platform-team@example.com)" in err
    assert err.count("fails again") == 1, err  # only the eu-west-1 finding matched it


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("[me-central-1:eu-west-1]", "pair must be text, a glob on SOURCE:TARGET"),
        ("12", "pair must be text, a glob on SOURCE:TARGET"),
        ("{source: me-central-1}", "pair must be text, a glob on SOURCE:TARGET"),
        ("eu-west-1", "pair 'eu-west-1' has no ':': it is a glob on SOURCE:TARGET"),
    ],
)
def test_a_bad_pair_is_one_line_naming_file_and_line(tmp_path: Path, value: str, why: str) -> None:
    path = write(tmp_path, f"    pair: {value}\n")
    with pytest.raises(SuppressionError) as caught:
        suppressions.load(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:7: {why}"), message
    assert "\n" not in message


def test_a_bad_pair_is_exit_2_on_the_command_line(
    scan: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "    pair: [a:b]\n")
    argv = ["evaluate", str(scan), "--now", NOW, "--only", "ACM-001", "--suppressions", str(path)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"{path}:7: pair must be text" in err, err


def test_an_unquoted_leading_star_is_a_yaml_error_naming_the_line(tmp_path: Path) -> None:
    # `pair: *:eu-west-1` starts a YAML alias: the docs say to quote it; it fails, never
    # silently matches nothing.
    path = write(tmp_path, "    pair: *:eu-west-1\n")
    with pytest.raises(SuppressionError, match=f"^{re.escape(str(path))}:7: "):
        suppressions.load(path)


def test_matching_reads_the_result_pair_label(tmp_path: Path) -> None:
    (entry,) = suppressions.load(write(tmp_path, '    pair: "*:eu-west-?"\n'))
    assert entry.pair == "*:eu-west-?"
    assert entry.named == "ACM-001 * pair *:eu-west-?"
    assert not entry.expired(dt.date(2026, 12, 31)) and entry.expired(dt.date(2027, 1, 1))
