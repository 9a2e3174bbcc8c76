"""The hooks joined into one botocore handler per event kind.

Why: every botocore Session registers the built-in handlers (moto_gaps' among them under
``everywhere``) and every client copies them, at a cost that grows with the number of
event names they are registered on. The ~200 hooks registered one by one more than
doubled botocore's 127 built-in handlers, and so the CPU of each session and client in
every process that corrects moto (the demo, the tests, the benchmarks' scanner). Joined,
they add one handler per event kind (``before-call``, ``after-call``,
``before-parameter-build``), which finds the hooks of the call's service and operation.

Order: botocore calls the handlers of a more specific event name before those of a less
specific one, and on one name in the order they were registered. For
``after-call.kms.ListAliases`` the hooks (those of the exact name, then those of the
service, each in their order) run after every handler registered on
``after-call.kms.ListAliases``, ``after-call.kms.*`` or ``after-call.kms`` (botocore's
own and a test's alike: a fault a test injects on any of them wins over a moto_gaps
answer) and before handlers registered later on ``after-call``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from regionready.demo.moto_gaps._common import Handler

#: Events botocore emits until a handler answers (a hook's answer is the response).
_UNTIL_ANSWERED = {"before-call"}

#: A hook's place: its service (as in botocore's event names) and operation (None: all).
_Place = tuple[str, str | None]


class JoinedHooks:
    """The hooks of one event kind, called as botocore would call them."""

    def __init__(self, kind: str, hooks: list[tuple[_Place, Handler]]) -> None:
        self._stop_at_answer = kind in _UNTIL_ANSWERED
        self._hooks = hooks
        self._by_call: dict[tuple[str, str | None], list[Handler]] = {}
        self.__name__ = f"joined_{kind.replace('-', '_')}"

    def _for(self, service: str, operation: str | None) -> list[Handler]:
        found = self._by_call.get((service, operation))
        if found is None:
            exact = [h for place, h in self._hooks if operation and place == (service, operation)]
            whole = [h for place, h in self._hooks if place == (service, None)]
            found = self._by_call[(service, operation)] = exact + whole
        return found

    def __call__(self, event_name: str = "", **kwargs: Any) -> Any:
        parts = event_name.split(".")
        if len(parts) < 2:
            return None
        answer = None
        for hook in self._for(parts[1], parts[2] if len(parts) > 2 else None):
            response = hook(event_name=event_name, **kwargs)
            if response is not None and answer is None:
                answer = response
                if self._stop_at_answer:
                    break
        return answer


def joined(handlers: Iterable[tuple[str, Handler]]) -> list[tuple[str, JoinedHooks, str]]:
    """``handlers`` as (event kind, joined handler, unique id) in first-seen order; each
    hook's event name must name a kind and a service (``after-call.kms``) and may name an
    operation."""
    groups: dict[str, list[tuple[_Place, Handler]]] = {}
    for event, handler in handlers:
        parts = event.split(".")
        if len(parts) not in (2, 3):
            raise ValueError(f"moto_gaps hook {handler.__name__}: event {event!r} names no service")
        place = (parts[1], parts[2] if len(parts) == 3 else None)
        groups.setdefault(parts[0], []).append((place, handler))
    return [
        (
            kind,
            JoinedHooks(kind, hooks),
            "regionready.moto_gaps:" + kind + ":" + "+".join(h.__name__ for _, h in hooks),
        )
        for kind, hooks in groups.items()
    ]
