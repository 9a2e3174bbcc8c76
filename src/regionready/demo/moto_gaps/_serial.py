"""In-process moto answers one request at a time (moto's backends are not thread-safe).

moto's in-process backends are plain dicts, and some *reads* write to them: the first
SSM GetParametersByPath under ``/aws/service/global-infrastructure/`` in a Region loads
moto's ~27,000 public parameters into that Region's SSM backend (about 0.7 s of
inserts), and the Resource Groups Tagging API's GetResources walks the resources of
*every* taggable backend of the Region (the SSM parameters included) whatever type it is
asked for. A collector reading tags with GetResources (KMS ``kms:key``, ACM, Secrets
Manager) while the SSM collector reads the same Region therefore failed, now and then,
with ``RuntimeError: dictionary changed size during iteration`` raised inside moto
(regionready issue 21, point 7). AWS has no such failure: it is moto's, so it is fixed
here, in the test double, not in the collectors.

:func:`serialise` wraps moto's request handler (``BotocoreStubber.process_request``,
through which every in-process moto answer goes, for botocore and ``requests``) in one
process-wide re-entrant lock. Only moto's own work is serialised: the botocore work of a
call (building, signing, hooks, parsing) still runs concurrently, so the collectors'
concurrency is still exercised, and botocore hooks (moto_gaps' and the tests') run
outside the lock in their usual order. Under the GIL moto's pure-Python handlers never
ran in parallel anyway; they only interleaved.
"""

from __future__ import annotations

import threading
from typing import Any

#: Held while in-process moto answers a request (re-entrant: moto may call itself).
MOTO_LOCK = threading.RLock()
_MARK = "regionready_moto_gaps_serialised"
_install_lock = threading.Lock()


def serialise() -> bool:
    """Make in-process moto answer one request at a time, process-wide and for good
    (idempotent). False when moto is not installed."""
    try:
        from moto.core.models import botocore_stubber
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return False
    with _install_lock:
        if getattr(botocore_stubber, _MARK, False):
            return True
        original = botocore_stubber.process_request  # the bound method

        def process_request(request: Any) -> Any:
            with MOTO_LOCK:
                return original(request)

        # An instance attribute: __call__ and process_prepared_request look it up on self.
        setattr(botocore_stubber, "process_request", process_request)  # noqa: B010
        setattr(botocore_stubber, _MARK, True)
    return True
