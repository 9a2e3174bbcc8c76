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

import re
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
    regions: frozenset[str] | None = None  # the Regions it names; None: all linted
    resource_type: str | None = None  # the type of the resource it is under, if any

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.rule_id, self.line, self.column)


_REGIONS_NAMED = re.compile(r" in (\[[^\]]*\]|'[a-z]{2}(?:-[a-z]+)+-\d+')\s*$")
_REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-\d+")


def named_regions(message: str) -> frozenset[str] | None:
    """The Regions a cfn-lint message ends by naming (``in 'r'``, ``in ['r1', 'r2']``)."""
    found = _REGIONS_NAMED.search(message)
    if found is None:
        return None
    return frozenset(_REGION.findall(found.group(1))) or None


def _version() -> str:
    try:
        from cfnlint.version import __version__

        return str(__version__)
    except ImportError:
        return "?"


class Linter:
    """cfn-lint with its rules loaded once per set of Regions."""

    def __init__(self) -> None:
        self._loaded: dict[tuple[str, ...], tuple[Any, Any]] = {}
        self.passes = 0  # cfn-lint runs made (the benchmark and tests read it)

    def prepare(self, *regions: str) -> ScanError | None:
        """Load cfn-lint for Regions; a ScanError if it is missing or lacks one of them."""
        key = tuple(regions)
        if key in self._loaded:
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
        for region in regions:
            if region not in REGIONS:
                return ScanError(
                    IAC_001,
                    "cfn-lint",
                    "UnsupportedRegion",
                    f"cfn-lint {_version()} has no resource specification for {region}",
                    "pip install --upgrade cfn-lint",
                )
        try:
            config = ConfigMixIn(regions=list(regions))
            rules = Runner(config).rules
        except Exception as exc:  # cfnlint.exceptions.InvalidRegionException and kin
            return ScanError(
                IAC_001,
                "cfn-lint",
                "UnsupportedRegion",
                f"cfn-lint {_version()} cannot lint for {', '.join(regions)}: {str(exc)[:160]}",
                "pip install --upgrade cfn-lint",
            )
        self._loaded[key] = (config, rules)
        return None

    def errors(self, text: str, *regions: str) -> list[_Error]:
        """cfn-lint errors (E rules) of a template for prepared Regions, one pass."""
        from cfnlint.decode.decode import decode_str
        from cfnlint.runner import run_template_by_data

        config, rules = self._loaded[tuple(regions)]
        template, parse_errors = decode_str(text)
        matches = list(parse_errors or [])
        if template is not None and not parse_errors:
            self.passes += 1
            matches = list(run_template_by_data(template, config, rules))
        types = _types(template)
        found = {
            _Error(
                str(m.rule.id),
                int(m.linenumber),
                int(m.columnnumber),
                str(m.message),
                named_regions(str(m.message)),
                _type_at(m, types),
            )
            for m in matches
            if str(m.rule.id).startswith("E")
        }
        return sorted(found, key=lambda e: (e.line, e.column, e.rule_id, e.message))


def _types(template: Any) -> dict[str, str]:
    resources = template.get("Resources") if isinstance(template, dict) else None
    if not isinstance(resources, dict):
        return {}
    return {
        str(name): str(body.get("Type"))
        for name, body in resources.items()
        if isinstance(body, dict) and isinstance(body.get("Type"), str)
    }


def _type_at(match: Any, types: dict[str, str]) -> str | None:
    path = list(getattr(match, "path", None) or [])
    if len(path) >= 2 and path[0] == "Resources":
        return types.get(str(path[1]))
    return None


def _schemas_differ(resource_type: str, regions: tuple[str, str]) -> bool:
    try:
        from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

        groups = list(
            PROVIDER_SCHEMA_MANAGER.get_resource_schemas_by_regions(resource_type, list(regions))
        )
    except Exception:  # an unknown or custom type: no schema, nothing Regional
        return False
    return len(groups) > 1


def _finding(source: SourceFile, error: _Error, target: str, where: str) -> Finding:
    return Finding(
        check=IAC_001,
        path=source.rel,
        line=max(1, error.line),
        column=max(1, error.column),
        code=error.rule_id,
        message=f"cfn-lint {error.rule_id} for {target}: {error.message}{where}",
        severity="error",
    )


def scan(
    linter: Linter, source: SourceFile, target: str, source_region: str | None
) -> list[Finding]:
    """IAC-001 findings of one template (the target Region must be prepared)."""
    both = source_region is not None and source_region != target
    if not both or linter.prepare(target, source_region or "") is not None:
        return [_finding(source, e, target, "") for e in linter.errors(source.text, target)]
    assert source_region is not None
    pair = (target, source_region)
    errors = linter.errors(source.text, *pair)
    if not errors:
        return []
    unsettled = any(
        e.regions is None and e.resource_type is not None and _schemas_differ(e.resource_type, pair)
        for e in errors
    )
    if unsettled:  # a Region-free error of a type whose schemas differ: one pass each
        linter.prepare(source_region)
        in_target = linter.errors(source.text, target)
        in_source = {e.key for e in linter.errors(source.text, source_region)}
    else:
        in_target = [e for e in errors if e.regions is None or target in e.regions]
        in_source = {e.key for e in errors if e.regions is None or source_region in e.regions}
    findings = []
    for error in in_target:
        if error.key in in_source:
            where = f" (also reported for {source_region})"
        else:
            where = f" (not reported for {source_region})"
        findings.append(_finding(source, error, target, where))
    return findings
