"""The speed tricks of issue 15, each timed where a user waits: with it and without it.

    nice -n 10 python benchmarks/tricks.py --runs 5        # the recorded table, ~20 min
    nice -n 10 python benchmarks/tricks.py --only evaluate --variants all,-jsonout
    python benchmarks/tricks.py --quick                    # smoke: 1 run, small sizes

A trick stays only if it saves at least 25 % of the wall time of ``regionready demo``, of
the benchmark scan (``run.py``'s account behind its 30 ms proxy, every report format) or
of ``regionready evaluate`` of the 100,000-resource synthetic snapshot (``synth.py``,
``--format json``): speed tricks are welcome only where a user waits (issue 15).

How. The removed tricks are gone from the tree; commit ``BEFORE`` still has them all.
Every command runs in a child process (``tricks.py child VARIANT KIND -- ARGS``) that
imports the modules that held them from that commit (``git show``) in place of this
tree's, when first imported as this tree's would be, turns one trick off, and runs the
regionready CLI with ARGS. So each trick is measured against the same code with
everything else on, in one run, interleaved (round-robin over the variants, ``--runs``
rounds, median), and ``none`` is this tree as it is:

- ``all``: every trick on (the modules of BEFORE; glibc malloc tuning on);
- ``-jsonout``: this tree's atomic.py, jsonreport.py and sarif.py (the standard library's
  ``json`` encoder) instead of BEFORE's (``regionready.jsonout``);
- ``-limits``: this tree's limits.py instead of BEFORE's (which read regexes with the
  standard library's private ``re._parser``);
- ``-gc.freeze``: ``collect._frozen_heap`` does nothing;
- ``-processes``: ``REGIONREADY_PROCESSES=1`` (threads only, no forked workers);
- ``-models``: a task ends without a full garbage collection and without dropping
  botocore's cached service models (``AccountSession.forget_models``);
- ``-models-gc.freeze``: both (gc.freeze was there to make that collection cheap);
- ``-malloc``: no glibc ``mallopt`` arena cap nor ``malloc_trim`` (``cli._libc``; once
  cli.py has no ``_libc``, the other variants get the arena cap from this script);
- ``none``: this tree (which keeps the forked workers: they pay), glibc tuning off;
- ``none-processes``: this tree with ``REGIONREADY_PROCESSES=1``.

Writes ``--out`` (default benchmarks/tricks.json), which ``report.py`` renders into
RESULTS.md, and prints the table. The evaluate runs also check that every variant wrote
the same report bytes.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import importlib
import importlib.abc
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import lib  # noqa: E402

#: The last commit with every trick in it.
BEFORE = "322cb7a"
#: A trick must save this share of a command's wall time to stay.
KEEP_SHARE = 0.25
SOURCES_ENV = "REGIONREADY_TRICKS_SOURCES"
NOW = "2026-12-04T00:00:00Z"

#: The modules of BEFORE a variant loads, per group, in import order: this tree's module
#: name -> BEFORE's file (the layout has changed since: BEFORE's limits.py stands in for
#: ``regionready.engine.limits``, its collect.py for ``regionready.collect.driver``).
GROUPS: dict[str, dict[str, str]] = {
    "jsonout": {
        "regionready.jsonout": "src/regionready/jsonout.py",
        "regionready.atomic": "src/regionready/atomic.py",
        "regionready.reporters.jsonreport": "reporters/jsonreport.py",
        "regionready.reporters.sarif": "reporters/sarif.py",
    },
    "limits": {"regionready.engine.limits": "src/regionready/limits.py"},
    "collect": {
        "regionready.collect.connectivity": "src/regionready/connectivity.py",
        "regionready.collect.driver": "src/regionready/collect.py",
    },
}
#: Module names BEFORE's files import that this tree has moved: old name -> new name.
MOVED: dict[str, str] = {
    "regionready.clients": "regionready.collect.clients",
    "regionready.connectivity": "regionready.collect.connectivity",
}
ALL_GROUPS = ("jsonout", "limits", "collect")

#: variant -> (groups of BEFORE loaded, collect tricks turned off, glibc tuning on)
VARIANTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {
    "all": (ALL_GROUPS, (), True),
    "-jsonout": (("limits", "collect"), (), True),
    "-limits": (("jsonout", "collect"), (), True),
    "-gc.freeze": (ALL_GROUPS, ("freeze",), True),
    "-processes": (ALL_GROUPS, ("processes",), True),
    "-models": (ALL_GROUPS, ("models",), True),
    "-models-gc.freeze": (ALL_GROUPS, ("models", "freeze"), True),
    "-malloc": (ALL_GROUPS, (), False),
    "none-processes": ((), ("processes",), False),
    "none": ((), (), False),
}

#: The variants each command is measured with: those whose trick runs in it.
COMMANDS: dict[str, list[str]] = {
    "demo": [
        "all",
        "-jsonout",
        "-gc.freeze",
        "-processes",
        "-models",
        "-models-gc.freeze",
        "none",
        "none-processes",
    ],
    "scan": [
        "all",
        "-jsonout",
        "-limits",
        "-gc.freeze",
        "-processes",
        "-models",
        "-models-gc.freeze",
        "-malloc",
        "none",
        "none-processes",
    ],
    "evaluate": ["all", "-jsonout", "-limits", "none"],
}

#: The exit codes of a command that ran to its end (the demo does not gate; evaluate runs
#: with --fail-on none, so 3 is ERROR results, never findings).
EXIT_CODES = {"demo": (0,), "scan": (0, 1, 3), "evaluate": (0, 3)}

#: Rows of the table: (trick, what it was meant to save, the variant with it, without it).
TRICKS: list[tuple[str, str, str, str]] = [
    (
        "jsonout (a copy of json.dumps(indent=2))",
        "CPU of the JSON encoder (JSON and SARIF reports, snapshot files)",
        "all",
        "-jsonout",
    ),
    (
        "gc.freeze (collect._frozen_heap)",
        "the time of the full garbage collection each task ended with (-models)",
        "all",
        "-gc.freeze",
    ),
    (
        "gc.freeze, once tasks end without a full collection",
        "(the same, with -models)",
        "-models",
        "-models-gc.freeze",
    ),
    (
        "forked collection workers (collect._start_workers/_outcomes)",
        "collection CPU: botocore work on a second core",
        "all",
        "-processes",
    ),
    (
        "forked collection workers, on this tree (regionready.forks)",
        "(the same, this tree with and without REGIONREADY_PROCESSES=1)",
        "none",
        "none-processes",
    ),
    (
        "botocore's model cache dropped per task (AccountSession.forget_models, gc.collect)",
        "memory: the scan's peak RSS",
        "all",
        "-models",
    ),
    (
        "re._parser in limits.py (regex cost check)",
        "no time: it bounds a hostile rule's regex (re._parser is private)",
        "all",
        "-limits",
    ),
    (
        "glibc malloc tuning through ctypes (cli._limit_malloc_arenas, malloc_trim)",
        "memory: arenas of the collector threads",
        "all",
        "-malloc",
    ),
]


# ------------------------------------------------------------------ the child


class _Before(importlib.abc.MetaPathFinder):
    """Imports the modules of ``files`` (name -> BEFORE's copy) from those files, when
    they are first imported, as this tree's would be (so nothing is imported earlier)."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = files

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        source = self.files.get(name)
        return None if source is None else importlib.util.spec_from_file_location(name, source)


class _Moved(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Answers an import of a module name BEFORE used (:data:`MOVED`) with this tree's
    module of the new name, so BEFORE's files run unchanged in this layout."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        return importlib.util.spec_from_loader(name, self) if name in MOVED else None

    def create_module(self, spec: Any) -> Any:
        return importlib.import_module(MOVED[spec.name])

    def exec_module(self, module: Any) -> None:
        """The module is this tree's, already executed."""


def _glibc(on: bool) -> None:
    from regionready import cli

    if hasattr(cli, "_libc"):
        if not on:
            setattr(cli, "_libc", lambda: None)  # noqa: B010
    elif on and sys.platform.startswith("linux"):
        # The tuning has left cli.py: cap the arenas here, before any thread, as it did.
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(-8, 2)


def child(variant: str, kind: str, argv: list[str]) -> int:
    groups, off, glibc = VARIANTS[variant]
    if kind == "scan" and os.environ.get("REGIONREADY_BENCH_MOTO_IMPORT") != "1":
        sys.modules["moto"] = None  # type: ignore[assignment]  # as rr_scan.py does
    if "processes" in off:
        os.environ["REGIONREADY_PROCESSES"] = "1"
    sources = Path(os.environ[SOURCES_ENV])
    files = {name: sources / path for group in groups for name, path in GROUPS[group].items()}
    sys.meta_path.insert(0, _Before(files))
    sys.meta_path.insert(1, _Moved())
    if "freeze" in off or "models" in off:
        collect: Any = importlib.import_module("regionready.collect.driver")
        if "freeze" in off:
            collect._frozen_heap = contextlib.nullcontext
        if "models" in off:

            def run_task(account: Any, task: Any, options: Any = None) -> Any:
                return collect._collect_task(account, task, options)

            collect._run_task = run_task
    _glibc(glibc)
    from regionready.cli import main

    if kind == "scan":
        from regionready.demo import moto_gaps

        with moto_gaps.everywhere():
            return main(argv)
    return main(argv)


# ------------------------------------------------------------------ the parent


def say(text: str) -> None:
    print(text, flush=True)


def before_sources(where: Path) -> Path:
    """BEFORE's copies of every module a variant may load, under ``where``."""
    for group in GROUPS.values():
        for path in group.values():
            done = subprocess.run(
                ["git", "-C", str(ROOT), "show", f"{BEFORE}:{path}"],
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise SystemExit(
                    f"tricks.py needs the repository's history (git show {BEFORE}:{path}): "
                    f"{done.stderr.strip()}"
                )
            target = where / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(done.stdout, "utf-8")
    return where


def _command(kind: str, variant: str, out: Path, snapshot: Path | None) -> list[str]:
    head = [lib.PYTHON, str(Path(__file__).resolve()), "child", variant, kind, "--"]
    if kind == "demo":
        return [*head, "demo", "--out", str(out)]
    if kind == "scan":
        return [
            *head,
            "scan",
            "--source",
            "me-central-1",
            "--target",
            "eu-central-1",
            "--out",
            str(out),
            "--format",
            "json,sarif,junit,markdown",
            "--quiet",
        ]
    assert snapshot is not None
    return [
        *head,
        "evaluate",
        str(snapshot),
        "--now",
        NOW,
        "--format",
        "json",
        "--out",
        str(out),
        "--fail-on",
        "none",
    ]


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def measure(
    kind: str,
    variant: str,
    work: Path,
    env: dict[str, str],
    snapshot: Path | None = None,
) -> dict[str, Any]:
    out = work / f"{kind}-{variant}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    measured = lib.run_measured(_command(kind, variant, out, snapshot), env=env, cwd=out)
    if measured.returncode not in EXIT_CODES[kind]:
        raise RuntimeError(
            f"{kind} ({variant}) failed, exit {measured.returncode}:\n{measured.stderr[-3000:]}"
        )
    run: dict[str, Any] = {
        "seconds": round(measured.seconds, 3),
        "max_rss_mib": round(measured.max_rss_mib, 1),
        "cpu_seconds": round(measured.cpu_seconds, 3),
        "returncode": measured.returncode,
    }
    if kind == "evaluate":
        run["report_sha256"] = _digest(out / "regionready.json")
    shutil.rmtree(out, ignore_errors=True)
    return run


def _rounds(
    kind: str, runs: int, work: Path, env: dict[str, str], snapshot: Path | None = None
) -> dict[str, Any]:
    found: dict[str, Any] = {v: {"runs": []} for v in COMMANDS[kind]}
    for round_ in range(runs):
        for variant in COMMANDS[kind]:
            run = measure(kind, variant, work, env, snapshot)
            found[variant]["runs"].append(run)
            say(
                f"[{kind}] round {round_ + 1}/{runs} {variant}: {run['seconds']:.2f} s, "
                f"peak {run['max_rss_mib']:.0f} MiB (exit {run['returncode']})"
            )
    for entry in found.values():
        entry["median_seconds"] = round(lib.median([r["seconds"] for r in entry["runs"]]), 3)
        entry["median_rss_mib"] = round(lib.median([r["max_rss_mib"] for r in entry["runs"]]), 1)
    if kind == "evaluate":
        digests = {r["report_sha256"] for e in found.values() for r in e["runs"]}
        found["same_report_bytes"] = len(digests) == 1
    return found


def run_scan(args: argparse.Namespace, work: Path, env: dict[str, str]) -> dict[str, Any]:
    sizes: dict[str, Any] = (
        {"certs": 50, "keys": 20, "web_acls": 4, "secrets": 10}
        if args.quick
        else {"certs": 1000, "keys": 300, "web_acls": 20, "secrets": 100}
    )
    say(f"[scan] seeding the benchmark account ({sizes}) into a moto server ...")
    server = lib.start_moto(work / "plan.json", **sizes)
    try:
        proxy = lib.start_proxy(server.endpoint, args.delay)
        try:
            scan_env = dict(env, AWS_ENDPOINT_URL=proxy.endpoint)
            warm = measure("scan", "none", work, scan_env)  # fills the proxy's read cache
            say(f"[scan] warm-up (not counted): {warm['seconds']:.2f} s")
            found = _rounds("scan", args.runs, work, scan_env)
        finally:
            proxy.stop()
    finally:
        server.stop()
    found["account"] = sizes
    return found


def run_evaluate(args: argparse.Namespace, work: Path, env: dict[str, str]) -> dict[str, Any]:
    import synth

    snapshot = work / f"synthetic-{args.resources}"
    shutil.rmtree(snapshot, ignore_errors=True)
    made = synth.write(snapshot, args.resources)
    say(f"[evaluate] synthetic snapshot: {made['resources']} resources")
    found = _rounds("evaluate", args.runs, work, env, snapshot)
    found["resources"] = made["resources"]
    shutil.rmtree(snapshot, ignore_errors=True)
    return found


def table(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per trick: the median wall time with it and without it on each command it
    runs in, the share of the time without it that it saves, and whether it stays."""
    rows = []
    for trick, meant, with_variant, without_variant in TRICKS:
        row: dict[str, Any] = {"trick": trick, "meant_to_save": meant, "commands": {}}
        for kind in ("demo", "scan", "evaluate"):
            found = results.get("commands", {}).get(kind)
            if not found or with_variant not in found or without_variant not in found:
                continue
            with_s = found[with_variant]["median_seconds"]
            without_s = found[without_variant]["median_seconds"]
            row["commands"][kind] = {
                "with": with_s,
                "without": without_s,
                "saves": round((without_s - with_s) / without_s, 3),
                "with_rss_mib": found[with_variant]["median_rss_mib"],
                "without_rss_mib": found[without_variant]["median_rss_mib"],
            }
        row["kept"] = any(c["saves"] >= KEEP_SHARE for c in row["commands"].values())
        rows.append(row)
    return rows


def markdown(results: dict[str, Any]) -> list[str]:
    """The table for RESULTS.md."""
    lines = [
        "| trick | meant to save | command | with (s) | without (s) | saves | peak RSS "
        "with / without (MiB) | |",
        "|---|---|---|---|---|---|---|---|",
    ]
    kinds = [kind for kind in COMMANDS if kind in results.get("commands", {})]
    for row in results.get("table", []):
        verdict = "**kept**" if row["kept"] else "removed"
        for kind in kinds:
            c = row["commands"].get(kind)
            if c is None:
                continue
            lines.append(
                f"| {row['trick']} | {row['meant_to_save']} | {kind} | {c['with']:.2f} | "
                f"{c['without']:.2f} | {c['saves'] * 100:+.0f} % | "
                f"{c['with_rss_mib']:.0f} / {c['without_rss_mib']:.0f} | {verdict} |"
            )
    for kind in kinds:
        found = results["commands"][kind]
        if "all" in found and "none" in found:
            with_s, without_s = found["all"]["median_seconds"], found["none"]["median_seconds"]
            saves = (without_s - with_s) / without_s * 100
            rss = f"{found['all']['median_rss_mib']:.0f} / {found['none']['median_rss_mib']:.0f}"
            lines.append(
                f"| every trick of BEFORE (all) against this tree (none) | | {kind} | "
                f"{with_s:.2f} | {without_s:.2f} | {saves:+.0f} % | {rss} | |"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["child"]:
        variant, kind, sep, *rest = argv[1:]
        assert sep == "--", argv
        return child(variant, kind, rest)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="rounds over the variants (3)")
    parser.add_argument(
        "--only", action="append", choices=tuple(COMMANDS), help="measure this command only"
    )
    parser.add_argument(
        "--variants", type=lambda text: text.split(","), default=None, help="only these (a,b)"
    )
    parser.add_argument("--resources", type=int, default=100_000, help="evaluate's snapshot")
    parser.add_argument("--delay", type=float, default=0.03, help="the scan proxy's delay")
    parser.add_argument("--quick", action="store_true", help="1 run, small sizes (a smoke run)")
    parser.add_argument("--out", type=Path, default=HERE / "tricks.json")
    parser.add_argument("--work", type=Path, default=None, help="scratch dir (default: temp)")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.resources = 1, min(args.resources, 1_000)
    if args.variants:
        for kind in COMMANDS:
            COMMANDS[kind] = [v for v in COMMANDS[kind] if v in args.variants]
    work = args.work or Path(tempfile.mkdtemp(prefix="regionready-tricks-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in lib.scan_env().items() if not k.startswith("REGIONREADY_")}
    env[SOURCES_ENV] = str(before_sources(work / "before"))
    results: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": "python benchmarks/tricks.py " + " ".join(argv),
        "before": BEFORE,
        "runs": args.runs,
        "niceness": os.nice(0),
        "machine": lib.machine(),
        "commands": {},
    }
    started = time.perf_counter()
    kinds = args.only or list(COMMANDS)
    try:
        for kind in kinds:
            if kind == "demo":
                results["commands"]["demo"] = _rounds("demo", args.runs, work, env)
            elif kind == "scan":
                results["commands"]["scan"] = run_scan(args, work, env)
            else:
                results["commands"]["evaluate"] = run_evaluate(args, work, env)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["machine"]["load_average_end"] = lib.machine()["load_average"]
    results["table"] = table(results)
    args.out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", "utf-8")
    for line in markdown(results):
        print(line)
    print(f"wrote {args.out} in {results['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
