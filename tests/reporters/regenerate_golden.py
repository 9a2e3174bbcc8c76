"""Rewrite the golden files of tests/reporters/golden/ from the fixed report.

    python tests/reporters/regenerate_golden.py

Run it after an intended change to a reporter (or to the fixed report in conftest.py),
then review the diff of tests/reporters/golden/ before committing: the golden files are
the reviewed, byte-for-byte expected output of every reporter.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: Formats with one golden file, the fixed report unredacted (redaction is the shared
#: one, tested in their own test files): name -> module.
UNREDACTED_ONLY = {"html": "regionready.reporters.html"}


def _load_conftest():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("_reporters_conftest", HERE / "conftest.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {HERE / 'conftest.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    try:
        import regionready  # noqa: F401
    except ImportError:
        raise SystemExit(
            "regionready is not importable: run this with the project's virtualenv "
            "(.venv/bin/python tests/reporters/regenerate_golden.py)"
        ) from None
    conftest = _load_conftest()
    conftest.GOLDEN.mkdir(parents=True, exist_ok=True)
    for name in conftest.REPORTER_MODULES:
        for redact in (False, True):
            path = conftest.golden_path(name, redact)
            _write(path, conftest.render_golden(name, redact).encode("utf-8"), conftest.REPO)
    for module_name in UNREDACTED_ONLY.values():
        module = importlib.import_module(module_name)
        path = conftest.GOLDEN / f"report{module.EXTENSION}"
        _write(path, module.render(conftest.build_report()).encode("utf-8"), conftest.REPO)
    return 0


def _write(path: Path, data: bytes, repo: Path) -> None:
    changed = not path.exists() or path.read_bytes() != data
    path.write_bytes(data)
    status = "updated" if changed else "unchanged"
    print(f"{status:9} {path.relative_to(repo)} ({len(data)} bytes)")


if __name__ == "__main__":
    sys.exit(main())
