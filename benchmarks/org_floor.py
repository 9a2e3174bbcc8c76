"""The least CPU an organisation scan can cost on this machine: botocore's own work per
client made and per call, measured with no regionready code in the way, and what that
means for the wall-time target of org_bench.py (at most 1/3 of c7n-org's).

One member account is seeded (org_seed.py) behind the proxy (no delay, read cache on, so
the server's work stays out of it). In this process, one thread, CPU time
(``time.process_time``):

* a client: a boto3 Session with an account's assumed-role keys and a shared botocore
  data loader (as regionready makes them), then ``session.client(service, region)``;
* a call: ``DescribeKey``, ``DescribeCertificate``, ``GetWebACL`` and
  ``DescribeSecret`` on one client, each answered from the proxy's cache.

The floor of a scan's wall time is then (clients x CPU per client + calls x CPU per
call) / cores, for the calls and clients org_bench.py counted, as if nothing else ran
(no judging, no reports, no proxy or server, every core busy all the time). Usage:
``python benchmarks/org_floor.py`` after ``org_bench.py`` (reads org_results.json, writes
org_floor.json and the "Organisation floor" section of RESULTS.md).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import boto3
import botocore.session

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import lib  # noqa: E402
from org_bench import write_section  # noqa: E402
from org_seed import ROLE, TARGET, account_ids  # noqa: E402

SECTION = "## Organisation floor (benchmarks/org_floor.py)"

SERVICES = ("acm", "kms", "wafv2", "secretsmanager")


def _assumed(endpoint: str, account: str) -> dict[str, str]:
    sts = boto3.client("sts", endpoint_url=endpoint, region_name=TARGET)
    arn = f"arn:aws:iam::{account}:role/{ROLE}"
    creds = sts.assume_role(RoleArn=arn, RoleSessionName="floor")["Credentials"]
    return {
        "aws_access_key_id": creds["AccessKeyId"],
        "aws_secret_access_key": creds["SecretAccessKey"],
        "aws_session_token": creds["SessionToken"],
    }


def client_cpu(endpoint: str, keys: dict[str, str], rounds: int) -> float:
    """CPU seconds per client, as regionready makes an account's clients."""
    loader = botocore.session.get_session().get_component("data_loader")
    for service in SERVICES:  # models parsed once, as in a long scan
        boto3.Session(**keys).client(service, region_name=TARGET, endpoint_url=endpoint)
    started = time.process_time()
    for _ in range(rounds):
        core = botocore.session.get_session()
        core.register_component("data_loader", loader)
        session = boto3.Session(**keys, botocore_session=core)
        for service in SERVICES:
            session.client(service, region_name=TARGET, endpoint_url=endpoint)
    return (time.process_time() - started) / (rounds * len(SERVICES))


def _calls(endpoint: str, keys: dict[str, str]) -> list[tuple[Any, str, dict[str, Any]]]:
    session = boto3.Session(**keys)

    def make(service: str) -> Any:
        return session.client(service, region_name=TARGET, endpoint_url=endpoint)

    kms, acm, waf, sm = make("kms"), make("acm"), make("wafv2"), make("secretsmanager")
    key = kms.list_keys()["Keys"][0]["KeyId"]
    cert = acm.list_certificates()["CertificateSummaryList"][0]["CertificateArn"]
    acl = waf.list_web_acls(Scope="REGIONAL")["WebACLs"][0]
    secret = sm.list_secrets()["SecretList"][0]["ARN"]
    return [
        (kms, "describe_key", {"KeyId": key}),
        (acm, "describe_certificate", {"CertificateArn": cert}),
        (waf, "get_web_acl", {"Name": acl["Name"], "Id": acl["Id"], "Scope": "REGIONAL"}),
        (sm, "describe_secret", {"SecretId": secret}),
    ]


def call_cpu(endpoint: str, keys: dict[str, str], rounds: int) -> dict[str, float]:
    """CPU seconds per call of each kind (after one uncounted call fills the cache)."""
    found: dict[str, float] = {}
    for client, operation, params in _calls(endpoint, keys):
        method = getattr(client, operation)
        method(**params)
        started = time.process_time()
        for _ in range(rounds):
            method(**params)
        found[operation] = (time.process_time() - started) / rounds
    return found


def floors(results: dict[str, Any], per_client: float, per_call: float) -> list[dict[str, Any]]:
    cores = results["machine"]["cores"]
    rows = []
    for size, entry in sorted(results["sizes"].items(), key=lambda kv: int(kv[0])):
        c7n = entry.get("c7n-org", {}).get("median_seconds")
        rr = entry.get("regionready-overlap", {})
        if not c7n or not rr:
            continue
        accounts = int(size)
        calls = rr["api_calls"]
        c7n_calls = entry["c7n-org"]["api_calls"]
        # Per account at least: one STS client for the account check, one client a
        # service and Region (regionready makes a few more: ACM PCA, CloudFront's WAF).
        clients = accounts * (1 + len(SERVICES) * 2)
        floor = (clients * per_client + calls * per_call) / cores
        same_calls = (clients * per_client + c7n_calls * per_call) / cores
        rows.append(
            {
                "accounts": accounts,
                "c7n_org_seconds": c7n,
                "target_seconds": round(c7n / 3, 1),
                "regionready_seconds": rr.get("median_seconds"),
                "floor_seconds": round(floor, 1),
                "floor_with_c7n_calls_seconds": round(same_calls, 1),
            }
        )
    return rows


def markdown(report: dict[str, Any]) -> list[str]:
    lines = [
        SECTION,
        "",
        f"Generated by `python benchmarks/org_floor.py` from {report['from']}. botocore's own "
        f"CPU on this machine, one thread: {report['cpu_ms_per_client']} ms a client (a "
        "boto3 Session with assumed-role keys and a shared data loader, then the client), "
        f"{report['cpu_ms_per_call_mean']} ms a call (mean of "
        + ", ".join(f"{k} {v}" for k, v in report["cpu_ms_per_call"].items())
        + "; answered from the proxy's cache). The floor is (clients x CPU a client + "
        "calls x CPU a call) / cores for org_bench.py's six checks (--only) run: what "
        "collection alone would take if it did nothing but botocore's work on every core "
        "all the time, with no judging, no reports, no proxy and no server sharing the "
        "cores. 'With c7n-org's calls': the same, with c7n-org's count of calls.",
        "",
        "| accounts | c7n-org (s) | target, 1/3 of it (s) | regionready (s) | floor (s) "
        "| floor with c7n-org's calls (s) |",
        "|---|---|---|---|---|---|",
    ]
    for row in report["floors"]:
        lines.append(
            f"| {row['accounts']} | {row['c7n_org_seconds']:.1f} | {row['target_seconds']} "
            f"| {row['regionready_seconds']:.1f} | {row['floor_seconds']} "
            f"| {row['floor_with_c7n_calls_seconds']} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200, help="calls of each kind")
    parser.add_argument("--json", type=Path, default=HERE / "org_results.json")
    parser.add_argument("--out", type=Path, default=HERE / "org_floor.json")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    results = json.loads(args.json.read_text("utf-8"))
    os.environ.clear()
    os.environ.update(lib.scan_env())  # fake keys, no profile: as the scanners are run
    cmd = [lib.PYTHON, str(HERE / "org_seed.py"), "--accounts", "1", "--max-seconds", "900"]
    server = lib.start_service(cmd, env=lib.scan_env(), timeout=300)
    proxy = lib.start_proxy(server.endpoint, 0.0, max_seconds=900)
    try:
        keys = _assumed(proxy.endpoint, account_ids(1)[0])
        per_client = client_cpu(proxy.endpoint, keys, max(1, args.rounds // 10))
        per_call = call_cpu(proxy.endpoint, keys, args.rounds)
    finally:
        proxy.stop()
        server.stop()
    mean_call = statistics.mean(per_call.values())
    report = {
        "cpu_ms_per_client": round(per_client * 1000, 2),
        "cpu_ms_per_call": {k: round(v * 1000, 2) for k, v in per_call.items()},
        "cpu_ms_per_call_mean": round(mean_call * 1000, 2),
        "floors": floors(results, per_client, mean_call),
        "from": str(args.json.name),
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    write_section(args.results, markdown(report), SECTION)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
