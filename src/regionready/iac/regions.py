"""IAC-002: the source Region written into a template or policy, where it will not follow.

Looked for in CloudFormation templates (every string scalar and key except the
``Mappings`` and ``Parameters`` sections and the top-level ``Description``), Terraform
(``*.tf`` outside comments and ``variable`` blocks; ``*.tf.json`` outside
``variable``) and IAM policy JSON (every string). A match is the Region code as a whole
word (``me-central-1`` in ``arn:aws:kms:me-central-1:...``, ``sts.me-central-1.amazonaws.com``
or an Availability Zone ``me-central-1a``; not ``me-central-10``). Comments are never
matched: YAML/JSON are scanned through their scalars, so a ``#`` comment has no span.
"""

from __future__ import annotations

import re

from regionready.iac import hcl, yamlspans
from regionready.iac.files import SourceFile
from regionready.iac.model import CLOUDFORMATION, IAC_002, POLICY, TERRAFORM, Finding
from regionready.iac.text import Positions, Span, matches_in, normalise, subtract

CODE = "source-region-literal"
_TOKEN_STOP = " \t\r\n\"'`,;()[]{}<>="
CFN_SKIPPED_SECTIONS = frozenset({"Mappings", "Parameters"})


def pattern(region: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(region)}(?!\d)")


def _cfn_skipped(path: yamlspans.KeyPath) -> bool:
    if not path:
        return False
    return path[0] in CFN_SKIPPED_SECTIONS or path == ("Description",)


def allowed_spans(source: SourceFile) -> list[Span]:
    """Where a Region code counts as hard-coded in this file."""
    if source.kind == TERRAFORM and source.language == "hcl":
        found = hcl.layout(source.text)
        holes = normalise(found.comments + found.variables)
        return subtract([(0, len(source.text))], holes)
    if source.documents is None:
        return []
    spans: list[Span] = []
    for document in source.documents:
        for scalar in yamlspans.scalars(document):
            if source.kind == CLOUDFORMATION and _cfn_skipped(scalar.path):
                continue
            if source.kind == TERRAFORM and scalar.path[:1] == ("variable",):
                continue
            spans.append((scalar.start, scalar.end))
    return normalise(spans)


def _where(text: str, start: int, end: int) -> str:
    left = start
    while left > 0 and text[left - 1] not in _TOKEN_STOP:
        left -= 1
    right = end
    while right < len(text) and text[right] not in _TOKEN_STOP:
        right += 1
    token = text[left:right]
    if "arn:" in token:
        return "in an ARN"
    if "amazonaws.com" in token or "amazon.com" in token or "://" in token:
        return "in an endpoint"
    return "in a string"


def scan(source: SourceFile, source_region: str) -> list[Finding]:
    if source.kind not in (CLOUDFORMATION, TERRAFORM, POLICY):
        return []
    positions = Positions(source.text)
    findings = []
    for match in matches_in(pattern(source_region), source.text, allowed_spans(source)):
        line, column = positions.line_col(match.start())
        where = _where(source.text, match.start(), match.end())
        findings.append(
            Finding(
                check=IAC_002,
                path=source.rel,
                line=line,
                column=column,
                code=CODE,
                message=(
                    f"the source Region {source_region} is hard-coded {where}; use the "
                    "Region of the deployment (${AWS::Region}, data.aws_region, a "
                    "parameter or a mapping) instead"
                ),
            )
        )
    return findings
