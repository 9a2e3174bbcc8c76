"""Wall time of ``regionready scan`` against an endpoint that refuses connections.

A dead endpoint must fail fast and say so (issue 21): the scan's first call,
sts:GetCallerIdentity, is made once with short timeouts, and its failure is one line
naming the endpoint and the reason. This script measures how long that takes, end to end
(interpreter start-up, rule loading and the Region check included), as a benchmark line
rather than a timed test::

    python benchmarks/refused_endpoint.py            # 3 runs, the median
    python benchmarks/refused_endpoint.py --runs 5

The endpoint is a port on 127.0.0.1 that was bound and closed again, so nothing listens
there and every connection is refused at once. Credentials are fake and no AWS
configuration of this machine is read; nothing leaves it.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def closed_port() -> int:
    """A local port nothing listens on (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "REGIONREADY_"))
    }
    env.update(
        AWS_ACCESS_KEY_ID="benchmark",
        AWS_SECRET_ACCESS_KEY="benchmark",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    return env


def one_run(url: str, out: str) -> tuple[float, int, str]:
    argv = [
        sys.executable,
        "-m",
        "regionready",
        "scan",
        "--source",
        "me-central-1",
        "--target",
        "eu-central-1",
        "--services",
        "kms",
        "--endpoint-url",
        url,
        "--format",
        "json",
        "--out",
        out,
    ]
    started = time.perf_counter()
    done = subprocess.run(
        argv, env=environment(), capture_output=True, text=True, timeout=900, check=False
    )
    elapsed = time.perf_counter() - started
    last = (done.stderr.strip().splitlines() or [""])[-1]
    return elapsed, done.returncode, last


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=3, help="runs to take the median of")
    args = parser.parse_args(argv)
    url = f"http://127.0.0.1:{closed_port()}"
    times: list[float] = []
    with tempfile.TemporaryDirectory(prefix="rr-refused-") as out:
        for _ in range(max(1, args.runs)):
            elapsed, code, line = one_run(url, out)
            times.append(elapsed)
    print(f"endpoint: {url} (nothing listens)")
    print(f"exit {code}: {line}")
    print(
        f"refused endpoint: scan ends in {statistics.median(times):.2f} s "
        f"(median of {len(times)}; min {min(times):.2f} s, max {max(times):.2f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
