"""Helpers shared by the moto_gaps service modules."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

# Where a before-parameter-build hook leaves the caller's parameters for after-call hooks.
_PARAMS = "regionready_moto_gaps_params"
_TOKEN = "moto-gaps:"

Handler = Callable[..., Any]


def remember_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    """before-parameter-build: keep the caller's parameters for the after-call hook."""
    context[_PARAMS] = dict(params)


def remembered_params(context: dict[str, Any] | None) -> dict[str, Any]:
    """after-call: the caller's parameters remember_params kept ({} without them)."""
    if not context:
        return {}
    found: dict[str, Any] = context.get(_PARAMS) or {}
    return found


def is_error_answer(parsed: Any) -> bool:
    """Whether a parsed answer is an error (the hook then leaves it alone)."""
    return not isinstance(parsed, dict) or "Error" in parsed


def page_answer(
    parsed: dict[str, Any],
    request: dict[str, Any],
    *,
    items: str,
    limit: str,
    token_in: str,
    token_out: str,
    truncated: str | None = None,
) -> None:
    """Slice a complete list answer into the page the request asked for.

    Only applies when moto answered everything at once: a continuation token that is not
    ours (moto paging on its own) leaves the answer untouched.
    """
    found = parsed.get(items)
    token = request.get(token_in)
    if not isinstance(found, list) or parsed.get(token_out):
        return
    if token is not None and not str(token).startswith(_TOKEN):
        return
    start = int(str(token)[len(_TOKEN) :]) if token is not None else 0
    size = request.get(limit)
    end = start + int(size) if size else len(found)
    parsed[items] = found[start:end]
    more = end < len(found)
    if more:
        parsed[token_out] = f"{_TOKEN}{end}"
    if truncated is not None:
        parsed[truncated] = more


def moto_backend(service: str, account: str, region: str) -> Any | None:
    """moto's in-process backend of ``service`` (its module name: ``ec2``, ``kms``,
    ``efs``, ...) for one account and Region; None without moto in this process or for a
    Region moto does not serve. Read it under ``_serial.MOTO_LOCK``."""
    try:
        backends = getattr(importlib.import_module(f"moto.{service}.models"), f"{service}_backends")
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return None
    try:
        return backends[account][region]
    except KeyError:  # a Region this moto service does not serve
        return None
