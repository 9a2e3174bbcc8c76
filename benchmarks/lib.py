"""Shared helpers: child processes measured with wait4, the seeded server, the proxy."""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable


def scan_env(endpoint: str | None = None, **extra: str) -> dict[str, str]:
    """A clean AWS environment: fake credentials, no profile or config file, the endpoint."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "REGIONREADY_BENCH_"))}
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_SESSION_TOKEN="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if endpoint:
        env["AWS_ENDPOINT_URL"] = endpoint
    env.update(extra)
    return env


@dataclass
class Measured:
    seconds: float
    max_rss_mib: float
    returncode: int
    stdout: str = ""
    stderr: str = ""
    #: user + system CPU of the child and of the children it waited for
    cpu_seconds: float = 0.0


def run_measured(
    cmd: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 1800.0,
) -> Measured:
    """Run ``cmd``; wall time, CPU time and the peak RSS of the child (os.wait4's
    rusage)."""
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"rr-bench-{os.getpid()}-{time.time_ns()}"
    with open(f"{out_path}.out", "w+") as out, open(f"{out_path}.err", "w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=err)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = Measured(
            seconds,
            usage.ru_maxrss / 1024,
            proc.returncode,
            out.read(),
            err.read(),
            cpu_seconds=usage.ru_utime + usage.ru_stime,
        )
    for suffix in (".out", ".err"):
        Path(f"{out_path}{suffix}").unlink(missing_ok=True)
    return result


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


@dataclass
class Service:
    """A long-running child (moto server or proxy) that prints one JSON line when ready."""

    proc: subprocess.Popen[str]
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def endpoint(self) -> str:
        return str(self.info["endpoint"])

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                if self.proc.stdin:
                    self.proc.stdin.close()
            except OSError:
                pass
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_service(cmd: Sequence[str], *, env: dict[str, str], timeout: float = 900.0) -> Service:
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
    finally:
        timer.cancel()
    if not line:
        err = proc.stderr.read() if proc.stderr else ""
        proc.wait()
        raise RuntimeError(f"{cmd[1]} did not start:\n{err[-3000:]}")
    # Drain stderr so the child never blocks on a full pipe.
    threading.Thread(target=lambda: proc.stderr and proc.stderr.read(), daemon=True).start()
    return Service(proc, json.loads(line))


def start_moto(
    plan_path: Path,
    *,
    certs: int = 1000,
    keys: int = 300,
    web_acls: int = 20,
    secrets: int = 100,
    demo: bool = True,
) -> Service:
    cmd = [
        PYTHON,
        str(HERE / "seed.py"),
        "--plan",
        str(plan_path),
        "--certs",
        str(certs),
        "--keys",
        str(keys),
        "--web-acls",
        str(web_acls),
        "--secrets",
        str(secrets),
    ]
    if not demo:
        cmd.append("--no-demo")
    return start_service(cmd, env=scan_env())


def serve_until_released(server: Any, max_seconds: float) -> None:
    """Keep the started ``server`` (moto's ThreadedMotoServer) serving until the first of:

    * its standard input reaches end of file (the parent closed the pipe, as
      ``Service.stop`` does): the whole process exits at once with status 0 through
      ``os._exit`` (``server.stop()`` is not called, nothing is cleaned up);
    * the parent process exits (this process is re-parented; polled every 0.5 s);
    * ``max_seconds`` pass from this call (polled every 0.5 s).

    In the last two cases ``server.stop()`` is called and the function returns."""
    parent = os.getppid()
    deadline = time.monotonic() + max_seconds

    def stdin_closed() -> None:
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=stdin_closed, daemon=True).start()
    while time.monotonic() < deadline and os.getppid() == parent:
        time.sleep(0.5)
    server.stop()


def start_proxy(
    upstream: str, delay: float, *, cache: bool = True, max_seconds: float = 7200.0
) -> Service:
    cmd = [
        PYTHON,
        str(HERE / "proxy.py"),
        "--upstream",
        upstream,
        "--delay",
        str(delay),
        "--max-seconds",
        str(max_seconds),
    ]
    if cache:
        cmd.append("--cache")
    return start_service(cmd, env=scan_env(), timeout=60)


def machine() -> dict[str, Any]:
    """CPU, cores, memory, OS, Python: what RESULTS.md records."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kib = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def self_max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
