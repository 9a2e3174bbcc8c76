"""API Gateway: GetDomainNames pages as AWS does.

moto 5.2.5 answers v1 ``GetDomainNames`` and v2 ``GetDomainNames`` with every domain
name at once, ignoring ``limit``/``position`` (v1) and ``MaxResults``/``NextToken``
(v2). AWS pages both (v1 returns ``position`` while more remain, v2 ``NextToken``). The
after-call hooks slice moto's complete answer into the page asked for, so paginators
and small page sizes are exercised as against AWS.
"""

from __future__ import annotations

from typing import Any

from regionready.demo.moto_gaps._common import (
    Handler,
    is_error_answer,
    page_answer,
    remember_params,
    remembered_params,
)


def _v1_domain_names(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    if not is_error_answer(parsed):
        page_answer(
            parsed,
            remembered_params(context),
            items="items",
            limit="limit",
            token_in="position",
            token_out="position",
        )


def _v2_domain_names(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    if not is_error_answer(parsed):
        page_answer(
            parsed,
            remembered_params(context),
            items="Items",
            limit="MaxResults",
            token_in="NextToken",
            token_out="NextToken",
        )


HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("before-parameter-build.api-gateway.GetDomainNames", remember_params),
    ("after-call.api-gateway.GetDomainNames", _v1_domain_names),
    ("before-parameter-build.apigatewayv2.GetDomainNames", remember_params),
    ("after-call.apigatewayv2.GetDomainNames", _v2_domain_names),
)
