"""docs/rules is generated from the rule files and kept in step with them."""

from pathlib import Path

import pytest

from regionready.cli import main

REPO = Path(__file__).resolve().parents[1]


def test_docs_generate_and_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "docs"
    assert main(["rules", "docs", "--out", str(out), "--check"]) == 1
    assert main(["rules", "docs", "--out", str(out)]) == 0
    assert main(["rules", "docs", "--out", str(out), "--check"]) == 0
    page = (out / "ACM-003.md").read_text()
    assert page.startswith("# ACM-003: ")
    assert "--param ACM-003.<name>=<value>" in page
    assert "[ACM-003](ACM-003.md)" in (out / "README.md").read_text()
    (out / "KMS-001.md").write_text("edited by hand\n")
    assert main(["rules", "docs", "--out", str(out), "--check"]) == 1
    assert "KMS-001.md" in capsys.readouterr().out


def test_committed_docs_are_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["rules", "docs", "--out", str(REPO / "docs" / "rules"), "--check"])
    assert code == 0, capsys.readouterr().out


def test_catalogue_page_is_generated_beside_the_rule_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/checks.md: the whole catalogue on one page, with every rule function and its
    docstring summary (the text `regionready rules functions` prints)."""
    from regionready.engine.functions import CUSTOM_FUNCTIONS, function_summary

    out = tmp_path / "docs" / "rules"
    out.parent.mkdir()
    assert main(["rules", "docs", "--out", str(out)]) == 0
    page = (tmp_path / "docs" / "checks.md").read_text()
    assert page.startswith("# The check catalogue\n")
    assert "### ACM-003: Imported certificate in the target expires soon" in page
    assert "[page](rules/ACM-003.md)" in page
    for name in CUSTOM_FUNCTIONS:
        assert f"| `{name}(" in page, name
    assert function_summary("days_until").replace("``", "`") in page
    (tmp_path / "docs" / "checks.md").write_text("edited by hand\n")
    capsys.readouterr()
    assert main(["rules", "docs", "--out", str(out), "--check"]) == 1
    assert "checks.md" in capsys.readouterr().out


def test_committed_catalogue_page_exists() -> None:
    assert (REPO / "docs" / "checks.md").is_file()
