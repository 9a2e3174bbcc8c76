"""Rule fixtures: small two-Region snapshots with the exact results a rule must give.

A fixture file ``<rules>/<service>/tests/<ID>.yaml`` (any ``*.yaml`` or ``*.yml`` in a
``tests/`` folder of a rules directory, beside the rules it tests) holds cases::

    rule: ACM-003
    now: "2026-11-23T00:00:00Z"          # optional; cases may override
    cases:
      - name: imported certificate expiring in 10 days fails
        params: {days: 30}               # optional rule parameter overrides
        target: {acm: {certificate: [{CertificateArn: arn:..., Type: IMPORTED, ...}]}}
        source: {...}
        second_source: {...}             # optional: consolidation (another source of the
                                         # target); expect covers source -> target only
        errors: {target: {kms: [{api: kms:GetKeyPolicy, code: AccessDenied, ...}]}}
        expect:
          FAIL: [arn:...]                # or [{id: arn:..., severity: medium, message: ...}]
          PASS: [...]

The set of (status, resource id) the rule yields must equal ``expect`` exactly; an entry
that gives a ``severity`` or a ``message`` wants exactly that severity or message text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from regionready import registry, yamlsafe
from regionready.engine.evaluation import evaluate
from regionready.engine.functions import parse_time
from regionready.engine.rules import FIXTURES_FOLDER, Rule, RuleError, yaml_files
from regionready.model import Result
from regionready.snapshot import (
    MANIFEST_KIND,
    SNAPSHOT_KIND,
    SNAPSHOT_SCHEMA_VERSION,
    CollectionError,
    Scan,
)

ACCOUNT = "111111111111"
SOURCE = "me-central-1"
TARGET = "eu-central-1"
#: A case's ``second_source``: another source of the same target (consolidation). Only
#: the results of the first pair (source -> target) are compared with ``expect``.
SECOND_SOURCE = "me-south-1"
DEFAULT_NOW = "2026-11-23T00:00:00Z"
META_ID_FIELDS = {"regionready": {"collection": "Id"}}


@dataclass
class CaseOutcome:
    rule_id: str
    name: str
    path: str
    line: int
    ok: bool
    problems: list[str]

    @property
    def label(self) -> str:
        return f"{self.rule_id}: {self.name}"


def _id_fields(service: str) -> dict[str, str]:
    if service in META_ID_FIELDS:
        return META_ID_FIELDS[service]
    try:
        by_service = registry.collectors_by_service()
    except registry.UnknownPlugin:
        return {}
    module = by_service.get(service)
    return dict(module.RESOURCE_TYPES) if module else {}


def region_document(region: str, data: dict[str, Any], errors: dict[str, Any]) -> dict[str, Any]:
    """The snapshot document of one Region of a fixture: ``data`` maps service -> resource
    type -> items, ``errors`` service -> the collection errors a fixture declares (every
    field optional: an AccessDenied on ``<service>:*`` by default)."""
    services: dict[str, Any] = {}
    for name in sorted(set(data) | set(errors)):
        service_errors = [
            CollectionError(
                api=e.get("api", f"{name}:Unknown"),
                code=e.get("code", "AccessDenied"),
                message=e.get("message", ""),
                action=e.get("action", f"{name}:*"),
                resource_types=list(e.get("resource_types", [])),
                fields=dict(e.get("fields") or {}),
                resources=dict(e.get("resources") or {}),
            ).to_dict()
            for e in errors.get(name, [])
        ]
        services[name] = {
            "status": "error" if service_errors else "ok",
            "errors": service_errors,
            "id_fields": _id_fields(name),
            "resources": {k: list(v or []) for k, v in (data.get(name) or {}).items()},
        }
    return {
        "kind": SNAPSHOT_KIND,
        "schema_version": SNAPSHOT_SCHEMA_VERSION,
        "account": ACCOUNT,
        "region": region,
        "collected_at": DEFAULT_NOW,
        "services": services,
    }


def scan_from_case(rule: Rule, case: dict[str, Any]) -> Scan:
    source = case.get("source_region", SOURCE)
    target = case.get("target_region", TARGET)
    errors = case.get("errors") or {}

    def part(key: str, region: str) -> dict[str, Any]:
        return region_document(region, case.get(key) or {}, errors.get(key) or {})

    documents = {
        (ACCOUNT, source): part("source", source),
        (ACCOUNT, target): part("target", target),
    }
    second = case.get("second_source_region", SECOND_SOURCE)
    if "second_source" in case or errors.get("second_source"):
        documents[(ACCOUNT, second)] = part("second_source", second)
    if case.get("global") or errors.get("global"):
        documents[(ACCOUNT, "global")] = part("global", "global")
    services = sorted({name for doc in documents.values() for name in doc["services"]})
    manifest = {
        "kind": MANIFEST_KIND,
        "schema_version": SNAPSHOT_SCHEMA_VERSION,
        "source_region": source,
        "target_region": target,
        "accounts": [ACCOUNT],
        "services": sorted(set(services) | {rule.collector}),
    }
    if (ACCOUNT, second) in documents:  # consolidation: both sources fold into the target
        manifest["pairs"] = [{"source": s, "target": target} for s in (source, second)]
    local = None
    if case.get("local") or errors.get("local"):
        local = part("local", "local")
        services = sorted(set(services) | set(local["services"]))
        manifest["services"] = sorted(set(manifest["services"]) | set(services))
    return Scan(root=Path("."), manifest=manifest, documents=documents, local=local)


def _expected(
    case: dict[str, Any],
) -> tuple[set[tuple[str, str]], dict[str, str], dict[tuple[str, str], str]]:
    """The expected (status, id) pairs, severities by id and messages by (status, id)."""
    pairs: set[tuple[str, str]] = set()
    severities: dict[str, str] = {}
    messages: dict[tuple[str, str], str] = {}
    for status, entries in (case.get("expect") or {}).items():
        for entry in entries or []:
            if isinstance(entry, dict):
                pairs.add((status, str(entry["id"])))
                if "severity" in entry:
                    severities[str(entry["id"])] = str(entry["severity"])
                if "message" in entry:
                    messages[(status, str(entry["id"]))] = str(entry["message"])
            else:
                pairs.add((status, str(entry)))
    return pairs, severities, messages


def run_case(rule: Rule, case: dict[str, Any], default_now: str) -> list[str]:
    """The problems of one case (empty when the rule gives exactly what is expected)."""
    now = parse_time(case.get("now", default_now))
    cutover = parse_time(case.get("cutover")) if case.get("cutover") else None
    if now is None:
        return [f"bad 'now' value {case.get('now')!r}"]
    if case.get("params"):
        rule = rule.with_params(case["params"])
    scan = scan_from_case(rule, case)
    results: list[Result] = [
        r
        for r in evaluate(scan, [rule], now=now, cutover=cutover)
        if (r.source_region, r.target_region) == (scan.source_region, scan.target_region)
    ]
    got = {(r.status.value, r.resource_id) for r in results}
    expected, severities, messages = _expected(case)
    problems = []
    for status, rid in sorted(expected - got):
        problems.append(f"expected {status} for {rid}, did not get it")
    for status, rid in sorted(got - expected):
        problems.append(f"got unexpected {status} for {rid}")
    for result in results:
        want = severities.get(result.resource_id)
        if want and result.status.value == "FAIL" and result.severity.value != want:
            problems.append(
                f"{result.resource_id}: severity {result.severity.value}, expected {want}"
            )
        message = messages.get((result.status.value, result.resource_id))
        if message is not None and result.message != message:
            problems.append(
                f"{result.resource_id}: message {result.message!r}, expected {message!r}"
            )
    return problems


def fixture_files(rules_dir: Path) -> list[Path]:
    """Every ``*.yaml``/``*.yml`` in a ``tests/`` folder under ``rules_dir``, at any depth
    (see :func:`regionready.engine.rules.yaml_files`)."""
    return yaml_files(rules_dir)[1]


def _beside(path: Path) -> Path:
    """The folder that holds the ``tests/`` folder ``path`` is in (its rules' folder)."""
    for parent in path.parents:
        if parent.name == FIXTURES_FOLDER:
            return parent.parent
    return path.parent


def run_fixture_file(
    path: Path, rules: dict[str, Rule], within: Path | None = None
) -> list[CaseOutcome]:
    """Run every case of one fixture file. The file is read through
    :mod:`regionready.inputfile`; a symlink must stay inside ``within`` (by default the
    folder of the rules beside its ``tests/`` folder)."""
    try:
        data, lines = yamlsafe.load(path, kind="rule", within=within or _beside(path))
    except yamlsafe.YamlError as exc:
        raise RuleError(str(exc)) from exc
    if not isinstance(data, dict) or "rule" not in data or "cases" not in data:
        raise RuleError(f"{path}:1: a fixture file needs 'rule' and 'cases'")
    rule = rules.get(str(data["rule"]))
    if rule is None:
        raise RuleError(f"{path}:{yamlsafe.line_of(lines, ('rule',))}: unknown rule {data['rule']}")
    default_now = str(data.get("now", DEFAULT_NOW))
    outcomes = []
    for index, case in enumerate(data["cases"] or []):
        line = yamlsafe.line_of(lines, ("cases", index))
        if not isinstance(case, dict) or "expect" not in case:
            raise RuleError(f"{path}:{line}: each case needs 'name' and 'expect'")
        try:
            problems = run_case(rule, case, default_now)
        except RuleError as exc:
            problems = [str(exc)]
        outcomes.append(
            CaseOutcome(
                rule_id=rule.id,
                name=str(case.get("name", f"case {index + 1}")),
                path=str(path),
                line=line,
                ok=not problems,
                problems=problems,
            )
        )
    return outcomes


def utc(text: str) -> dt.datetime:
    parsed = parse_time(text)
    if parsed is None:
        raise ValueError(f"not an ISO-8601 time: {text!r}")
    return parsed
