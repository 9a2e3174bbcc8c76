"""Organisation scale: ``regionready scan --accounts`` vs ``c7n-org run`` over 10/100/300
member accounts behind the same delaying proxy.

    python benchmarks/org_bench.py                        # sizes 10,100,300, 1 run each
    python benchmarks/org_bench.py --sizes 2,4 --skip c7n # a quick look, regionready only
    python benchmarks/org_bench.py --sizes 10 --workers-c7n 8 --runs 3

1. A moto server seeded with max(sizes) member accounts (org_seed.py; the smaller sizes
   scan the first N of them), and the proxy (proxy.py: 30 ms per request, read cache
   keyed by account).
2. For each size, one warm-up run of each tool (fills the proxy's cache; not counted),
   then ``--runs`` interleaved timed runs: regionready's full catalogue with every report
   format, regionready judging only the six overlapping checks (``--only``, which
   collects only what they read: c7n-org's work), and c7n-org with the
   six overlapping policies (benchmarks/c7n/policies.yml) in
   both Regions, assuming the same role in every account. c7n-org's number of worker
   processes (its ``C7N_ORG_PARALLEL``; c7n-org 0.6.x has no ``-w`` option) is tuned on
   the smallest size unless given.
3. Wall time (median), peak RSS (``os.wait4``'s ``ru_maxrss``: on Linux the largest
   single process of the tree, the child or a descendant it reaped) and, sampled from
   /proc every 0.2 s, the peak of the tree's summed PSS (every process, workers included;
   shared pages counted once) and API calls (the proxy's count).
4. The flagged sets of the six overlapping checks, per (account, resource), regionready
   (its JSON report) vs c7n-org (OUTDIR/<account name>/<region>/<policy>/resources.json),
   and against what was planted.
5. The targets, each printed met / not met; benchmarks/org_results.json (raw) and the
   "Organisation scale" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata as metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import compare  # noqa: E402
import lib  # noqa: E402
import peers  # noqa: E402
import proxy as proxy_mod  # noqa: E402
from org_seed import ROLE, SOURCE, TARGET, account_ids, account_name  # noqa: E402

SECTION = "## Organisation scale"
TARGETS = {"wall_vs_c7n": 1 / 3, "growth_slack": 1.2, "rss_growth": 1.5}
C7N_CANDIDATES = (2, 4, 8, 16)
RR = "regionready"
#: regionready judging only the six overlapping checks (``scan --only``, collecting only
#: what they read): the same work as c7n-org's six policies.
RR6 = "regionready-overlap"
OVERLAP_CHECKS = ",".join(sorted(compare.OVERLAP))
C7N = "c7n-org"


def say(text: str) -> None:
    print(text, flush=True)


def fail(text: str) -> int:
    print(f"org_bench: {text}", file=sys.stderr, flush=True)
    return 2


def ok(flag: bool | None) -> str:
    return "n/a" if flag is None else ("met" if flag else "NOT MET")


# ------------------------------------------------------------------ measuring a tree


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(p) for p in handle.read().split())
        except OSError:
            continue
    return found


def _kib(path: str, field: str) -> int:
    try:
        with open(path) as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeSampler:
    """Samples a process tree from /proc: the peak of its summed PSS and RSS, and the
    most processes seen at once."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_pss_kib = 0
        self.peak_rss_kib = 0
        self.processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> None:
        tree, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(_children(pid))
        pss = sum(_kib(f"/proc/{pid}/smaps_rollup", "Pss:") for pid in tree)
        rss = sum(_kib(f"/proc/{pid}/status", "VmRSS:") for pid in tree)
        self.peak_pss_kib = max(self.peak_pss_kib, pss)
        self.peak_rss_kib = max(self.peak_rss_kib, rss)
        self.processes = max(self.processes, len(tree))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()


def run_tree(
    cmd: Sequence[str], *, env: dict[str, str], cwd: Path, timeout: float
) -> dict[str, Any]:
    """Run ``cmd``: wall time, CPU (its reaped children included), wait4's ru_maxrss and
    the sampled tree peaks; the last 3,000 characters of stderr."""
    err_path = cwd / "stderr.txt"
    with open(err_path, "w+") as err, open(cwd / "stdout.txt", "w") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=err)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            with TreeSampler(proc.pid) as sampler:
                _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-3000:]
    return {
        "seconds": round(seconds, 3),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
        "max_rss_mib": round(usage.ru_maxrss / 1024, 1),
        "tree_peak_pss_mib": round(sampler.peak_pss_kib / 1024, 1),
        "tree_peak_rss_mib": round(sampler.peak_rss_kib / 1024, 1),
        "processes": sampler.processes,
        "returncode": proc.returncode,
        "stderr_tail": tail,
    }


# ------------------------------------------------------------------ the two tools


def write_accounts(work: Path, count: int) -> tuple[Path, Path]:
    """The accounts file of each tool for the first ``count`` accounts."""
    ids = account_ids(count)
    rr_file = work / f"accounts-{count}.yaml"
    rr_file.write_text(
        yaml.safe_dump({"accounts": [{"id": a, "role": ROLE} for a in ids]}, sort_keys=False)
    )
    c7n_file = work / f"c7n-org-accounts-{count}.yaml"
    entries = [
        {
            "account_id": a,
            "name": account_name(i),
            "role": f"arn:aws:iam::{a}:role/{ROLE}",
            "regions": [SOURCE, TARGET],
        }
        for i, a in enumerate(ids)
    ]
    c7n_file.write_text(yaml.safe_dump({"accounts": entries}, sort_keys=False))
    return rr_file, c7n_file


def _fresh(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def run_regionready(
    endpoint: str,
    accounts: Path,
    out: Path,
    services: str | None,
    timeout: float,
    only: str | None = None,
) -> dict[str, Any]:
    _fresh(out)
    cmd = [lib.PYTHON, str(HERE / "rr_scan.py"), "scan", "--accounts", str(accounts)]
    cmd += ["--source", SOURCE, "--target", TARGET, "--out", str(out)]
    cmd += ["--format", "json,sarif,junit,markdown", "--quiet"]
    if services:
        cmd += ["--services", services, "--allow-incomplete"]
    if only:
        cmd += ["--only", only]
    peak = out / "scanner-peak-kib.txt"
    env = lib.scan_env(endpoint, REGIONREADY_BENCH_PEAK_FILE=str(peak))
    measured = run_tree(cmd, env=env, cwd=out, timeout=timeout)
    if peak.exists():  # the scanner's own VmHWM (rr_scan.py says why)
        measured["scanner_peak_rss_mib"] = round(int(peak.read_text()) / 1024, 1)
    if measured["returncode"] not in (0, 1, 3):
        last = (measured["stderr_tail"].strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(
            f"regionready scan --accounts failed (exit {measured['returncode']}): {last}"
        )
    return measured


def run_c7n_org(
    endpoint: str, accounts: Path, out: Path, workers: int, cache: Path, timeout: float
) -> dict[str, Any]:
    _fresh(out)
    cache.mkdir(parents=True, exist_ok=True)
    cmd = [str(peers.venv_bin("c7n") / "c7n-org"), "run", "-c", str(accounts), "-s", str(out)]
    cmd += ["-u", str(peers.C7N_POLICIES), "--region", SOURCE, "--region", TARGET]
    cmd += ["--cache-period", "0", "--cache-path", str(cache)]
    env = lib.scan_env(endpoint, C7N_ORG_PARALLEL=str(workers), HOME=str(cache))
    measured = run_tree(cmd, env=env, cwd=out, timeout=timeout)
    measured["workers"] = workers
    if measured["returncode"] != 0:
        lines = [
            line
            for line in measured["stderr_tail"].splitlines()
            if "Error" in line or "Exception" in line or "Traceback" in line
        ]
        measured["errors"] = lines[-10:]
    return measured


# ------------------------------------------------------------------ flagged sets


def _alias_keys(snapshot: Path, account: str) -> dict[str, str]:
    found: dict[str, str] = {}
    path = snapshot / account / f"{TARGET}.json"
    if not path.exists():
        return found
    doc = json.loads(path.read_text("utf-8"))
    kms = doc["services"].get("kms") or {}
    for alias in (kms.get("resources") or {}).get("alias", []):
        if alias.get("TargetKeyId"):
            found[alias["AliasName"]] = alias["TargetKeyId"]
    return found


def regionready_flagged(out: Path) -> dict[str, list[str]]:
    """rule -> sorted "account/resource id" flagged by regionready (compare.OVERLAP's
    reading: FAIL, ACM-003 at high only, KMS-004's target alias mapped to its key)."""
    results = json.loads((out / "regionready.json").read_text("utf-8"))["results"]
    aliases: dict[str, dict[str, str]] = {}
    flagged: dict[str, set[str]] = {rule: set() for rule in compare.OVERLAP}
    for r in results:
        spec = compare.OVERLAP.get(r["rule_id"])
        if spec is None or r["status"] != "FAIL":
            continue
        if spec.get("severity") and r["severity"] != spec["severity"]:
            continue
        account = str(r.get("account") or "?")
        rid = r["resource_id"]
        if spec.get("alias_to_key"):
            if account not in aliases:
                aliases[account] = _alias_keys(out / "snapshot", account)
            rid = aliases[account].get(rid, rid)
        flagged[r["rule_id"]].add(f"{account}/{rid}")
    return {k: sorted(v) for k, v in flagged.items()}


def c7n_org_flagged(out: Path, count: int) -> dict[str, list[str]]:
    """rule -> sorted "account/resource id" from OUTDIR/<name>/<region>/<policy>/."""
    names = {account_name(i): a for i, a in enumerate(account_ids(count))}
    policies = {spec["policy"]: (rule, spec) for rule, spec in compare.OVERLAP.items()}
    flagged: dict[str, set[str]] = {rule: set() for rule in compare.OVERLAP}
    for path in sorted(out.glob("*/*/*/resources.json")):
        policy, name = path.parent.name, path.parent.parent.parent.name
        if policy not in policies or name not in names:
            continue
        rule, spec = policies[policy]
        for resource in json.loads(path.read_text("utf-8") or "[]"):
            flagged[rule].add(f"{names[name]}/{resource.get(spec['c7n_id'])}")
    return {k: sorted(v) for k, v in flagged.items()}


def planted(plan: dict[str, Any], count: int) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {rule: [] for rule in compare.OVERLAP}
    for account in plan["accounts"][:count]:
        for rule, ids in account["expected"].items():
            found[rule].extend(f"{account['id']}/{i}" for i in ids)
    return {k: sorted(v) for k, v in found.items()}


def overlap(
    rr: dict[str, list[str]], c7n: dict[str, list[str]] | None, expected: dict[str, list[str]]
) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    for rule, spec in compare.OVERLAP.items():
        a, p = set(rr.get(rule, [])), set(expected.get(rule, []))
        row: dict[str, Any] = {
            "c7n_policy": spec["policy"],
            "regionready": len(a),
            "accounts_flagged": len({x.split("/", 1)[0] for x in a}),
            "planted": len(p),
            "planted_missed_by_regionready": sorted(p - a),
            "regionready_not_planted": sorted(a - p),
        }
        if c7n is not None:
            b = set(c7n.get(rule, []))
            row.update(
                {
                    "c7n_org": len(b),
                    "both": len(a & b),
                    "only_regionready": sorted(a - b),
                    "only_c7n_org": sorted(b - a),
                    "planted_missed_by_c7n_org": sorted(p - b),
                    "same": a == b,
                }
            )
        rows[rule] = row
    return rows


# ------------------------------------------------------------------ one size


def _record(
    entry: dict[str, Any], measured: dict[str, Any], endpoint: str, warm: bool
) -> dict[str, Any]:
    stats = proxy_mod.control(endpoint, "stats")
    row = {k: v for k, v in measured.items() if k != "stderr_tail"}
    row.update(
        {
            "warmup": warm,
            "api_calls": stats["total"],
            "cache_hits": stats["cache_hits"],
            "unmapped_reads": stats["unmapped_reads"],
            "by_service": stats["by_service"],
        }
    )
    entry["runs"].append(row)
    return row


def _summarise(entry: dict[str, Any]) -> None:
    runs = [r for r in entry["runs"] if not r["warmup"]] or entry["runs"]
    entry["measured_runs"] = len(runs)
    for key in ("seconds", "cpu_seconds", "max_rss_mib", "tree_peak_pss_mib"):
        entry[f"median_{key}"] = round(lib.median([r[key] for r in runs]), 3)
    entry["peak_rss_mib"] = max(r["max_rss_mib"] for r in runs)
    if all("scanner_peak_rss_mib" in r for r in runs):
        entry["scanner_peak_rss_mib"] = max(r["scanner_peak_rss_mib"] for r in runs)
    entry["peak_tree_pss_mib"] = max(r["tree_peak_pss_mib"] for r in runs)
    entry["api_calls"] = runs[-1]["api_calls"]


def _line(tool: str, row: dict[str, Any], label: str) -> str:
    return (
        f"[{tool}] {label}: {row['seconds']:.1f} s, peak RSS {row['max_rss_mib']:.0f} MiB "
        f"(tree PSS {row['tree_peak_pss_mib']:.0f} MiB, {row['processes']} processes), "
        f"{row['api_calls']} API calls ({row['cache_hits']} from the cache, "
        f"{row['unmapped_reads']} unmapped), exit {row['returncode']}"
    )


def tune_c7n(
    args: argparse.Namespace, work: Path, endpoint: str, count: int, c7n_file: Path
) -> dict[str, Any]:
    """c7n-org's worker count: the fastest of the candidates on the smallest size."""
    out, cache = work / "c7n-tune", work / "c7n-cache"
    say(f"[{C7N}] tuning workers on {count} accounts: warm-up, then {args.c7n_candidates}")
    proxy_mod.control(endpoint, "reset")
    warm = run_c7n_org(endpoint, c7n_file, out, args.c7n_candidates[0], cache, args.timeout)
    tried: dict[str, Any] = {"warmup_seconds": warm["seconds"], "seconds": {}}
    for workers in args.c7n_candidates:
        proxy_mod.control(endpoint, "reset")
        measured = run_c7n_org(endpoint, c7n_file, out, workers, cache, args.timeout)
        calls = proxy_mod.control(endpoint, "stats")["total"]
        tried["seconds"][str(workers)] = measured["seconds"]
        say(
            f"[{C7N}]   {workers} workers: {measured['seconds']:.1f} s, "
            f"{calls} API calls, exit {measured['returncode']}"
        )
    best = min(tried["seconds"], key=lambda w: tried["seconds"][w])
    tried.update({"size": count, "chosen": int(best)})
    say(f"[{C7N}] using {best} workers for every size")
    return tried


def run_size(
    args: argparse.Namespace,
    work: Path,
    endpoint: str,
    count: int,
    plan: dict[str, Any],
    workers: int | None,
) -> dict[str, Any]:
    rr_file, c7n_file = write_accounts(work, count)
    rr_out, c7n_out = work / f"rr-{count}", work / f"c7n-{count}"
    rr6_out = work / f"rr6-{count}"
    cache = work / "c7n-cache"
    result: dict[str, Any] = {"accounts": count}
    tools = []
    if args.full_max is None or count <= args.full_max:
        result[RR] = {"runs": []}
        tools.append(RR)
    if not args.services:  # the full catalogue, and the six overlapping checks alone
        result[RR6] = {"runs": []}
        tools.append(RR6)
    if workers is not None:
        result[C7N] = {"runs": [], "workers": workers}
        tools.append(C7N)

    def once(tool: str, warm: bool) -> None:
        proxy_mod.control(endpoint, "reset")
        if tool == RR:
            measured = run_regionready(endpoint, rr_file, rr_out, args.services, args.timeout)
        elif tool == RR6:
            measured = run_regionready(
                endpoint, rr_file, rr6_out, None, args.timeout, only=OVERLAP_CHECKS
            )
        else:
            assert workers is not None
            measured = run_c7n_org(endpoint, c7n_file, c7n_out, workers, cache, args.timeout)
        row = _record(result[tool], measured, endpoint, warm)
        label = "warm-up" if warm else f"run {sum(not r['warmup'] for r in result[tool]['runs'])}"
        say(_line(tool, row, f"{count} accounts, {label}"))
        for line in measured.get("errors", []):
            say(f"[{tool}]   {line}")

    if not args.no_warmup:
        for tool in tools:
            once(tool, True)
    for _ in range(args.runs):  # interleaved, so load on the machine hits both alike
        for tool in tools:
            once(tool, False)
    for tool in tools:
        _summarise(result[tool])
    c7n_flags = c7n_org_flagged(c7n_out, count) if workers is not None else None
    c7n_s = result[C7N]["median_seconds"] if workers is not None else None
    parts, equal = [], []
    for tool, out, suffix in ((RR, rr_out, ""), (RR6, rr6_out, "_" + RR6)):
        if tool not in result:
            continue
        report = json.loads((out / "regionready.json").read_text("utf-8"))
        statuses: dict[str, int] = {}
        for r in report["results"]:
            statuses[r["status"]] = statuses.get(r["status"], 0) + 1
        result[tool]["statuses"] = statuses
        result[tool]["error_rules"] = sorted(
            {r["rule_id"] for r in report["results"] if r["status"] == "ERROR"}
        )
        rows = overlap(regionready_flagged(out), c7n_flags, planted(plan, count))
        result["overlap" + suffix] = rows
        seconds = result[tool]["median_seconds"]
        text = f"{tool} {seconds:.1f} s"
        if c7n_s:
            result["ratio" + suffix] = round(seconds / c7n_s, 4)
            equal.append(all(row["same"] for row in rows.values()))
            text += f" (ratio {result['ratio' + suffix]:.3f})"
        parts.append(text)
    text = f"[size {count}] " + ", ".join(parts)
    if c7n_s is not None:
        result["flagged_equal"] = all(equal)
        text += f"; c7n-org {c7n_s:.1f} s; flagged sets equal: {result['flagged_equal']}"
    rows = result.get("overlap") or result["overlap_" + RR6]
    say(text)
    for rule, row in rows.items():
        found = f"regionready {row['regionready']}"
        if "c7n_org" in row:
            found += f", c7n-org {row['c7n_org']}, both {row['both']}"
        say(
            f"[size {count}]   {rule}: {found}, planted {row['planted']} "
            f"({row['accounts_flagged']} accounts flagged)"
        )
    return result


# ------------------------------------------------------------------ targets + report


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    sizes = results["sizes"]
    counts = sorted(int(n) for n in sizes)
    rows: list[dict[str, Any]] = []
    variants = [
        (RR, "ratio", "regionready (full catalogue)"),
        (RR6, "ratio_" + RR6, "regionready (the six checks, --only)"),
    ]
    for tool, key, name in variants:
        counts = sorted(int(n) for n in sizes if tool in sizes[n])
        if not counts:
            continue
        ratios = {n: sizes[str(n)].get(key) for n in counts}
        if all(r is not None for r in ratios.values()):
            rows.append(
                {
                    "target": f"{name} wall <= 1/3 of c7n-org's, at every size",
                    "value": ", ".join(f"{n}: {ratios[n]:.3f}" for n in counts),
                    "met": max(ratios.values()) <= TARGETS["wall_vs_c7n"],
                }
            )
        else:
            rows.append({"target": f"{name} wall <= 1/3 of c7n-org's", "value": "-", "met": None})
        small, large = counts[0], counts[-1]
        if large > small:
            t_small = sizes[str(small)][tool]["median_seconds"]
            t_large = sizes[str(large)][tool]["median_seconds"]
            growth = t_large / t_small
            bound = TARGETS["growth_slack"] * large / small
            rows.append(
                {
                    "target": f"{name}: growth {small} -> {large} accounts within 1.2x of "
                    f"linear (t{large}/t{small} <= {bound:.1f})",
                    "value": f"{growth:.2f} ({t_small:.1f} s -> {t_large:.1f} s)",
                    "met": growth <= bound,
                }
            )
            # The scanner's own peak where measured (rr_scan.py), else wait4's ru_maxrss;
            # for the six checks, the memory rerun's where there is one.
            key, measured, how = "scanner_peak_rss_mib", sizes, ""
            rerun = results.get("memory_rerun", {}).get("sizes", {})
            ends = (small, large)
            if tool == RR6 and all(key in rerun.get(str(n), {}).get(RR, {}) for n in ends):
                measured = {n: {tool: row[RR]} for n, row in rerun.items()}
                how = " (the scanner's own peak, measured again)"
            elif not all(key in sizes[str(n)][tool] for n in (small, large)):
                key = "peak_rss_mib"
            r_small = measured[str(small)][tool][key]
            r_large = measured[str(large)][tool][key]
            rows.append(
                {
                    "target": f"{name}: peak RSS at {large} <= 1.5x that at {small}{how}",
                    "value": f"{r_large / r_small:.2f} ({r_small:.0f} -> {r_large:.0f} MiB)",
                    "met": r_large / r_small <= TARGETS["rss_growth"],
                }
            )
    counts = sorted(int(n) for n in sizes)
    equal = [sizes[str(n)].get("flagged_equal") for n in counts]
    rows.append(
        {
            "target": "flagged sets of the six overlapping checks equal, every size",
            "value": ", ".join(f"{n}: {e}" for n, e in zip(counts, equal, strict=True)),
            "met": None if None in equal else all(equal),
        }
    )
    return rows


def markdown(results: dict[str, Any]) -> list[str]:
    s = results["settings"]
    m = results["machine"]
    seed = results["seed"]
    tune = results.get("c7n_workers") or {}
    out = [
        f"{SECTION} (benchmarks/org_bench.py)",
        "",
        f"Generated by `{results['command'].strip()}` on {results['started']} "
        f"({results['seconds']} s; {m['cpu']}, {m['cores']} cores, load average "
        f"{m['load_average']} -> {m.get('load_average_end')}). Versions: "
        + ", ".join(f"{k} {v}" for k, v in sorted(results["versions"].items()))
        + ".",
        "",
        f"Member accounts seeded in {seed['seed_seconds']} s ({seed['how']}); each holds "
        f"per Region {s['per_account']['certs']} ACM certificates, {s['per_account']['keys']} "
        f"KMS keys, {s['per_account']['web_acls']} web ACLs, {s['per_account']['secrets']} "
        "secrets and an SNS topic, SQS queue, log group and SSM parameter, the overlapping "
        "checks' failures varying by account (benchmarks/org_seed.py). Proxy delay "
        f"{s['delay_ms']:.0f} ms per request, read cache keyed by account; "
        f"{'one warm-up run per tool and size (not counted), then ' if s['warmup'] else ''}"
        f"{s['runs']} interleaved run(s), median.",
        "",
    ]
    if tune:
        tried = ", ".join(
            f"{w}: {tune['seconds'][w]:.1f} s" for w in sorted(tune["seconds"], key=int)
        )
        out += [
            f"c7n-org workers (`C7N_ORG_PARALLEL`) tuned on {tune['size']} accounts: {tried};"
            f" {tune['chosen']} used for every size.",
            "",
        ]
    elif s.get("workers_c7n"):
        out += [f"c7n-org workers: {s['workers_c7n']} (given).", ""]
    out += [
        "| accounts | regionready wall (s) | six checks (--only) wall (s) | c7n-org wall (s) "
        "| ratio (six) | regionready peak RSS (MiB) | six: peak RSS (MiB) | c7n-org peak RSS "
        "(MiB) | regionready tree PSS (MiB) | c7n-org tree PSS (MiB) | API calls regionready "
        "(six) | API calls c7n-org | flagged equal? |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n in sorted(results["sizes"], key=int):
        row = results["sizes"][n]
        rr, c7n = row.get(RR), row.get(C7N)

        def cell(e: dict[str, Any] | None, key: str, digits: int = 1) -> str:
            return "-" if e is None else f"{e[key]:.{digits}f}"

        rr6 = row.get(RR6)
        ratio = "-" if row.get("ratio") is None else f"{row['ratio']:.3f}"
        if row.get("ratio_" + RR6) is not None:
            ratio += f" ({row['ratio_' + RR6]:.3f})"
        calls = ("-" if rr is None else f"{rr['api_calls']}") + (
            "" if rr6 is None else f" ({rr6['api_calls']})"
        )
        out.append(
            f"| {n} | {cell(rr, 'median_seconds')} | {cell(rr6, 'median_seconds')} | "
            f"{cell(c7n, 'median_seconds')} | {ratio} | {cell(rr, 'peak_rss_mib', 0)} | "
            f"{cell(rr6, 'peak_rss_mib', 0)} | {cell(c7n, 'peak_rss_mib', 0)} | "
            f"{cell(rr, 'peak_tree_pss_mib', 0)} | {cell(c7n, 'peak_tree_pss_mib', 0)} | "
            f"{calls} | {'-' if c7n is None else c7n['api_calls']} | "
            f"{'-' if row.get('flagged_equal') is None else row['flagged_equal']} |"
        )
    rerun = results.get("memory_rerun")
    if rerun:
        out += [
            "",
            f"Memory again, measured inside the scanner (`{rerun['command'].strip()}`, "
            f"{rerun['started']}): the scanner's own peak RSS (VmHWM of /proc/self/status, "
            "written by rr_scan.py at exit) beside wait4's `ru_maxrss` and the sampled PSS. "
            "A child's `ru_maxrss` also counts the benchmark process's pages between fork "
            "and exec, and by the 300-account size that process had read the 100-account "
            "reports: in the run above, regionready's and c7n-org's 300-account `ru_maxrss` "
            "are both 355 MiB, the benchmark process's own size, not theirs.",
            "",
            "| accounts | regionready (six checks) peak RSS, own (MiB) | ru_maxrss "
            "(MiB) | tree PSS (MiB) |",
            "|---|---|---|---|",
        ]
        for n in sorted(rerun["sizes"], key=int):
            e = rerun["sizes"][n][RR]
            out.append(
                f"| {n} | {e.get('scanner_peak_rss_mib', '-')} | {e['peak_rss_mib']:.0f} | "
                f"{e['peak_tree_pss_mib']:.0f} |"
            )
    out += [
        "",
        "Peak RSS: `os.wait4`'s `ru_maxrss`, i.e. the largest single process (the tool or "
        "one of its workers, which it reaped). Tree PSS: the peak of the summed PSS of the "
        "tool's whole process tree (its workers included, shared pages counted once), "
        "sampled from /proc every 0.2 s. API calls: the proxy's count for one timed run "
        "(STS included).",
        "",
        "| target | measured | |",
        "|---|---|---|",
    ]
    for row in results["targets"]:
        flag = "n/a" if row["met"] is None else ("**met**" if row["met"] else "**not met**")
        out.append(f"| {row['target']} | {row['value']} | {flag} |")
    out.append("")
    diffs = []
    sides = (
        "only_regionready",
        "only_c7n_org",
        "planted_missed_by_regionready",
        "planted_missed_by_c7n_org",
        "regionready_not_planted",
    )
    with_c7n = False
    for n in sorted(results["sizes"], key=int):
        for key in ("overlap", "overlap_" + RR6):
            for rule, row in results["sizes"][n].get(key, {}).items():
                with_c7n = with_c7n or "c7n_org" in row
                for side in sides:
                    if row.get(side):
                        shown = ", ".join(row[side][:10]) + ("..." if len(row[side]) > 10 else "")
                        where = f"{n} accounts ({key.replace('overlap_', '') or RR})"
                        diffs.append(f"- {where}, {rule} {side.replace('_', ' ')}: {shown}")
    if diffs:
        out += ["Differences in the flagged sets (account/resource):", "", *diffs, ""]
    elif with_c7n:
        out += [
            "Flagged sets: identical for every overlapping check at every size, and equal "
            "to what was planted.",
            "",
        ]
    else:
        out += [
            "Flagged sets: c7n-org not run (`--skip c7n`); regionready's equal what was "
            "planted for every overlapping check at every size.",
            "",
        ]
    return out


def write_section(path: Path, lines: list[str], heading: str = SECTION) -> None:
    """Replace (or append) the section of RESULTS.md under ``heading`` (this
    benchmark's by default), leaving the rest."""
    text = path.read_text("utf-8") if path.exists() else "# Benchmark results\n"
    block = "\n".join(lines).rstrip("\n") + "\n"
    start = text.find("\n" + heading)
    if start < 0:
        new = text.rstrip("\n") + "\n\n" + block
    else:
        end = text.find("\n## ", start + 1)
        rest = text[end + 1 :] if end >= 0 else ""
        new = text[: start + 1] + block + ("\n" + rest if rest else "")
    path.write_text(new, encoding="utf-8")


def versions() -> dict[str, str]:
    found = {}
    for dist in ("regionready", "boto3", "botocore", "moto"):
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist] = "-"
    try:  # the tree measured: its commit, "-dirty" when it has uncommitted changes
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=30,
        )
        found["regionready commit"] = described.stdout.strip() or "-"
    except (OSError, subprocess.SubprocessError):
        found["regionready commit"] = "-"
    return found


# ------------------------------------------------------------------ main


def _sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(x) for x in text.split(",") if x.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes wants numbers, got {text!r}") from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("--sizes wants positive numbers")
    return sizes


def _workers(text: str) -> int | None:
    if text == "auto":
        return None
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("--workers-c7n wants auto or a number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("--workers-c7n wants a positive number")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=_sizes, default=[10, 100, 300], help="10,100,300")
    parser.add_argument("--runs", type=int, default=1, help="timed runs per tool and size")
    parser.add_argument("--delay", type=float, default=0.03, help="proxy delay, seconds")
    parser.add_argument(
        "--workers-c7n",
        type=_workers,
        default=None,
        help="c7n-org worker processes, or auto: the fastest of --c7n-candidates on the "
        "smallest size (default)",
    )
    parser.add_argument(
        "--c7n-candidates",
        type=_sizes,
        default=list(C7N_CANDIDATES),
        help="worker counts tried by auto (2,4,8,16)",
    )
    parser.add_argument("--skip", action="append", default=[], choices=("c7n",))
    parser.add_argument(
        "--full-max",
        type=int,
        default=None,
        help="run regionready's full catalogue only up to this many accounts (the "
        "six checks and c7n-org run at every size)",
    )
    parser.add_argument("--no-warmup", action="store_true", help="count every run")
    parser.add_argument(
        "--services",
        default=None,
        help="regionready --services (default: the full catalogue; for the smoke test)",
    )
    parser.add_argument("--work", type=Path, default=None, help="scratch dir (default: temp)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument("--timeout", type=float, default=4 * 3600, help="per run, seconds")
    parser.add_argument(
        "--json", type=Path, default=HERE / "org_results.json", help="raw results file"
    )
    parser.add_argument(
        "--results", type=Path, default=HERE / "RESULTS.md", help="RESULTS.md to update"
    )
    parser.add_argument(
        "--render",
        action="store_true",
        help="only write the RESULTS.md section again from --json (nothing is run)",
    )
    args = parser.parse_args(argv)
    if args.render:
        try:
            saved = json.loads(args.json.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            return fail(f"cannot read {args.json}: {exc}")
        write_section(args.results, markdown(saved))
        say(f"wrote the '{SECTION}' section of {args.results} from {args.json}")
        return 0
    if args.runs < 1:
        return fail("--runs must be at least 1")
    with_c7n = "c7n" not in args.skip
    results: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": "python benchmarks/org_bench.py "
        + " ".join(sys.argv[1:] if argv is None else argv),
        "machine": lib.machine(),
        "versions": versions(),
    }
    if with_c7n:
        try:
            info = peers.ensure("c7n", log=say)
        except Exception as exc:  # install failures of any kind: one line, exit 2
            first = str(exc).strip().splitlines()[:1] or [type(exc).__name__]
            return fail(f"c7n-org cannot be installed: {first[0]}")
        results["versions"].update({f"c7n:{k}": v for k, v in info["versions"].items()})
    work = args.work or Path(tempfile.mkdtemp(prefix="regionready-org-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    count = max(args.sizes)
    plan_path = work / "plan.json"
    say(f"machine: {results['machine']}")
    say(f"[seed] {count} member accounts (org_seed.py) ...")
    cmd = [lib.PYTHON, str(HERE / "org_seed.py"), "--accounts", str(count)]
    cmd += ["--plan", str(plan_path), "--max-seconds", str(24 * 3600)]
    try:
        server = lib.start_service(cmd, env=lib.scan_env(), timeout=1800)
    except RuntimeError as exc:
        return fail(f"the moto server did not start: {str(exc).splitlines()[0]}")
    try:
        plan = json.loads(plan_path.read_text())
        results["seed"] = server.info
        results["settings"] = {
            "sizes": args.sizes,
            "runs": args.runs,
            "delay_ms": args.delay * 1000,
            "warmup": not args.no_warmup,
            "workers_c7n": args.workers_c7n,
            "services": args.services or "all",
            "per_account": plan["sizes"],
        }
        say(f"[seed] seeded in {server.info['seed_seconds']} s {server.info['steps']}")
        px = lib.start_proxy(server.endpoint, args.delay, max_seconds=24 * 3600)
        try:
            workers: int | None = None
            if with_c7n:
                workers = args.workers_c7n
                if workers is None:
                    _, c7n_file = write_accounts(work, args.sizes[0])
                    tuned = tune_c7n(args, work, px.endpoint, args.sizes[0], c7n_file)
                    results["c7n_workers"] = tuned
                    workers = int(tuned["chosen"])
            results["sizes"] = {}
            for size in args.sizes:
                results["sizes"][str(size)] = run_size(args, work, px.endpoint, size, plan, workers)
        finally:
            px.stop()
    except RuntimeError as exc:
        return fail(str(exc))
    finally:
        server.stop()
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["machine"]["load_average_end"] = lib.machine()["load_average"]
    results["targets"] = targets(results)
    for row in results["targets"]:
        say(f"[target] {row['target']}: {row['value']} -> {ok(row['met'])}")
    args.json.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    write_section(args.results, markdown(results))
    say(f"wrote {args.json} and the '{SECTION}' section of {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
