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
