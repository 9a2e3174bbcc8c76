"""Hand-picked hostile input files, through the CLI in-process: every one is refused with
exit 2 and exactly one line on stderr naming the file; no traceback, nothing executed.

File kinds: rule files (``--rules``, ``rules validate``), rule fixtures (``rules test``),
snapshots (manifest and account files), suppressions, accounts and baseline reports
(``--baseline`` and ``diff``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

import botocore.endpoint
import pytest

from regionready.engine import rules as rules_module

from ._support import (
    ACCOUNT,
    NOW,
    TARGET,
    acm_snapshot,
    assert_clean_usage_error,
    collect_argv,
    evaluate_argv,
    rule_head,
    run,
    run_bounded,
    seal,
    write_json,
)

MARKER_NAME = "PWNED"

RULE_HEAD = rule_head("a test rule for hostile input")
VALID_RULE = RULE_HEAD + "fail_when:\n  - {key: DomainName, op: present}\n"


def python_payloads(marker: Path) -> dict[str, str]:
    """YAML tags an unsafe loader would turn into code execution (touching ``marker``)."""
    cmd = f"touch {marker}"
    return {
        "python-object-apply": f"!!python/object/apply:os.system [{cmd!r}]\n",
        "python-object-apply-in-value": f"id: !!python/object/apply:os.system [{cmd!r}]\n",
        "python-object-new": (f"!!python/object/new:subprocess.Popen [[sh, -c, {cmd!r}]]\n"),
        "python-name": "!!python/name:os.system\n",
        "python-module": "!!python/module:os\n",
        "python-nested": f"a: [1, {{b: !!python/object/apply:os.system [{cmd!r}]}}]\n",
    }


HOSTILE_YAML: dict[str, str | bytes] = {
    "list-instead-of-mapping": "- a\n- b\n",
    "scalar": "42\n",
    "string": "just text\n",
    "unknown-tag": "!foo {a: 1}\n",
    "binary-junk": bytes(range(256)) * 4,
    "invalid-utf8": b"id: \xff\xfe caf\xe9\n",
    "utf16": "id: x\n".encode("utf-16"),
    "alias-bomb": "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ),
    "single-alias": "a: &x 1\nb: *x\n",
    "merge-key": "base: &b {a: 1}\nother: {<<: *b}\n",
    "deep-flow-nesting": "a: " + "[" * 20_000 + "]" * 20_000 + "\n",
    "deep-block-nesting": "".join("  " * i + f"k{i}:\n" for i in range(400)) + "  " * 400 + "v\n",
    "huge-string": "a: " + "x" * 1_100_000 + "\n",
    "multi-document": "a: 1\n---\nb: 2\n",
    "tab-indentation": "a:\n\tb: 1\n",
    "unclosed-quote": 'a: "never closed\n',
    "nul-byte": "a: b\x00c\n",
    "int-keys": "1: x\n2: y\n",
    "complex-key": "? [1, 2]\n: x\n",
}


def _write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, "utf-8")
    return path


def _each_kind_with(
    kinds: Iterable[str], argname: str, cases: Iterable[str]
) -> pytest.MarkDecorator:
    """Parametrize a test over every ``kind`` of input file with every one of ``cases``
    (as ``argname``): ids ``KIND-CASE``, kinds outermost."""
    cases = list(cases)
    return pytest.mark.parametrize(("kind", argname), [(k, c) for k in kinds for c in cases])


@pytest.fixture(autouse=True)
def no_retry_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that is wrongly accepted leads to calls to a closed port: fail those fast."""
    monkeypatch.setattr(botocore.endpoint.time, "sleep", lambda _s: None)


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    return acm_snapshot(tmp_path / "snapshot")


# -- YAML inputs: rules, fixtures, suppressions, accounts ----------------------------------

Invoke = Callable[[Path, Path, Path], tuple[Path, list[str | Path]]]


def _rule(tmp: Path, snap: Path, content_path: Path) -> tuple[Path, list[str | Path]]:
    rules = tmp / "rules"
    target = rules / "x" / "XX-001.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    content_path.replace(target)
    return target, evaluate_argv(snap, rules=rules)


def _rule_validate(tmp: Path, snap: Path, path: Path) -> tuple[Path, list[str | Path]]:
    return path, ["rules", "validate", path]


def _fixture(tmp: Path, snap: Path, content_path: Path) -> tuple[Path, list[str | Path]]:
    rules = tmp / "rules"
    _write(rules / "x" / "XX-001.yaml", VALID_RULE)
    target = rules / "x" / "tests" / "XX-001.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    content_path.replace(target)
    return target, ["rules", "test", "--rules", rules, "--only", "XX-001"]


def _suppressions(tmp: Path, snap: Path, path: Path) -> tuple[Path, list[str | Path]]:
    return path, ["evaluate", snap, "--now", NOW, "--suppressions", path]


def _accounts(tmp: Path, snap: Path, path: Path) -> tuple[Path, list[str | Path]]:
    # Refused before any AWS call: the endpoint is a closed port, never reached.
    return path, collect_argv(tmp / "collected", "--accounts", path)


def _only_these_rules(kind: str, monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    """``rules test`` runs every built-in fixture before ``--only`` filters (about 10 s);
    for fixture-file cases the built-in catalogue is swapped for an empty one."""
    if kind == "fixture":
        empty = tmp / "no-builtin-rules"
        empty.mkdir(exist_ok=True)
        monkeypatch.setattr(rules_module, "builtin_rules_dir", lambda: empty)


YAML_KINDS: dict[str, Invoke] = {
    "rule": _rule,
    "rule-validate": _rule_validate,
    "fixture": _fixture,
    "suppressions": _suppressions,
    "accounts": _accounts,
}


@_each_kind_with(sorted(YAML_KINDS), "content_name", sorted(HOSTILE_YAML))
def test_hostile_yaml_is_a_one_line_usage_error(
    kind: str, content_name: str, tmp_path: Path, snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _only_these_rules(kind, monkeypatch, tmp_path)
    content = HOSTILE_YAML[content_name]
    path, argv = YAML_KINDS[kind](tmp_path, snapshot, _write(tmp_path / "input.yaml", content))
    assert_clean_usage_error(run(*argv), path)


@_each_kind_with(sorted(YAML_KINDS), "content", ["", "   \n\n", "# only a comment\n", "~\n"])
def test_empty_yaml_files(
    kind: str, content: str, tmp_path: Path, snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty suppressions file means "no suppressions"; every other empty file is a
    one-line usage error naming it."""
    _only_these_rules(kind, monkeypatch, tmp_path)
    path, argv = YAML_KINDS[kind](tmp_path, snapshot, _write(tmp_path / "input.yaml", content))
    result = run(*argv)
    if kind == "suppressions":
        assert result.crash is None and result.code in (1, 3), result.describe()
    else:
        assert_clean_usage_error(result, path)


@_each_kind_with(sorted(YAML_KINDS), "payload", sorted(python_payloads(Path("/x"))))
def test_python_tags_are_refused_and_never_executed(
    kind: str, payload: str, tmp_path: Path, snapshot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """YAML is only ever safe-loaded: a tag that would run ``touch MARKER`` under an
    unsafe loader is refused (exit 2, one line naming the file) and the marker file is
    never created."""
    _only_these_rules(kind, monkeypatch, tmp_path)
    marker = tmp_path / MARKER_NAME
    content = python_payloads(marker)[payload]
    path, argv = YAML_KINDS[kind](tmp_path, snapshot, _write(tmp_path / "input.yaml", content))
    result = run(*argv)
    assert not marker.exists(), "the YAML payload was executed"
    assert_clean_usage_error(result, path)
    assert "python" in result.err or "constructor" in result.err, result.err


def test_python_tag_in_a_param_override_is_never_executed(tmp_path: Path, snapshot: Path) -> None:
    """``--param RULE.NAME=VALUE`` parses VALUE as YAML: safely."""
    marker = tmp_path / MARKER_NAME
    result = run(
        "evaluate",
        snapshot,
        "--now",
        NOW,
        "--param",
        f"ACM-003.days=!!python/object/apply:os.system ['touch {marker}']",
    )
    assert not marker.exists()
    assert result.crash is None, result.describe()
    assert result.code == 2, result.describe()
    # a bad flag value: argparse's usage, then exactly one error line naming the flag
    errors = [line for line in result.err_lines if "error:" in line]
    assert len(errors) == 1 and "--param" in errors[0], result.describe()


# -- semantically bad rules: valid YAML, refused (or contained) -----------------------------

BAD_RULES = {
    "invalid-regex": "fail_when:\n  - {key: DomainName, op: regex, value: '('}\n",
    "invalid-regex-in-escalate": (
        "fail_when:\n  - {key: DomainName, op: present}\n"
        "escalate:\n  - when: [{key: DomainName, op: regex, value: '(?P<'}]\n"
        "    severity: critical\n"
    ),
    "invalid-regex-in-param": (
        "params: {p: '('}\nfail_when:\n  - {key: DomainName, op: regex, value: '{params.p}'}\n"
    ),
    "catastrophic-regex": "fail_when:\n  - {key: DomainName, op: regex, value: '(a+)+$'}\n",
    "polynomial-regex": "fail_when:\n  - {key: DomainName, op: regex, value: '.*.*.*x'}\n",
    "exploding-expression": (
        "fail_when:\n  - {key: 'to_string(@" + " | [@, @]" * 30 + ")', op: present}\n"
    ),
    "exploding-message-template": ("fail_when:\n  - {key: DomainName, op: present}\n"),
    "deeply-nested-expression": (
        "fail_when:\n  - {key: '" + "(" * 3000 + "DomainName" + ")" * 3000 + "', op: present}\n"
    ),
    "unknown-function": "fail_when:\n  - {key: 'eval(DomainName)', op: present}\n",
    "key-not-a-string": "fail_when:\n  - {key: 5, op: present}\n",
    "unknown-op": "fail_when:\n  - {key: DomainName, op: exec}\n",
}


def _bad_rule_text(name: str) -> str:
    text = RULE_HEAD + BAD_RULES[name]
    if name == "exploding-message-template":
        text = text.replace(
            'message: "{DomainName} is bad"',
            'message: "{to_string(@' + " | [@, @]" * 30 + ')}"',
        )
    return text


@pytest.mark.parametrize("name", sorted(BAD_RULES))
def test_bad_rules_are_refused_when_loaded(name: str, tmp_path: Path, snapshot: Path) -> None:
    """Refused at load time, naming the file: an invalid or backtracking regex, an
    expression that copies its input exponentially, one nested thousands deep. The
    evaluation never starts, so it cannot hang or crash on them."""
    path, argv = _rule(tmp_path, snapshot, _write(tmp_path / "r.yaml", _bad_rule_text(name)))
    # In a child process: a build without the limits would hang or run out of memory.
    assert_clean_usage_error(run_bounded(*argv, "--only", "XX-001"), path)
    assert_clean_usage_error(run("rules", "validate", path), path)


RUNTIME_TYPE_ERRORS = {
    # valid rules whose expressions fail on this data (a bug in the rule)
    "jmespath-type-error": "fail_when:\n  - {key: 'length(`5`)', op: eq, value: 1}\n",
    "function-type-error": "fail_when:\n  - {key: 'sum(DomainName)', op: eq, value: 1}\n",
}


@pytest.mark.parametrize("name", sorted(RUNTIME_TYPE_ERRORS))
def test_rules_that_fail_on_the_data_give_error_results_not_a_traceback(
    name: str, tmp_path: Path, snapshot: Path
) -> None:
    """A rule whose expressions raise on the data it meets is not evaluated: its results
    are ERROR (exit 3, reports written), never PASS, and nothing escapes main."""
    text = RULE_HEAD + RUNTIME_TYPE_ERRORS[name]
    _, argv = _rule(tmp_path, snapshot, _write(tmp_path / "r.yaml", text))
    out = tmp_path / "out"
    result = run(*argv, "--only", "XX-001", "--format", "json", "--out", out)
    assert result.crash is None, result.describe()
    assert result.code == 3, result.describe()
    statuses = {r["status"] for r in json.loads((out / "regionready.json").read_text())["results"]}
    assert statuses == {"ERROR"}, statuses


@pytest.mark.parametrize(
    "condition",
    [
        "{key: '@', op: contains, value: {a: 1}}",
        "{key: '@', op: in, value: {a: 1}}",
        "{key: '[@]', op: contains, value: {a: 1}}",
        "{key: 'DomainName', op: in, value: {a: 1}}",
    ],
)
def test_operators_on_unhashable_values_answer_instead_of_raising(
    condition: str, tmp_path: Path, snapshot: Path
) -> None:
    """``contains``/``in`` with a mapping on either side is a plain false, not a crash."""
    text = RULE_HEAD + f"fail_when:\n  - {condition}\n"
    _, argv = _rule(tmp_path, snapshot, _write(tmp_path / "r.yaml", text))
    out = tmp_path / "out"
    result = run(*argv, "--only", "XX-001", "--format", "json", "--out", out)
    assert result.crash is None, result.describe()
    assert result.code == 0, result.describe()


def test_quota_usage_that_is_not_a_number_is_an_error_result(
    tmp_path: Path, snapshot: Path
) -> None:
    text = RULE_HEAD.replace("kind: readiness", "kind: quota") + (
        "quota: {name: certificates, default: 10}\nusage: \"'many'\"\n"
    )
    _, argv = _rule(tmp_path, snapshot, _write(tmp_path / "r.yaml", text))
    out = tmp_path / "out"
    result = run(*argv, "--only", "XX-001", "--format", "json", "--out", out)
    assert result.crash is None, result.describe()
    assert result.code == 3, result.describe()


def test_a_param_override_of_the_wrong_type_is_a_usage_error(snapshot: Path) -> None:
    """``--param ACM-003.notice_days=abc`` would compare a number with a string, which is
    never true: ACM-003 would silently pass every certificate. It must be refused."""
    result = run("evaluate", snapshot, "--now", NOW, "--param", "ACM-003.notice_days=abc")
    assert result.crash is None, result.describe()
    assert result.code == 2, result.describe()
    assert len(result.err_lines) == 1 and "notice_days" in result.err, result.describe()


# -- JSON inputs: snapshots and baselines ---------------------------------------------------

HOSTILE_JSON: dict[str, str | bytes] = {
    "empty": "",
    "whitespace": "  \n",
    "truncated": '{"kind": "regionready-snapshot", "schema_version": 1, "acc',
    "foreign-object": '{"name": "left-pad", "version": "1.3.0", "dependencies": {}}',
    "list": "[1, 2, 3]",
    "string": '"hello"',
    "null": "null",
    "binary": bytes(range(256)),
    "utf16": '{"a": 1}'.encode("utf-16"),
    "deep-nesting": "[" * 100_000 + "]" * 100_000,
    "huge-integer": '{"a": ' + "9" * 5000 + "}",
    "nan": '{"a": NaN, "b": Infinity}',
    "trailing-garbage": '{"a": 1} {"b": 2}',
    "lone-surrogate": '{"a": "\\ud800"}',
}


def _manifest_case(tmp: Path, snap: Path, content: str | bytes) -> tuple[Path, list[str | Path]]:
    path = _write(snap / "manifest.json", content)
    return path, ["evaluate", snap, "--now", NOW]


def _account_file_case(
    tmp: Path, snap: Path, content: str | bytes
) -> tuple[Path, list[str | Path]]:
    path = _write(snap / ACCOUNT / f"{TARGET}.json", content)
    seal(snap)  # listed as it is now: the file itself is read, not refused for its digest
    return path, ["evaluate", snap, "--now", NOW]


def _baseline_case(tmp: Path, snap: Path, content: str | bytes) -> tuple[Path, list[str | Path]]:
    path = _write(tmp / "baseline.json", content)
    return path, ["evaluate", snap, "--now", NOW, "--baseline", path]


def _diff_case(tmp: Path, snap: Path, content: str | bytes) -> tuple[Path, list[str | Path]]:
    path = _write(tmp / "new.json", content)
    old = _write(tmp / "old.json", '{"results": []}')
    return path, ["diff", old, path]


JSON_KINDS = {
    "manifest": _manifest_case,
    "account-file": _account_file_case,
    "baseline": _baseline_case,
    "diff": _diff_case,
}


@_each_kind_with(sorted(JSON_KINDS), "content_name", sorted(HOSTILE_JSON))
def test_hostile_json_is_a_one_line_usage_error(
    kind: str, content_name: str, tmp_path: Path, snapshot: Path
) -> None:
    content = HOSTILE_JSON[content_name]
    path, argv = JSON_KINDS[kind](tmp_path, snapshot, content)
    assert_clean_usage_error(run(*argv), path)


def _manifest(snap: Path) -> dict:
    return json.loads((snap / "manifest.json").read_text())


MANIFEST_MUTATIONS = {
    "account-regions-a-list": lambda m: {**m, "account_regions": [1, 2]},
    "account-regions-missing-keys": lambda m: {**m, "account_regions": {ACCOUNT: {"x": 1}}},
    "account-regions-not-regions": lambda m: {
        **m,
        "account_regions": {ACCOUNT: {"source": "../..", "target": "<script>"}},
    },
    "account-escapes-the-snapshot": lambda m: {**m, "accounts": ["../../.."]},
    "account-empty": lambda m: {**m, "accounts": [""]},
    "accounts-not-strings": lambda m: {**m, "accounts": [{"a": 1}]},
    "services-not-strings": lambda m: {**m, "services": [1, None]},
    "wrong-schema-version": lambda m: {**m, "schema_version": 99},
    "regions-with-newline": lambda m: {**m, "target_region": "eu-central-1\n"},
}


@pytest.mark.parametrize("name", sorted(MANIFEST_MUTATIONS))
def test_malformed_manifests_are_refused(name: str, snapshot: Path) -> None:
    path = write_json(snapshot / "manifest.json", MANIFEST_MUTATIONS[name](_manifest(snapshot)))
    assert_clean_usage_error(run("evaluate", snapshot, "--now", NOW), path)


def _target_doc(snap: Path) -> dict:
    return json.loads((snap / ACCOUNT / f"{TARGET}.json").read_text())


ACCOUNT_FILE_MUTATIONS = {
    "services-a-list": lambda d: {**d, "services": []},
    "resources-not-a-list": lambda d: _set(d, ["services", "acm", "resources"], {"certificate": 5}),
    "items-not-objects": lambda d: _set(d, ["services", "acm", "resources"], {"certificate": [1]}),
    "errors-missing-fields": lambda d: _set(d, ["services", "acm", "errors"], [{"api": "x"}]),
    "status-unknown": lambda d: _set(d, ["services", "acm", "status"], "fine"),
    "region-mismatch": lambda d: {**d, "region": "us-east-1"},
    "account-mismatch": lambda d: {**d, "account": "999999999999"},
    "kind-foreign": lambda d: {**d, "kind": "something-else"},
}


def _set(doc: dict, keys: list[str], value: object) -> dict:
    node = doc
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value
    return doc


@pytest.mark.parametrize("name", sorted(ACCOUNT_FILE_MUTATIONS))
def test_malformed_account_files_are_refused(name: str, snapshot: Path) -> None:
    doc = _target_doc(snapshot)
    if name == "services-a-list":
        doc["services"] = ["acm"]
    else:
        doc = ACCOUNT_FILE_MUTATIONS[name](doc)
    path = write_json(snapshot / ACCOUNT / f"{TARGET}.json", doc)
    seal(snapshot)
    assert_clean_usage_error(run("evaluate", snapshot, "--now", NOW), path)


def test_stray_files_and_folders_in_a_snapshot_are_ignored(snapshot: Path, tmp_path: Path) -> None:
    """Only the files the manifest lists are read (issue 14): a stray file or folder, even
    one named like an account file, is not part of the snapshot."""
    expected = run("evaluate", snapshot, "--now", NOW, "--format", "json", "--out", tmp_path / "a")
    (snapshot / ACCOUNT / "notes.json").write_text('{"hello": "world"}')
    (snapshot / ACCOUNT / "folder.json").mkdir()
    (snapshot / ACCOUNT / "us-east-1.json").write_text("not even JSON")
    result = run("evaluate", snapshot, "--now", NOW, "--format", "json", "--out", tmp_path / "b")
    assert result.crash is None and result.code == expected.code, result.describe()
    assert result.out == expected.out


def test_missing_or_foreign_snapshot_directories(tmp_path: Path) -> None:
    assert_clean_usage_error(run("evaluate", tmp_path / "nope", "--now", NOW), "nope")
    (tmp_path / "empty").mkdir()
    assert_clean_usage_error(run("evaluate", tmp_path / "empty", "--now", NOW), "empty")
    file = _write(tmp_path / "file", "x")
    assert_clean_usage_error(run("evaluate", file, "--now", NOW), "file")
    (tmp_path / "mdir" / "manifest.json").mkdir(parents=True)
    assert_clean_usage_error(run("evaluate", tmp_path / "mdir", "--now", NOW), "manifest.json")


BASELINE_MUTATIONS = {
    "results-not-a-list": {"results": "x"},
    "result-not-an-object": {"results": [1]},
    "result-without-fingerprint": {"results": [{"status": "FAIL"}]},
    "fingerprint-a-list": {"results": [{"fingerprint": [1], "status": "FAIL"}]},
    "fingerprint-an-object": {"results": [{"fingerprint": {"a": 1}, "status": "FAIL"}]},
    "status-a-list": {"results": [{"fingerprint": "x", "status": ["FAIL"]}]},
    "severity-unknown": {"results": [{"fingerprint": "x", "status": "FAIL", "severity": "meh"}]},
    "severity-a-list": {"results": [{"fingerprint": "x", "status": "FAIL", "severity": [1]}]},
    "ids-of-mixed-types": {
        "results": [
            {"fingerprint": "x", "status": "FAIL", "rule_id": 5, "resource_id": None},
            {"fingerprint": "y", "status": "FAIL", "rule_id": "A", "resource_id": "b"},
        ]
    },
}


@_each_kind_with(["baseline", "diff"], "name", sorted(BASELINE_MUTATIONS))
def test_malformed_reports_are_refused(
    kind: str, name: str, tmp_path: Path, snapshot: Path
) -> None:
    content = json.dumps(BASELINE_MUTATIONS[name])
    path, argv = JSON_KINDS[kind](tmp_path, snapshot, content)
    assert_clean_usage_error(run(*argv), path)


# -- suppressions and accounts: valid YAML, wrong shapes ------------------------------------

ENTRY = "{rule: ACM-001, resource: '*', reason: accepted, owner: team, expires: 2027-01-01}"
SUPPRESSION_SHAPES = {
    "entries-a-string": "suppressions: abc\n",
    "entries-a-mapping": "suppressions: {a: 1}\n",
    "entry-a-list": "suppressions: [[1]]\n",
    "missing-fields": "suppressions:\n  - {rule: ACM-001}\n",
    "unknown-field": "suppressions:\n  - " + ENTRY[:-1] + ", run: rm}\n",
    "int-key": "suppressions:\n  - " + ENTRY[:-1] + ", 1: x}\n",
    "key-with-newline": "suppressions:\n  - " + ENTRY[:-1] + ', "a\\nregionready: forged": x}\n',
    "expires-not-a-date": "suppressions:\n  - " + ENTRY.replace("2027-01-01", "soon") + "\n",
    "expires-a-number": "suppressions:\n  - " + ENTRY.replace("2027-01-01", "20270101") + "\n",
    "expires-impossible": "suppressions:\n  - "
    + ENTRY.replace("2027-01-01", "'2027-13-45'")
    + "\n",
}


@pytest.mark.parametrize("name", sorted(SUPPRESSION_SHAPES))
def test_malformed_suppressions_are_refused(name: str, tmp_path: Path, snapshot: Path) -> None:
    path = _write(tmp_path / "suppressions.yaml", SUPPRESSION_SHAPES[name])
    assert_clean_usage_error(run(*_suppressions(tmp_path, snapshot, path)[1]), path)


ACCOUNT_SHAPES = {
    "accounts-a-mapping": "accounts: {a: 1}\n",
    "accounts-empty": "accounts: []\n",
    "entry-a-string": "accounts: [abc]\n",
    "unknown-field": "accounts:\n  - {id: '111111111111', command: rm}\n",
    "int-key": "accounts:\n  - {id: '111111111111', 1: x}\n",
    "id-short": "accounts:\n  - {id: '1111'}\n",
    "id-unicode-digits": "accounts:\n  - {id: '" + "\u0661" * 12 + "'}\n",  # Arabic-Indic 1
    "id-twice": "accounts:\n  - {id: '111111111111'}\n  - {id: '111111111111'}\n",
    "role-injection": "accounts:\n  - {id: '111111111111', role: 'a b;rm'}\n",
    "role-other-account": (
        "accounts:\n  - {id: '111111111111', role: 'arn:aws:iam::222222222222:role/x'}\n"
    ),
    "role-a-list": "accounts:\n  - {id: '111111111111', role: [a]}\n",
    "role-with-newline": 'accounts:\n  - {id: "111111111111", role: "a\\nregionready: forged"}\n',
    "source-not-a-region": "accounts:\n  - {id: '111111111111', source: '../etc'}\n",
    "target-with-newline": 'accounts:\n  - {id: "111111111111", target: "eu-central-1\\n"}\n',
}


@pytest.mark.parametrize("name", sorted(ACCOUNT_SHAPES))
def test_malformed_accounts_files_are_refused(name: str, tmp_path: Path, snapshot: Path) -> None:
    path = _write(tmp_path / "accounts.yaml", ACCOUNT_SHAPES[name])
    assert_clean_usage_error(run(*_accounts(tmp_path, snapshot, path)[1]), path)


def test_missing_and_unreadable_input_files(tmp_path: Path, snapshot: Path) -> None:
    missing = tmp_path / "missing.yaml"
    for argv in (
        _suppressions(tmp_path, snapshot, missing)[1],
        _accounts(tmp_path, snapshot, missing)[1],
        ["evaluate", snapshot, "--now", NOW, "--baseline", missing],
        ["rules", "validate", missing],
        ["evaluate", snapshot, "--rules", missing],
    ):
        assert_clean_usage_error(run(*argv), missing)
    for argv in (
        _suppressions(tmp_path, snapshot, tmp_path)[1],
        ["evaluate", snapshot, "--now", NOW, "--baseline", tmp_path],
    ):
        assert_clean_usage_error(run(*argv), tmp_path)
