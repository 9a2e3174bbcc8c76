"""A delaying HTTP proxy on 127.0.0.1: every request waits ``delay`` seconds, then goes on.

It stands between a scanner and a moto server so that each AWS API call costs a round
trip, as on AWS (moto on loopback answers in about a millisecond; AWS from the same
continent in tens of milliseconds). regionready, Cloud Custodian and Prowler reach it the
same way, through ``AWS_ENDPOINT_URL`` (boto3 >= 1.28 honours it for every client).

Stdlib only (``http.server`` + ``http.client``): a thread per client connection, HTTP/1.1
keep-alive on both sides, one upstream connection per proxy thread. It counts requests by
(service, Region, operation), read from the SigV4 credential scope and ``X-Amz-Target``
or the query ``Action``, so API calls can be counted for tools that do not report them.

Response cache (``--cache``, on in the benchmark): moto serves one request at a time
per core in Python (8-12 ms of CPU each), so an unaided moto server caps any scanner at
about 100 calls a second and a benchmark would measure moto, not the scanner. AWS has
no such ceiling: its latency is roughly constant under load. With the cache, the answer
to a *read* request (List*, Describe*, Get*, Lookup*, Search*, BatchGet*, or a REST GET)
is kept after its first trip to moto, keyed by method, path, operation, Region and body
(never by the signature, date or invocation-id headers, which change every time), and
later identical requests are answered from memory after the same ``delay``. Scans do not
change the account, so a warmed cache answers exactly what moto would. Write requests
always go to moto and clear the cache.

The cache is keyed by the *account* too: moto keeps one state per account, and two
accounts' identical reads (an organisation scan makes nothing else) have different
answers. The account of a request is that of its access key (``Credential=<AccessKeyId>/``
in the Authorization header), which the proxy learns from the STS answers it forwards:
AssumeRole* (the new key's AccessKeyId and the account of its AssumedRoleUser ARN) and
GetCallerIdentity (the caller's key and the Account answered). A read whose key it
has not learned is forwarded and not cached (``unmapped_reads`` in the stats). STS calls
are never cached (each AssumeRole makes new credentials) and, changing no resource, do
not clear the cache.

Bounded and self-stopping: it listens on 127.0.0.1 only, forwards only to the upstream
given (a loopback address), and shuts down after ``max_requests`` requests, after
``max_seconds``, when the process that started it exits, or on ``POST /__proxy__/stop``.
``GET /__proxy__/stats`` returns the counters as JSON; ``POST /__proxy__/reset`` zeroes
them.

Run alone::

    python benchmarks/proxy.py --upstream http://127.0.0.1:5000 --delay 0.03 --port 0

prints ``{"endpoint": "http://127.0.0.1:PORT"}`` on its first line of stdout.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import os
import re
import sys
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CONTROL = "/__proxy__/"
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
}
_SCOPE_RE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")
_KEY_RE = re.compile(r"Credential=([^/,\s]+)/")
# STS answers: XML (query protocol) or JSON, whichever the client asked for.
_ANSWER_KEY_RE = re.compile(rb'<AccessKeyId>([^<]+)</AccessKeyId>|"AccessKeyId"\s*:\s*"([^"]+)"')
_ANSWER_ROLE_RE = re.compile(rb"arn:aws[a-z-]*:sts::(\d{12}):(?:assumed-role|federated-user)/")
_ANSWER_ACCOUNT_RE = re.compile(rb'<Account>(\d{12})</Account>|"Account"\s*:\s*"(\d{12})"')


def classify(headers: Any, path: str, body: bytes, method: str) -> tuple[str, str, str]:
    """(service, Region, operation) of a signed AWS request, as far as it can be told."""
    match = _SCOPE_RE.search(headers.get("Authorization", "") or "")
    region, service = (match.group(1), match.group(2)) if match else ("?", "?")
    target = headers.get("X-Amz-Target")
    if target:
        return service, region, target.rsplit(".", 1)[-1]
    query = urllib.parse.urlsplit(path).query
    for text in (query, body[:4096].decode("latin-1") if body else ""):
        found = urllib.parse.parse_qs(text).get("Action")
        if found:
            return service, region, found[0]
    # REST protocols: the method and the first two path segments name the operation.
    parts = [p for p in urllib.parse.urlsplit(path).path.split("/") if p][:2]
    return service, region, f"{method} /{'/'.join(parts)}"


READ_PREFIXES = ("List", "Describe", "Get", "Lookup", "Search", "BatchGet")


def access_key(headers: Any) -> str | None:
    """The AccessKeyId a request is signed with (SigV4 Authorization header)."""
    match = _KEY_RE.search(headers.get("Authorization", "") or "")
    return match.group(1) if match else None


def learned_account(operation: str, key: str | None, body: bytes) -> tuple[str, str] | None:
    """(access key, account) an STS answer tells: AssumeRole* -> the new credentials'
    key and the account of the assumed role; GetCallerIdentity -> the caller's key and
    its account."""
    if operation.startswith("AssumeRole"):
        found_key = _ANSWER_KEY_RE.search(body)
        found_account = _ANSWER_ROLE_RE.search(body)
        if found_key and found_account:
            new_key = (found_key.group(1) or found_key.group(2)).decode().strip()
            return new_key, found_account.group(1).decode()
        return None
    if operation == "GetCallerIdentity" and key:
        found = _ANSWER_ACCOUNT_RE.search(body)
        if found:
            return key, (found.group(1) or found.group(2)).decode()
    return None


def cacheable(method: str, operation: str) -> bool:
    if method == "GET":
        return True
    return method == "POST" and operation.startswith(READ_PREFIXES)


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: Counter[tuple[str, str, str]] = Counter()
        self.total = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.hits = 0
        self.unmapped = 0
        self.started = time.monotonic()

    def begin(self, key: tuple[str, str, str]) -> int:
        with self.lock:
            self.counts[key] += 1
            self.total += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            return self.total

    def end(self) -> None:
        with self.lock:
            self.in_flight -= 1

    def reset(self) -> None:
        with self.lock:
            self.counts.clear()
            self.total = 0
            self.hits = 0
            self.unmapped = 0
            self.max_in_flight = self.in_flight
            self.started = time.monotonic()

    def as_dict(self) -> dict[str, Any]:
        with self.lock:
            by_service: Counter[str] = Counter()
            for (service, _, _), n in self.counts.items():
                by_service[service] += n
            return {
                "total": self.total,
                "cache_hits": self.hits,
                "unmapped_reads": self.unmapped,
                "max_in_flight": self.max_in_flight,
                "seconds": round(time.monotonic() - self.started, 3),
                "by_service": dict(sorted(by_service.items())),
                "calls": [
                    {"service": s, "region": r, "operation": o, "count": n}
                    for (s, r, o), n in sorted(self.counts.items())
                ],
            }


class DelayProxy(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(
        self,
        upstream: str,
        *,
        delay: float = 0.03,
        port: int = 0,
        max_requests: int = 1_000_000,
        max_seconds: float = 3600.0,
        watch_pid: int | None = None,
        cache: bool = False,
    ) -> None:
        parsed = urllib.parse.urlsplit(upstream)
        host = parsed.hostname or ""
        if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"upstream must be a loopback address, not {host!r}")
        self.upstream_host = host
        self.upstream_port = parsed.port or 80
        self.delay = delay
        self.max_requests = max_requests
        self.max_seconds = max_seconds
        self.watch_pid = watch_pid
        self.stats = Stats()
        self.cache_enabled = cache
        self.cache: dict[tuple[Any, ...], tuple[int, str, list[tuple[str, str]], bytes]] = {}
        self.cache_lock = threading.Lock()
        #: access key -> account, learned from the STS answers forwarded (see the module
        #: docstring); kept across stats resets, as the keys stay valid.
        self.accounts: dict[str, str] = {}
        self.stopping = threading.Event()
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def endpoint(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def stop_soon(self) -> None:
        if not self.stopping.is_set():
            self.stopping.set()
            threading.Thread(target=self.shutdown, daemon=True).start()

    def _watchdog(self) -> None:
        deadline = time.monotonic() + self.max_seconds
        while not self.stopping.wait(0.5):
            parent_gone = self.watch_pid is not None and not _alive(self.watch_pid)
            if time.monotonic() > deadline or parent_gone:
                self.stop_soon()

    def start(self) -> DelayProxy:
        """Serve in background threads (for use inside another program)."""
        threading.Thread(target=self.serve_forever, daemon=True).start()
        threading.Thread(target=self._watchdog, daemon=True).start()
        return self

    def run(self) -> None:
        threading.Thread(target=self._watchdog, daemon=True).start()
        try:
            self.serve_forever()
        finally:
            self.server_close()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes: without TCP_NODELAY, Nagle's algorithm and
    # the client's delayed ACK add ~40 ms to every response.
    disable_nagle_algorithm = True
    server: DelayProxy

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is not None:
            return self.rfile.read(int(length))
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return b""

    def _reply(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _control(self, method: str) -> None:
        action = self.path[len(CONTROL) :]
        if action == "stats" and method == "GET":
            self._reply(200, json.dumps(self.server.stats.as_dict()).encode())
        elif action == "reset" and method == "POST":
            self.server.stats.reset()
            self._reply(200, b"{}")
        elif action == "stop" and method == "POST":
            self._reply(200, b"{}")
            self.server.stop_soon()
        else:
            self._reply(404, b"{}")

    def _upstream(self) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(self, "_conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(
                self.server.upstream_host, self.server.upstream_port, timeout=120
            )
            self._conn = conn
        return conn

    def _forward(self) -> None:
        method = self.command
        if self.path.startswith(CONTROL):
            self._body()
            self._control(method)
            return
        body = self._body()
        server = self.server
        kind = classify(self.headers, self.path, body, method)
        number = server.stats.begin(kind)
        try:
            if number > server.max_requests:
                self._reply(503, b'{"message": "delay proxy: request budget spent"}')
                server.stop_soon()
                return
            if server.delay > 0:
                time.sleep(server.delay)
            key = None
            signer = access_key(self.headers)
            sts = kind[0] == "sts"
            if server.cache_enabled and not sts:
                if cacheable(method, kind[2]):
                    with server.cache_lock:
                        account = server.accounts.get(signer) if signer else None
                    if account is None:
                        with server.stats.lock:
                            server.stats.unmapped += 1
                    else:
                        target = self.headers.get("X-Amz-Target")
                        key = (account, method, self.path, kind, target, body)
                        with server.cache_lock:
                            found = server.cache.get(key)
                        if found is not None:
                            with server.stats.lock:
                                server.stats.hits += 1
                            self._send(*found, method)
                            return
                else:
                    with server.cache_lock:
                        server.cache.clear()
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            headers["Content-Length"] = str(len(body))
            for attempt in (1, 2):
                conn = self._upstream()
                try:
                    conn.request(method, self.path, body=body, headers=headers)
                    response = conn.getresponse()
                    data = response.read()
                    break
                except (ConnectionError, http.client.HTTPException, OSError):
                    conn.close()
                    self._conn = None
                    if attempt == 2:
                        raise
            kept = [
                (k, v)
                for k, v in response.getheaders()
                if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"
            ]
            answer = (response.status, response.reason, kept, data)
            if sts and response.status == 200:
                learned = learned_account(kind[2], signer, data)
                if learned is not None:
                    with server.cache_lock:
                        server.accounts[learned[0]] = learned[1]
            if key is not None and response.status == 200:
                with server.cache_lock:
                    server.cache[key] = answer
            self._send(*answer, method)
        finally:
            server.stats.end()

    def _send(
        self, status: int, reason: str, headers: list[tuple[str, str]], data: bytes, method: str
    ) -> None:
        self.send_response(status, reason)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _forward

    def finish(self) -> None:
        conn = getattr(self, "_conn", None)
        if conn is not None:
            conn.close()
        super().finish()


def control(endpoint: str, action: str) -> dict[str, Any]:
    """Call a control path of a running proxy (stats, reset, stop)."""
    parsed = urllib.parse.urlsplit(endpoint)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    try:
        conn.request("GET" if action == "stats" else "POST", CONTROL + action, body=b"")
        data: dict[str, Any] = json.loads(conn.getresponse().read() or b"{}")
        return data
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", required=True, help="moto server URL (loopback only)")
    parser.add_argument("--delay", type=float, default=0.03, help="seconds per request")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--max-requests", type=int, default=1_000_000)
    parser.add_argument("--max-seconds", type=float, default=3600.0)
    parser.add_argument("--watch-pid", type=int, default=None, help="stop when it exits")
    parser.add_argument("--cache", action="store_true", help="answer repeated reads from memory")
    args = parser.parse_args(argv)
    proxy = DelayProxy(
        args.upstream,
        delay=args.delay,
        port=args.port,
        max_requests=args.max_requests,
        max_seconds=args.max_seconds,
        watch_pid=args.watch_pid or os.getppid(),
        cache=args.cache,
    )
    print(json.dumps({"endpoint": proxy.endpoint}), flush=True)
    proxy.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
