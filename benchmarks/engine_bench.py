"""Engine cost against the cost of just reading the snapshot, at 10,000 and 100,000 resources.

Each measurement runs in a fresh subprocess (``python engine_bench.py worker ...``) so
its peak RSS (``ru_maxrss``) is its own:

``parse``     ``json.load`` of every file of the snapshot directory: the floor.
``engine``    what ``regionready evaluate`` does before rendering: the rules loaded,
              ``read_scan`` (which also validates every file against the snapshot JSON
              Schema), then ``engine.evaluate`` of the whole catalogue. Each step is timed
              apart: ``rules``, ``read_scan``, ``evaluate``.
``floor``     the engine phase, then ``materialise``: the same results made again as
              the engine makes them (``model.Result(...)``, whose constructor hashes
              the fingerprint), nothing evaluated. It is the floor the output
              contract sets (one result per rule and resource, docs/architecture.md),
              whatever the rules cost.

Ratios reported: ``evaluate / parse`` (the engine proper, target <= 3 at 100k),
``materialise / parse`` (the part of it no rule logic can remove) and
``(read_scan + evaluate) / parse`` (everything but rule loading), growth of ``evaluate``
from 10k to 100k (target <= 12x for 10x the data) and the peak RSS of the engine process
at 100k (target < 400 MiB).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

NOW = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(snapshot: Path, phase: str, profile: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"phase": phase}
    if phase == "parse":
        started = time.perf_counter()
        docs = [json.loads(p.read_bytes()) for p in sorted(snapshot.rglob("*.json"))]
        out["parse"] = time.perf_counter() - started
        out["files"] = len(docs)
        out["max_rss_mib"] = _rss_mib()
        return out
    from regionready.engine.evaluation import evaluate
    from regionready.engine.rules import load_rules
    from regionready.snapshot_manifest import read_scan

    started = time.perf_counter()
    rules = load_rules([])
    out["rules"] = time.perf_counter() - started
    out["rule_count"] = len(rules)
    started = time.perf_counter()
    scan = read_scan(snapshot)
    out["read_scan"] = time.perf_counter() - started
    gc.collect()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    results = evaluate(scan, rules, now=NOW)
    out["evaluate"] = time.perf_counter() - started
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(profile)
    out["results"] = len(results)
    if phase == "floor":
        out["materialise"] = _materialise(results)
        return out
    statuses: dict[str, int] = {}
    for r in results:
        statuses[r.status.value] = statuses.get(r.status.value, 0) + 1
    out["statuses"] = statuses
    out["max_rss_mib"] = _rss_mib()
    return out


# Fields the constructor computes itself (the fingerprint) or the engine sets afterwards
# (blocked_by, from depends_on).
_COMPUTED = {"fingerprint", "blocked_by"}


def _materialise(results: list[Any]) -> float:
    """Seconds to make ``results`` again with ``Result(...)`` as the engine does, from
    the same field values (gathered before the clock starts)."""
    from regionready.model import Result

    arguments = [
        {k: v for k, v in vars(result).items() if k not in _COMPUTED} for result in results
    ]
    gc.collect()
    started = time.perf_counter()
    made = [Result(**values) for values in arguments]
    seconds = time.perf_counter() - started
    if [r.fingerprint for r in made] != [r.fingerprint for r in results]:
        raise AssertionError("materialised results differ from the engine's")
    return seconds


def run(snapshot: Path, phase: str, *, profile: str | None = None) -> dict[str, Any]:
    """One worker subprocess; its JSON answer plus the wall time and peak RSS."""
    from lib import PYTHON, run_measured

    cmd = [PYTHON, str(Path(__file__).resolve()), "worker", str(snapshot), phase]
    if profile:
        cmd += ["--profile", profile]
    measured = run_measured(cmd, timeout=3600)
    if measured.returncode != 0:
        raise RuntimeError(f"engine worker failed: {measured.stderr[-3000:]}")
    answer: dict[str, Any] = json.loads(measured.stdout.strip().splitlines()[-1])
    answer["wall"] = measured.seconds
    answer["child_max_rss_mib"] = measured.max_rss_mib
    return answer


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("worker")
    w.add_argument("snapshot", type=Path)
    w.add_argument("phase", choices=("parse", "engine", "floor"))
    w.add_argument("--profile", default=None)
    args = parser.parse_args(argv)
    print(json.dumps(worker(args.snapshot, args.phase, args.profile)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
