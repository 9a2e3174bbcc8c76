"""Rendering every report format for 25,000 results against serialising the JSON alone.

The results are real engine output: the synthetic snapshot (``synth.py``) is evaluated
and the first ``--results`` results (a mix of PASS, FAIL and NOT_APPLICABLE over the whole
catalogue) make the report. Each format's ``render`` is timed (median of ``--repeat``);
the ratio is (json + sarif + junit + markdown) / json, target < 2.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

NOW = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)


def build_report(results: int, snapshot: Path | None = None) -> Any:
    from regionready.engine.rules import load_rules
    from regionready.runner import Clock
    from regionready.runner import build_report as make_report
    from regionready.snapshot_manifest import read_scan

    with tempfile.TemporaryDirectory() as tmp:
        if snapshot is None:
            from synth import write

            snapshot = Path(tmp) / "snapshot"
            # About 2.5 results per resource over the catalogue.
            write(snapshot, max(200, int(results / 2.4)))
        report = make_report(read_scan(snapshot), load_rules([]), Clock(NOW))
    # The first ``results`` of them, held in a list: the reporters' own cost is measured.
    report.results = list(itertools.islice(report.results, results))
    return report


def measure(results: int, repeat: int = 3, snapshot: Path | None = None) -> dict[str, Any]:
    from regionready import registry
    from regionready.model import Severity

    report = build_report(results, snapshot)
    out: dict[str, Any] = {"results": len(report.results), "formats": {}}
    for name in registry.formats():
        module = registry.reporter(name)
        times = []
        size = 0
        for _ in range(repeat):
            started = time.perf_counter()
            text = module.render(report, redact=False, fail_on=Severity.HIGH)
            times.append(time.perf_counter() - started)
            size = len(text.encode("utf-8"))
        out["formats"][name] = {"seconds": statistics.median(times), "bytes": size}
    every = sum(f["seconds"] for f in out["formats"].values())
    json_alone = out["formats"]["json"]["seconds"]
    out["all_formats_seconds"] = every
    out["json_seconds"] = json_alone
    out["ratio"] = every / json_alone if json_alone else float("nan")
    return out


def profile(results: int, path: str, snapshot: Path | None = None) -> None:
    import cProfile

    from regionready import registry
    from regionready.model import Severity

    report = build_report(results, snapshot)
    profiler = cProfile.Profile()
    profiler.enable()
    for name in registry.formats():
        registry.reporter(name).render(report, redact=False, fail_on=Severity.HIGH)
    profiler.disable()
    profiler.dump_stats(path)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=int, default=25_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--snapshot", type=Path, default=None)
    parser.add_argument("--profile", default=None, help="write a cProfile of all renders here")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if args.profile:
        profile(args.results, args.profile, args.snapshot)
        return 0
    print(json.dumps(measure(args.results, args.repeat, args.snapshot)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
