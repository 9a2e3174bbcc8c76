"""IAC-001: lint each CloudFormation template with cfn-lint for the target Region.

cfn-lint's per-Region resource specifications know which resource types and properties
exist in each Region: E3006 "Resource type ... does not exist in <region>", E3002 for a
property the Region's schema lacks, and so on. What counts: cfn-lint *errors* (rule ids
``E...``), the ones that make a deployment fail; warnings (``W``) and informational
matches (``I``) are left to cfn-lint itself. Each error says whether it is specific to
the target: when the target has errors that may differ between the Regions, the
resources they are under are linted for the source Region too, and an error that also
appears there (same rule, line and column) is "also reported for <source>", otherwise
"not reported for <source>" (:func:`scan`).

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
    resource: str | None = None  # the logical id of that resource, if any

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

    def errors(
        self, text: str, *regions: str, resources: frozenset[str] | None = None
    ) -> list[_Error]:
        """cfn-lint errors (E rules) of a template for prepared Regions, one pass; with
        ``resources``, of the template cut down to those resources (every other section
        kept, and every line and column as in the whole template)."""
        from cfnlint.decode.decode import decode_str
        from cfnlint.runner import run_template_by_data

        config, rules = self._loaded[tuple(regions)]
        template, parse_errors = decode_str(text)
        matches = list(parse_errors or [])
        if template is not None and not parse_errors:
            if resources is not None:
                template = _only(template, resources)
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
                _resource_at(m),
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


def _resource_at(match: Any) -> str | None:
    path = list(getattr(match, "path", None) or [])
    if len(path) >= 2 and path[0] == "Resources":
        return str(path[1])
    return None


def _type_at(match: Any, types: dict[str, str]) -> str | None:
    resource = _resource_at(match)
    return None if resource is None else types.get(resource)


def _only(template: Any, resources: frozenset[str]) -> Any:
    """The decoded template with only ``resources`` under Resources: cfn-lint's own node
    types, keys and marks kept, so a match has the line and column it has in the whole."""
    from cfnlint.decode.node import dict_node

    whole = template.get("Resources")
    if not isinstance(whole, dict):
        return template
    kept = dict_node(
        {k: v for k, v in whole.items() if str(k) in resources},
        getattr(whole, "start_mark", None),
        getattr(whole, "end_mark", None),
    )
    cut = dict_node(
        {k: (kept if k == "Resources" else v) for k, v in template.items()},
        getattr(template, "start_mark", None),
        getattr(template, "end_mark", None),
    )
    return cut


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
    """IAC-001 findings of one template (the target Region must be prepared).

    One cfn-lint pass for the target. Only when it has errors that may differ between the
    Regions (an error naming a Region, or under a resource type whose schemas differ) is
    the template linted for the source too, and then only the resources those errors are
    under (the whole template when one is outside Resources): an error found there at
    the same rule, line and column is "also reported for <source>". An error that names
    no Region, under a type with the same schema in both, is the same in both.
    """
    errors = linter.errors(source.text, target)
    if source_region is None or source_region == target or not errors:
        return [_finding(source, e, target, "") for e in errors]
    pair = (target, source_region)

    def same_in_both(error: _Error) -> bool:
        return error.regions is None and (
            error.resource_type is None or not _schemas_differ(error.resource_type, pair)
        )

    regional = [e for e in errors if not same_in_both(e)]
    in_source = {e.key for e in errors if e not in regional}
    if regional and linter.prepare(source_region) is None:
        names = {e.resource for e in regional}
        only = None if None in names else frozenset(str(n) for n in names)
        in_source |= {e.key for e in linter.errors(source.text, source_region, resources=only)}
    elif regional:  # cfn-lint cannot lint for the source: say nothing about it
        return [_finding(source, e, target, "") for e in errors]
    findings = []
    for error in errors:
        if error.key in in_source:
            where = f" (also reported for {source_region})"
        else:
            where = f" (not reported for {source_region})"
        findings.append(_finding(source, error, target, where))
    return findings
