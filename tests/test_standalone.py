"""The repository stands alone: whoever clones it finds everything it refers to inside it.

No file of the project (code, tests, rules, docs; what git tracks or would add) names a
design note kept elsewhere, a folder beside the clone or a path on a development
machine; every in-repository page a file names exists; every relative link of a
Markdown page resolves. The design is docs/architecture.md, the check catalogue
docs/checks.md (generated from rules/), and the schemas the tests use are under
tests/schemas.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: Third-party files kept verbatim as test input (their own docs name their own pages).
THIRD_PARTY = ("tests/iac/corpus/",)
#: This file, which spells out what it looks for.
SELF = "tests/test_standalone.py"
#: Reports a run left in the working tree (``regionready evaluate`` without ``--out``).
RUN_OUTPUT = re.compile(r"regionready\.\w+$")
#: Notes and folders outside the repository that files once referred to, and machine
#: paths (a CI runner's /home/runner/ is not one).
OUTSIDE = re.compile(
    "|".join(
        [
            r"\b(?:DESIGN|CHECKS|MOTO)\.md\b",
            r"\.\./shared\b",
            r"\bshared/(?:schemas|seeds|DESIGN|CHECKS|MOTO)",
            r"(?<![\w.-])seeds/",
            r"/work/",
            r"/home/(?!runner\b)[\w.-]+/",
            r"/Users/[\w.-]+/",
            r"[A-Za-z]:\\Users\\",
        ]
    )
)
#: An in-repository page named in prose or code: docs/<...>.md.
DOC_PAGE = re.compile(r"(?<![\w./-])(docs/[\w./-]+\.md)\b")
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _project_files() -> list[Path]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    names = [
        n
        for n in listed.split("\0")
        if n and not n.startswith(THIRD_PARTY) and n != SELF and not RUN_OUTPUT.match(n)
    ]
    return [REPO / n for n in sorted(set(names)) if (REPO / n).is_file()]


def _texts() -> list[tuple[str, str]]:
    found = []
    for path in _project_files():
        data = path.read_bytes()
        if b"\0" in data:
            continue  # binary
        found.append((path.relative_to(REPO).as_posix(), data.decode("utf-8", "replace")))
    return found


def test_nothing_refers_outside_the_repository() -> None:
    hits = [
        f"{name}:{number}: {match.group(0)!r}"
        for name, text in _texts()
        for number, line in enumerate(text.splitlines(), 1)
        for match in OUTSIDE.finditer(line)
    ]
    assert not hits, (
        "files refer to notes or paths outside the repository; name the in-repository "
        "page instead (docs/architecture.md, docs/checks.md, tests/schemas/) or drop the "
        "reference (a rule's references: edit the rule, then run 'regionready rules "
        "docs'):\n" + "\n".join(hits)
    )


def test_named_pages_exist() -> None:
    missing = sorted(
        {
            f"{name}: {page}"
            for name, text in _texts()
            for page in DOC_PAGE.findall(text)
            if not (REPO / page).is_file() and "<" not in page
        }
    )
    assert not missing, "pages named but not in the repository:\n" + "\n".join(missing)


def test_markdown_links_resolve() -> None:
    broken = []
    for name, text in _texts():
        if not name.endswith(".md"):
            continue
        for target in MARKDOWN_LINK.findall(text):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue  # a URL, or an anchor on the same page
            path = target.split("#", 1)[0]
            if not (REPO / name).parent.joinpath(path).resolve().exists():
                broken.append(f"{name}: {target}")
    assert not broken, "links to nothing:\n" + "\n".join(broken)


def test_readme_links_the_documentation() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    for page in ("docs/architecture.md", "docs/extending.md", "docs/rules/", "docs/checks.md"):
        assert f"]({page}" in readme, page
    assert "regionready rules docs" in readme
    assert "pip install regionready" not in readme  # it is installed from a clone
    assert "pip install ." in readme


def test_the_patterns_catch_what_they_are_for() -> None:
    """The checks above are only as good as their patterns."""
    outside = [
        "see DESIGN.md",
        "../shared/CHECKS.md",
        "/work/shared/x",
        "/home/alice/src/regionready",
        "seeds/000.md",
    ]
    assert all(OUTSIDE.search(text) for text in outside), outside
    inside = ["docs/architecture.md", "tests/schemas/junit-ant.xsd", "seed 000: AWS WAF"]
    assert not any(OUTSIDE.search(text) for text in inside), inside
    assert DOC_PAGE.findall("see docs/limits.md.") == ["docs/limits.md"]
