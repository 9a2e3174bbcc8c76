"""IAC-001: lint each CloudFormation template with cfn-lint for the target Region.

cfn-lint's per-Region resource specifications know which resource types and properties
exist in each Region: E3006 "Resource type ... does not exist in <region>", E3002 for a
property the Region's schema lacks, and so on. What counts: cfn-lint *errors* (rule ids
``E...``), the ones that make a deployment fail; warnings (``W``) and informational
matches (``I``) are left to cfn-lint itself. Each error says whether it is specific to
the target: when the target has errors the template is linted for the source Region too,
and an error that also appears there (with the Region name masked) is "also reported
for <source>", otherwise "not reported for <source>".

The rule collection is loaded once per Region (loading it costs ~0.3 s, a lint of a
small template ~20 ms) and cfn-lint never reaches the network.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from regionready.iac.files import SourceFile
from regionready.iac.model import IAC_001, Finding, ScanError

INSTALL_HINT = "pip install cfn-lint"


@dataclass(frozen=True)
class _Error:
    rule_id: str
    line: int
    column: int
    message: str


def _version() -> str:
    try:
        from cfnlint.version import __version__

        return str(__version__)
    except ImportError:
        return "?"


class Linter:
    """cfn-lint with its rules loaded once per Region."""

    def __init__(self) -> None:
        self._loaded: dict[str, tuple[Any, Any]] = {}

    def prepare(self, region: str) -> ScanError | None:
        """Load cfn-lint for a Region; a ScanError if it is missing or lacks the Region."""
        if region in self._loaded:
            return None
        try:
            from cfnlint.config import ConfigMixIn
            from cfnlint.helpers import REGIONS
            from cfnlint.runner import Runner
        except ImportError:
            return ScanError(
                IAC_001,
                "cfn-lint",
                "NotInstalled",
                f"cfn-lint is not installed ({INSTALL_HINT})",
                INSTALL_HINT,
            )
        if region not in REGIONS:
            return ScanError(
                IAC_001,
                "cfn-lint",
                "UnsupportedRegion",
                f"cfn-lint {_version()} has no resource specification for {region}",
                "pip install --upgrade cfn-lint",
            )
        try:
            config = ConfigMixIn(regions=[region])
            rules = Runner(config).rules
        except Exception as exc:  # cfnlint.exceptions.InvalidRegionException and kin
            return ScanError(
                IAC_001,
                "cfn-lint",
                "UnsupportedRegion",
                f"cfn-lint {_version()} cannot lint for {region}: {str(exc)[:160]}",
                "pip install --upgrade cfn-lint",
            )
        self._loaded[region] = (config, rules)
        return None

    def errors(self, text: str, region: str) -> list[_Error]:
        """cfn-lint errors (E rules) of a template for a prepared Region."""
        from cfnlint.decode.decode import decode_str
        from cfnlint.runner import run_template_by_data

        config, rules = self._loaded[region]
        template, parse_errors = decode_str(text)
        matches = list(parse_errors or [])
        if template is not None and not parse_errors:
            matches = list(run_template_by_data(template, config, rules))
        found = {
            _Error(str(m.rule.id), int(m.linenumber), int(m.columnnumber), str(m.message))
            for m in matches
            if str(m.rule.id).startswith("E")
        }
        return sorted(found, key=lambda e: (e.line, e.column, e.rule_id, e.message))


def _masked(error: _Error, region: str) -> tuple[str, int, int, str]:
    return (error.rule_id, error.line, error.column, error.message.replace(region, "<region>"))


def scan(
    linter: Linter, source: SourceFile, target: str, source_region: str | None
) -> list[Finding]:
    """IAC-001 findings of one template (the target Region must be prepared)."""
    errors = linter.errors(source.text, target)
    if not errors:
        return []
    in_source: set[tuple[str, int, int, str]] | None = None
    if source_region and linter.prepare(source_region) is None:
        in_source = {_masked(e, source_region) for e in linter.errors(source.text, source_region)}
    findings = []
    for error in errors:
        if in_source is None:
            where = ""
        elif _masked(error, target) in in_source:
            where = f" (also reported for {source_region})"
        else:
            where = f" (not reported for {source_region})"
        findings.append(
            Finding(
                check=IAC_001,
                path=source.rel,
                line=max(1, error.line),
                column=max(1, error.column),
                code=error.rule_id,
                message=f"cfn-lint {error.rule_id} for {target}: {error.message}{where}",
                severity="error",
            )
        )
    return findings
