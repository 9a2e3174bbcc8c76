"""Smoke run of every benchmark piece at tiny sizes: the pieces work and their output is
well formed. No timing is asserted (benchmarks are not tests), and neither Cloud
Custodian nor Prowler is installed: their output parsers run on canned files."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

import compare  # noqa: E402
import engine_bench  # noqa: E402
import lib  # noqa: E402
import peers  # noqa: E402
import proxy  # noqa: E402
import report  # noqa: E402
import reporters_bench  # noqa: E402
import synth  # noqa: E402
import tricks  # noqa: E402

SERVICES = "acm,kms,wafv2,secretsmanager"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    plan_path = tmp_path_factory.mktemp("seed") / "plan.json"
    server = lib.start_moto(plan_path, certs=6, keys=6, web_acls=2, secrets=3, demo=False)
    px = lib.start_proxy(server.endpoint, 0.0)
    try:
        yield {
            "moto": server.endpoint,
            "proxy": px.endpoint,
            "info": server.info,
            "plan": json.loads(plan_path.read_text()),
        }
    finally:
        px.stop()
        server.stop()


def test_seeder_plants_every_overlapping_check(seeded: dict[str, Any]) -> None:
    plan = seeded["plan"]
    assert set(plan["expected"]) == set(compare.OVERLAP)
    assert all(plan["expected"][rule] for rule in compare.OVERLAP)
    assert seeded["info"]["endpoint"].startswith("http://127.0.0.1:")
    assert set(seeded["info"]["steps"]) == {"acm", "kms", "wafv2", "secretsmanager"}


def test_proxy_forwards_counts_and_caches(seeded: dict[str, Any]) -> None:
    endpoint = seeded["proxy"]
    creds = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    # The cache keys reads by account: GetCallerIdentity tells the proxy this key's.
    sts = boto3.client("sts", region_name="me-central-1", endpoint_url=endpoint, **creds)
    sts.get_caller_identity()
    proxy.control(endpoint, "reset")
    kms = boto3.client("kms", region_name="me-central-1", endpoint_url=endpoint, **creds)
    first = kms.list_keys()["Keys"]
    second = kms.list_keys()["Keys"]
    assert first == second and len(first) >= 6
    stats = proxy.control(endpoint, "stats")
    assert stats["total"] == 2
    assert stats["cache_hits"] == 1
    assert stats["calls"] == [
        {"service": "kms", "region": "me-central-1", "operation": "ListKeys", "count": 2}
    ]


def test_proxy_cache_keeps_each_account_apart(seeded: dict[str, Any]) -> None:
    """Two accounts' identical reads get their own answers; a key the proxy cannot map
    to an account is never cached."""
    px = proxy.DelayProxy(seeded["moto"], delay=0.0, cache=True).start()
    try:
        where = {"region_name": "me-central-1", "endpoint_url": px.endpoint}
        base = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        mine = boto3.client("kms", **where, **base)
        mine.list_keys()
        mine.list_keys()
        assert (px.stats.hits, px.stats.unmapped) == (0, 2)  # not mapped yet: not cached
        boto3.client("sts", **where, **base).get_caller_identity()
        role = "arn:aws:iam::200000000009:role/audit"
        creds = boto3.client("sts", **where, **base).assume_role(
            RoleArn=role, RoleSessionName="smoke"
        )["Credentials"]
        theirs = boto3.client(
            "kms",
            **where,
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
        key = theirs.create_key()["KeyMetadata"]["KeyId"]  # a write: clears the cache
        own = sorted(k["KeyId"] for k in mine.list_keys()["Keys"])
        assert key not in own and len(own) >= 6
        assert [k["KeyId"] for k in theirs.list_keys()["Keys"]] == [key]
        hits = px.stats.hits
        # The same request again, from each account: each gets its own cached answer.
        assert [k["KeyId"] for k in theirs.list_keys()["Keys"]] == [key]
        assert sorted(k["KeyId"] for k in mine.list_keys()["Keys"]) == own
        assert px.stats.hits == hits + 2
        assert px.accounts[creds["AccessKeyId"]] == "200000000009"
        assert px.accounts["testing"] == "123456789012"
    finally:
        px.stopping.set()
        px.shutdown()
        px.server_close()


def test_proxy_refuses_a_non_loopback_upstream() -> None:
    with pytest.raises(ValueError):
        proxy.DelayProxy("http://10.0.0.1:5000")


def test_regionready_scan_through_the_proxy(seeded: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "scan"
    out.mkdir()
    cmd = [lib.PYTHON, str(BENCH / "rr_scan.py"), "scan", "--source", "me-central-1"]
    cmd += ["--target", "eu-central-1", "--services", SERVICES, "--out", str(out)]
    cmd += ["--format", "json", "--quiet", "--allow-incomplete"]
    measured = lib.run_measured(cmd, env=lib.scan_env(seeded["proxy"]), cwd=out, timeout=120)
    assert measured.returncode == 1, measured.stderr  # findings at or above high
    assert measured.max_rss_mib > 0 and measured.seconds > 0
    flagged = compare.regionready_flagged(
        out / "regionready.json", out / "snapshot", "eu-central-1"
    )
    for rule, planted in seeded["plan"]["expected"].items():
        assert set(planted) <= set(flagged[rule]), rule
    rows = compare.compare(flagged, flagged, seeded["plan"]["expected"])
    assert all(row["same"] for row in rows.values())


def test_org_bench_two_accounts(tmp_path: Path) -> None:
    """org_bench.py end to end at 2 accounts, regionready only (no c7n-org install):
    raw results and the RESULTS.md section well formed, the other sections kept."""
    out, results = tmp_path / "org_results.json", tmp_path / "RESULTS.md"
    results.write_text(
        "# Benchmark results\n\n## Organisation scale (old)\n\nold\n\n## IaC: one\n\nkept\n"
    )
    cmd = [sys.executable, str(BENCH / "org_bench.py"), "--sizes", "2", "--skip", "c7n"]
    cmd += ["--runs", "1", "--no-warmup", "--delay", "0", "--services", SERVICES]
    cmd += ["--json", str(out), "--results", str(results)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads(out.read_text())
    assert data["seed"]["accounts"] == 2 and data["settings"]["sizes"] == [2]
    size = data["sizes"]["2"]
    rr = size["regionready"]
    assert len(rr["runs"]) == 1 and rr["median_seconds"] > 0 and rr["peak_rss_mib"] > 0
    assert rr["api_calls"] > 0 and rr["runs"][0]["unmapped_reads"] == 0
    assert set(size["overlap"]) == set(compare.OVERLAP) and "c7n-org" not in size
    for rule, row in size["overlap"].items():
        assert row["planted"] >= 1, rule  # the first account has one of each
        assert row["planted_missed_by_regionready"] == [], rule
    assert [t["met"] for t in data["targets"]] == [None, None]  # no c7n-org, one size
    text = results.read_text()
    assert text.count("## Organisation scale") == 1 and "\nold\n" not in text
    assert "| accounts | regionready wall (s) | six checks (--only) wall (s) |" in text
    assert text.startswith("# Benchmark results") and text.rstrip().endswith("kept")


def test_org_floor_measures_botocore_and_writes_its_section(tmp_path: Path) -> None:
    """org_floor.py: botocore's CPU per client and per call measured, the floor of each
    size computed from them and org_bench's counts, its RESULTS.md section written."""
    bench = {
        "machine": {"cores": 2},
        "sizes": {
            "10": {
                "c7n-org": {"median_seconds": 6.0, "api_calls": 820},
                "regionready-overlap": {"median_seconds": 4.0, "api_calls": 1720},
            }
        },
    }
    source, out, results = tmp_path / "org.json", tmp_path / "floor.json", tmp_path / "R.md"
    source.write_text(json.dumps(bench))
    results.write_text("# Benchmark results\n\n## Organisation scale (x)\n\nkept\n")
    cmd = [sys.executable, str(BENCH / "org_floor.py"), "--rounds", "10"]
    cmd += ["--json", str(source), "--out", str(out), "--results", str(results)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(out.read_text())
    per_client, per_call = report["cpu_ms_per_client"], report["cpu_ms_per_call_mean"]
    assert per_client > 0 and per_call > 0 and len(report["cpu_ms_per_call"]) == 4
    [row] = report["floors"]
    assert row["target_seconds"] == 2.0 and row["accounts"] == 10
    expected = (10 * 9 * per_client + 1720 * per_call) / 1000 / 2
    assert abs(row["floor_seconds"] - expected) < 0.15
    assert row["floor_with_c7n_calls_seconds"] < row["floor_seconds"]
    text = results.read_text()
    assert "\nkept\n" in text and text.count("## Organisation floor") == 1
    assert "| 10 | 6.0 | 2.0 | 4.0 |" in text


def test_chain_of_dependent_calls(seeded: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "chain.json"
    cmd = [lib.PYTHON, str(BENCH / "chain.py"), seeded["proxy"], "--services", "acm,kms"]
    measured = lib.run_measured([*cmd, "--out", str(out)], env=lib.scan_env(), timeout=120)
    assert measured.returncode == 0, measured.stderr
    data = json.loads(out.read_text())
    assert set(data["tasks"]) == {
        "acm@me-central-1",
        "acm@eu-central-1",
        "kms@me-central-1",
        "kms@eu-central-1",
    }
    # ListCertificates -> DescribeCertificate at least; +1 for sts:GetCallerIdentity.
    assert data["chain"] >= 3
    acm = data["tasks"]["acm@eu-central-1"]
    assert acm["ops"]["acm:DescribeCertificate"] > acm["ops"]["acm:ListCertificates"]
    assert acm["calls"] == acm["api_calls"] and acm["items"] > 0


def test_synthetic_snapshot_and_engine_workers(tmp_path: Path) -> None:
    snap = tmp_path / "synthetic"
    made = synth.write(snap, 400)
    assert made["resources"] >= 400 and made["files"] >= 4
    parse = engine_bench.worker(snap, "parse")
    assert parse["files"] == made["files"] and parse["parse"] >= 0
    result = engine_bench.run(snap, "engine")
    assert result["rule_count"] > 50
    assert result["results"] > 0 and result["child_max_rss_mib"] > 0
    assert "ERROR" not in result["statuses"], result["statuses"]
    assert {"PASS", "FAIL", "NOT_APPLICABLE"} <= set(result["statuses"])
    # the floor phase remakes the same results (it raises if a fingerprint differs)
    floor = engine_bench.worker(snap, "floor")
    assert floor["results"] == result["results"] and floor["materialise"] > 0


def test_reporters_bench_renders_every_format() -> None:
    data = reporters_bench.measure(150, repeat=1)
    assert data["results"] == 150
    assert {"json", "sarif", "junit", "markdown"} <= set(data["formats"])
    assert all(f["bytes"] > 0 for f in data["formats"].values())
    assert data["ratio"] > 0


def test_c7n_policies_cover_the_overlap() -> None:
    policies = yaml.safe_load(peers.C7N_POLICIES.read_text())["policies"]
    names = {p["name"] for p in policies}
    assert names == {spec["policy"] for spec in compare.OVERLAP.values()}
    for policy in policies:
        regions = [c["value"] for c in policy["conditions"] if c.get("key") == "region"]
        assert regions in (["me-central-1"], ["eu-central-1"]), policy["name"]


def test_peer_output_parsers(tmp_path: Path) -> None:
    c7n_out = tmp_path / "c7n"
    (c7n_out / "eu-central-1" / "wafv2-without-logging").mkdir(parents=True)
    (c7n_out / "eu-central-1" / "wafv2-without-logging" / "resources.json").write_text(
        json.dumps([{"ARN": "arn:aws:wafv2:eu-central-1:1:regional/webacl/a/1"}])
    )
    ids = compare.c7n_ids(peers.c7n_flagged(c7n_out))
    assert ids["WAF-007"] == ["arn:aws:wafv2:eu-central-1:1:regional/webacl/a/1"]
    assert ids["ACM-003"] == []
    prowler_out = tmp_path / "prowler"
    prowler_out.mkdir()
    (prowler_out / "prowler.ocsf.json").write_text(
        json.dumps(
            [
                {
                    "metadata": {"event_code": "kms_cmk_rotation_enabled"},
                    "status_code": "FAIL",
                    "resources": [{"uid": "arn:aws:kms:eu-central-1:1:key/k"}],
                },
                {"metadata": {"event_code": "kms_cmk_rotation_enabled"}, "status_code": "PASS"},
            ]
        )
    )
    found = peers.prowler_findings(prowler_out)
    assert found["kms_cmk_rotation_enabled"]["FAIL"] == ["arn:aws:kms:eu-central-1:1:key/k"]
    assert found["kms_cmk_rotation_enabled"]["PASS"] == 1


def test_results_markdown_is_written(tmp_path: Path) -> None:
    results = {
        "command": "python benchmarks/run.py --quick",
        "started": "2026-11-23T00:00:00Z",
        "seconds": 1.0,
        "machine": lib.machine(),
        "versions": {"regionready": "0.1.0"},
        "settings": {
            "runs": 1,
            "delay_ms": 30.0,
            "proxy_cache": True,
            "warmup": True,
            "sizes": {"certs": 1, "keys": 1, "web_acls": 1, "secrets": 1, "demo": False},
        },
        "ratios": {"scan_vs_c7n": 0.5, "reporters": 1.5},
        "reporters": {
            "results": 10,
            "formats": {"json": {"seconds": 0.1, "bytes": 10}},
            "all_formats_seconds": 0.15,
            "json_seconds": 0.1,
            "ratio": 1.5,
        },
    }
    path = tmp_path / "RESULTS.md"
    report.write_results(results, path, {"scan_vs_c7n": 1 / 3, "reporters": 2.0})
    text = path.read_text()
    assert text.startswith("# Benchmark results")
    assert "| regionready scan / c7n wall time | 0.50 | <= 0.33 | **not met** |" in text
    assert "## 6. Reporters" in text and "## Machine" in text


def test_tricks_measures_every_variant_of_evaluate(tmp_path: Path) -> None:
    """tricks.py end to end on a tiny snapshot: BEFORE's modules load, each variant runs
    and writes the same report; the table has a row per trick measured in evaluate."""
    out = tmp_path / "tricks.json"
    command = [sys.executable, str(BENCH / "tricks.py"), "--quick", "--only", "evaluate"]
    done = subprocess.run(
        [*command, "--resources", "300", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads(out.read_text())
    evaluate = data["commands"]["evaluate"]
    assert set(tricks.COMMANDS["evaluate"]) <= set(evaluate)
    assert evaluate["same_report_bytes"] is True
    measured = {row["trick"] for row in data["table"] if "evaluate" in row["commands"]}
    assert measured == {
        trick for trick, _, _, without in tricks.TRICKS if without in ("-jsonout", "-limits")
    }


def test_results_markdown_has_the_tricks_table(tmp_path: Path) -> None:
    runs = {"runs": [], "median_seconds": 10.0, "median_rss_mib": 80.0}
    commands = {
        "scan": {v: dict(runs) for v in tricks.COMMANDS["scan"]},
        "evaluate": {v: dict(runs) for v in tricks.COMMANDS["evaluate"]},
    }
    commands["scan"]["-processes"] = dict(runs, median_seconds=20.0)  # saves 50 %
    data: dict[str, Any] = {
        "command": "python benchmarks/tricks.py",
        "started": "2026-12-04T00:00:00Z",
        "seconds": 1.0,
        "before": tricks.BEFORE,
        "runs": 1,
        "niceness": 10,
        "machine": lib.machine(),
        "commands": commands,
    }
    data["table"] = tricks.table(data)
    (tmp_path / "tricks.json").write_text(json.dumps(data))
    path = tmp_path / "RESULTS.md"
    path.write_text("old\n\n## IaC: one large template (benchmarks/iac_bench.py)\n\nkept\n")
    results = {
        "command": "python benchmarks/run.py --quick",
        "started": "2026-11-23T00:00:00Z",
        "machine": lib.machine(),
        "settings": {
            "runs": 1,
            "delay_ms": 30.0,
            "proxy_cache": True,
            "warmup": True,
            "sizes": {"certs": 1, "keys": 1, "web_acls": 1, "secrets": 1, "demo": False},
        },
        "ratios": {"rss_vs_c7n": 0.9, "engine_vs_parse": 7.0},
    }
    report.write_results(results, path, {})
    text = path.read_text()
    assert "| evaluate / json.load, 100k resources | 7.00 | ~~<= 3~~ | withdrawn (issue 15) |" in (
        text
    )
    assert "## Speed tricks" in text
    kept = [line for line in text.splitlines() if "**kept**" in line]
    assert len(kept) == 1 and "forked collection workers" in kept[0] and "+50 %" in kept[0]
    assert text.count("| engine: ") == len(report.ENGINE_ROWS) == 3
    assert text.rstrip().endswith("## IaC: one large template (benchmarks/iac_bench.py)\n\nkept")
