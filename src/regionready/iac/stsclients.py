"""STS-002: code that builds an STS client without saying which Region it is for.

Such a client takes its Region, and with older SDK defaults its endpoint, from the
environment; with no Region configured (or ``sts_regional_endpoints = legacy``) its calls
go to the global endpoint ``sts.amazonaws.com``, which opt-in Regions reach only through
us-east-1.

Python is read precisely with ``ast``. A call ``<receiver>.client("sts", ...)`` (or
``service_name="sts"``, or ``create_client`` on a botocore session, or ``client``
imported from boto3) is flagged when the receiver has no Region, meaning it is the
``boto3`` module itself, a ``boto3.Session()`` / ``boto3.session.Session()`` built
without ``region_name`` (inline, or assigned to a name or attribute in the same file),
or ``botocore.session.get_session()``, and the call itself passes no Region: no
``region_name``, no second positional argument, no ``endpoint_url``, no
``config=Config(region_name=...)``. A receiver or argument the file does not explain
(a session passed in, ``**kwargs``, ``config=cfg``) is not flagged: the check stays
quiet rather than guess.

Other languages, by conservative patterns on non-comment lines:

- JavaScript/TypeScript: ``new STSClient()`` / ``new STSClient({...})`` (SDK v3) and
  ``new AWS.STS()`` / ``new AWS.STS({...})`` (v2) whose literal object has no ``region``
  and no ``endpoint``; a variable argument is not flagged.
- Go: ``sts.New(sess)`` (aws-sdk-go v1, legacy global endpoint by default) with the
  session as its only argument; ``sts.NewFromConfig`` (v2) is not flagged.
- Java/Kotlin: ``AWSSecurityTokenServiceClientBuilder.defaultClient()``,
  ``new AWSSecurityTokenServiceClient(...)`` and ``...standard()...build()`` chains with
  no ``withRegion``/``withEndpointConfiguration`` (SDK v1).
- C#: ``new AmazonSecurityTokenServiceClient()`` with no arguments.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from regionready.iac.files import SourceFile
from regionready.iac.model import CODE, STS_002, Finding
from regionready.iac.text import Positions, code_lines, within

CODE_NAME = "sts-client-no-region"
MESSAGE = (
    "builds an STS client without a Region: it depends on the environment and can reach "
    "the global endpoint sts.amazonaws.com; give it the Region (for boto3 "
    "region_name=..., optionally endpoint_url=https://sts.<region>.amazonaws.com)"
)

_JS_NEW = re.compile(r"\bnew\s+(?:AWS\s*\.\s*)?STS(?:Client)?\s*\(\s*")
_JS_CONFIGURED = re.compile(r"\b(region|endpoint)\b")
_GO_NEW = re.compile(r"\bsts\.New\(\s*[A-Za-z_][\w.]*\s*\)")
_JAVA_PLAIN = re.compile(
    r"\bAWSSecurityTokenServiceClientBuilder\s*\.\s*defaultClient\s*\(\s*\)"
    r"|\bnew\s+AWSSecurityTokenServiceClient\s*\("
)
_JAVA_CHAIN = re.compile(
    r"\bAWSSecurityTokenServiceClientBuilder\s*\.\s*standard\s*\(\s*\)(?P<chain>[^;]*?)"
    r"\.\s*build\s*\(\s*\)",
    re.DOTALL,
)
_JAVA_CONFIGURED = re.compile(r"withRegion|withEndpointConfiguration")
_CSHARP_NEW = re.compile(r"\bnew\s+AmazonSecurityTokenServiceClient\s*\(\s*\)")


# -- Python ------------------------------------------------------------------------------


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def _has_double_star(call: ast.Call) -> bool:
    return any(keyword.arg is None for keyword in call.keywords)


@dataclass
class _Names:
    boto3: set[str] = field(default_factory=set)
    botocore: set[str] = field(default_factory=set)
    client_functions: set[str] = field(default_factory=set)
    session_classes: set[str] = field(default_factory=set)
    # unparsed target ("session", "self.session") -> whether it was built with a Region
    sessions: dict[str, bool] = field(default_factory=dict)


def _imports(tree: ast.AST) -> _Names:
    names = _Names()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "boto3":
                    names.boto3.add(alias.asname or "boto3")
                elif alias.name.split(".")[0] == "botocore":
                    names.botocore.add(alias.asname or "botocore")
        elif isinstance(node, ast.ImportFrom) and node.module in ("boto3", "boto3.session"):
            for alias in node.names:
                bound = alias.asname or alias.name
                if alias.name == "client" and node.module == "boto3":
                    names.client_functions.add(bound)
                elif alias.name == "Session":
                    names.session_classes.add(bound)
    return names


def _session_region(call: ast.Call, names: _Names) -> bool | None:
    """For a call that builds a session: True/False = with/without a Region; else None."""
    func = call.func
    dotted = ast.unparse(func)
    is_boto3_session = (isinstance(func, ast.Name) and func.id in names.session_classes) or any(
        dotted in (f"{b}.Session", f"{b}.session.Session") for b in names.boto3
    )
    if is_boto3_session:
        if _has_double_star(call):
            return True
        region = _keyword(call, "region_name")
        return region is not None and not _is_none(region)
    if any(dotted == f"{b}.session.get_session" for b in names.botocore):
        return False
    return None


def _sessions(tree: ast.AST, names: _Names) -> None:
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        if not isinstance(value, ast.Call):
            continue
        region = _session_region(value, names)
        if region is None:
            continue
        for target in targets:
            if isinstance(target, ast.Name | ast.Attribute):
                names.sessions[ast.unparse(target)] = region


def _service(call: ast.Call) -> str | None:
    node = call.args[0] if call.args else _keyword(call, "service_name")
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _receiver_has_region(call: ast.Call, names: _Names) -> bool | None:
    """Whether the object the client is made from has a Region; None: cannot tell."""
    func = call.func
    if isinstance(func, ast.Name):
        return False if func.id in names.client_functions else None
    if not isinstance(func, ast.Attribute) or func.attr not in ("client", "create_client"):
        return None
    receiver = func.value
    if isinstance(receiver, ast.Name) and receiver.id in names.boto3:
        return False if func.attr == "client" else None
    if isinstance(receiver, ast.Call):
        return _session_region(receiver, names)
    if isinstance(receiver, ast.Name | ast.Attribute):
        return names.sessions.get(ast.unparse(receiver))
    return None


def _call_has_region(call: ast.Call) -> bool | None:
    """Whether the client call names a Region or endpoint; None: cannot tell."""
    if _has_double_star(call):
        return None
    if len(call.args) >= 2:
        return True
    region = _keyword(call, "region_name")
    if region is not None and not _is_none(region):
        return True
    endpoint = _keyword(call, "endpoint_url")
    if endpoint is not None and not _is_none(endpoint):
        return True
    config = _keyword(call, "config")
    if config is None or _is_none(config):
        return False
    if isinstance(config, ast.Call):
        return _keyword(config, "region_name") is not None or _has_double_star(config)
    return None


def _column(positions: Positions, line: int, byte_offset: int) -> int:
    """1-based character column from ast's 0-based UTF-8 byte offset."""
    text = positions.line_text(line)
    return len(text.encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1


def python_calls(text: str) -> list[tuple[int, int]]:
    """(line, column) of each regionless STS client built in a Python source text."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    names = _imports(tree)
    _sessions(tree, names)
    positions = Positions(text)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _service(node) != "sts":
            continue
        if _receiver_has_region(node, names) is not False:
            continue
        if _call_has_region(node) is not False:
            continue
        found.append((node.lineno, _column(positions, node.lineno, node.col_offset)))
    return sorted(found)


# -- other languages ---------------------------------------------------------------------


def _closing_brace(text: str, start: int) -> int:
    """Offset just after the brace that closes the one at ``start`` (or the text end)."""
    depth = 0
    quote = ""
    index = start
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "\"'`":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return len(text)


def _javascript(text: str) -> list[int]:
    offsets = []
    for match in _JS_NEW.finditer(text):
        after = match.end()
        if text.startswith(")", after):
            offsets.append(match.start())
        elif text.startswith("{", after):
            body = text[after : _closing_brace(text, after)]
            if not _JS_CONFIGURED.search(body):
                offsets.append(match.start())
    return offsets


def _java(text: str) -> list[int]:
    offsets = [m.start() for m in _JAVA_PLAIN.finditer(text)]
    for match in _JAVA_CHAIN.finditer(text):
        if not _JAVA_CONFIGURED.search(match.group("chain")):
            offsets.append(match.start())
    return sorted(offsets)


def _pattern_offsets(source: SourceFile) -> list[int]:
    text = source.text
    if source.language in ("javascript", "typescript"):
        return _javascript(text)
    if source.language == "go":
        return [m.start() for m in _GO_NEW.finditer(text)]
    if source.language in ("java", "kotlin"):
        return _java(text)
    if source.language == "csharp":
        return [m.start() for m in _CSHARP_NEW.finditer(text)]
    return []


def scan(source: SourceFile) -> list[Finding]:
    if source.kind != CODE:
        return []
    if source.language == "python":
        places = python_calls(source.text)
    else:
        positions = Positions(source.text)
        lines = code_lines(source.text)
        places = [
            positions.line_col(offset)
            for offset in _pattern_offsets(source)
            if within(lines, offset, offset + 1)
        ]
    return [
        Finding(STS_002, source.rel, line, column, CODE_NAME, MESSAGE) for line, column in places
    ]
