"""A local endpoint that accepts connections and never answers (a black-holed AWS API).

``HangingEndpoint`` listens on 127.0.0.1 (an ephemeral port). Every connection is accepted
and its request read; then nothing is ever sent back, until the endpoint is closed. With
``answer_sts=True`` the one call a scan cannot start without, STS GetCallerIdentity, is
answered properly, so the scan gets past "which account is this?" and every collector
call hangs: the scan must still finish, bounded by the client's timeouts.

All threads are daemons and every wait is bounded (``max_hold`` seconds), so a test that
forgets to close it still cannot keep the interpreter alive.

Run as a script (``python tests/reliability/hanging.py [--sts]``) it serves until killed
and prints its URL: that is how the real-time bound of the default configuration was
measured.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

ACCOUNT = "123456789012"
STS_RESPONSE = (
    '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
    "<GetCallerIdentityResult>"
    f"<Arn>arn:aws:iam::{ACCOUNT}:user/hanging-test</Arn>"
    "<UserId>AIDAHANGINGTEST</UserId>"
    f"<Account>{ACCOUNT}</Account>"
    "</GetCallerIdentityResult>"
    "<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId>"
    "</ResponseMetadata>"
    "</GetCallerIdentityResponse>"
)


def _read_request(conn: socket.socket, deadline: float) -> bytes:
    """Headers and (Content-Length) body of one HTTP request, best effort, bounded."""
    data = b""
    while b"\r\n\r\n" not in data and time.monotonic() < deadline:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip() or 0)
    while len(body) < length and time.monotonic() < deadline:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


class HangingEndpoint:
    def __init__(self, *, answer_sts: bool = False, max_hold: float = 600.0) -> None:
        self.answer_sts = answer_sts
        self.max_hold = max_hold
        self.accepted = 0
        self.answered = 0
        self.requests: list[bytes] = []
        self._closed = threading.Event()
        self._held: list[socket.socket] = []
        self._lock = threading.Lock()
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(64)
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._serve, name="hanging-endpoint", daemon=True)

    def __enter__(self) -> HangingEndpoint:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._closed.set()
        self._thread.join(timeout=5)
        with self._lock:
            held, self._held = self._held, []
        for conn in held:
            with contextlib.suppress(OSError):
                conn.close()
        self._server.close()

    def _serve(self) -> None:
        deadline = time.monotonic() + self.max_hold
        while not self._closed.is_set() and time.monotonic() < deadline:
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.accepted += 1
                self._held.append(conn)
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        """Answer STS if asked to; otherwise keep the connection open and say nothing."""
        try:
            conn.settimeout(1.0)
            while not self._closed.is_set():
                try:
                    request = _read_request(conn, time.monotonic() + 5)
                except (TimeoutError, OSError):
                    # an idle keep-alive connection: keep holding it, silently
                    if self._closed.wait(0.1):
                        return
                    continue
                if not request:
                    return  # the client gave up and closed the connection
                with self._lock:
                    self.requests.append(request)
                if self.answer_sts and self._is_sts(request):
                    body = STS_RESPONSE.encode()
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n"
                        + f"Content-Length: {len(body)}\r\n\r\n".encode()
                        + body
                    )
                    with self._lock:
                        self.answered += 1
                    continue
                self._closed.wait(self.max_hold)  # never answer
                return
        except OSError:
            return

    @staticmethod
    def _is_sts(request: bytes) -> bool:
        return b"Action=GetCallerIdentity" in request or b".GetCallerIdentity" in request


if __name__ == "__main__":  # pragma: no cover - a measuring aid
    import sys

    with HangingEndpoint(answer_sts="--sts" in sys.argv, max_hold=3600) as endpoint:
        print(endpoint.url, flush=True)
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
