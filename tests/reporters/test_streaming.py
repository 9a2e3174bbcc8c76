"""Streamed reports (``write``) give the bytes ``render`` gives.

Each streaming reporter's ``write`` is compared with its ``render``, and
``runner.write_reports`` must leave the same files either way; snapshot files
(``atomic.write_json``, streamed) are ``json.dumps(..., indent=2)``'s bytes.
"""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import pytest

from regionready import atomic, registry
from regionready.model import Report, Severity
from regionready.runner import write_reports


@pytest.mark.parametrize("name", ["json", "junit", "sarif", "markdown", "asff"])
@pytest.mark.parametrize(
    "options",
    [{}, {"redact": True}, {"fail_on": None}, {"fail_on": Severity.LOW}],
)
def test_write_gives_the_rendered_bytes(report: Report, name: str, options: Any) -> None:
    module = registry.reporter(name)
    handle = io.StringIO()
    module.write(report, handle, **options)
    assert handle.getvalue() == module.render(report, **options)


def test_write_empty_report(report: Report) -> None:
    empty = dataclasses.replace(report, results=[], rules={})
    for name in ("json", "junit", "sarif", "markdown"):
        module = registry.reporter(name)
        handle = io.StringIO()
        module.write(empty, handle)
        assert handle.getvalue() == module.render(empty)


def test_result_to_dict_matches_asdict(report: Report) -> None:
    for result in report.results:
        expected = dataclasses.asdict(result)
        expected["status"] = result.status.value
        expected["severity"] = result.severity.value
        data = result.to_dict()
        assert data == expected
        # A copy: changing it leaves the result as it was.
        data["details"]["added"] = 1
        data["blocked_by"].append("X")
        assert "added" not in result.details
        assert "X" not in result.blocked_by


def test_write_reports_files_equal_render(report: Report, tmp_path: Path) -> None:
    formats = registry.formats()
    paths = write_reports(report, formats, tmp_path, fail_on="medium")
    for name, path in zip(formats, paths, strict=True):
        expected = registry.reporter(name).render(report, fail_on=Severity.MEDIUM)
        assert path.read_bytes() == expected.encode("utf-8"), name


def test_write_stream_failure_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old\n")

    def broken(handle: Any) -> None:
        handle.write("partial")
        raise RuntimeError("reporter crashed")

    with pytest.raises(RuntimeError):
        atomic.write_stream(target, broken)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_write_json_matches_json_dumps(tmp_path: Path) -> None:
    data = {"b": [1, {"é": "😀"}], "a": None}
    path = atomic.write_json(tmp_path / "doc.json", data)
    expected = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert path.read_text(encoding="utf-8") == expected
