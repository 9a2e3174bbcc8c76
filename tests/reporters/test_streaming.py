"""Streamed reports (``write``) and the fast JSON encoder give the bytes ``render`` gives.

``regionready.jsonout`` replaces ``json.dumps(..., indent=2)`` in the JSON and SARIF
reporters and in snapshot files: its output must be byte-identical, so these tests compare
it with the standard library on awkward values, and each streaming reporter's ``write``
with its ``render``; ``runner.write_reports`` must leave the same files either way.
"""

from __future__ import annotations

import dataclasses
import io
import json
import math
from pathlib import Path
from typing import Any

import pytest

from regionready import atomic, jsonout, registry
from regionready.model import Report, Severity
from regionready.runner import write_reports

AWKWARD: list[Any] = [
    {},
    [],
    "",
    {"b": [1, 2.5, -0.0, 1e300, 10**40], "a": {"z": None, "y": True, "x": False}},
    {"text": 'quote " backslash \\ newline \n tab \t nul \x00 é 😀 \u2028 \ud800'},
    {"nested": [[[]], [{}], [{"k": []}]], "t": (1, "two", (3,))},
    {"nan": math.nan, "inf": math.inf, "-inf": -math.inf},
    [{"z": 1, "a": 2}] * 5,
]


@pytest.mark.parametrize("value", AWKWARD)
@pytest.mark.parametrize("sort_keys", [True, False])
@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_jsonout_matches_the_standard_library(
    value: Any, sort_keys: bool, ensure_ascii: bool
) -> None:
    expected = json.dumps(value, indent=2, sort_keys=sort_keys, ensure_ascii=ensure_ascii)
    assert jsonout.dumps(value, sort_keys=sort_keys, ensure_ascii=ensure_ascii) == expected
    chunks = jsonout.iterencode(value, sort_keys=sort_keys, ensure_ascii=ensure_ascii)
    assert "".join(chunks) == expected


def test_jsonout_non_string_keys_and_errors() -> None:
    for value in ({1: "a", 2: "b"}, {1.5: 0}, {True: 0}, {None: 0}):
        assert jsonout.dumps(value) == json.dumps(value, indent=2)
    for bad in ({(1, 2): 0}, {"a": object()}, {1: 0, "a": 1}):
        with pytest.raises(TypeError):
            json.dumps(bad, indent=2, sort_keys=True)
        with pytest.raises(TypeError):
            jsonout.dumps(bad, sort_keys=True)


def test_jsonout_streams_large_lists_in_chunks() -> None:
    value = {"results": [{"i": i, "s": "x" * 10} for i in range(30_000)]}
    chunks = list(jsonout.iterencode(value, sort_keys=True))
    assert len(chunks) > 3
    assert "".join(chunks) == json.dumps(value, indent=2, sort_keys=True)


def test_lazy_list_encodes_like_the_converted_list() -> None:
    items = list(range(5))
    lazy = {"a": jsonout.LazyList(items, lambda i: {"n": i}), "b": jsonout.LazyList([], str)}
    plain = {"a": [{"n": i} for i in items], "b": []}
    assert "".join(jsonout.iterencode(lazy)) == json.dumps(plain, indent=2)


@pytest.mark.parametrize("name", ["json", "junit", "sarif", "markdown"])
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
