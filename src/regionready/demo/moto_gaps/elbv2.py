"""ELBv2: DescribeListeners reports only the default certificate, as AWS does.

moto 5.2.5 lists every certificate of a listener (the default one and those added
with AddListenerCertificates) in DescribeListeners ``Certificates``. AWS returns only
the listener's default certificate there; the others come from
DescribeListenerCertificates (with ``IsDefault``). moto keeps the default certificate
first, so the after-call hook keeps that one.
"""

from __future__ import annotations

from typing import Any

from regionready.demo.moto_gaps._common import Handler, is_error_answer


def _describe_listeners(parsed: Any, **_: Any) -> None:
    if is_error_answer(parsed):
        return
    for listener in parsed.get("Listeners") or []:
        certificates = listener.get("Certificates")
        if isinstance(certificates, list) and len(certificates) > 1:
            listener["Certificates"] = certificates[:1]


HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("after-call.elastic-load-balancing-v2.DescribeListeners", _describe_listeners),
)
