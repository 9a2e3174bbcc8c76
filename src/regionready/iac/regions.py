"""IAC-002: the source Region written into a template, policy, config or code.

A match is the Region code as a whole word (``me-central-1`` in
``arn:aws:kms:me-central-1:...``, ``sts.me-central-1.amazonaws.com`` or an Availability
Zone ``me-central-1a``; not ``me-central-10``). Comments are never matched: YAML/JSON are
scanned through their scalars (a ``#`` comment has no span), Terraform outside ``#``,
``//`` and ``/* */``, other files on non-comment lines only.

Each match is judged in its context and becomes one of three findings, or nothing:

``source-region-literal``    a hard-coded value (ARN, endpoint or other string) in a
                             CloudFormation template, Terraform file or IAM policy; in
                             configuration and code (shell, PowerShell, TOML, Dockerfile,
                             ``.env``, Kubernetes manifests, Packer) only an ARN or a
                             Regional endpoint counts, a bare Region name does not
``source-region-condition``  region-conditional logic: ``!Equals [!Ref AWS::Region,
                             'us-east-1']`` (and ``Fn::Contains``), a Terraform
                             ``== "us-east-1"``, an ``aws:RequestedRegion`` condition.
                             Not a value to replace: the advice is to check what the
                             condition turns on or off in the target
``source-region-default``    a CloudFormation Parameter ``Default`` or a Terraform
                             ``variable`` default that holds an ARN or endpoint of the
                             source Region: it is deployed unless overridden

Not hazards (no finding): the Mappings section (the construct made for Region-specific
values) and the keys of a Terraform map by Region (``{ us-east-1 = "127311923021" }``,
its Terraform form), Parameters other than an ARN/endpoint default, Terraform ``variable`` blocks
other than such a default, descriptions, keys, the top-level ``Metadata`` and tool
configuration in a resource's ``Metadata`` (cfn-lint, cfn_nag, checkov, guard, cfripper,
``aws:cdk:*``), names (a ``...Name`` property, Terraform ``name``/``bucket``/``*_name``)
that are not ARNs or endpoints, Terraform provider aliases (``alias = "us-east-1"``,
``provider = aws.us-east-1``) and the Region of an aliased us-east-1 provider,
Lambda@Edge log groups (``/aws/lambda/us-east-1.<function>``, named by AWS) and
resources AWS fixes in us-east-1 (the ``AmazonIpSpaceChanged`` SNS topic, CloudFront's
ACM certificate and Lambda@Edge function ARNs, CLOUDFRONT-scope ``global`` WAF ARNs,
Terraform's ``aws_ecrpublic_*`` resources and data sources: ECR Public is in us-east-1
alone).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from regionready.iac import hcl, yamlspans
from regionready.iac.files import SourceFile
from regionready.iac.model import (
    CLOUDFORMATION,
    CONFIG,
    IAC_002,
    POLICY,
    TERRAFORM,
    Finding,
)
from regionready.iac.model import CODE as CODE_KIND
from regionready.iac.text import Positions, Span, code_lines, normalise, within

CODE = "source-region-literal"
CONDITION = "source-region-condition"
DEFAULT = "source-region-default"
CFN_SKIPPED_SECTIONS = frozenset({"Mappings", "Metadata"})
TOOL_METADATA = frozenset({"cfn-lint", "cfn_nag", "cfnnag", "checkov", "guard", "cfripper"})
NAME_ATTRS = frozenset({"name", "name_prefix", "bucket", "bucket_prefix", "alias"})
_ARN_LEFT = re.compile(r"arn:(?:\$\{[^}\n]*\}|[^\s\"'`,;()\[\]{}<>=|])*$")
_TOKEN_STOP = " \t\r\n\"'`,;()[]<>=|"
_ENDPOINT = re.compile(r"amazonaws\.com|amazon\.com|\.on\.aws|\.api\.aws|com\.amazonaws\.|://")
_HCL_COMPARE_LEFT = re.compile(r"(?:==|!=)\s*\"?$")
_HCL_COMPARE_RIGHT = re.compile(r"^\"?\s*(?:==|!=)")
_REGION_KEY = re.compile(r"^(aws:RequestedRegion|ec2:Region|aws:Region)$", re.IGNORECASE)
_HCL_KEY_LEFT = re.compile(r"(?:^|[{,])[ \t]*\"?$")
_HCL_KEY_RIGHT = re.compile(r"(?:\"[ \t]*[=:]|[ \t]*=)(?![=>])")
_US_EAST_1_ONLY_BLOCK = re.compile(r"^(?:resource|data)\s+\"aws_ecrpublic_")
_LAMBDA_EDGE_LOG = re.compile(r"/aws/lambda/$")
_US_EAST_1_ONLY_ACCOUNT = ":806199016981:"  # the AmazonIpSpaceChanged topic's account
_CLOUDFRONT_KEYS = re.compile(
    r"ViewerCertificate|viewer_certificate|LambdaFunctionAssociation|lambda_function_association"
    r"|AcmCertificateArn|acm_certificate_arn",
)


def pattern(region: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(region)}(?!\d)")


@dataclass(frozen=True)
class _Hit:
    start: int
    code: str
    where: str
    name: str | None = None  # the parameter or variable of a default


def _token(text: str, start: int, end: int) -> str:
    left = start
    while left > 0 and text[left - 1] not in _TOKEN_STOP:
        left -= 1
    right = end
    while right < len(text) and text[right] not in _TOKEN_STOP:
        right += 1
    return text[left:right]


def _where(text: str, start: int, end: int) -> str:
    """ "in an ARN", "in an endpoint" or "in a string" (``!Sub arn:${AWS::Partition}:...``
    is an ARN)."""
    if _ARN_LEFT.search(text[max(0, start - 300) : start]):
        return "in an ARN"
    if _ENDPOINT.search(_token(text, start, end)):
        return "in an endpoint"
    return "in a string"


def _aws_fixed(text: str, start: int, end: int, region: str, context: str) -> bool:
    """True for a name AWS itself fixes: Lambda@Edge log groups, and us-east-1 resources
    that exist only there (``context``: the key path or block chain around the match)."""
    if _LAMBDA_EDGE_LOG.search(text[max(0, start - 12) : start]) and text[end : end + 1] == ".":
        return True
    if region != "us-east-1":
        return False
    token = _token(text, start, end)
    if _US_EAST_1_ONLY_ACCOUNT in token or ":global/" in token:
        return True
    return bool(_CLOUDFRONT_KEYS.search(context)) and (":acm:" in token or ":lambda:" in token)


# -- CloudFormation, policies and other YAML/JSON -------------------------------------


def _is_region_ref(node: yaml.Node) -> bool:
    if isinstance(node, yaml.ScalarNode):
        return node.tag == "!Ref" and node.value == "AWS::Region"
    if isinstance(node, yaml.MappingNode) and len(node.value) == 1:
        key, value = node.value[0]
        return (
            isinstance(key, yaml.ScalarNode)
            and key.value == "Ref"
            and isinstance(value, yaml.ScalarNode)
            and value.value == "AWS::Region"
        )
    return False


def _operands(node: yaml.Node) -> list[yaml.Node] | None:
    """The operands of an Fn::Equals / Fn::Contains node (short or long form)."""
    if isinstance(node, yaml.SequenceNode) and node.tag in ("!Equals", "!Contains"):
        return list(node.value)
    if isinstance(node, yaml.MappingNode) and len(node.value) == 1:
        key, value = node.value[0]
        if (
            isinstance(key, yaml.ScalarNode)
            and key.value in ("Fn::Equals", "Fn::Contains")
            and isinstance(value, yaml.SequenceNode)
        ):
            return list(value.value)
    return None


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value
    elif isinstance(node, yaml.SequenceNode):
        yield from node.value


_REGION_VALUE = re.compile(r"^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+$")


def _is_region_value(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and bool(_REGION_VALUE.match(node.value))


def condition_spans(root: yaml.Node) -> list[Span]:
    """Spans of the scalars compared in Fn::Equals / Fn::Contains with ``AWS::Region``,
    or that are a Region name compared with anything (``!Ref PrimaryRegion``)."""
    spans: list[Span] = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        operands = _operands(node)
        if operands is not None and any(_is_region_ref(o) or _is_region_value(o) for o in operands):
            for operand in operands:
                if not _is_region_ref(operand):
                    spans.extend((s.start, s.end) for s in yamlspans.scalars(operand))
        stack.extend(_children(node))
    return normalise(spans)


def _cfn_judge(path: yamlspans.KeyPath, arn_or_endpoint: bool) -> str | None:
    """The finding code a CloudFormation scalar at ``path`` gives (None: not a hazard)."""
    if not path:
        return CODE
    if path[0] in CFN_SKIPPED_SECTIONS:
        return None
    if path[0] == "Parameters":
        if len(path) == 3 and path[2] == "Default" and arn_or_endpoint:
            return DEFAULT
        return None
    if (
        len(path) >= 4
        and path[0] == "Resources"
        and path[2] == "Metadata"
        and (str(path[3]) in TOOL_METADATA or str(path[3]).startswith("aws:cdk:"))
    ):
        return None
    return CODE


def _last_key(path: yamlspans.KeyPath) -> str:
    """The property a value belongs to (intrinsic functions such as Fn::If see through)."""
    for key in reversed(path):
        if isinstance(key, str) and not key.startswith("Fn::"):
            return key
    return ""


def _structured_hits(source: SourceFile, regex: re.Pattern[str], region: str) -> list[_Hit]:
    text = source.text
    hits: list[_Hit] = []
    for document in source.documents or []:
        conditions = condition_spans(document) if source.kind == CLOUDFORMATION else []
        for scalar in yamlspans.scalars(document):
            if scalar.is_key:
                continue
            for match in regex.finditer(text, scalar.start, scalar.end):
                start, end = match.start(), match.end()
                where = _where(text, start, end)
                pinned = where != "in a string"
                last = _last_key(scalar.path)
                context = "/".join(str(k) for k in scalar.path)
                if _aws_fixed(text, start, end, region, context):
                    continue
                if last.endswith("Description") or (last.endswith("Name") and not pinned):
                    continue
                code: str | None = CODE
                if within(conditions, start, end) or any(
                    isinstance(k, str) and _REGION_KEY.match(k) for k in scalar.path
                ):
                    code = CONDITION
                elif source.kind == CLOUDFORMATION:
                    code = _cfn_judge(scalar.path, pinned)
                elif source.kind == TERRAFORM:  # *.tf.json
                    if scalar.path[:1] == ("variable",):
                        code = DEFAULT if pinned and last != "description" else None
                    elif last in NAME_ATTRS and not pinned:
                        code = None
                    elif scalar.path[:2] == ("provider", "aws") and last == "region":
                        code = None if region == "us-east-1" else CODE
                elif source.kind in (CONFIG, CODE_KIND) and not pinned:
                    code = None
                if code is None:
                    continue
                name = str(scalar.path[1]) if code == DEFAULT and len(scalar.path) > 1 else None
                hits.append(_Hit(start, code, where, name))
    return hits


# -- Terraform (and Packer) HCL ----------------------------------------------------------


def _hcl_hits(source: SourceFile, regex: re.Pattern[str], region: str) -> list[_Hit]:
    text = source.text
    found = hcl.layout(text)
    comments = normalise(found.comments)
    contexts = hcl.Contexts(text)
    hits: list[_Hit] = []
    for match in regex.finditer(text):
        start, end = match.start(), match.end()
        if within(comments, start, end):
            continue
        where = _where(text, start, end)
        pinned = where != "in a string"
        context = contexts.at(start)
        blocks = context.blocks()
        attr = context.attr or ""
        chain = "/".join(b.header for b in blocks) + "/" + attr
        if _aws_fixed(text, start, end, region, chain):
            continue
        if text[max(0, start - 4) : start] == "aws." and not pinned:
            continue  # a provider alias reference: provider = aws.us-east-1
        if _hcl_map_key(text, start, end) and not pinned:
            continue  # a key of a map by Region: { us-east-1 = "127311923021", ... }
        if region == "us-east-1" and any(_US_EAST_1_ONLY_BLOCK.search(b.header) for b in blocks):
            continue  # ECR Public: its API, and its tokens, are in us-east-1 alone
        if attr in ("description", "alias"):
            continue
        variable = next((b for b in blocks if b.kind == "variable"), None)
        if variable is not None:
            if pinned:
                name = variable.header.split('"')[1] if '"' in variable.header else None
                hits.append(_Hit(start, DEFAULT, where, name))
            continue
        if source.kind != TERRAFORM:  # Packer and other HCL: ARNs and endpoints only
            if pinned:
                hits.append(_Hit(start, CODE, where))
            continue
        provider = next((b for b in blocks if b.kind == "provider"), None)
        if (
            provider is not None
            and attr == "region"
            and "alias" in provider.attrs
            and (region == "us-east-1" or region in provider.attrs["alias"])
        ):
            continue  # an aliased us-east-1 provider: CloudFront, ACM for CloudFront
        if (attr in NAME_ATTRS or attr.endswith("_name")) and not pinned:
            continue
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        left = text[line_start:start]
        right = text[end : line_end if line_end >= 0 else len(text)]
        condition_block = any(
            _REGION_KEY.match(b.attrs.get("variable", "").strip().strip('"')) for b in blocks
        )
        if (
            _HCL_COMPARE_LEFT.search(left)
            or _HCL_COMPARE_RIGHT.search(right)
            or (condition_block and attr == "values")
        ):
            hits.append(_Hit(start, CONDITION, where))
            continue
        hits.append(_Hit(start, CODE, where))
    return hits


def _hcl_map_key(text: str, start: int, end: int) -> bool:
    """True where the match is a key of an HCL object (``us-east-1 = "..."``,
    ``"eu-west-1" = ...``, ``{ us-east-1 = ... }``): a lookup table by Region, Terraform's
    form of CloudFormation's Mappings. Keys only, never values (``region = "us-east-1"``)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    left = text[line_start:start]
    right = text[end : line_end if line_end >= 0 else len(text)]
    return bool(_HCL_KEY_LEFT.search(left) and _HCL_KEY_RIGHT.match(right))


# -- other text ---------------------------------------------------------------------------


def _line_hits(
    source: SourceFile, regex: re.Pattern[str], region: str, spans: list[Span]
) -> list[_Hit]:
    text = source.text
    hits = []
    for match in regex.finditer(text):
        start, end = match.start(), match.end()
        if not within(spans, start, end) or _aws_fixed(text, start, end, region, ""):
            continue
        where = _where(text, start, end)
        if source.kind in (CONFIG, CODE_KIND) and where == "in a string":
            continue
        hits.append(_Hit(start, CODE, where))
    return hits


def _text_spans(source: SourceFile) -> list[Span]:
    if source.language == "python":
        from regionready.iac.endpoints import python_string_spans

        strings = python_string_spans(source.text)
        if strings is not None:
            return strings
    return code_lines(source.text)


def _message(hit: _Hit, source_region: str, target_region: str | None) -> str:
    if hit.code == CONDITION:
        there = f"in {target_region}" if target_region else "in the target Region"
        return (
            f"a Region condition compares the deployment Region with {source_region}: it "
            f"evaluates differently {there}; check what the condition turns on or off "
            "there (region-conditional logic, not a value to replace)"
        )
    if hit.code == DEFAULT:
        what = f"the default of {hit.name}" if hit.name else "a default"
        return (
            f"{what} holds the source Region {source_region} {hit.where}; a default is "
            "deployed unless it is overridden: pass the target's value or derive it from "
            "the Region of the deployment"
        )
    return (
        f"the source Region {source_region} is hard-coded {hit.where}; use the "
        "Region of the deployment (${AWS::Region}, data.aws_region, a "
        "parameter or a mapping) instead"
    )


def scan(source: SourceFile, source_region: str, target_region: str | None = None) -> list[Finding]:
    if source.kind not in (CLOUDFORMATION, TERRAFORM, POLICY, CONFIG, CODE_KIND):
        return []
    regex = pattern(source_region)
    if regex.search(source.text) is None:
        return []
    if source.kind == CLOUDFORMATION and not source.parsed:
        return []  # IAC-001 reports its parse error; the scan makes IAC-002 ERROR for it
    if source.language == "hcl":
        hits = _hcl_hits(source, regex, source_region)
    elif source.documents is not None:
        hits = _structured_hits(source, regex, source_region)
    else:  # code, line-oriented config, or a YAML/JSON file that does not parse
        hits = _line_hits(source, regex, source_region, _text_spans(source))
    positions = Positions(source.text)
    findings = []
    for hit in sorted(hits, key=lambda h: h.start):
        line, column = positions.line_col(hit.start)
        findings.append(
            Finding(
                check=IAC_002,
                path=source.rel,
                line=line,
                column=column,
                code=hit.code,
                message=_message(hit, source_region, target_region),
            )
        )
    return findings
