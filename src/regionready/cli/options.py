"""Argument types and checks: from what a user typed to the values a command runs with.

The ``type=`` functions raise :class:`argparse.ArgumentTypeError` (argparse prints the
usage and exits 2). The checks that need more than one argument, or the rule files, run
at the start of a command and raise :class:`~regionready.errors.UsageError` (one line,
exit 2), always before credentials, sessions or minutes of work.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

import yaml

from regionready import region_codes, registry, topology
from regionready.cli.output import TABLE, warn
from regionready.engine.evaluation import Clock
from regionready.engine.functions import parse_time
from regionready.engine.rules import Rule, load_rules
from regionready.errors import UsageError

#: CloudTrail event history keeps 90 days of management events.
CLOUDTRAIL_MAX_DAYS = 90


# -- argument types (type=) --------------------------------------------------------------


def iso_time(text: str) -> dt.datetime:
    """``--now``, ``--cutover-date``: ISO-8601 (a date, or a time with Z or an offset)."""
    parsed = parse_time(text)
    if parsed is None:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 date or time: {text!r}")
    return parsed


def csv_list(text: str) -> list[str]:
    """``a, b,,c`` -> ``["a", "b", "c"]``."""
    return [part.strip() for part in text.split(",") if part.strip()]


def positive_int(text: str) -> int:
    """A whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def cloudtrail_days(text: str) -> float:
    """``--cloudtrail-days``: above 0 and at most :data:`CLOUDTRAIL_MAX_DAYS`."""
    try:
        days = float(text)
    except ValueError:
        days = float("nan")
    if not 0 < days <= CLOUDTRAIL_MAX_DAYS:  # also refuses nan
        raise argparse.ArgumentTypeError(
            f"--cloudtrail-days wants a number of days above 0 and at most "
            f"{CLOUDTRAIL_MAX_DAYS}, got {text!r}"
        )
    return days


def rule_param(text: str) -> tuple[str, str, Any]:
    """``--param ACM-003.days=45`` -> ``("ACM-003", "days", 45)`` (the value is YAML)."""
    if "=" not in text or "." not in text.split("=", 1)[0]:
        raise argparse.ArgumentTypeError(f"--param wants RULE.NAME=VALUE, got {text!r}")
    left, raw = text.split("=", 1)
    rule_id, name = left.split(".", 1)
    try:
        return rule_id, name, yaml.safe_load(raw)
    except yaml.YAMLError as exc:  # e.g. an unknown tag: argparse only catches ValueError
        problem = " ".join(str(getattr(exc, "problem", None) or "not a YAML value").split())
        raise argparse.ArgumentTypeError(f"--param {text!r}: {problem}") from exc


# -- what can be chosen --------------------------------------------------------------------


def report_formats() -> list[str]:
    """The report formats (``--format``, besides ``table``): one per reporter."""
    try:
        return registry.formats()
    except Exception:  # pragma: no cover - only while a reporter is broken
        return []


def services(args: argparse.Namespace) -> list[str]:
    """The collector module names ``--services`` names (either spelling), or all of them;
    :class:`~regionready.registry.UnknownPlugin` for a name that is none."""
    if args.services:
        return registry.collector_names(args.services)
    return registry.names("collectors")


# -- checks (at the start of a command) ----------------------------------------------------


def check_regions(args: argparse.Namespace) -> None:
    """The Regions of ``--source``, ``--target`` and ``--pairs`` against botocore's
    (regionready.region_codes): a typo is one line with "did you mean", exit 2; a
    well-formed code botocore does not know passes only with ``--allow-unknown-region``
    (with a warning). Sets ``args.region_pairs`` (:func:`regionready.topology.build`)."""
    allow = bool(getattr(args, "allow_unknown_region", False))
    sources = args.source if isinstance(args.source, list) else [args.source]
    targets = args.target if isinstance(args.target, list) else [args.target]
    pairs = getattr(args, "pairs", None) or []
    args.region_pairs = topology.build(
        sources, targets, pairs=pairs, active_active=bool(getattr(args, "active_active", False))
    )
    flag_of = {code: "--source" for code in sources} | {code: "--target" for code in targets}
    for code in topology.regions(args.region_pairs):
        flag = flag_of.get(code, "--pairs")
        problem = region_codes.problem(flag, code, allow_unknown=allow)
        if problem:
            raise UsageError(problem)
        note = region_codes.warning(flag, region_codes.classify(code))
        if note:
            warn(note)


def check_formats(formats: list[str]) -> list[str]:
    """The report formats of ``--format`` (``table`` is the console, not a file);
    :class:`UsageError` naming an unknown one, or one whose optional dependency is not
    installed (a reporter's ``missing_dependency()`` says so: ``ocsf``)."""
    known = set(report_formats())
    reports = []
    for name in formats:
        if name == TABLE:
            continue
        if name not in known:
            raise UsageError(f"unknown format '{name}' (known: table, {', '.join(sorted(known))})")
        problem = registry.missing_dependency(name)
        if problem:
            raise UsageError(problem)
        reports.append(name)
    return reports


def selected_rules(args: argparse.Namespace) -> list[Rule]:
    """The rules of ``--rules`` (plus the built-in ones), narrowed by ``--only`` and
    with the ``--param`` overrides; :class:`UsageError` for an id that names no rule."""
    rules = load_rules(args.rules)
    if getattr(args, "only", None):
        known = {r.id for r in rules}
        unknown = sorted(set(args.only) - known)
        if unknown:
            raise UsageError(f"--only names unknown rules: {', '.join(unknown)}")
        rules = [r for r in rules if r.id in set(args.only)]
    overrides: dict[str, dict[str, Any]] = {}
    for rule_id, name, value in getattr(args, "param", []) or []:
        overrides.setdefault(rule_id, {})[name] = value
    by_id = {r.id: r for r in rules}
    for rule_id, values in overrides.items():
        if rule_id not in by_id:
            raise UsageError(f"--param names unknown rule {rule_id}")
        by_id[rule_id] = by_id[rule_id].with_params(values)
    return sorted(by_id.values(), key=lambda r: r.id)


def clock(args: argparse.Namespace) -> Clock:
    """``--now`` (default: the clock) and ``--cutover-date``."""
    return Clock(now=args.now or dt.datetime.now(dt.UTC), cutover=args.cutover_date)
