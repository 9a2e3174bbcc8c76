"""Prototypes of the proposed collector fixes, patched in at run time, for projections only.

Nothing here is regionready's code: it re-implements, inside the benchmark process, what
analysis.md proposes (fix 1: per-resource calls in parallel within a task), so the gain
can be measured before the fix is made in src/ and collectors/. Enabled in ``rr_scan.py``
by ``REGIONREADY_BENCH_PROTOTYPE=parallel`` and reported by ``run.py --prototype`` as a
separate, clearly labelled row. The real fix belongs in ``regionready.clients.Clients``
(a ``map`` helper, a lock around ``api_calls``) and the collectors.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

WORKERS = 16


def _map(fn: Callable[[Any], Any], items: Iterable[Any], workers: int = WORKERS) -> list[Any]:
    items = list(items)
    if len(items) < 2:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(fn, items))


def install_parallel() -> None:
    # The same calls as Clients.call/paginate, with api_calls counted under a lock.
    from botocore.exceptions import BotoCoreError, ClientError

    from regionready import clients as clients_mod
    from regionready.collectors import acm, kms, secretsmanager

    lock = threading.Lock()

    def count(self: Any) -> None:
        with lock:
            self.api_calls += 1

    def call(self: Any, service: str, operation: str, *, feeds: Any, **kwargs: Any) -> Any:
        count(self)
        try:
            response = getattr(self.client(service), operation)(**kwargs)
        except (ClientError, BotoCoreError) as exc:
            self._record(service, operation, exc, feeds)
            return None
        response.pop("ResponseMetadata", None)
        return response

    def paginate(
        self: Any,
        service: str,
        operation: str,
        result_key: str,
        *,
        feeds: Any,
        page_size: int | None = None,
        **kwargs: Any,
    ) -> Any:
        client = self.client(service)
        items: list[Any] = []
        try:
            if client.can_paginate(operation):
                config = {"PageSize": page_size} if page_size else {}
                pages = client.get_paginator(operation).paginate(**kwargs, PaginationConfig=config)
                for page in pages:
                    count(self)
                    items.extend(page.get(result_key, []))
            else:
                count(self)
                items.extend(getattr(client, operation)(**kwargs).get(result_key, []))
        except (ClientError, BotoCoreError) as exc:
            self._record(service, operation, exc, feeds)
            return None
        return items

    real_client = clients_mod.Clients.client

    def client(self: Any, service: str) -> Any:
        with lock:
            return real_client(self, service)

    clients_mod.Clients.call = call  # type: ignore[method-assign]
    clients_mod.Clients.paginate = paginate  # type: ignore[method-assign]
    clients_mod.Clients.client = client  # type: ignore[method-assign]

    def certificates(clients: Any) -> list[dict[str, Any]]:
        summaries = clients.paginate(
            "acm",
            "list_certificates",
            "CertificateSummaryList",
            feeds=["certificate"],
            Includes={"keyTypes": list(acm.KEY_TYPES)},
        )

        def one(summary: dict[str, Any]) -> dict[str, Any]:
            arn = summary["CertificateArn"]
            described = clients.call(
                "acm", "describe_certificate", feeds=["certificate"], CertificateArn=arn
            )
            item = dict(described["Certificate"]) if described else dict(summary)
            tags = clients.call(
                "acm", "list_tags_for_certificate", feeds=["certificate"], CertificateArn=arn
            )
            if tags is not None:
                item["Tags"] = tags.get("Tags", [])
            return item

        return _map(one, summaries or [])

    acm._certificates = certificates

    def kms_collect(clients: Any, region: str) -> dict[str, list[dict[str, Any]]]:
        listed = clients.paginate("kms", "list_keys", "Keys", feeds=["key"]) or []
        aliases = clients.paginate("kms", "list_aliases", "Aliases", feeds=["alias", "key"]) or []
        names_by_key: dict[str, list[str]] = {}
        for alias in aliases:
            target = alias.get("TargetKeyId")
            if target:
                names_by_key.setdefault(str(target), []).append(str(alias["AliasName"]))
        described: dict[str, dict[str, Any]] = {}

        def one(entry: dict[str, Any]) -> dict[str, Any]:
            key_id = str(entry["KeyId"])
            response = clients.call("kms", "describe_key", feeds=["key"], KeyId=key_id)
            if response is None:
                return dict(entry)
            meta: dict[str, Any] = dict(response["KeyMetadata"])
            described[key_id] = meta
            item = dict(meta)
            item["Aliases"] = sorted(names_by_key.get(key_id, []))
            if meta.get("KeyManager") == "CUSTOMER":
                item.update(kms._customer_key_details(clients, key_id, meta))
            return item

        keys = _map(one, listed)
        alias_items = []
        for alias in aliases:
            item = dict(alias)
            target = described.get(str(alias.get("TargetKeyId")))
            item["Key"] = {f: target.get(f) for f in kms.KEY_SUMMARY_FIELDS} if target else None
            alias_items.append(item)
        return {"key": keys, "alias": alias_items}

    kms.collect = kms_collect

    def secrets_collect(clients: Any, region: str) -> dict[str, list[dict[str, Any]]]:
        listed = clients.paginate("secretsmanager", "list_secrets", "SecretList", feeds=["secret"])
        return {"secret": _map(lambda e: secretsmanager._secret(clients, e), listed or [])}

    secretsmanager.collect = secrets_collect
