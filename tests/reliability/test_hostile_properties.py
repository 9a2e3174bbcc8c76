"""Property-based hostile input through ``main([...])``: random and mutated rule files,
snapshots, suppression files, accounts files and baseline reports.

Properties, for every generated input:

- nothing escapes ``main`` (no traceback), whatever the file holds;
- a file that cannot be used gives exit 2 and exactly one line on stderr, naming it;
- an input that is accepted gives a normal run, and every report it wrote is valid.

Example counts are bounded (each example runs the CLI) and ``deadline=None``; shrinking
is off because every shrink step is another CLI run, and a failure's example is printed
as generated.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import botocore.endpoint
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from regionready.collect import organisation
from regionready.collect.accounts import REGION_RE

from ._support import (
    ACCOUNT,
    REPORT_FORMATS,
    SOURCE,
    TARGET,
    Run,
    acm_snapshot,
    check_reports,
    cli_settings,
    collect_argv,
    evaluate_argv,
    run,
    seal,
    workspace,
    write_json,
)

SETTINGS = cli_settings(max_examples=20)

# -- strategies ---------------------------------------------------------------------------

TEXT = st.text(max_size=40) | st.sampled_from(
    ["", "\x00", "(a+)+$", "{params.x}", "*", "[", "`", "|", "\n# h", "..", "../..", "\u202e"]
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False)
    | TEXT
)
JSONISH = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=20,
)


def _deep(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return value


DEEP = st.integers(min_value=20, max_value=120).map(_deep)  # values the dumpers can write
DEEP_TEXT = st.integers(min_value=100, max_value=3_000).map(lambda n: "[" * n + "]" * n)
VALUES = JSONISH | DEEP


@st.composite
def yaml_documents(draw: st.DrawFn) -> str | bytes:
    """A random YAML file: a dumped value, raw text, raw bytes, or YAML-ish fragments."""
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return yaml.safe_dump(draw(JSONISH), allow_unicode=draw(st.booleans()))
    if kind == 1:
        return draw(st.text(max_size=200))
    if kind == 2:
        return draw(st.binary(max_size=200))
    if kind == 3:
        pieces = st.sampled_from(
            [
                "a: ",
                "- ",
                "&x ",
                "*x ",
                "!!python/object/apply:os.system ",
                "!tag ",
                "{",
                "}",
                "[",
                "]",
                "\n",
                "  ",
                "? ",
                ": ",
                "'",
                '"',
                "|\n",
                ">\n",
                "---\n",
                "...\n",
                "%YAML 1.1\n",
                "<<: *x\n",
                "\t",
                "#",
                "\x00",
                "\ufeff",
            ]
        )
        return "".join(draw(st.lists(pieces, max_size=30)))
    return "a: " + draw(DEEP_TEXT) + "\n"


def _mutate(draw: st.DrawFn, document: Any) -> Any:
    """Replace one value somewhere inside ``document`` (or delete a key, or add one)."""
    document = copy.deepcopy(document)
    node = document
    while True:
        if isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node, key=str)))
            action = draw(st.integers(0, 5))
            if action == 0:
                del node[key]
                return document
            if action == 1:
                node[draw(TEXT)] = draw(VALUES)
                return document
            if action == 2 or not isinstance(node[key], dict | list) or not node[key]:
                node[key] = draw(VALUES)
                return document
            node = node[key]
        elif isinstance(node, list) and node:
            index = draw(st.integers(0, len(node) - 1))
            if draw(st.booleans()) or not isinstance(node[index], dict | list) or not node[index]:
                node[index] = draw(VALUES)
                return document
            node = node[index]
        else:
            return draw(VALUES)


VALID_RULE: dict[str, Any] = {
    "id": "XX-001",
    "title": "test rule",
    "description": "a test rule for hostile input",
    "service": "acm",
    "kind": "readiness",
    "severity": "high",
    "resource": "acm.certificate",
    "params": {"days": 30, "pattern": "^api"},
    "where": [{"key": "Type", "op": "ne", "value": "PRIVATE"}],
    "fail_when": [
        {"key": "DomainName", "op": "regex", "value": "{params.pattern}"},
        {"key": "days_until(NotAfter) || `0`", "op": "le", "value": "{params.days}"},
    ],
    "escalate": [{"when": [{"key": "Status", "op": "eq", "value": "ISSUED"}], "severity": "low"}],
    "message": "{DomainName} in {region}: {KeyAlgorithm}",
    "remediation": {"text": "fix it", "action": None},
    "references": ["x"],
}


@st.composite
def rule_documents(draw: st.DrawFn) -> str | bytes:
    if draw(st.integers(0, 3)) == 0:
        return draw(yaml_documents())
    return yaml.safe_dump(_mutate(draw, VALID_RULE), allow_unicode=True)


VALID_SUPPRESSIONS = {
    "suppressions": [
        {
            "rule": "ACM-00*",
            "resource": "*",
            "reason": "accepted",
            "owner": "team",
            "expires": "2099-01-01",
            "region": TARGET,
        }
    ]
}
VALID_ACCOUNTS = {
    "accounts": [
        {"id": ACCOUNT, "role": "audit", "external_id": "x", "source": SOURCE, "target": TARGET}
    ]
}


@st.composite
def shaped_yaml(draw: st.DrawFn, valid: dict[str, Any]) -> str | bytes:
    if draw(st.integers(0, 3)) == 0:
        return draw(yaml_documents())
    return yaml.safe_dump(_mutate(draw, valid), allow_unicode=True)


# -- running ------------------------------------------------------------------------------


def _write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8", "surrogatepass"))
    return path


def check(result: Run, bad_file: Path | str, out: Path | None = None) -> None:
    """The properties: no traceback; exit 2 is one line naming the file; otherwise a
    normal exit and valid reports."""
    assert result.crash is None, result.describe()
    if result.code == 2:
        assert len(result.err_lines) == 1, result.describe()
        assert result.err_lines[0].startswith("regionready: error: "), result.describe()
        assert str(bad_file) in result.err_lines[0], result.describe()
        return
    assert result.code in (0, 1, 3), result.describe()
    if out is not None:
        check_reports(out)


def check_evaluation(
    tmp: Path, snapshot: Path, bad_file: Path, *extra: str | Path, rules: Path | None = None
) -> None:
    """``evaluate`` with every report written to ``tmp/out``, then ``check`` (the reports
    too, unless the input was refused)."""
    out = tmp / "out"
    result = run(*evaluate_argv(snapshot, *extra, rules=rules, formats=REPORT_FORMATS, out=out))
    check(result, bad_file, out if result.code != 2 else None)


@SETTINGS
@given(content=rule_documents())
def test_random_rule_files(content: str | bytes) -> None:
    with workspace() as tmp:
        path = _write(tmp / "rules" / "x" / "XX-001.yaml", content)
        snapshot = acm_snapshot(tmp / "snapshot")
        check(run("rules", "validate", path), path)
        check_evaluation(tmp, snapshot, tmp / "rules", rules=tmp / "rules")


@SETTINGS
@given(content=shaped_yaml(VALID_SUPPRESSIONS))
def test_random_suppression_files(content: str | bytes) -> None:
    with workspace() as tmp:
        path = _write(tmp / "suppressions.yaml", content)
        snapshot = acm_snapshot(tmp / "snapshot")
        check_evaluation(tmp, snapshot, path, "--suppressions", path)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """An accepted accounts file goes no further than the organisation collector."""
    calls: list[Any] = []

    def fake_collect(_session: Any, specs: list[Any], **_: Any) -> list[Any]:
        calls.append(specs)
        return []

    monkeypatch.setattr(organisation, "collect", fake_collect)
    monkeypatch.setattr(botocore.endpoint.time, "sleep", lambda _s: None)
    return calls


@SETTINGS
@given(content=shaped_yaml(VALID_ACCOUNTS))
def test_random_accounts_files(content: str | bytes, no_network: list[Any]) -> None:
    with workspace() as tmp:
        path = _write(tmp / "accounts.yaml", content)
        result = run(*collect_argv(tmp / "s", "--accounts", path))
        check(result, path)
        if result.code == 0:  # accepted: every account id is a 12-digit id, regions are codes
            for spec in no_network[-1]:
                assert len(spec.id) == 12 and spec.id.isascii() and spec.id.isdigit(), spec
                for pair in spec.pairs:
                    for region in (pair.source, pair.target):
                        assert REGION_RE.fullmatch(region), spec


def _snapshot_documents(root: Path) -> dict[str, Any]:
    return {
        "manifest.json": json.loads((root / "manifest.json").read_text()),
        f"{ACCOUNT}/{SOURCE}.json": json.loads((root / ACCOUNT / f"{SOURCE}.json").read_text()),
        f"{ACCOUNT}/{TARGET}.json": json.loads((root / ACCOUNT / f"{TARGET}.json").read_text()),
    }


@st.composite
def snapshot_edits(draw: st.DrawFn) -> tuple[str, Any]:
    """(file, new content): a mutated document, random JSON, or random bytes/text."""
    with workspace() as tmp:
        documents = _snapshot_documents(acm_snapshot(tmp / "s"))
    name = draw(st.sampled_from(sorted(documents)))
    kind = draw(st.integers(0, 5))
    if kind <= 2:
        return name, _mutate(draw, documents[name])
    if kind == 3:
        return name, draw(JSONISH)
    if kind == 4:
        text = json.dumps(documents[name])
        return name, text[: draw(st.integers(0, len(text)))].encode()  # truncated
    return name, draw(
        st.binary(max_size=100) | st.text(max_size=100).map(str.encode) | DEEP_TEXT.map(str.encode)
    )


@SETTINGS
@given(edit=snapshot_edits())
def test_random_snapshots(edit: tuple[str, Any]) -> None:
    name, content = edit
    with workspace() as tmp:
        snapshot = acm_snapshot(tmp / "snapshot")
        path = snapshot / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            write_json(path, content)
        if name != "manifest.json":
            seal(snapshot)  # the edited file is read, not refused for its digest
        check_evaluation(tmp, snapshot, snapshot)


VALID_REPORT_RESULT = {
    "fingerprint": "0" * 32,
    "status": "FAIL",
    "severity": "high",
    "rule_id": "ACM-001",
    "resource_id": "arn:x",
    "region": TARGET,
    "message": "m",
}


@st.composite
def report_documents(draw: st.DrawFn) -> bytes:
    kind = draw(st.integers(0, 3))
    if kind <= 1:
        doc = _mutate(draw, {"results": [VALID_REPORT_RESULT, dict(VALID_REPORT_RESULT)]})
        return json.dumps(doc).encode()
    if kind == 2:
        return json.dumps(draw(JSONISH)).encode()
    return draw(st.binary(max_size=100) | DEEP_TEXT.map(str.encode))


@SETTINGS
@given(content=report_documents())
def test_random_baseline_reports(content: bytes) -> None:
    with workspace() as tmp:
        path = _write(tmp / "baseline.json", content)
        snapshot = acm_snapshot(tmp / "snapshot")
        check_evaluation(tmp, snapshot, path, "--baseline", path)
        old = _write(tmp / "old.json", b'{"results": []}')
        check(run("diff", old, path), path)
        check(run("diff", path, old, "--format", "json"), path)
