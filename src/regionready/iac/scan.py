"""Run every scanner over the discovered files and shape the snapshot items.

``scan(ScanOptions)`` returns the items of each resource type (see ``model``) and the
errors of checks that could not run. A check that could not run for a file contributes
no clean (PASS) item for it: its rule reads ERROR from the recorded error instead.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from regionready.iac import cfn, checkov, endpoints, regions, stsclients
from regionready.iac.files import Skipped, SourceFile, discover_all, relative
from regionready.iac.model import (
    CHECK_TYPES,
    CLOUDFORMATION,
    FILE_TYPE,
    IAC_001,
    IAC_002,
    IAC_003,
    KIND_CHECKS,
    TERRAFORM,
    Finding,
    ScanError,
    clean_item,
    unreadable_item,
)
from regionready.iac.text import Positions


@dataclass
class ScanOptions:
    paths: list[Path]
    base: Path
    source_region: str | None
    target_region: str | None
    checkov_path: str | None = None
    skip_checkov: bool = False
    skip_checkov_reason: str = "checkov was turned off (--no-checkov)"
    checkov_timeout: int = checkov.DEFAULT_TIMEOUT


@dataclass
class ScanOutcome:
    items: dict[str, list[dict[str, Any]]]
    errors: list[ScanError] = field(default_factory=list)
    files: list[SourceFile] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    #: Checks deliberately not run (check id -> why, and how to run it): no items, no error.
    not_run: dict[str, str] = field(default_factory=dict)


def options_from(raw: dict[str, Any]) -> ScanOptions:
    """ScanOptions from a collector's ``clients.options``."""
    paths = [Path(p) for p in raw.get("code_paths") or []]
    base = Path(raw.get("code_base") or Path.cwd())
    timeout = raw.get("checkov_timeout") or checkov.DEFAULT_TIMEOUT
    skip = raw.get("skip_checkov")  # true, or the reason checkov is not run
    return ScanOptions(
        paths=paths,
        base=base,
        source_region=raw.get("source_region"),
        target_region=raw.get("target_region"),
        checkov_path=raw.get("checkov"),
        skip_checkov=bool(skip),
        **({"skip_checkov_reason": skip} if isinstance(skip, str) else {}),
        checkov_timeout=int(timeout),
    )


def empty_items() -> dict[str, list[dict[str, Any]]]:
    return {FILE_TYPE: [], **{rtype: [] for rtype in CHECK_TYPES.values()}}


def _missing_region(check: str, which: str) -> ScanError:
    return ScanError(
        check,
        "regionready",
        "MissingOption",
        f"{check} needs the {which} Region (--{which})",
        f"pass --{which}",
    )


class _Collector:
    def __init__(self, options: ScanOptions) -> None:
        self.options = options
        self.findings: list[Finding] = []
        self.errors: list[ScanError] = []
        self.failed: set[str] = set()  # checks that could not run (no clean items)
        self.not_run: dict[str, str] = {}  # checks not run, and why (no items at all)

    def error(self, error: ScanError) -> None:
        self.errors.append(error)
        self.failed.add(error.check)

    def run(self, files: list[SourceFile]) -> None:
        opts = self.options
        templates = [f for f in files if f.kind == CLOUDFORMATION]
        self._cfn_lint(templates)
        if opts.source_region:
            for source in files:
                self.findings.extend(regions.scan(source, opts.source_region, opts.target_region))
        elif any(IAC_002 in KIND_CHECKS[f.kind] for f in files):
            self.error(_missing_region(IAC_002, "source"))
        for source in files:
            self.findings.extend(endpoints.scan(source))
            self.findings.extend(stsclients.scan(source))
        self._checkov([f for f in files if f.kind in (CLOUDFORMATION, TERRAFORM)])

    def _cfn_lint(self, templates: list[SourceFile]) -> None:
        if not templates:
            return
        target = self.options.target_region
        if not target:
            self.error(_missing_region(IAC_001, "target"))
            return
        linter = cfn.Linter()
        problem = linter.prepare(target)
        if problem is not None:
            self.error(problem)
            return
        for source in templates:
            try:
                self.findings.extend(cfn.scan(linter, source, target, self.options.source_region))
            except Exception as exc:  # a cfn-lint crash on one template
                self.error(
                    ScanError(
                        IAC_001,
                        "cfn-lint",
                        type(exc).__name__,
                        f"cfn-lint failed on {source.rel}: {str(exc)[:200]}",
                        "pip install --upgrade cfn-lint",
                    )
                )

    def _checkov(self, scanned: list[SourceFile]) -> None:
        if not scanned:
            return
        if self.options.skip_checkov:
            self.not_run[IAC_003] = self.options.skip_checkov_reason
            return
        executable = checkov.locate(self.options.checkov_path)
        if isinstance(executable, ScanError) and executable.code == checkov.NOT_INSTALLED:
            # Nobody asked for checkov and there is none: an optional tool, not a failure.
            self.not_run[IAC_003] = checkov.NOT_INSTALLED_NOTE
            return
        if isinstance(executable, ScanError):
            self.error(executable)
            return
        by_file = {f.path.resolve(): f for f in scanned}
        targets: list[list[str]] = []
        single = [str(p) for p in self.options.paths if p.is_file()]
        targets.extend(["-d", str(p)] for p in self.options.paths if p.is_dir())
        if single:
            targets.append(["-f", *single])
        seen: set[str] = set()
        for target in targets:
            outcome = checkov.run(executable, target, self.options.checkov_timeout)
            for problem in outcome.errors:
                self.error(problem)
            for failure in outcome.failures:
                finding = self._checkov_finding(failure, by_file)
                if finding.id not in seen:
                    seen.add(finding.id)
                    self.findings.append(finding)

    def _checkov_finding(
        self, failure: checkov.Failure, by_file: dict[Path, SourceFile]
    ) -> Finding:
        source = by_file.get(failure.file.resolve())
        if source is not None:
            rel, column = source.rel, Positions(source.text).first_column(failure.line)
        else:
            root = next((p for p in self.options.paths if _contains(p, failure.file)), None)
            rel = relative(failure.file, root or failure.file.parent, self.options.base)
            column = 1
        message = f"checkov {failure.check_id}: {failure.check_name} ({failure.resource})"
        return Finding(
            IAC_003, rel, failure.line, column, failure.check_id, message, failure.severity
        )


def _contains(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


SKIP_ACTIONS = {
    "TooLarge": "raise the limit with REGIONREADY_MAX_IAC_BYTES=BYTES if the file is genuine",
    "Binary": "remove the binary file from the scanned paths, or rename it",
    "NotUtf8": "save the file as UTF-8",
    "SymlinkLoop": "fix or remove the symlink loop",
    "DanglingSymlink": "fix or remove the dangling symlink",
}


def skipped_errors(skipped: list[Skipped], ran: set[str]) -> list[ScanError]:
    """One error per (unreadable file, check that would have read it and ran)."""
    return [
        ScanError(
            check,
            "regionready",
            f"FileNot{'Read' if entry.code != 'TooLarge' else 'Scanned'}",
            f"{entry.rel}: not scanned: {entry.reason}",
            SKIP_ACTIONS.get(entry.code, "make the file readable (permissions) and scan again"),
            entry.rel,
        )
        for entry in skipped
        for check in KIND_CHECKS[entry.kind]
        if check in ran and check != IAC_003  # checkov reads the files itself
    ]


def _items(
    files: list[SourceFile],
    findings: list[Finding],
    failed: set[str],
    skipped: list[Skipped] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    items = empty_items()
    unique = {(f.check, f.id): f for f in findings}
    per_file: Counter[str] = Counter()
    flagged: set[tuple[str, str]] = set()
    for finding in sorted(unique.values(), key=lambda f: (f.path, f.line, f.column, f.code)):
        items[CHECK_TYPES[finding.check]].append(finding.item())
        per_file[finding.path] += 1
        flagged.add((finding.check, finding.path))
    for source in files:
        checks = KIND_CHECKS[source.kind]
        for check in checks:
            unparsed = check == IAC_002 and source.kind == CLOUDFORMATION and not source.parsed
            if check not in failed and (check, source.rel) not in flagged and not unparsed:
                items[CHECK_TYPES[check]].append(clean_item(check, source.rel))
        items[FILE_TYPE].append(
            {
                "Path": source.rel,
                "Kind": source.kind,
                "Language": source.language,
                "Checks": list(checks),
                "Findings": per_file[source.rel],
                "Parsed": source.parsed,
                "Skipped": None,
            }
        )
    for source in files:  # a template that does not parse: IAC-001 has its E0000
        if source.kind == CLOUDFORMATION and not source.parsed and IAC_002 not in failed:
            reason = "the template does not parse (see IAC-001, cfn-lint E0000)"
            items[CHECK_TYPES[IAC_002]].append(
                unreadable_item(IAC_002, source.rel, "ParseError", reason)
            )
    for entry in skipped or []:
        checks = tuple(c for c in KIND_CHECKS[entry.kind] if c not in failed and c != IAC_003)
        for check in checks:
            items[CHECK_TYPES[check]].append(
                unreadable_item(check, entry.rel, entry.code, entry.reason)
            )
        items[FILE_TYPE].append(
            {
                "Path": entry.rel,
                "Kind": entry.kind,
                "Language": entry.language,
                "Checks": list(checks),
                "Findings": 0,
                "Parsed": False,
                "Skipped": f"{entry.code}: {entry.reason}",
            }
        )
    items[FILE_TYPE].sort(key=lambda i: i["Path"])
    return items


def scan(options: ScanOptions) -> ScanOutcome:
    """Scan ``options.paths``; nothing to scan gives empty lists and no error."""
    if not options.paths:
        return ScanOutcome(empty_items())
    missing = [p for p in options.paths if not p.exists()]
    if missing:
        errors = [
            ScanError(check, "regionready", "NoSuchPath", f"no such path: {p}", "fix the path")
            for p in missing
            for check in CHECK_TYPES
        ]
        return ScanOutcome(empty_items(), errors)
    found = discover_all(options.paths, options.base)
    files = found.files
    collector = _Collector(options)
    collector.run(files)
    without = collector.failed | set(collector.not_run)
    ran = {check for check in CHECK_TYPES if check not in without}
    errors = collector.errors + skipped_errors(found.skipped, ran)
    if IAC_002 in ran:
        errors += [
            ScanError(
                IAC_002,
                "regionready",
                "ParseError",
                f"{f.rel}: not searched: the template does not parse (see IAC-001 E0000)",
                "fix the template's syntax (cfn-lint's E0000 gives the position)",
                f.rel,
            )
            for f in files
            if f.kind == CLOUDFORMATION and not f.parsed
        ]
    items = _items(files, collector.findings, without, found.skipped)
    return ScanOutcome(items, errors, files, found.skipped, collector.not_run)
