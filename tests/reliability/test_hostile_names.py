"""Untrusted names and tags in a snapshot that is evaluated and rendered.

Anyone who can name or tag a resource writes text that ends up in every report and on
the console. Whatever that text holds (control characters, quotes, Markdown, HTML and
XML metacharacters, an RTL override, a lone surrogate, 100,000 characters), the run
must not crash, and every report must stay valid: SARIF against the 2.1.0 schema, JUnit
against the Ant XSD, the JSON report against its schema, Markdown with no raw HTML, no
broken table rows and no heading or list item the reporter did not write; the console
shows one line per finding.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ._support import (
    ACCOUNT,
    ALL_FORMATS,
    NOW,
    SOURCE,
    TARGET,
    Run,
    check_reports,
    cli_settings,
    evaluate_argv,
    run,
    workspace,
    write_snapshot,
)

MARK = "INJECTED"
HOSTILE = [
    f"evil|name`<script>alert(1)</script>`]]>\n## {MARK} heading\r\n| x | y |",
    f"\x01\x07\x1b[31mred\x1b[0m\x7f\x85\u2028{MARK}\u2029 @octocat @org/team",
    f"[click](javascript:alert(1)) ![img](http://evil/x.png) <img src=x onerror=alert(1)>{MARK}",
    f"\u202eRTL override {MARK}\u202c \u200b zero width \ufeff BOM \u2066isolate\u2069",
    f"'quotes' \"double\" &amp; &lt; <![CDATA[ x ]]> <?xml version='1.0'?> {MARK}",
    f"*bold* _it_ ~~strike~~ # not a heading\n# {MARK}\n- {MARK} item\n> quote",
    f"[bold red]rich markup[/] [link=http://evil]x[/link] {MARK}",
    f"tab\there\vvertical\fformfeed {MARK}",
    "x" * 100_000,
    f"\U0001f600 emoji \u0000 nul {MARK}",
    f"x\n::error::{MARK}\r::add-mask::y\n  ::warning::z ##[error]w \x1b]8;;http://e\x07l\x1b]8;;\x07",
]


def _hostile_snapshot(root: Path, text: str, n: int = 0) -> Path:
    """ACM, KMS and collection errors whose names, tags and messages are ``text``."""
    arn = f"arn:aws:acm:{SOURCE}:{ACCOUNT}:certificate/{n}-{text}"
    tags = [{"Key": text, "Value": text}, {"Key": "Owner", "Value": text}]
    source = {
        "acm": {
            "certificate": [
                {
                    "CertificateArn": arn,
                    "DomainName": text,
                    "SubjectAlternativeNames": [text, "ok.example.com"],
                    "KeyAlgorithm": "RSA_2048",
                    "Type": "AMAZON_ISSUED",
                    "Status": "ISSUED",
                    "Tags": tags,
                }
            ],
            "private_ca": [],
        },
        "kms": {
            "alias": [
                {
                    "AliasName": f"alias/{text}",
                    "TargetKeyId": "k1",
                    "Key": {"KeyId": "k1", "KeyState": "Enabled", "KeyManager": "CUSTOMER"},
                }
            ],
            "key": [],
        },
    }
    target = {
        "acm": {
            "certificate": [
                {
                    "CertificateArn": f"arn:aws:acm:{TARGET}:{ACCOUNT}:certificate/{n}-{text}",
                    "DomainName": text,
                    "KeyAlgorithm": "RSA_2048",
                    "Type": "IMPORTED",
                    "Status": "ISSUED",
                    "NotAfter": "2026-12-01T00:00:00Z",
                    "Tags": tags,
                }
            ],
            "private_ca": [],
        },
        "kms": {"alias": [], "key": []},
    }
    errors = {
        "target": {
            "kms": [
                {
                    "api": f"kms:{text}",
                    "code": text,
                    "message": text,
                    "action": f"kms:{text}",
                    "resource_types": ["key"],
                }
            ]
        }
    }
    return write_snapshot(root, source, target, errors)


def _suppressions(path: Path, text: str) -> Path:
    entry = {
        "rule": "ACM-00*",
        "resource": "*",
        "reason": text,
        "owner": text,
        "expires": "2099-01-01",
    }
    path.write_text(json.dumps({"suppressions": [entry]}), "utf-8")  # JSON is YAML
    return path


def _check_console(result: Run, text: str) -> None:
    """One line per finding: untrusted text never starts a line of its own."""
    for line in result.out.splitlines():
        if MARK in line:
            assert line.startswith(("  HIGH", "  ERROR", "  MEDIUM", "  CRITICAL", "  LOW")), line
    for bad in ("\x1b", "\x07", "\u202e", "\x00", "\u2028", "\r"):
        assert bad not in result.out, f"{bad!r} reached the console"
    for line in (result.out + result.err).splitlines():  # GitHub Actions workflow commands
        assert not line.lstrip().startswith("::"), line
    assert "##[" not in result.out + result.err


def _evaluate(tmp: Path, text: str, *extra: str) -> tuple[Run, Path]:
    """Evaluate a snapshot and suppressions holding ``text`` into every report in
    ``tmp/out``; nothing may escape ``main``."""
    snapshot = _hostile_snapshot(tmp / "snapshot", text)
    out = tmp / "out"
    suppressions = _suppressions(tmp / "suppressions.yaml", text)
    argv = evaluate_argv(
        snapshot, "--suppressions", suppressions, *extra, formats=ALL_FORMATS, out=out
    )
    result = run(*argv)
    assert result.crash is None, result.describe()
    return result, out


@pytest.mark.parametrize("redact", [False, True])
@pytest.mark.parametrize("index", range(len(HOSTILE)))
def test_hostile_names_render_into_valid_reports(index: int, redact: bool, tmp_path: Path) -> None:
    text = HOSTILE[index]
    result, out = _evaluate(tmp_path, text, *(["--redact"] if redact else []))
    assert result.code in (1, 3), result.describe()
    reports = check_reports(out)
    _check_console(result, text)
    statuses = {r["status"] for r in reports["json"]["results"]}
    assert {"FAIL", "ERROR", "SUPPRESSED"} <= statuses, statuses
    assert "<script" not in reports["markdown"].lower()


def test_a_lone_surrogate_is_refused_or_rendered_never_a_crash(tmp_path: Path) -> None:
    """Text that is not valid Unicode (a lone surrogate, which JSON can spell as
    ``\\ud800``) cannot be written to a UTF-8 report, console or log: the snapshot file is
    refused with one line naming it, or the reports are written valid."""
    result, out = _evaluate(tmp_path, f"lone \ud800 surrogate {MARK}")
    if result.code == 2:
        assert len(result.err_lines) == 1 and str(tmp_path / "snapshot") in result.err
    else:
        check_reports(out)


def test_expired_suppression_warnings_stay_one_line_each(tmp_path: Path) -> None:
    """An expired suppression is reported on stderr with its owner and resource: text
    from the suppressions file and the snapshot, which must not forge lines there."""
    text = f"team\nregionready: error: {MARK}\x1b[31m\u202e"
    snapshot = _hostile_snapshot(tmp_path / "snapshot", text)
    path = tmp_path / "suppressions.yaml"
    entry = {"rule": "ACM-00*", "resource": "*", "reason": text, "owner": text}
    path.write_text(json.dumps({"suppressions": [{**entry, "expires": "2020-01-01"}]}))
    result = run("evaluate", snapshot, "--now", NOW, "--suppressions", path)
    assert result.crash is None, result.describe()
    warnings = [line for line in result.err_lines if MARK in line]
    assert warnings, result.describe()
    for line in result.err_lines:
        if line.startswith("note: ") and "checks not judged" in line:
            continue  # the snapshot holds one service: the others' checks are named
        assert line.startswith("regionready: warning: suppression for "), result.describe()
    for bad in ("\x1b", "\u202e"):
        assert bad not in result.err, result.describe()


def test_step_summary_with_hostile_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    _evaluate(tmp_path, HOSTILE[0], "--step-summary")
    from ._support import check_markdown

    check_markdown(summary.read_text("utf-8"))


# -- property: any text at all ------------------------------------------------------------

NAME_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=()),  # no lone surrogates
    min_size=1,
    max_size=300,
) | st.sampled_from(HOSTILE)
ANY_TEXT = st.lists(  # every code point, lone surrogates included
    st.characters() | st.integers(0xD800, 0xDFFF).map(chr), min_size=1, max_size=60
).map("".join)


@cli_settings(max_examples=25)
@given(text=NAME_TEXT)
def test_any_name_renders_into_valid_reports(text: str) -> None:
    with workspace() as tmp:
        result, out = _evaluate(tmp, text)
        assert result.code in (1, 3), result.describe()
        check_reports(out)
        _check_console(result, text)


@cli_settings(max_examples=15)
@given(text=ANY_TEXT)
def test_any_string_never_crashes(text: str) -> None:
    with workspace() as tmp:
        result, out = _evaluate(tmp, text)
        if result.code == 2:
            assert len(result.err_lines) == 1, result.describe()
        else:
            assert result.code in (1, 3), result.describe()
            check_reports(out)
