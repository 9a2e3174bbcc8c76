"""Region codes are checked first (issue 21): a typo is named with "did you mean", before
credentials, sessions or any file is read; a well-formed code botocore does not know
passes only with --allow-unknown-region; a malformed one never does. Exit 2, one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from regionready import region_codes
from regionready.cli import build_parser, main
from regionready.collect import sessions
from regionready.region_codes import KNOWN, MALFORMED, UNKNOWN, Verdict

POOL = frozenset({"eu-central-1", "eu-central-2", "me-central-1", "us-east-1", "us-east-2"})


# -- the pure functions --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("eu-central-1", Verdict("eu-central-1", KNOWN)),
        ("eu-centrl-1", Verdict("eu-centrl-1", UNKNOWN, "eu-central-1")),
        ("eu-cental-1", Verdict("eu-cental-1", UNKNOWN, "eu-central-1")),
        ("us-est-1", Verdict("us-est-1", UNKNOWN, "us-east-1")),
        ("xx-newplace-7", Verdict("xx-newplace-7", UNKNOWN, None)),
        ("EU-CENTRAL-1", Verdict("EU-CENTRAL-1", MALFORMED, "eu-central-1")),
        ("eu-central-1 ", Verdict("eu-central-1 ", MALFORMED, "eu-central-1")),
        ("eu-central-1a", Verdict("eu-central-1a", MALFORMED, "eu-central-1")),
        ("eu_central_1", Verdict("eu_central_1", MALFORMED, "eu-central-1")),
        ("eu-central", Verdict("eu-central", MALFORMED, "eu-central-1")),  # the first of two
        ("mars-1", Verdict("mars-1", MALFORMED, None)),
        ("", Verdict("", MALFORMED, None)),
    ],
)
def test_classify(code: str, expected: Verdict) -> None:
    assert region_codes.classify(code, POOL) == expected


def test_problem_names_the_flag_the_code_and_the_likely_one() -> None:
    line = region_codes.problem("--target", "eu-centrl-1", known=POOL)
    assert line is not None and "\n" not in line
    assert line.startswith("--target 'eu-centrl-1' is not a known AWS Region")
    assert "did you mean eu-central-1?" in line and "--allow-unknown-region" in line
    assert region_codes.problem("--target", "eu-central-1", known=POOL) is None


def test_an_unknown_well_formed_code_passes_only_when_allowed() -> None:
    assert region_codes.problem("--target", "xx-newplace-7", known=POOL) is not None
    assert region_codes.problem("--target", "xx-newplace-7", allow_unknown=True, known=POOL) is None
    verdict = region_codes.check("--target", "xx-newplace-7", allow_unknown=True, known=POOL)
    assert verdict.status == UNKNOWN
    warning = region_codes.warning("--target", verdict)
    assert warning and "xx-newplace-7" in warning and "--allow-unknown-region" in warning
    assert region_codes.warning("--target", Verdict("eu-central-1", KNOWN)) is None


def test_a_malformed_code_is_refused_even_when_unknown_codes_are_allowed() -> None:
    for code in ("EU-central-1", "eu-central", "nowhere", "eu-central-1;rm"):
        with pytest.raises(region_codes.RegionCodeError, match="is not an AWS Region code"):
            region_codes.check("--source", code, allow_unknown=True, known=POOL)


def test_no_suggestion_for_a_code_that_resembles_nothing() -> None:
    line = region_codes.problem("--source", "nowhere", known=POOL)
    assert line == "--source 'nowhere' is not an AWS Region code (e.g. eu-central-1)"


def test_the_known_codes_are_every_partition_of_botocore() -> None:
    known = region_codes.known_regions()
    for code in (
        "us-east-1",
        "eu-central-1",
        "me-central-1",
        "cn-north-1",
        "us-gov-west-1",
        "us-iso-east-1",
    ):
        assert code in known, code
    assert "aws-global" not in known and "aws-cn-global" not in known
    assert all(region_codes.well_formed(code) for code in known)


# -- the command line ----------------------------------------------------------------------


def _no_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """No credentials, and any session opened is a failure of the test: the check must
    come before both."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    def opened(*_: object, **__: object) -> None:
        raise AssertionError("a session was opened before the Region codes were checked")

    monkeypatch.setattr(sessions, "open_session", opened)


def _one_error_line(code: int, err: str) -> str:
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("regionready: error: "), err
    return lines[0]


def test_the_endpoints_data_is_parsed_once_for_the_codes_and_the_collection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import boto3
    import botocore.loaders
    import botocore.session

    from regionready.collect import botocore_data

    parsed: list[str] = []
    load_file = botocore.loaders.JSONFileLoader.load_file

    def counted(self: object, file_path: str) -> object:
        if file_path.endswith(("endpoints", "endpoints.json")):
            parsed.append(file_path)
        return load_file(self, file_path)  # type: ignore[arg-type]

    monkeypatch.setattr(botocore.loaders.JSONFileLoader, "load_file", counted)
    monkeypatch.setattr(botocore_data, "_LOADER", [])  # a run that has read nothing yet
    region_codes.known_regions.cache_clear()
    try:
        assert "eu-central-1" in region_codes.known_regions()
        core = botocore.session.get_session()
        core.register_component("data_loader", botocore_data.shared_loader())
        boto3.Session(botocore_session=core).client("sts", region_name="eu-central-1")
    finally:
        region_codes.known_regions.cache_clear()
    assert len(parsed) == 1, parsed


@pytest.mark.parametrize("command", ["scan", "collect"])
@pytest.mark.parametrize("flag", ["--source", "--target"])
def test_a_typo_is_named_before_credentials_and_files(
    command: str,
    flag: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _no_aws(monkeypatch)
    regions = {"--source": "me-central-1", "--target": "eu-central-1"}
    regions[flag] = "eu-centrl-1" if flag == "--target" else "me-centrl-1"
    argv = [command, "--source", regions["--source"], "--target", regions["--target"]]
    # Files that do not exist: none of them may be read before the Regions are checked.
    argv += ["--accounts", str(tmp_path / "no-accounts.yaml"), "--out", str(tmp_path / "o")]
    if command == "scan":
        argv += ["--rules", str(tmp_path / "no-rules"), "--baseline", str(tmp_path / "no.json")]
    line = _one_error_line(main(argv), capsys.readouterr().err)
    meant = "eu-central-1" if flag == "--target" else "me-central-1"
    assert f"{flag} '{regions[flag]}'" in line and f"did you mean {meant}?" in line
    assert "credentials" not in line
    assert not (tmp_path / "o").exists()


def test_a_malformed_code_is_refused_with_or_without_the_flag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _no_aws(monkeypatch)
    base = ["scan", "--source", "me-central-1", "--target", "EU-Central-1", "--out", str(tmp_path)]
    for extra in ([], ["--allow-unknown-region"]):
        line = _one_error_line(main([*base, *extra]), capsys.readouterr().err)
        assert "'EU-Central-1' is not an AWS Region code: did you mean eu-central-1?" in line


def test_an_unknown_region_needs_the_flag_then_the_scan_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _no_aws(monkeypatch)
    argv = ["collect", "--source", "me-central-1", "--target", "xx-newplace-7"]
    argv += ["--out", str(tmp_path / "o")]
    line = _one_error_line(main(argv), capsys.readouterr().err)
    assert "'xx-newplace-7' is not a known AWS Region" in line
    assert "add --allow-unknown-region" in line

    class Reached(Exception):
        pass

    def opened(*_: object, **__: object) -> None:
        raise Reached

    monkeypatch.setattr(sessions, "open_session", opened)
    with pytest.raises(Reached):  # past the check: on to the credentials
        main([*argv, "--allow-unknown-region"])
    err = capsys.readouterr().err
    assert "warning: --target 'xx-newplace-7' is not a Region botocore" in err


def test_the_same_region_twice_is_still_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["collect", "--source", "eu-central-1", "--target", "eu-central-1"])
    assert "must be different Regions" in _one_error_line(code, capsys.readouterr().err)


def test_iac_names_the_typo_instead_of_linting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "template.yaml"
    template.write_text("Resources: {}\n")
    argv = ["iac", str(template), "--source", "me-central-1", "--target", "eu-centrl-1"]
    line = _one_error_line(main(argv), capsys.readouterr().err)
    assert "did you mean eu-central-1?" in line


@pytest.mark.parametrize("command", ["scan", "collect"])
def test_the_flag_is_explained(command: str) -> None:
    parser = build_parser()
    args = parser.parse_args([command, "--source", "a", "--target", "b"])
    assert args.allow_unknown_region is False
    args = parser.parse_args([command, "--source", "a", "--target", "b", "--allow-unknown-region"])
    assert args.allow_unknown_region is True
