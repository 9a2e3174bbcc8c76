"""Fail fast and visibly against an endpoint that is down, wrong or slow.

Three pieces the collector driver (:mod:`regionready.collect.driver`) uses:

- :func:`first_call_config`: the client configuration of the run's first AWS call
  (``sts:GetCallerIdentity``; ``sts:AssumeRole`` first with ``--role-arn``): short
  timeouts and no retry, so a refused, unresolvable or silent endpoint is reported within
  seconds instead of after the minutes the collectors' retries may take;
- :func:`unreachable`: that failure as one line naming the endpoint and the reason,
  ``cannot reach https://sts.eu-central-1.amazonaws.com: connection refused``;
- :class:`RetryCounter` and :func:`count_retries`: every retried call of the collection
  is counted (a botocore ``request-created`` hook sees each attempt after the first),
  for the progress display to say ``retrying (N)`` while it happens. The count lives in
  shared memory, so the forked collection workers add to the same number.
"""

from __future__ import annotations

import errno
import multiprocessing
import socket
import threading
from typing import Any
from urllib.parse import urlsplit

from botocore.config import Config
from botocore.exceptions import (
    ConnectTimeoutError,
    EndpointConnectionError,
    ProxyConnectionError,
    ReadTimeoutError,
    SSLError,
)

#: Seconds the first call waits to connect and for its answer (lower settings win). An
#: STS answer takes well under a second; the first call has a single attempt.
FIRST_CALL_CONNECT_TIMEOUT = 3.0
FIRST_CALL_READ_TIMEOUT = 5.0

_ERRNO_REASONS = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset",
    errno.ENETUNREACH: "network unreachable",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ETIMEDOUT: "connection timed out",
}


def first_call_config(config: Config) -> Config:
    """``config`` with the first call's short timeouts and one attempt, no retry."""
    return config.merge(
        Config(
            connect_timeout=min(FIRST_CALL_CONNECT_TIMEOUT, _seconds(config.connect_timeout)),
            read_timeout=min(FIRST_CALL_READ_TIMEOUT, _seconds(config.read_timeout)),
            retries={"mode": "standard", "total_max_attempts": 1},
        )
    )


def _seconds(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else float("inf")


def _site(url: object) -> str:
    """``https://sts.eu-central-1.amazonaws.com/`` -> ``https://sts.eu-central-1.amazonaws.com``."""
    text = str(url or "").strip()
    parts = urlsplit(text)
    if parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return text or "the endpoint"


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc``, the error botocore wraps, and their causes and contexts (no repeats)."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo and len(seen) < 20:
        item = todo.pop(0)
        if item is None or any(item is s for s in seen):
            continue
        seen.append(item)
        kwargs = getattr(item, "kwargs", None)
        wrapped = kwargs.get("error") if isinstance(kwargs, dict) else None
        reason = getattr(item, "reason", None)
        todo += [
            wrapped if isinstance(wrapped, BaseException) else None,
            reason if isinstance(reason, BaseException) else None,
            item.__cause__,
            item.__context__,
        ]
    return seen


def _reason(exc: BaseException, config: Config | None) -> str:
    connect = getattr(config, "connect_timeout", None)
    read = getattr(config, "read_timeout", None)
    if isinstance(exc, ConnectTimeoutError):
        return "no connection" + (f" within {connect:g} s" if connect else "") + " (timed out)"
    if isinstance(exc, ReadTimeoutError):
        return "connected, but no answer" + (f" within {read:g} s" if read else "") + " (timed out)"
    if isinstance(exc, SSLError):
        return f"TLS failed: {_last_words(exc)}"
    for cause in _causes(exc):
        if isinstance(cause, socket.gaierror):
            return "host name not found (DNS)"
        if isinstance(cause, OSError) and cause.errno in _ERRNO_REASONS:
            return _ERRNO_REASONS[cause.errno]
        if "Name or service not known" in str(cause) or "nodename nor servname" in str(cause):
            return "host name not found (DNS)"
    return _last_words(exc)


def _last_words(exc: BaseException) -> str:
    """The innermost error's own text, on one line."""
    inner = _causes(exc)[-1]
    text = " ".join(str(inner).split()) or type(inner).__name__
    return text[:200]


def unreachable(exc: BaseException, config: Config | None = None) -> str | None:
    """``cannot reach <endpoint>: <reason>`` when ``exc`` is a failure to reach an
    endpoint (refused, not resolved, timed out, TLS, proxy); None for any other error
    (an AWS error answer such as AccessDenied is an answer: the endpoint was reached)."""
    if isinstance(exc, ProxyConnectionError):
        proxy = _site(getattr(exc, "kwargs", {}).get("proxy_url"))
        return f"cannot reach the proxy {proxy}: {_reason(exc, config)}"
    if isinstance(exc, EndpointConnectionError | ConnectTimeoutError | ReadTimeoutError):
        url = getattr(exc, "kwargs", {}).get("endpoint_url")
        return f"cannot reach {_site(url)}: {_reason(exc, config)}"
    if isinstance(exc, SSLError):
        url = getattr(exc, "kwargs", {}).get("endpoint_url")
        return f"cannot reach {_site(url)}: {_reason(exc, config)}"
    return None


class RetryCounter:
    """Retried AWS calls of one collection, counted across the forked workers, and the
    latest one's ``<service> <operation>``."""

    WHAT_SIZE = 96

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._local = 0
        self._local_what = ""
        self._shared: Any = None
        self._what: Any = None
        try:  # shared memory the forked workers inherit; a plain counter without it
            context = multiprocessing.get_context("fork")
            self._shared = context.Value("q", 0)
            self._what = context.Array("c", self.WHAT_SIZE, lock=False)
        except (OSError, ValueError, ImportError):
            self._shared = self._what = None

    def add(self, what: str = "") -> None:
        if self._shared is None:
            with self._lock:
                self._local += 1
                self._local_what = what or self._local_what
            return
        with self._shared.get_lock():
            self._shared.value += 1
            if what:
                self._what.value = what.encode("ascii", "replace")[: self.WHAT_SIZE - 1]

    @property
    def count(self) -> int:
        return self._local if self._shared is None else int(self._shared.value)

    @property
    def last(self) -> str:
        """``<service> <operation>`` of the latest retried call ("" before any)."""
        if self._shared is None:
            return self._local_what
        with self._shared.get_lock():
            return bytes(self._what.value).decode("ascii", "replace")


def count_retries(client: Any, counter: RetryCounter) -> Any:
    """Count every attempt after a call's first on ``client`` (returns the client)."""

    def created(request: Any = None, operation_name: str = "", **_: Any) -> None:
        retries = (getattr(request, "context", None) or {}).get("retries") or {}
        if retries.get("attempt", 1) > 1:
            counter.add(f"{client.meta.service_model.service_name} {operation_name}".strip())

    client.meta.events.register("request-created", created)
    return client
