"""Rule files: loading, validation with ``path:line`` errors, and the generated schema.

The rule JSON Schema is generated from the engine's own tables (kinds, operators,
functions, severities) so that the schema and the engine cannot disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jmespath
import jsonschema
from jmespath.exceptions import JMESPathError

from regionready import limits, yamlsafe
from regionready.functions import ALL_FUNCTIONS, function_names
from regionready.model import RuleInfo, Severity
from regionready.operators import OPERATORS

KINDS = ("readiness", "parity", "quota", "hygiene")
SCOPES = ("target", "source", "both")
ON_UNPAIRED = ("fail", "pass", "not_applicable")
RULE_ID_RE = r"^[A-Z]{2,5}-[0-9]{3}$"
RESOURCE_RE = r"^[a-z0-9_-]+\.[a-z0-9_]+$"
DOCS_BASE = "https://github.com/regionready/regionready/blob/main/docs/rules"

# Placeholders substituted once per evaluation, before expressions are compiled.
PLACEHOLDER_RE = re.compile(r"\{(params\.[A-Za-z_]\w*|source_region|target_region|account)\}")
# {expression} in a message template (the engine renders each with JMESPath).
TEMPLATE_RE = re.compile(r"\{([^{}]+)\}")


class RuleError(Exception):
    """A rule file that cannot be used; the message is ``path:line: what is wrong``."""


def _condition_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["key", "op"],
        "additionalProperties": False,
        "properties": {
            "key": {"type": "string", "minLength": 1, "description": "JMESPath expression"},
            "op": {"enum": sorted(OPERATORS)},
            "value": {"description": "literal, or a {params.x} placeholder"},
            "value_from": {"type": "string", "description": "JMESPath giving the value"},
            "label": {"type": "string"},
        },
    }


_QUOTA_FIELDS: dict[str, Any] = {
    "name": {"type": "string"},
    "service_code": {"type": "string"},
    "quota_code": {"type": "string"},
    "default": {"type": "number", "minimum": 0},
}


def rule_schema() -> dict[str, Any]:
    """JSON Schema of a rule file, generated from the engine's tables."""
    conditions = {"type": "array", "items": {"$ref": "#/$defs/condition"}}
    expression = {"type": "string", "minLength": 1}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://regionready.dev/schemas/rule-1.json",
        "title": "regionready rule",
        "type": "object",
        "additionalProperties": False,
        "required": [
            "id",
            "title",
            "description",
            "service",
            "kind",
            "severity",
            "resource",
            "message",
            "remediation",
            "references",
        ],
        "properties": {
            "id": {"type": "string", "pattern": RULE_ID_RE},
            "title": {"type": "string", "minLength": 3, "maxLength": 120},
            "description": {"type": "string", "minLength": 10},
            "service": {"type": "string", "pattern": r"^[a-z0-9-]+$"},
            "kind": {"enum": list(KINDS)},
            "severity": {"enum": [s.value for s in Severity]},
            "resource": {"type": "string", "pattern": RESOURCE_RE},
            "also": {
                "type": "array",
                "description": "more resource types a readiness rule judges the same way; "
                "each is read on its own (one that could not be read gives its own ERROR) "
                "and skipped when its collector was not run",
                "items": {"type": "string", "pattern": RESOURCE_RE},
            },
            "scope": {"enum": list(SCOPES)},
            "params": {"type": "object"},
            "where": conditions,
            "target_where": conditions,
            "fail_when": conditions,
            "compare": conditions,
            "pair_by": expression,
            "on_unpaired": {"enum": list(ON_UNPAIRED)},
            "unpaired_message": {"type": "string"},
            "resource_name": expression,
            "location": {
                "type": "string",
                "minLength": 1,
                "description": "JMESPath giving {path, line, column} of a file finding",
            },
            "escalate": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["when", "severity"],
                    "properties": {
                        "when": conditions,
                        "severity": {"enum": [s.value for s in Severity]},
                    },
                },
            },
            "quota": {
                "description": "one quota, or several each with its own where/usage/adds",
                "oneOf": [
                    {"$ref": "#/$defs/quota"},
                    {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/quota_entry"}},
                ],
            },
            "usage": expression,
            "adds": expression,
            "message": {"type": "string", "minLength": 1},
            "remediation": {
                "type": "object",
                "additionalProperties": False,
                "required": ["text"],
                "properties": {
                    "text": {"type": "string"},
                    "action": {"type": ["string", "null"]},
                },
            },
            "references": {"type": "array", "minItems": 1, "items": {"type": "string"}},
            "lookups": {
                "type": "object",
                "description": "named indexes of other resources, read with lookup(name, key)",
                "propertyNames": {"pattern": r"^[a-z][a-z0-9_]*$"},
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["resource", "key"],
                    "properties": {
                        "resource": {"type": "string", "pattern": RESOURCE_RE},
                        "key": expression,
                        "scope": {"enum": ["target", "source", "same"]},
                        "many": {"type": "boolean"},
                        "optional": {
                            "type": "boolean",
                            "description": "a collector that was not run counts as empty",
                        },
                    },
                },
            },
            "depends_on": {
                "type": "array",
                "items": {"type": "string", "pattern": RULE_ID_RE},
            },
        },
        "allOf": [
            {
                "if": {"properties": {"kind": {"const": "parity"}}},
                "then": {"required": ["pair_by"]},
            },
            {
                "if": {"properties": {"kind": {"const": "quota"}}},
                "then": {"required": ["quota"]},
            },
        ],
        "$defs": {
            "condition": _condition_schema(),
            "quota": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "default"],
                "properties": _QUOTA_FIELDS,
            },
            "quota_entry": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "default"],
                "properties": {
                    **_QUOTA_FIELDS,
                    "resource": {"type": "string", "pattern": RESOURCE_RE},
                    "where": conditions,
                    "usage": expression,
                    "adds": expression,
                    "pair_by": expression,
                },
            },
        },
    }


@dataclass(frozen=True)
class Condition:
    key: str
    op: str
    value: Any = None
    value_from: str | None = None
    label: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Condition:
        return cls(
            key=data["key"],
            op=data["op"],
            value=data.get("value"),
            value_from=data.get("value_from"),
            label=data.get("label"),
        )

    def describe(self) -> str:
        if self.label:
            return self.label
        rhs = self.value_from if self.value_from else self.value
        return (
            f"{self.key} {self.op} {rhs}"
            if OPERATORS[self.op].takes_value
            else (f"{self.key} {self.op}")
        )


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    description: str
    service: str
    kind: str
    severity: Severity
    resource: str
    message: str
    remediation_text: str
    remediation_action: str | None
    references: tuple[str, ...]
    path: str
    scope: str = "target"
    params: dict[str, Any] = field(default_factory=dict)
    where: tuple[Condition, ...] = ()
    target_where: tuple[Condition, ...] = ()
    fail_when: tuple[Condition, ...] = ()
    compare: tuple[Condition, ...] = ()
    pair_by: str | None = None
    on_unpaired: str = "fail"
    unpaired_message: str | None = None
    resource_name: str | None = None
    location: str | None = None
    escalate: tuple[tuple[tuple[Condition, ...], Severity], ...] = ()
    quotas: tuple[dict[str, Any], ...] = ()
    usage: str | None = None
    adds: str | None = None
    depends_on: tuple[str, ...] = ()
    lookups: dict[str, dict[str, Any]] = field(default_factory=dict)
    also: tuple[str, ...] = ()

    @property
    def resources(self) -> tuple[str, ...]:
        """``resource`` and then every ``also`` resource type."""
        return (self.resource, *self.also)

    @property
    def collector(self) -> str:
        return self.resource.split(".", 1)[0]

    @property
    def resource_type(self) -> str:
        return self.resource.split(".", 1)[1]

    def info(self) -> RuleInfo:
        return RuleInfo(
            id=self.id,
            title=self.title,
            description=self.description,
            service=self.service,
            kind=self.kind,
            severity=self.severity,
            path=self.path,
            references=list(self.references),
            remediation_text=self.remediation_text,
            remediation_action=self.remediation_action,
            help_uri=f"{DOCS_BASE}/{self.id}.md",
        )

    def with_params(self, overrides: dict[str, Any]) -> Rule:
        unknown = sorted(set(overrides) - set(self.params))
        if unknown:
            raise RuleError(
                f"{self.path}:1: {self.id} has no parameter {', '.join(unknown)} "
                f"(known: {', '.join(sorted(self.params)) or 'none'})"
            )
        for name, value in overrides.items():
            expected = _param_type(self.params[name])
            if expected and _param_type(value) != expected:
                raise RuleError(
                    f"{self.path}:1: {self.id}: parameter {name} must be {expected} "
                    f"(like its default {self.params[name]!r}), not {value!r}"
                )
        rule = _replace(self, params={**self.params, **overrides})
        for where, cond in _rule_conditions(rule):
            if cond.op == "regex" and not cond.value_from:
                problems = limits.regex_problems(_regex_value(cond.value, rule.params))
                if problems:
                    raise RuleError(f"{self.path}:1: {self.id}: {where}: {problems[0]}")
        return rule


def _param_type(value: Any) -> str | None:
    """The kind of value a parameter holds (a number is a number, int or float)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _rule_conditions(rule: Rule) -> list[tuple[str, Condition]]:
    found = [
        (key, cond)
        for key in ("where", "target_where", "fail_when", "compare")
        for cond in getattr(rule, key)
    ]
    found += [("escalate", cond) for conditions, _ in rule.escalate for cond in conditions]
    for entry in rule.quotas:
        found += [("quota.where", Condition.from_dict(c)) for c in entry.get("where") or []]
    return found


def _regex_value(value: Any, params: dict[str, Any]) -> Any:
    """The pattern a ``regex`` condition's value gives with these parameters."""
    if isinstance(value, str):
        whole = re.fullmatch(r"\{params\.(\w+)\}", value)
        if whole:
            return params.get(whole.group(1))
        return substitute(
            value,
            {
                "params": params,
                "source_region": "us-east-1",
                "target_region": "us-east-2",
                "account": "000000000000",
            },
        )
    return value


def _replace(rule: Rule, **changes: Any) -> Rule:
    from dataclasses import replace

    return replace(rule, **changes)


def _conditions(data: dict[str, Any], key: str) -> tuple[Condition, ...]:
    return tuple(Condition.from_dict(c) for c in data.get(key, []) or [])


def substitute(text: str, values: dict[str, Any]) -> str:
    """Replace ``{params.x}``, ``{source_region}``, ... in an expression's text."""

    def repl(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("params."):
            value = values.get("params", {}).get(name[len("params.") :], match.group(0))
        else:
            value = values.get(name, match.group(0))
        return str(value)

    return PLACEHOLDER_RE.sub(repl, text)


def _expressions(data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """Every JMESPath expression in a rule, with its path in the document."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    for key in ("where", "target_where", "fail_when", "compare"):
        for index, cond in enumerate(data.get(key, []) or []):
            found.append(((key, index, "key"), cond["key"]))
            if cond.get("value_from"):
                found.append(((key, index, "value_from"), cond["value_from"]))
    for index, item in enumerate(data.get("escalate", []) or []):
        for cindex, cond in enumerate(item.get("when", [])):
            found.append((("escalate", index, "when", cindex, "key"), cond["key"]))
    for key in ("pair_by", "usage", "adds", "resource_name", "location"):
        if data.get(key):
            found.append(((key,), data[key]))
    for name, spec in (data.get("lookups") or {}).items():
        found.append((("lookups", name, "key"), spec["key"]))
    quota = data.get("quota")
    for index, entry in enumerate(quota if isinstance(quota, list) else []):
        for key in ("usage", "adds", "pair_by"):
            if entry.get(key):
                found.append((("quota", index, key), entry[key]))
        for cindex, cond in enumerate(entry.get("where") or []):
            found.append((("quota", index, "where", cindex, "key"), cond["key"]))
    return found


def _check_expressions(path: Path, data: dict[str, Any], lines: yamlsafe.Lines) -> None:
    placeholder_values = {
        "params": {k: 0 for k in (data.get("params") or {})},
        "source_region": "us-east-1",
        "target_region": "us-east-2",
        "account": "000000000000",
    }
    for where, text in _expressions(data):
        line = yamlsafe.line_of(lines, where)
        field_name = ".".join(str(p) for p in where)
        expanded = substitute(text, placeholder_values)
        leftover = re.search(r"\{params\.(\w+)\}", expanded)
        if leftover:
            raise RuleError(f"{path}:{line}: {field_name}: unknown parameter '{leftover.group(1)}'")
        problems = limits.expression_problems(expanded)
        if problems:
            raise RuleError(f"{path}:{line}: {field_name}: {problems[0]}")
        try:
            names = function_names(expanded)
        except JMESPathError as exc:
            detail = str(exc).splitlines()[0]
            raise RuleError(
                f"{path}:{line}: {field_name}: invalid JMESPath expression {text!r}: {detail}"
            ) from exc
        unknown = sorted(names - ALL_FUNCTIONS)
        if unknown:
            raise RuleError(
                f"{path}:{line}: {field_name}: unknown function {', '.join(unknown)}() "
                f"(see 'regionready rules functions')"
            )


def _condition_lists(data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], Any]]:
    """Every list of conditions in a rule document, with its path."""
    found: list[tuple[tuple[str | int, ...], Any]] = [
        ((key,), data.get(key) or []) for key in ("where", "target_where", "fail_when", "compare")
    ]
    for index, item in enumerate(data.get("escalate") or []):
        found.append((("escalate", index, "when"), item.get("when") or []))
    quota = data.get("quota")
    for index, entry in enumerate(quota if isinstance(quota, list) else []):
        found.append((("quota", index, "where"), entry.get("where") or []))
    return found


def _check_limits(path: Path, data: dict[str, Any], lines: yamlsafe.Lines) -> None:
    """Patterns and message templates within regionready.limits (no unbounded work)."""
    params = data.get("params") or {}
    for prefix, conditions in _condition_lists(data):
        for index, cond in enumerate(conditions):
            if cond.get("op") != "regex" or "value_from" in cond:
                continue
            problems = limits.regex_problems(_regex_value(cond.get("value"), params))
            if problems:
                line = yamlsafe.line_of(lines, (*prefix, index))
                field_name = ".".join(str(p) for p in prefix)
                raise RuleError(f"{path}:{line}: {field_name}[{index}]: {problems[0]}")
    values = {
        "params": {k: 0 for k in params},
        "source_region": "us-east-1",
        "target_region": "us-east-2",
        "account": "000000000000",
    }
    for key in ("message", "unpaired_message"):
        for text in TEMPLATE_RE.findall(str(data.get(key) or "")):
            problems = limits.expression_problems(substitute(text, values))
            if problems:
                line = yamlsafe.line_of(lines, (key,))
                raise RuleError(f"{path}:{line}: {key}: {{{text[:60]}}}: {problems[0]}")


def _check_values(path: Path, data: dict[str, Any], lines: yamlsafe.Lines) -> None:
    params = data.get("params") or {}
    for key in ("where", "target_where", "fail_when", "compare"):
        for index, cond in enumerate(data.get(key, []) or []):
            value = cond.get("value")
            line = yamlsafe.line_of(lines, (key, index))
            if isinstance(value, str):
                for name in re.findall(r"\{params\.(\w+)\}", value):
                    if name not in params:
                        raise RuleError(
                            f"{path}:{line}: {key}[{index}]: unknown parameter '{name}'"
                        )
            takes = OPERATORS[cond["op"]].takes_value
            has_value = "value" in cond or "value_from" in cond
            if takes and not has_value:
                raise RuleError(f"{path}:{line}: {key}[{index}]: op '{cond['op']}' needs a value")
            if not takes and has_value:
                raise RuleError(f"{path}:{line}: {key}[{index}]: op '{cond['op']}' takes no value")


def _quotas(value: Any) -> tuple[dict[str, Any], ...]:
    if not value:
        return ()
    entries = value if isinstance(value, list) else [value]
    return tuple(dict(entry) for entry in entries)


def parse_rule(path: Path, display_path: str, text: str | None = None) -> Rule:
    try:
        data, lines = yamlsafe.load(path, text)
    except yamlsafe.YamlError as exc:
        raise RuleError(str(exc)) from exc
    if not isinstance(data, dict):
        raise RuleError(f"{path}:1: a rule file must be a YAML mapping")
    validator = jsonschema.Draft202012Validator(rule_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: (len(e.absolute_path), e.message))
    if errors:
        error = errors[0]
        where = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = error.schema.get("properties", {})
            extra = [k for k in error.instance if k not in allowed]
            if extra:
                where = (*where, str(extra[0]))
        line = yamlsafe.line_of(lines, where)
        field_name = ".".join(str(p) for p in error.absolute_path) or "rule"
        message = error.message
        if error.validator == "additionalProperties":
            message = message.replace("Additional properties are not allowed", "unknown key")
        raise RuleError(f"{path}:{line}: {field_name}: {message}")
    _check_expressions(path, data, lines)
    _check_values(path, data, lines)
    _check_limits(path, data, lines)
    remediation = data["remediation"]
    return Rule(
        id=data["id"],
        title=data["title"],
        description=data["description"].strip(),
        service=data["service"],
        kind=data["kind"],
        severity=Severity(data["severity"]),
        resource=data["resource"],
        message=data["message"],
        remediation_text=remediation["text"].strip(),
        remediation_action=remediation.get("action"),
        references=tuple(data["references"]),
        path=display_path,
        scope=data.get("scope", "target"),
        params=dict(data.get("params") or {}),
        where=_conditions(data, "where"),
        target_where=_conditions(data, "target_where"),
        fail_when=_conditions(data, "fail_when"),
        compare=_conditions(data, "compare"),
        pair_by=data.get("pair_by"),
        on_unpaired=data.get("on_unpaired", "fail"),
        unpaired_message=data.get("unpaired_message"),
        resource_name=data.get("resource_name"),
        location=data.get("location"),
        escalate=tuple(
            (_conditions(item, "when"), Severity(item["severity"]))
            for item in data.get("escalate", []) or []
        ),
        quotas=_quotas(data.get("quota")),
        usage=data.get("usage"),
        adds=data.get("adds"),
        depends_on=tuple(data.get("depends_on", []) or []),
        lookups={k: dict(v) for k, v in (data.get("lookups") or {}).items()},
        also=tuple(data.get("also", []) or []),
    )


def builtin_rules_dir() -> Path:
    return Path(str(resources.files("regionready.catalog")))


def rule_files(directory: Path) -> list[Path]:
    """``<dir>/<service>/<ID>.yaml`` (fixtures under ``<service>/tests/`` are not rules)."""
    return sorted(p for p in directory.glob("*/*.yaml") if p.is_file())


def _display_path(path: Path, root: Path, builtin: bool) -> str:
    relative = path.relative_to(root).as_posix()
    return f"rules/{relative}" if builtin else path.as_posix()


def load_rules(
    directories: list[Path] | None = None, *, include_builtin: bool = True
) -> list[Rule]:
    """Every rule, built-in first; a duplicate id or a bad file is a RuleError."""
    sources: list[tuple[Path, bool]] = []
    if include_builtin:
        sources.append((builtin_rules_dir(), True))
    for directory in directories or []:
        if not directory.is_dir():
            raise RuleError(f"{directory}:1: no such rules directory")
        sources.append((directory, False))
    rules: dict[str, Rule] = {}
    for root, builtin in sources:
        for path in rule_files(root):
            rule = parse_rule(path, _display_path(path, root, builtin))
            if rule.id != path.stem:
                raise RuleError(f"{path}:1: id {rule.id} does not match the file name {path.name}")
            if rule.id in rules:
                raise RuleError(
                    f"{path}:1: rule id {rule.id} is already defined by {rules[rule.id].path}"
                )
            rules[rule.id] = rule
    for rule in rules.values():
        for dep in rule.depends_on:
            if dep not in rules:
                raise RuleError(f"{rule.path}:1: depends_on names unknown rule {dep}")
    return sorted(rules.values(), key=lambda r: r.id)


def compile_expression(text: str) -> jmespath.parser.ParsedResult:
    return jmespath.compile(text)
