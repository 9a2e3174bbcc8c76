"""Rule files: loading and validation with ``path:line`` errors (the schema they are
validated against is generated in :mod:`regionready.engine.schema`)."""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from jmespath.exceptions import JMESPathError

from regionready import yamlsafe
from regionready.engine import limits
from regionready.engine.functions import ALL_FUNCTIONS, function_names
from regionready.engine.operators import OPERATORS
from regionready.engine.schema import schema_validator
from regionready.errors import RegionReadyError
from regionready.model import RuleInfo, Severity

DOCS_BASE = "https://github.com/regionready/regionready/blob/main/docs/rules"

# Placeholders substituted once per evaluation, before expressions are compiled.
PLACEHOLDER_RE = re.compile(r"\{(params\.[A-Za-z_]\w*|source_region|target_region|account)\}")
# A condition value that is one placeholder alone stands for the value itself (a list
# stays a list, a number a number), not for its text.
WHOLE_PLACEHOLDER_RE = re.compile(r"^\{(params\.\w+|source_region|target_region|account)\}$")
# {params.x} as a rule's author may write it (checked against the rule's parameters).
PARAM_RE = re.compile(r"\{params\.(\w+)\}")
# {expression} in a message template (the engine renders each with JMESPath).
TEMPLATE_RE = re.compile(r"\{([^{}]+)\}")
#: The top-level lists of conditions of a rule. ``escalate[].when`` and ``quota[].where``
#: are lists of conditions too: ``_condition_lists`` (of a rule file) and
#: ``Rule.condition_lists`` (of a loaded rule) are the two walks over all of them.
CONDITION_KEYS = ("where", "target_where", "fail_when", "compare")


class RuleError(RegionReadyError):
    """A rule file that cannot be used; the message is ``path:line: what is wrong``."""


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
class Edge:
    """How one of a rule's results depends on exact resources of another rule
    (``depends_on: [{rule: KMS-001, via: ..., to: ...}]``): ``via`` on this rule's item
    (a parity rule's source item) gives the references (a string or a list; null: no
    dependency), and a failing result of the other rule blocks it when one of them names
    that result: its resource id, correlation key or resource name, or a value of ``to``
    on its item. A reference or name that is a KMS ARN also counts as its ``key/<id>``
    id or its ``alias/<name>``."""

    via: str
    to: str | None = None


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
    #: depends_on entries with ``via``: rule id -> (via, to); see :class:`Edge`.
    edges: dict[str, Edge] = field(default_factory=dict)
    lookups: dict[str, dict[str, Any]] = field(default_factory=dict)
    also: tuple[str, ...] = ()
    #: Fixing a finding reads the source Region (re-encrypting, replicating, cloning):
    #: a cutover plan must do it while the source Region still answers.
    needs_source: bool = False

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
        for where, conditions in rule.condition_lists():
            for cond in conditions:
                if cond.op == "regex" and not cond.value_from:
                    problems = limits.regex_problems(_regex_value(cond.value, rule.params))
                    if problems:
                        raise RuleError(f"{self.path}:1: {self.id}: {where}: {problems[0]}")
        return rule

    def condition_lists(self) -> list[tuple[str, tuple[Condition, ...]]]:
        """Every list of conditions of the rule, named by the key it is under."""
        found = [(key, getattr(self, key)) for key in CONDITION_KEYS]
        found += [("escalate", conditions) for conditions, _ in self.escalate]
        found += [("quota.where", quota_where(entry)) for entry in self.quotas]
        return found


def quota_where(entry: dict[str, Any]) -> tuple[Condition, ...]:
    """The conditions of one ``quota`` entry's own ``where``."""
    return tuple(Condition.from_dict(c) for c in entry.get("where") or [])


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


def _regex_value(value: Any, params: dict[str, Any]) -> Any:
    """The pattern a ``regex`` condition's value gives with these parameters (Regions
    and account stand-ins: a pattern is checked before it meets an account)."""
    return condition_value(
        value,
        {
            "params": params,
            "source_region": "us-east-1",
            "target_region": "us-east-2",
            "account": "000000000000",
        },
    )


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


def condition_value(value: Any, values: dict[str, Any]) -> Any:
    """A condition's ``value`` with its placeholders filled from ``values``: one
    placeholder alone is the value it names, as it is; placeholders in a longer text
    are replaced by their text; anything else is the value itself."""
    if not isinstance(value, str):
        return value
    whole = WHOLE_PLACEHOLDER_RE.match(value)
    if whole is None:
        return substitute(value, values)
    name = whole.group(1)
    if name.startswith("params."):
        return values["params"][name[len("params.") :]]
    return values[name]


def _items(value: Any) -> list[tuple[int, dict[str, Any]]]:
    """The mappings of a list, with their index. In a rule that breaks the schema,
    anything else is skipped by the checks below: the schema check reports it."""
    if not isinstance(value, list):
        return []
    return [(index, item) for index, item in enumerate(value) if isinstance(item, dict)]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _params(data: dict[str, Any]) -> dict[str, Any] | None:
    """The rule's ``params`` (empty when it has none); None when they are not a mapping
    (the schema check reports that, and the parameter checks are skipped)."""
    params = data.get("params")
    if params is None:
        return {}
    return params if isinstance(params, dict) else None


def _placeholders(params: dict[str, Any] | None, text: str) -> dict[str, Any]:
    """Stand-in values for the placeholders of ``text`` (every parameter is 0)."""
    names = params if params is not None else dict.fromkeys(PARAM_RE.findall(text))
    return {
        "params": {name: 0 for name in names},
        "source_region": "us-east-1",
        "target_region": "us-east-2",
        "account": "000000000000",
    }


def rule_expressions(data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """Every JMESPath expression in a rule, with its path in the document."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    for prefix, conditions in _condition_lists(data):
        for index, cond in _items(conditions):
            for key in ("key", "value_from"):
                if _text(cond.get(key)):
                    found.append(((*prefix, index, key), cond[key]))
    for key in ("pair_by", "usage", "adds", "resource_name", "location"):
        if _text(data.get(key)):
            found.append(((key,), data[key]))
    depends = data.get("depends_on")
    for index, entry in _items(depends if isinstance(depends, list) else []):
        for key in ("via", "to"):
            if _text(entry.get(key)):
                found.append((("depends_on", index, key), entry[key]))
    lookups = data.get("lookups")
    for name, spec in lookups.items() if isinstance(lookups, dict) else ():
        if isinstance(spec, dict) and _text(spec.get("key")):
            found.append((("lookups", name, "key"), spec["key"]))
    quota = data.get("quota")
    for index, entry in _items(quota if isinstance(quota, list) else []):
        for key in ("usage", "adds", "pair_by"):
            if _text(entry.get(key)):
                found.append((("quota", index, key), entry[key]))
    return found


def _check_expressions(
    path: Path, data: dict[str, Any], lines: yamlsafe.Lines, errors: list[str]
) -> None:
    """One error for each expression that cannot be used (its first problem)."""
    params = _params(data)
    for where, text in rule_expressions(data):
        line = yamlsafe.line_of(lines, where)
        field_name = ".".join(str(p) for p in where)
        expanded = substitute(text, _placeholders(params, text))
        leftover = PARAM_RE.search(expanded)
        if leftover:
            errors.append(f"{path}:{line}: {field_name}: unknown parameter '{leftover.group(1)}'")
            continue
        problems = limits.expression_problems(expanded)
        if problems:
            errors.append(f"{path}:{line}: {field_name}: {problems[0]}")
            continue
        try:
            names = function_names(expanded)
        except JMESPathError as exc:
            detail = str(exc).splitlines()[0]
            errors.append(
                f"{path}:{line}: {field_name}: invalid JMESPath expression {text!r}: {detail}"
            )
            continue
        unknown = sorted(names - ALL_FUNCTIONS)
        if unknown:
            errors.append(
                f"{path}:{line}: {field_name}: unknown function {', '.join(unknown)}() "
                f"(see 'regionready rules functions')"
            )


def _condition_lists(data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], Any]]:
    """Every list of conditions in a rule document, with its path: every check of
    conditions walks this one list (a rule that breaks the schema included)."""
    found: list[tuple[tuple[str | int, ...], Any]] = [
        ((key,), data.get(key) or []) for key in CONDITION_KEYS
    ]
    for index, item in _items(data.get("escalate")):
        found.append((("escalate", index, "when"), item.get("when") or []))
    quota = data.get("quota")
    for index, entry in _items(quota if isinstance(quota, list) else []):
        found.append((("quota", index, "where"), entry.get("where") or []))
    return found


def _unknown_params(value: Any, params: dict[str, Any] | None) -> bool:
    """Whether ``value`` names a parameter the rule does not have (reported elsewhere)."""
    if not isinstance(value, str):
        return False
    names = PARAM_RE.findall(value)
    return bool(names) and (params is None or any(name not in params for name in names))


def _check_limits(
    path: Path, data: dict[str, Any], lines: yamlsafe.Lines, errors: list[str]
) -> None:
    """Patterns and message templates within regionready.engine.limits (no unbounded work)."""
    params = _params(data)
    for prefix, conditions in _condition_lists(data):
        for index, cond in _items(conditions):
            if cond.get("op") != "regex" or "value_from" in cond:
                continue
            if _unknown_params(cond.get("value"), params):
                continue
            problems = limits.regex_problems(_regex_value(cond.get("value"), params or {}))
            if problems:
                line = yamlsafe.line_of(lines, (*prefix, index))
                field_name = ".".join(str(p) for p in prefix)
                errors.append(f"{path}:{line}: {field_name}[{index}]: {problems[0]}")
    for key in ("message", "unpaired_message"):
        for text in TEMPLATE_RE.findall(str(data.get(key) or "")):
            problems = limits.expression_problems(substitute(text, _placeholders(params, text)))
            if problems:
                line = yamlsafe.line_of(lines, (key,))
                errors.append(f"{path}:{line}: {key}: {{{text[:60]}}}: {problems[0]}")


def _check_values(
    path: Path, data: dict[str, Any], lines: yamlsafe.Lines, errors: list[str]
) -> None:
    params = _params(data)
    for prefix, conditions in _condition_lists(data):
        field_name = ".".join(str(p) for p in prefix)
        for index, cond in _items(conditions):
            value = cond.get("value")
            line = yamlsafe.line_of(lines, (*prefix, index))
            where = f"{path}:{line}: {field_name}[{index}]"
            if isinstance(value, str) and params is not None:
                for name in PARAM_RE.findall(value):
                    if name not in params:
                        errors.append(f"{where}: unknown parameter '{name}'")
            op = cond.get("op")
            if not isinstance(op, str) or op not in OPERATORS:
                continue  # the schema check reports it
            takes = OPERATORS[op].takes_value
            has_value = "value" in cond or "value_from" in cond
            if takes and not has_value:
                errors.append(f"{where}: op '{op}' needs a value")
            if not takes and has_value:
                errors.append(f"{where}: op '{op}' takes no value")


def _schema_errors(path: Path, data: dict[str, Any], lines: yamlsafe.Lines) -> list[str]:
    """Every place the document breaks the rule schema, as ``path:line: field: message``."""
    validator = schema_validator()
    found = []
    for error in sorted(
        validator.iter_errors(data), key=lambda e: (len(e.absolute_path), e.message)
    ):
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
        found.append(f"{path}:{line}: {field_name}: {message}")
    return found


def _quotas(value: Any) -> tuple[dict[str, Any], ...]:
    if not value:
        return ()
    entries = value if isinstance(value, list) else [value]
    return tuple(dict(entry) for entry in entries)


def rule_problems(
    path: Path,
    display_path: str,
    text: str | None = None,
    *,
    within: Path | None = None,
    file_name: bool = False,
) -> tuple[Rule | None, list[str]]:
    """The rule in ``path`` and EVERY problem found in it, each ``path:line: field:
    message`` in the order the checks find them (the rule is None when there is any).

    Without ``text`` the file is read through :mod:`regionready.inputfile` (``within``:
    the folder a symlink must stay in). With ``file_name``, a rule whose id is not its
    file name (``<ID>.yaml``) is a problem too, as it is for :func:`load_rules`.
    """
    try:
        data, lines = yamlsafe.load(path, text, kind="rule", within=within)
    except yamlsafe.YamlError as exc:
        return None, [str(exc)]
    if not isinstance(data, dict):
        return None, [f"{path}:1: a rule file must be a YAML mapping"]
    errors = _schema_errors(path, data, lines)
    _check_expressions(path, data, lines, errors)
    _check_values(path, data, lines, errors)
    _check_limits(path, data, lines, errors)
    rule_id = data.get("id")
    if file_name and isinstance(rule_id, str) and rule_id != path.stem:
        line = yamlsafe.line_of(lines, ("id",))
        errors.append(
            f"{path}:{line}: id: {rule_id} does not match the file name {path.name} "
            f"(name the file {rule_id}{path.suffix})"
        )
    if errors:
        return None, errors
    return _rule(data, display_path), []


def parse_rule(
    path: Path, display_path: str, text: str | None = None, *, within: Path | None = None
) -> Rule:
    """The rule in ``path``; its first problem is a RuleError (see :func:`rule_problems`
    for all of them)."""
    rule, errors = rule_problems(path, display_path, text, within=within)
    if errors or rule is None:
        raise RuleError(errors[0] if errors else f"{path}:1: not a rule")
    return rule


def _rule(data: dict[str, Any], display_path: str) -> Rule:
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
        depends_on=tuple(_dependency_id(d) for d in data.get("depends_on", []) or []),
        edges={
            str(d["rule"]): Edge(str(d["via"]), d.get("to"))
            for d in data.get("depends_on", []) or []
            if isinstance(d, dict)
        },
        lookups={k: dict(v) for k, v in (data.get("lookups") or {}).items()},
        also=tuple(data.get("also", []) or []),
        needs_source=bool(data.get("needs_source", False)),
    )


def _dependency_id(entry: Any) -> str:
    return str(entry["rule"]) if isinstance(entry, dict) else str(entry)


def builtin_rules_dir() -> Path:
    return Path(str(resources.files("regionready.catalog")))


#: A rule file's name ends with one of these; a folder with this name holds fixtures.
RULE_SUFFIXES = (".yaml", ".yml")
FIXTURES_FOLDER = "tests"


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows a symlink
    except OSError:  # e.g. a symlink loop: not a folder (read as a file, it is refused)
        return False


def yaml_files(directory: Path) -> tuple[list[Path], list[Path]]:
    """(rule files, fixture files) under ``directory``, at any depth, each list sorted.

    Every ``*.yaml`` and ``*.yml`` is a rule file, except those inside a ``tests/``
    folder, which are fixtures (the cases of the rules beside that folder). Entries are
    listed by name, not judged: a FIFO, a device, a dangling symlink or a symlink loop
    named like a rule file is listed, and reading it is the error that names it. A
    symlinked folder inside ``directory`` is followed (each folder once); one that leads
    outside is listed as a file, so reading it is the error that names it.
    """
    rules: list[Path] = []
    fixtures: list[Path] = []
    seen: set[Path] = set()
    root: Path | None = None

    def walk(folder: Path, in_tests: bool) -> None:
        nonlocal root
        try:
            real = folder.resolve(strict=True)
            if root is None:
                root = real
            elif real != root and root not in real.parents:
                (fixtures if in_tests else rules).append(folder)
                return
            if real in seen:
                return
            seen.add(real)
            with os.scandir(folder) as scan:
                entries = sorted((entry.name, _is_dir(entry)) for entry in scan)
        except (OSError, RuntimeError) as exc:
            detail = getattr(exc, "strerror", None) or exc
            raise RuleError(f"{folder}: cannot read the rules folder: {detail}") from exc
        for name, is_dir in entries:
            if is_dir:
                walk(folder / name, in_tests or name == FIXTURES_FOLDER)
            elif name.endswith(RULE_SUFFIXES):
                (fixtures if in_tests else rules).append(folder / name)

    walk(directory, False)
    return sorted(rules), sorted(fixtures)


def rule_files(directory: Path) -> list[Path]:
    """Every rule file under ``directory`` (see :func:`yaml_files`)."""
    return yaml_files(directory)[0]


def _display_path(path: Path, root: Path, builtin: bool) -> str:
    relative = path.relative_to(root).as_posix()
    return f"rules/{relative}" if builtin else path.as_posix()


def _no_rule_files(directory: Path) -> str:
    return (
        f"{directory}: no rule files in this directory (a rule file is any *.yaml or *.yml "
        f"in it or its folders; those in a {FIXTURES_FOLDER}/ folder are fixtures)"
    )


def _sources(directories: list[Path] | None, include_builtin: bool) -> list[tuple[Path, bool]]:
    sources: list[tuple[Path, bool]] = []
    if include_builtin:
        sources.append((builtin_rules_dir(), True))
    for directory in directories or []:
        if not directory.is_dir():
            raise RuleError(f"{directory}:1: no such rules directory")
        sources.append((directory, False))
    return sources


def _source_files(root: Path, builtin: bool) -> list[Path]:
    files = rule_files(root)
    if not files and not builtin:
        raise RuleError(_no_rule_files(root))
    return files


def load_rules(
    directories: list[Path] | None = None, *, include_builtin: bool = True
) -> list[Rule]:
    """Every rule, built-in first; a duplicate id, a bad file or a ``--rules`` directory
    without a rule file is a RuleError (the first problem found)."""
    rules: dict[str, Rule] = {}
    for root, builtin in _sources(directories, include_builtin):
        for path in _source_files(root, builtin):
            rule, errors = rule_problems(
                path, _display_path(path, root, builtin), within=root, file_name=True
            )
            if errors or rule is None:
                raise RuleError(errors[0] if errors else f"{path}:1: not a rule")
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


def validate_rules(
    paths: list[Path], directories: list[Path] | None = None
) -> tuple[int, list[str]]:
    """(rule files checked, EVERY problem found), for ``regionready rules validate``.

    With ``paths`` (files or directories, searched like ``--rules``): those files, each
    checked on its own and for ids they share. Without: the built-in catalogue and
    ``directories``, as :func:`load_rules` loads them. A problem does not stop the
    check: every file is read, and each problem is one ``path:line: field: message``, in
    the order of the paths given.
    """
    # each entry: a file to check (path, display path, folder it must stay in), or an error
    todo: list[tuple[Path, str, Path | None] | str] = []
    known: set[str] = set()  # ids a depends_on may name besides the rules checked
    if paths:
        for path in paths:
            if path.is_dir():
                try:
                    found = rule_files(path)
                except RuleError as exc:
                    todo.append(str(exc))
                    continue
                todo += [(file, file.as_posix(), path) for file in found] or [_no_rule_files(path)]
            elif path.exists() or path.is_symlink():
                todo.append((path, path.as_posix(), None))  # refused when read if not a file
            else:
                todo.append(f"{path}: no such file or directory")
        for root in [builtin_rules_dir(), *(directories or [])]:
            with contextlib.suppress(RuleError):
                known |= {file.stem for file in rule_files(root)}
    else:
        sources = [(builtin_rules_dir(), True)] + [(d, False) for d in directories or []]
        for root, builtin in sources:
            if not builtin and not root.is_dir():
                todo.append(f"{root}:1: no such rules directory")
                continue
            try:
                found = _source_files(root, builtin)
            except RuleError as exc:
                todo.append(str(exc))
                continue
            todo += [(file, _display_path(file, root, builtin), root) for file in found]
    errors: list[str] = []
    rules: dict[str, Rule] = {}
    checked: set[Path] = set()
    for item in todo:
        if isinstance(item, str):
            errors.append(item)
            continue
        path, display, within = item
        if path in checked:
            continue
        checked.add(path)
        known.add(path.stem)
        rule, problems = rule_problems(path, display, within=within, file_name=True)
        errors += problems
        if rule is None:
            continue
        if rule.id in rules:
            errors.append(
                f"{path}:1: rule id {rule.id} is already defined by {rules[rule.id].path}"
            )
            continue
        rules[rule.id] = rule
    for rule in rules.values():
        for dep in rule.depends_on:
            if dep not in rules and dep not in known:
                errors.append(f"{rule.path}:1: depends_on names unknown rule {dep}")
    return len(checked), errors
