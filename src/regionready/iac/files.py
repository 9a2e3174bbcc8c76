"""Find the files under the scanned paths and say what each one is.

Kinds (each decides which checks apply, see ``model.KIND_CHECKS``):

``cloudformation``  YAML or JSON (``.yaml``, ``.yml``, ``.json``, ``.template``) recognised
                    by content: ``AWSTemplateFormatVersion``, or ``Resources`` with a
                    ``Type: AWS::...`` entry
``terraform``       ``*.tf`` and ``*.tf.json`` (``*.tfvars`` are the parameter values
                    themselves and are not scanned)
``policy``          a JSON document with a top-level ``Statement`` (an IAM policy)
``config``          other YAML/JSON, ``.ini``/``.cfg``/``.conf``/``.toml``/``.properties``,
                    ``.env`` files, a file named ``config`` and Dockerfiles
``code``            Python, JavaScript/TypeScript, Go, Java, Kotlin, C#, Ruby, PHP, shell

Skipped: hidden directories (except ``.github``), dependency and build caches
(``node_modules``, ``.terraform``, virtualenvs, ``cdk.out``, ...), lock files, minified
JavaScript, files over 2 MB and files that are not UTF-8 text.

Paths in findings are relative to ``base`` (the repository root: the current
directory by default) when the file is under it, else to the scanned path, always with
forward slashes, as SARIF and code scanning want.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from regionready.iac import yamlspans
from regionready.iac.model import CLOUDFORMATION, CODE, CONFIG, POLICY, TERRAFORM

MAX_BYTES = 2_000_000
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
}
STRUCTURED = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".template": "yaml"}
CONFIG_SUFFIXES = frozenset({".ini", ".cfg", ".conf", ".toml", ".properties", ".env"})
CONFIG_NAMES = frozenset({"config", ".env", "Dockerfile"})


@dataclass
class SourceFile:
    """A scanned file: where it is, what it is, its text and (YAML/JSON) its documents."""

    path: Path
    rel: str
    kind: str
    language: str
    text: str
    documents: list[yaml.Node] | None = None


def _skip_dir(name: str) -> bool:
    if name.startswith(".") and name not in KEEP_HIDDEN_DIRS:
        return True
    return name in SKIP_DIRS


def walk(root: Path) -> Iterator[Path]:
    """Every candidate file under ``root`` (or ``root`` itself), in a stable order."""
    if root.is_file():
        yield root
        return
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not _skip_dir(d))
        for name in sorted(names):
            yield Path(folder) / name


def relative(path: Path, root: Path, base: Path) -> str:
    resolved = path.resolve()
    for anchor in (base.resolve(), (root if root.is_dir() else root.parent).resolve()):
        try:
            return resolved.relative_to(anchor).as_posix()
        except ValueError:
            continue
    return path.name


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
    if suffix in CODE_LANGUAGES:
        return CODE, CODE_LANGUAGES[suffix]
    if suffix in STRUCTURED:
        return "structured", STRUCTURED[suffix]
    if suffix in CONFIG_SUFFIXES or name in CONFIG_NAMES or name.startswith("Dockerfile"):
        return CONFIG, "text"
    return None


def _read(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def is_cloudformation(documents: list[yaml.Node]) -> bool:
    if len(documents) != 1:
        return False
    root = documents[0]
    if yamlspans.get(root, "AWSTemplateFormatVersion") is not None:
        return True
    resources = yamlspans.get(root, "Resources")
    if not isinstance(resources, yaml.MappingNode):
        return False
    for _, resource in resources.value:
        kind = yamlspans.get(resource, "Type")
        if isinstance(kind, yaml.ScalarNode) and kind.value.startswith("AWS::"):
            return True
    return False


def is_policy(documents: list[yaml.Node]) -> bool:
    return len(documents) == 1 and yamlspans.get(documents[0], "Statement") is not None


def classify(path: Path, rel: str, text: str) -> SourceFile | None:
    found = _language(path)
    if found is None:
        return None
    kind, language = found
    if kind == TERRAFORM and language == "json":
        return SourceFile(path, rel, kind, language, text, yamlspans.compose(text, json_text=True))
    if kind != "structured":
        return SourceFile(path, rel, kind, language, text)
    documents = yamlspans.compose(text, json_text=language == "json")
    if documents and is_cloudformation(documents):
        kind = CLOUDFORMATION
    elif documents and language == "json" and is_policy(documents):
        kind = POLICY
    else:
        kind = CONFIG
    return SourceFile(path, rel, kind, language, text, documents)


def discover(roots: list[Path], base: Path) -> list[SourceFile]:
    """Every scannable file under ``roots``, each once, sorted by its relative path."""
    found: dict[Path, SourceFile] = {}
    for root in roots:
        for path in walk(root):
            resolved = path.resolve()
            if resolved in found or not path.is_file():
                continue
            if _language(path) is None:
                continue
            text = _read(path)
            if text is None:
                continue
            source = classify(path, relative(path, root, base), text)
            if source is not None:
                found[resolved] = source
    return sorted(found.values(), key=lambda f: f.rel)
