"""The hooks joined into one botocore handler per event kind and service.

Why: every botocore Session registers the built-in handlers (moto_gaps' among them under
``everywhere``) and every client copies them, both at a cost that grows with their
number. The ~200 hooks registered one by one more than doubled botocore's 127 built-in
handlers, and so the CPU of each session and client in every process that corrects moto
(the demo, the tests, the benchmarks' scanner). Joined, they add one handler per event
kind and service (``after-call.kms``, ...): 64 for 209 hooks.

Order: botocore calls the handlers of a more specific event name before those of a less
specific one, and on one name in the order they were registered. For
``after-call.kms.ListAliases`` the hooks (those of the exact name, then those of the
service, each in their order) now run after botocore's own handlers and any handler
registered on that exact name, and before handlers registered later on
``after-call.kms`` (unless registered first: a test's fault injected with
``register_first`` still wins over a moto_gaps answer). Of botocore's built-in handlers
only two of ``before-parameter-build.s3`` now run before the S3 hooks instead of after;
they validate the bucket name and edit the model, not the parameters the hooks keep.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from regionready.demo.moto_gaps._common import Handler

#: Events botocore emits until a handler answers (a hook's answer is the response).
_UNTIL_ANSWERED = {"before-call"}


class JoinedHooks:
    """The hooks of one event kind and service, called as botocore would call them."""

    def __init__(self, kind: str, hooks: list[tuple[str | None, Handler]]) -> None:
        self._stop_at_answer = kind in _UNTIL_ANSWERED
        self._hooks = hooks  # (operation or None for the whole service, handler)
        self._by_operation: dict[str | None, list[Handler]] = {}
        self.__name__ = f"joined_{kind.replace('-', '_')}"

    def _for(self, operation: str | None) -> list[Handler]:
        found = self._by_operation.get(operation)
        if found is None:
            exact = [hook for named, hook in self._hooks if operation and named == operation]
            whole = [hook for named, hook in self._hooks if named is None]
            found = self._by_operation[operation] = exact + whole
        return found

    def __call__(self, event_name: str = "", **kwargs: Any) -> Any:
        parts = event_name.split(".")
        answer = None
        for hook in self._for(parts[2] if len(parts) > 2 else None):
            response = hook(event_name=event_name, **kwargs)
            if response is not None and answer is None:
                answer = response
                if self._stop_at_answer:
                    break
        return answer


def joined(handlers: Iterable[tuple[str, Handler]]) -> list[tuple[str, JoinedHooks, str]]:
    """``handlers`` as (service event name, joined handler, unique id) in first-seen
    order; each hook's event name must name a kind and a service (``after-call.kms``)
    and may name an operation."""
    groups: dict[str, list[tuple[str | None, Handler]]] = {}
    for event, handler in handlers:
        parts = event.split(".")
        if len(parts) not in (2, 3):
            raise ValueError(f"moto_gaps hook {handler.__name__}: event {event!r} names no service")
        groups.setdefault(".".join(parts[:2]), []).append(
            (parts[2] if len(parts) == 3 else None, handler)
        )
    return [
        (
            service_event,
            JoinedHooks(service_event.split(".")[0], hooks),
            "regionready.moto_gaps:" + service_event + ":" + "+".join(h.__name__ for _, h in hooks),
        )
        for service_event, hooks in groups.items()
    ]
