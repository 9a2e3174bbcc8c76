"""Find the files under the scanned paths and say what each one is.

Kinds (each decides which checks apply, see ``model.KIND_CHECKS``):

``cloudformation``  YAML or JSON (``.yaml``, ``.yml``, ``.json``, ``.template``) recognised
                    by content: ``AWSTemplateFormatVersion``, or ``Resources`` with a
                    ``Type`` that is an AWS type (``AWS::...``), a third-party or module
                    type (``Org::Service::Resource``) or a custom resource (``Custom::...``).
                    A file that does not parse but reads like a template (the same words
                    in its text) is a template too: cfn-lint reports its parse error (E0000,
                    IAC-001). The local templates of nested stacks
                    (``AWS::CloudFormation::Stack`` ``TemplateURL``,
                    ``AWS::Serverless::Application`` ``Location``) are followed, wherever
                    they are and whatever they are named.
``terraform``       ``*.tf`` and ``*.tf.json`` (``*.tfvars`` are the parameter values
                    themselves and are not scanned)
``policy``          a JSON document with a top-level ``Statement`` (an IAM policy)
``config``          other YAML/JSON, ``.ini``/``.cfg``/``.conf``/``.toml``/``.properties``,
                    ``.env`` files, a file named ``config``, Dockerfiles and other HCL
                    (``*.hcl``, Packer's ``*.pkr.hcl``)
``code``            Python, JavaScript/TypeScript, Go, Java, Kotlin, C#, Ruby, PHP, shell,
                    PowerShell

Not looked at: hidden directories (except ``.github``), dependency and build caches
(``node_modules``, ``.terraform``, virtualenvs, ``cdk.out``, ...), lock files, minified
JavaScript and files whose names are none of the above.

Never skipped silently: a candidate file that cannot be read is a :class:`Skipped` entry
with its reason: over the IaC input limit (2 MiB by default; ``REGIONREADY_MAX_IAC_BYTES``
raises it), binary (a NUL byte), not UTF-8 (Latin-1, UTF-16...), unreadable (permission),
a symlink loop or a dangling symlink, not a regular file (a FIFO, a device), a folder that
cannot be listed. The scan makes each one an ERROR item of the checks that would have
read it, named and counted in the report. A bad path affects only itself.

Paths in findings are relative to ``base`` (the repository root: the current
directory by default) when the file is under it, else to the scanned path, always with
forward slashes, as SARIF and code scanning want.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from regionready import inputfile
from regionready.iac import yamlspans
from regionready.iac.model import CLOUDFORMATION, CODE, CONFIG, POLICY, TERRAFORM

SKIP_DIRS = frozenset(
    {
        "node_modules",
        "__pycache__",
        "venv",
        "site-packages",
        "cdk.out",
        "bower_components",
    }
)
KEEP_HIDDEN_DIRS = frozenset({".github"})
LOCK_FILES = frozenset(
    {
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "poetry.lock",
        "Pipfile.lock",
        "composer.lock",
        "Cargo.lock",
        "go.sum",
    }
)
CODE_LANGUAGES = {
    ".py": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".tsx": "typescript",
    ".go": "go",
    ".java": "java",
    ".kt": "kotlin",
    ".cs": "csharp",
    ".rb": "ruby",
    ".php": "php",
    ".sh": "shell",
    ".bash": "shell",
    ".ps1": "powershell",
    ".psm1": "powershell",
    ".zsh": "shell",
}
STRUCTURED = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".template": "yaml"}
CONFIG_SUFFIXES = frozenset({".ini", ".cfg", ".conf", ".toml", ".properties", ".env"})
CONFIG_NAMES = frozenset({"config", ".env", "Dockerfile"})


#: A resource type CloudFormation accepts: AWS, third-party and module types, custom ones.
RESOURCE_TYPE_RE = re.compile(
    r"^(?:AWS::\w+::\w+|[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+(?:::MODULE)?|Custom::[\w@.-]+"
    r"|AWS::Serverless::\w+|Alexa::ASK::\w+)$"
)
#: How a template reads when it does not parse (its parse error is still cfn-lint's E0000).
TEMPLATE_TEXT_RE = re.compile(
    r"AWSTemplateFormatVersion|AWS::Serverless-2016-10-31"
    r"|[\"']?Type[\"']?\s*:\s*[\"']?(?:AWS|Custom|Alexa)::\w+"
)
TEMPLATE_BYTES_RE = re.compile(
    rb"A\x00?W\x00?S\x00?T\x00?e\x00?m\x00?p\x00?l\x00?a\x00?t\x00?e|Type['\"]?\s*:\s*['\"]?AWS::"
)
NESTED = {"AWS::CloudFormation::Stack": "TemplateURL", "AWS::Serverless::Application": "Location"}


@dataclass
class SourceFile:
    """A scanned file: where it is, what it is, its text and (YAML/JSON) its documents.

    ``parsed`` is False for a YAML/JSON file whose text does not parse (scanned line by
    line; a template among them gets cfn-lint's E0000)."""

    path: Path
    rel: str
    kind: str
    language: str
    text: str
    documents: list[yaml.Node] | None = None
    parsed: bool = True


@dataclass(frozen=True)
class Skipped:
    """A candidate file the scan could not read, with the kind it would have been."""

    path: Path
    rel: str
    kind: str
    language: str
    code: str  # TooLarge, Binary, NotUtf8, Unreadable, SymlinkLoop, DanglingSymlink, ...
    reason: str


@dataclass
class Discovery:
    files: list[SourceFile]
    skipped: list[Skipped]


def _skip_dir(name: str) -> bool:
    if name.startswith(".") and name not in KEEP_HIDDEN_DIRS:
        return True
    return name in SKIP_DIRS


def walk(root: Path, unlistable: list[tuple[Path, str]] | None = None) -> Iterator[Path]:
    """Every candidate file under ``root`` (or ``root`` itself), in a stable order; the
    folders that cannot be listed go to ``unlistable`` (path, reason)."""
    if root.is_file() or (root.is_symlink() and not root.is_dir()):
        yield root
        return

    def failed(exc: OSError) -> None:
        if unlistable is not None:
            unlistable.append((Path(exc.filename or root), exc.strerror or str(exc)))

    for folder, dirs, names in os.walk(root, onerror=failed):
        dirs[:] = sorted(d for d in dirs if not _skip_dir(d))
        for name in sorted(names):
            yield Path(folder) / name


def relative(path: Path, root: Path, base: Path) -> str:
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: the path as given
        resolved = Path(os.path.abspath(path))
    for anchor in (base, root if _is_dir(root) else root.parent):
        try:
            return resolved.relative_to(Path(os.path.abspath(anchor)).resolve()).as_posix()
        except (ValueError, OSError, RuntimeError):
            pass
        try:
            return Path(os.path.abspath(path)).relative_to(os.path.abspath(anchor)).as_posix()
        except ValueError:
            continue
    return path.name


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, RuntimeError):
        return False


def _language(path: Path) -> tuple[str, str] | None:
    """(kind or "structured", language) from the file name alone; None: not scanned."""
    name = path.name
    if name in LOCK_FILES or name.endswith(".min.js"):
        return None
    if name.endswith(".tf.json"):
        return TERRAFORM, "json"
    suffix = path.suffix.lower()
    if suffix == ".tf":
        return TERRAFORM, "hcl"
    if suffix == ".hcl":
        return CONFIG, "hcl"
    if suffix in CODE_LANGUAGES:
        return CODE, CODE_LANGUAGES[suffix]
    if suffix in STRUCTURED:
        return "structured", STRUCTURED[suffix]
    if suffix in CONFIG_SUFFIXES or name in CONFIG_NAMES or name.startswith("Dockerfile"):
        return CONFIG, "text"
    return None


_REASON_CODES = (
    ("symlink loop", "SymlinkLoop"),
    ("does not exist", "DanglingSymlink"),
    ("no such file", "NotFound"),
    ("larger than", "TooLarge"),
    ("not a regular file", "NotRegularFile"),
    ("cannot read", "Unreadable"),
)


def _read(path: Path) -> str | tuple[str, str, bytes]:
    """The file's text, or (code, reason, first bytes) when it cannot be scanned: not a
    regular file, over the IaC size limit, unreadable (all through
    :mod:`regionready.inputfile`), binary or not UTF-8."""
    try:
        data = inputfile.read_bytes(path, "iac")
    except inputfile.InputFileError as exc:
        message = str(exc)
        prefix = f"{path}: "
        reason = message[len(prefix) :] if message.startswith(prefix) else message
        code = next((c for words, c in _REASON_CODES if words in reason), "Unreadable")
        return code, reason, b""
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        at = data.index(b"\x00")
        return "Binary", f"binary content (a NUL byte at offset {at}), not text", data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1]
        return (
            "NotUtf8",
            f"not UTF-8 text (byte {bad!r} at offset {exc.start}); save it as UTF-8",
            data,
        )


def _resource_types(root: yaml.Node) -> Iterator[str]:
    resources = yamlspans.get(root, "Resources")
    if not isinstance(resources, yaml.MappingNode):
        return
    for _, resource in resources.value:
        kind = yamlspans.get(resource, "Type")
        if isinstance(kind, yaml.ScalarNode):
            yield kind.value


def is_cloudformation(documents: list[yaml.Node]) -> bool:
    if len(documents) != 1:
        return False
    root = documents[0]
    if yamlspans.get(root, "AWSTemplateFormatVersion") is not None:
        return True
    return any(RESOURCE_TYPE_RE.match(t) for t in _resource_types(root))


def is_policy(documents: list[yaml.Node]) -> bool:
    return len(documents) == 1 and yamlspans.get(documents[0], "Statement") is not None


def classify(path: Path, rel: str, text: str, *, template: bool = False) -> SourceFile | None:
    """What a file is (``template``: it is a nested stack's template, whatever its name)."""
    found = _language(path)
    if found is None:
        if not template:
            return None
        found = ("structured", "json" if text.lstrip().startswith("{") else "yaml")
    kind, language = found
    if kind == TERRAFORM and language == "json":
        documents = yamlspans.compose(text, json_text=True)
        return SourceFile(path, rel, kind, language, text, documents, documents is not None)
    if kind != "structured":
        return SourceFile(path, rel, kind, language, text)
    documents = yamlspans.compose(text, json_text=language == "json")
    if documents is None:
        looks = template or bool(TEMPLATE_TEXT_RE.search(text))
        kind = CLOUDFORMATION if looks else CONFIG
        return SourceFile(path, rel, kind, language, text, None, parsed=False)
    if template or (documents and is_cloudformation(documents)):
        kind = CLOUDFORMATION
    elif documents and language == "json" and is_policy(documents):
        kind = POLICY
    else:
        kind = CONFIG
    return SourceFile(path, rel, kind, language, text, documents)


def _skipped_kind(path: Path, head: bytes) -> tuple[str, str]:
    kind, language = _language(path) or ("structured", "yaml")
    if kind != "structured":
        return kind, language
    if not head or TEMPLATE_BYTES_RE.search(head):
        return CLOUDFORMATION, language  # unknown content: it may be a template
    if language == "json" and b'"Statement"' in head:
        return POLICY, language
    return CONFIG, language


def _key(path: Path) -> Path:
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def nested_templates(source: SourceFile) -> Iterator[Path]:
    """Local template files a template's nested stacks and SAM applications name."""
    if not source.documents:
        return
    resources = yamlspans.get(source.documents[0], "Resources")
    if not isinstance(resources, yaml.MappingNode):
        return
    for _, resource in resources.value:
        kind = yamlspans.get(resource, "Type")
        if not isinstance(kind, yaml.ScalarNode) or kind.value not in NESTED:
            continue
        where = yamlspans.get(yamlspans.get(resource, "Properties"), NESTED[kind.value])
        if not isinstance(where, yaml.ScalarNode) or where.tag.startswith("!"):
            continue
        value = where.value.strip()
        if not value or re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE):
            continue  # https://, s3://: not on this disk
        yield (source.path.parent / value).absolute()


def discover_all(roots: list[Path], base: Path) -> Discovery:
    """Every scannable file under ``roots`` (each once, sorted by its relative path), the
    local templates their nested stacks name, and every candidate that could not be read.

    A bad ``REGIONREADY_MAX_IAC_BYTES`` is an InputFileError here, before any file is
    read: it must not make every file "too large" and skipped."""
    inputfile.limit("iac")
    found: dict[Path, SourceFile] = {}
    skipped: dict[Path, Skipped] = {}

    def take(path: Path, root: Path, template: bool = False) -> SourceFile | None:
        key = _key(path)
        if key in found:
            known = found[key]
            if template and known.kind != CLOUDFORMATION:
                known = classify(path, known.rel, known.text, template=True) or known
                found[key] = known
            return None
        if key in skipped:
            return None
        rel = relative(path, root, base)
        read = _read(path)
        if isinstance(read, tuple):
            code, reason, head = read
            if template:
                kind, language = CLOUDFORMATION, "yaml"
            else:
                kind, language = _skipped_kind(path, head)
            skipped[key] = Skipped(path, rel, kind, language, code, reason)
            return None
        source = classify(path, rel, read, template=template)
        if source is not None:
            found[key] = source
        return source

    pending: list[tuple[SourceFile, Path]] = []
    for root in roots:
        unlistable: list[tuple[Path, str]] = []
        for path in walk(root, unlistable):
            if _language(path) is None or _is_dir(path):
                continue
            source = take(path, root)
            if source is not None and source.kind == CLOUDFORMATION:
                pending.append((source, root))
        for folder, reason in unlistable:
            rel = relative(folder, root, base)
            skipped[_key(folder)] = Skipped(
                folder, rel, CLOUDFORMATION, "folder", "Unreadable", f"cannot list: {reason}"
            )
    while pending:  # nested stacks, followed to any depth (each file once)
        parent, root = pending.pop()
        for child in nested_templates(parent):
            if not child.exists() and not child.is_symlink():
                continue
            anchor = root if _contains(root, child) else child.parent
            source = take(child, anchor, template=True)
            if source is not None:
                pending.append((source, anchor))
    return Discovery(
        sorted(found.values(), key=lambda f: f.rel),
        sorted(skipped.values(), key=lambda s: s.rel),
    )


def _contains(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def discover(roots: list[Path], base: Path) -> list[SourceFile]:
    """The scannable files of :func:`discover_all` (its skipped files left out)."""
    return discover_all(roots, base).files
