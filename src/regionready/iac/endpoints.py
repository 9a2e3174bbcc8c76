"""IAC-004 and STS-002: fixed global endpoints written into templates, config and code.

IAC-004 flags ``sts.amazonaws.com`` (the global STS endpoint: served by us-east-1 alone
for opt-in Regions) and ``signin.aws.amazon.com`` (the us-east-1 SAML sign-in endpoint,
not a global one) in every scanned file. STS-002 flags, in configuration and code, the
global STS endpoint too and the ``sts_regional_endpoints = legacy`` /
``AWS_STS_REGIONAL_ENDPOINTS=legacy`` setting that selects it.

Where a match counts:

- Python: inside string literals only (``tokenize``), never in comments.
- YAML/JSON: inside scalars only (comments have no scalar).
- Terraform: outside ``#``, ``//`` and ``/* */`` comments.
- Anything else: on lines that are not comment-only lines.

Regional names do not match (``us-east-2.signin.aws.amazon.com``,
``sts.eu-central-1.amazonaws.com``). ``sts.amazonaws.com`` as an OIDC *audience*
(``...:aud`` conditions, ``ClientIdList``, ``client_id_list``, ``audience:``) names STS
as a token audience, not an endpoint, and is not flagged.
"""

from __future__ import annotations

import io
import re
import tokenize

from regionready.iac import hcl, yamlspans
from regionready.iac.files import SourceFile
from regionready.iac.model import CODE, CONFIG, IAC_004, STS_002, Finding
from regionready.iac.text import Positions, Span, code_lines, normalise, subtract, within

STS_GLOBAL = "sts.amazonaws.com"
SIGNIN_US_EAST_1 = "signin.aws.amazon.com"
ENDPOINT_RE = re.compile(
    r"(?<![\w.-])(sts\.amazonaws\.com|signin\.aws\.amazon\.com)(?![\w-])", re.IGNORECASE
)
LEGACY_RE = re.compile(
    r"\b(?:AWS_)?STS_REGIONAL_ENDPOINTS\b[\"']?\]?\s*[:=,]\s*[\"']?legacy\b", re.IGNORECASE
)
_AUDIENCE_KEY_RE = re.compile(
    r"(:aud$|^aud$|audience|client_?id_?list|^clientids$|:aud\"?$)", re.IGNORECASE
)
_AUDIENCE_TAIL_RE = re.compile(
    r"(?:\baud|audience|client_?id_?list|clientids)[\"']?\s*[:=]\s*\[?\s*"
    r"(?:[\"'][^\"'\n]*[\"']\s*,\s*)*[\"']?(?:https://)?$",
    re.IGNORECASE,
)

IAC_004_CODES = {STS_GLOBAL: "sts-global-endpoint", SIGNIN_US_EAST_1: "signin-us-east-1-endpoint"}
STS_002_GLOBAL = "sts-global-endpoint"
STS_002_LEGACY = "sts-legacy-setting"


def _message(name: str) -> str:
    if name == STS_GLOBAL:
        return (
            "names the global STS endpoint sts.amazonaws.com, which opt-in Regions reach "
            "only through us-east-1; use the Regional endpoint sts.<region>.amazonaws.com"
        )
    return (
        "names signin.aws.amazon.com, the us-east-1 SAML sign-in endpoint (not a global "
        "one); use https://<region>.signin.aws.amazon.com/saml for the target Region"
    )


def _python_strings(text: str, positions: Positions) -> list[Span] | None:
    spans: list[Span] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.STRING:
                start = positions.offset(token.start[0], token.start[1])
                end = positions.offset(token.end[0], token.end[1])
                spans.append((start, end))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return None
    return spans


def python_string_spans(text: str) -> list[Span] | None:
    """Spans of a Python text's string literals (None: it does not tokenize)."""
    strings = _python_strings(text, Positions(text))
    return normalise(strings) if strings is not None else None


def _hcl_audience(contexts: hcl.Contexts, offset: int) -> bool:
    """True where HCL names an OIDC audience: a ``client_id_list``/``audience`` value
    (however wrapped: ``distinct(concat(["sts.amazonaws.com"], ...))``), the ``values``
    of a condition whose ``variable`` ends in ``:aud``, or the default of a variable
    named for an audience."""
    context = contexts.at(offset)
    if context.attr and _AUDIENCE_KEY_RE.search(context.attr):
        return True
    for block in context.blocks():
        variable = block.attrs.get("variable", "")
        if context.attr == "values" and re.search(r":aud[\"'}]*\s*$", variable.strip()):
            return True
        if block.kind == "variable" and _AUDIENCE_KEY_RE.search(block.header):
            return True
    return False


def _audience_paths(source: SourceFile) -> list[Span]:
    """Scalar spans whose key path is an OIDC audience (YAML/JSON only)."""
    spans: list[Span] = []
    for document in source.documents or []:
        for scalar in yamlspans.scalars(document):
            if scalar.is_key:
                continue
            if any(isinstance(k, str) and _AUDIENCE_KEY_RE.search(k) for k in scalar.path):
                spans.append((scalar.start, scalar.end))
    return normalise(spans)


def allowed_spans(source: SourceFile, positions: Positions) -> list[Span]:
    text = source.text
    if source.language == "hcl":
        return subtract([(0, len(text))], normalise(hcl.layout(text).comments))
    if source.documents is not None:
        spans: list[Span] = []
        for document in source.documents:
            spans.extend((s.start, s.end) for s in yamlspans.scalars(document))
        return normalise(spans)
    if source.language == "python":
        strings = _python_strings(text, positions)
        if strings is not None:
            return normalise(strings)
    return code_lines(text)


_AUDIENCE_LINE_RE = re.compile(r"(client_?ids?|audiences?|\baud)\b[^\n]*$", re.IGNORECASE)


def _is_audience(text: str, start: int, audience_spans: list[Span], end: int) -> bool:
    if within(audience_spans, start, end):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    if _AUDIENCE_LINE_RE.search(text[line_start:start]):
        return True
    return bool(_AUDIENCE_TAIL_RE.search(text[max(0, start - 200) : start]))


def scan(source: SourceFile) -> list[Finding]:
    """IAC-004 findings for every file; STS-002 findings for configuration and code."""
    positions = Positions(source.text)
    spans = allowed_spans(source, positions)
    audience = _audience_paths(source)
    contexts = (
        hcl.Contexts(source.text)
        if source.language == "hcl" and ENDPOINT_RE.search(source.text)
        else None
    )
    sts_002 = source.kind in (CONFIG, CODE)
    findings: list[Finding] = []
    for match in ENDPOINT_RE.finditer(source.text):
        if not within(spans, match.start(), match.end()):
            continue
        name = match.group(1).lower()
        if name == STS_GLOBAL and (
            _is_audience(source.text, match.start(), audience, match.end())
            or (contexts is not None and _hcl_audience(contexts, match.start()))
        ):
            continue
        line, column = positions.line_col(match.start())
        findings.append(
            Finding(IAC_004, source.rel, line, column, IAC_004_CODES[name], _message(name))
        )
        if sts_002 and name == STS_GLOBAL:
            findings.append(
                Finding(STS_002, source.rel, line, column, STS_002_GLOBAL, _message(name))
            )
    if sts_002:
        lines = code_lines(source.text)
        for match in LEGACY_RE.finditer(source.text):
            if not within(lines, match.start(), match.end()):
                continue
            line, column = positions.line_col(match.start())
            findings.append(
                Finding(
                    STS_002,
                    source.rel,
                    line,
                    column,
                    STS_002_LEGACY,
                    "sets sts_regional_endpoints to legacy, which sends STS calls to the "
                    "global endpoint sts.amazonaws.com; set it to regional",
                )
            )
    return findings
