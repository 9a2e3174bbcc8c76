"""What a collector is given: boto3 clients for one account and Region, plus safe calls.

A collector never handles errors itself. It calls ``clients.call`` or
``clients.paginate`` naming what the data feeds (resource types, or single fields of
them as ``"type.Field"``) and, for a per-resource call, the items it is ``about``; an
AWS error is recorded (API, error code, the IAM action that was needed, what it left
incomplete) and the call returns ``None``. The engine then makes ERROR every result
whose rule reads that data, so a missing permission can never read as a pass.

Per-resource calls run concurrently through ``clients.map(fn, items)``: ``fn(item)`` for
every item with up to ``concurrency`` in flight (``REGIONREADY_CONCURRENCY``, default 16),
results in item order. The errors recorded while ``fn(item)`` runs are buffered per item
and appended to ``errors`` in item order once all items are done, so ``errors`` ends up
exactly as a sequential loop would leave it. A collector that must look at the error of a
call it just made (a "not configured" answer that is a fact, not a failure) uses
``clients.last_error()`` (the error of this thread's latest call, or None) and
``clients.discard(error)``, never ``errors[-1]``, which another thread may have appended to.
A ``map`` inside a concurrent ``map`` runs its items one after another, so a task never
has more than ``concurrency`` calls in flight (one connection pool per client, sized for
it by the driver).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from regionready.collect.api_names import api_and_action, skipped_api_and_action
from regionready.settings import whole_setting
from regionready.snapshot import NOT_SELECTED, CollectionError

Feeds = Iterable[str]
Resources = Mapping[str, Sequence[str]] | None
#: Per resource type of one service, the fields to collect (None: all of them).
Wanted = Mapping[str, frozenset[str] | None]


def parse_feeds(feeds: Feeds) -> tuple[list[str], dict[str, list[str]]]:
    """``["key", "alias.Key"]`` -> (["alias", "key"], {"alias": ["Key"]}): a bare type is
    incomplete as a whole, ``type.Field`` only in that field (unless also named bare)."""
    whole: set[str] = set()
    fields: dict[str, set[str]] = {}
    for feed in feeds:
        rtype, _, name = feed.partition(".")
        if name:
            fields.setdefault(rtype, set()).add(name)
        else:
            whole.add(rtype)
    types = sorted(whole | set(fields))
    return types, {t: sorted(f) for t, f in fields.items() if t not in whole}


_ACCOUNT_RE = re.compile(r"\b\d{12}\b")

#: The Resource Groups Tagging API (IAM prefix ``tag``) and its largest page.
TAGGING = "resourcegroupstaggingapi"
TAGGING_PAGE = 100

T = TypeVar("T")
R = TypeVar("R")

#: Per-resource calls in flight per collector task (``Clients.map``).
CONCURRENCY_ENV = "REGIONREADY_CONCURRENCY"
DEFAULT_CONCURRENCY = 16
MAX_CONCURRENCY = 256


def concurrency_setting(raw: str | None = None) -> int:
    """``REGIONREADY_CONCURRENCY`` (1..256, default 16); ValueError on a bad value."""
    return whole_setting(CONCURRENCY_ENV, DEFAULT_CONCURRENCY, high=MAX_CONCURRENCY, raw=raw)


@dataclass
class Clients:
    """Client factory for one (account, Region, service) collection."""

    make_client: Callable[[str], Any]
    region: str
    service: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    errors: list[CollectionError] = field(default_factory=list)
    api_calls: int = 0
    #: Per-resource calls in flight in ``map`` (1: one after another).
    concurrency: int = DEFAULT_CONCURRENCY
    #: Things worth telling the user that are not collection errors (a fallback taken).
    notes: list[str] = field(default_factory=list)
    #: Resource types deliberately not collected (an optional tool absent, a check turned
    #: off), each with why and how to collect it: their rules read NOT_APPLICABLE with
    #: that text, never ERROR and never PASS.
    not_run: dict[str, str] = field(default_factory=dict)
    #: What the selected checks read of this service (:mod:`regionready.collect.scope`):
    #: a call that feeds none of it is not made. None: every call is made.
    wanted: Wanted | None = None
    #: The calls not made, one per API and what it feeds, recorded as the errors they
    #: would be (code ``NotSelected``): rules that read their data are ERROR, never PASS.
    unread: list[CollectionError] = field(default_factory=list)
    _cache: dict[str, Any] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    # Per thread: ``sink`` (the error buffer of the map item running on it, if any),
    # ``last`` (the error of its latest call, or None).
    _local: threading.local = field(default_factory=threading.local)
    _tags: dict[str, dict[str, list[dict[str, str]]] | None] = field(default_factory=dict)
    _tag_locks: dict[str, threading.Lock] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        with self._lock:
            if service not in self._cache:
                self._cache[service] = self.make_client(service)
            return self._cache[service]

    def __call__(self, service: str) -> Any:
        return self.client(service)

    def _record(
        self,
        service: str,
        operation: str,
        exc: Exception,
        feeds: Feeds,
        resources: Resources = None,
    ) -> None:
        if isinstance(exc, ClientError):
            err = exc.response.get("Error", {})
            code = str(err.get("Code", "ClientError"))
            message = str(err.get("Message", ""))
        else:
            code = type(exc).__name__
            message = str(exc)
        name, action = api_and_action(self.client(service), service, operation)
        types, fields = parse_feeds(feeds)
        error = CollectionError(
            api=f"{service}:{name}",
            code=code,
            message=message[:300],
            action=action,
            resource_types=types,
            fields=fields,
            resources={t: [str(i) for i in ids] for t, ids in (resources or {}).items()},
        )
        self._add_errors([error])
        self._local.last = error

    def _add_errors(self, errors: list[CollectionError]) -> None:
        """To the buffer of the map item running on this thread, else to ``errors``."""
        sink: list[CollectionError] | None = getattr(self._local, "sink", None)
        if sink is not None:
            sink.extend(errors)
        else:
            with self._lock:
                self.errors.extend(errors)

    def _count(self, calls: int = 1) -> None:
        with self._lock:
            self.api_calls += calls

    def wants(self, feeds: Feeds) -> bool:
        """Whether a call that fills ``feeds`` is to be made: always without a scope, and
        for a call that declares no feed; else when the selected checks read any of it."""
        if self.wanted is None:
            return True
        names = list(feeds)
        if not names:
            return True
        for feed in names:
            rtype, _, name = feed.partition(".")
            if rtype not in self.wanted:
                continue
            fields = self.wanted[rtype]
            if not name or fields is None or name in fields:
                return True
        return False

    def _skip(self, service: str, operation: str, feeds: Feeds) -> None:
        """Record a call not made as the error it stands for, once per API and feeds, for
        every item (so ``last_error`` answers it as it would a failure)."""
        name, action = skipped_api_and_action(service, operation)
        types, fields = parse_feeds(feeds)
        error = CollectionError(
            api=f"{service}:{name}",
            code=NOT_SELECTED,
            message="not read: the snapshot was collected for selected checks only",
            action=action,
            resource_types=types,
            fields=fields,
        )
        with self._lock:
            if error not in self.unread:
                self.unread.append(error)
        self._local.last = error

    def last_error(self) -> CollectionError | None:
        """The error recorded by this thread's latest ``call``/``paginate`` (None if it
        succeeded): safe under ``map``, unlike ``errors[-1]``."""
        error: CollectionError | None = getattr(self._local, "last", None)
        return error

    def discard(self, error: CollectionError) -> None:
        """Forget a recorded error (an answer that is a fact, not a failed read)."""
        sink: list[CollectionError] | None = getattr(self._local, "sink", None)
        with self._lock:
            for recorded in (sink or [], self.errors):
                for index, found in enumerate(recorded):
                    if found is error:
                        del recorded[index]
                        return

    def note(self, text: str) -> None:
        with self._lock:
            if text not in self.notes:
                self.notes.append(text)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """``[fn(item) for item in items]`` with up to ``concurrency`` items in flight.

        Results and recorded errors come in item order, as the sequential loop gives
        them. Inside an item of a concurrent ``map`` it runs sequentially (the task's
        calls in flight stay bounded). If ``fn`` raises, the errors of the items before
        the first failing one are kept and its exception propagates.
        """
        items = list(items)
        nested = getattr(self._local, "sink", None) is not None
        workers = 1 if nested else min(self.concurrency, len(items))
        if workers < 2:
            return [fn(item) for item in items]

        def run(item: T) -> tuple[list[CollectionError], R | None, Exception | None]:
            sink: list[CollectionError] = []
            self._local.sink = sink
            self._local.last = None
            try:
                return sink, fn(item), None
            except Exception as exc:  # re-raised in the caller's thread, in item order
                return sink, None, exc
            finally:
                self._local.sink = None

        results: list[R] = []
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="regionready") as pool:
            futures = [pool.submit(run, item) for item in items]
            for future in futures:
                errors, result, exc = future.result()
                self._add_errors(errors)
                if exc is not None:
                    for pending in futures:
                        pending.cancel()
                    raise exc
                results.append(result)  # type: ignore[arg-type]
        return results

    @contextmanager
    def ahead(self, fn: Callable[[], object]) -> Iterator[None]:
        """Run ``fn`` in a background thread while the block runs, and wait for it at the
        end (inline, before the block, when concurrency is 1 or inside a map item). For
        a read every item will wait for (``resource_tags``), so that it overlaps the
        items' own calls instead of preceding them."""
        if self.concurrency < 2 or getattr(self._local, "sink", None) is not None:
            fn()
            yield
            return
        thread = threading.Thread(target=fn, name="regionready-ahead", daemon=True)
        thread.start()
        try:
            yield
        finally:
            thread.join()

    def resource_tags(
        self, resource_type: str, feeds: Feeds
    ) -> dict[str, list[dict[str, str]]] | None:
        """Tags of every ``resource_type`` resource of this Region (``"acm:certificate"``)
        by ARN, read once per task from the Resource Groups Tagging API (GetResources,
        100 resources a page) instead of one ListTags call per resource. A resource the
        answer does not name has no tags (GetResources omits never-tagged resources).
        Tags come as that API gives them: ``[{Key, Value}]``, Value "" for a tag
        without one. ``feeds``: the field the tags fill (``["key.Tags"]``); None, with
        no call, when the selected checks do not read it (the per-resource call the
        caller falls back to is then not made either, and recorded as such).

        None when the API cannot be used (AccessDenied for a role without
        ``tag:GetResources``, ...): the caller then reads tags per resource. That is not
        a collection error (the data is still complete): the error is dropped and a
        note is kept instead (``notes``), which the driver reports.
        """
        if not self.wants(feeds):
            return None
        with self._lock:
            once = self._tag_locks.setdefault(resource_type, threading.Lock())
        with once:
            if resource_type not in self._tags:
                self._tags[resource_type] = self._read_tags(resource_type)
            return self._tags[resource_type]

    def _read_tags(self, resource_type: str) -> dict[str, list[dict[str, str]]] | None:
        mappings = self.paginate(
            TAGGING,
            "get_resources",
            "ResourceTagMappingList",
            feeds=[],
            page_size=TAGGING_PAGE,
            ResourceTypeFilters=[resource_type],
        )
        if mappings is None:
            error = self.last_error()
            if error is not None:
                self.discard(error)
                self.note(
                    f"{error.action} failed ({error.code}) for {resource_type}: tags were "
                    "read one resource at a time instead (slower); grant tag:GetResources"
                )
            return None
        return {
            str(m.get("ResourceARN")): [dict(tag) for tag in m.get("Tags") or []] for m in mappings
        }

    def call(
        self,
        service: str,
        operation: str,
        *,
        feeds: Feeds,
        about: Resources = None,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        """One API call; on an AWS error, record it and return None.

        ``feeds`` names what the answer fills: resource types (``"key"``) or single
        fields of them (``"alias.Key"``); ``about`` the items it is for, per type
        (``{"key": [key_id]}``), when it is a per-resource call."""
        self._local.last = None
        if not self.wants(feeds):
            self._skip(service, operation, feeds)
            return None
        self._count()
        try:
            response: dict[str, Any] = getattr(self.client(service), operation)(**kwargs)
        except (ClientError, BotoCoreError) as exc:
            self._record(service, operation, exc, feeds, about)
            return None
        response.pop("ResponseMetadata", None)
        return response

    def paginate(
        self,
        service: str,
        operation: str,
        result_key: str,
        *,
        feeds: Feeds,
        about: Resources = None,
        page_size: int | None = None,
        **kwargs: Any,
    ) -> list[dict[str, Any]] | None:
        """Every item of a paginated list; None (error recorded as ``call`` does) if any
        page fails."""
        self._local.last = None
        if not self.wants(feeds):
            self._skip(service, operation, feeds)
            return None
        client = self.client(service)
        items: list[dict[str, Any]] = []
        try:
            if client.can_paginate(operation):
                config = {"PageSize": page_size} if page_size else {}
                pages = client.get_paginator(operation).paginate(**kwargs, PaginationConfig=config)
                for page in pages:
                    self._count()
                    items.extend(page.get(result_key, []))
            else:
                self._count()
                items.extend(getattr(client, operation)(**kwargs).get(result_key, []))
        except (ClientError, BotoCoreError) as exc:
            self._count()  # the page that failed was a call too
            self._record(service, operation, exc, feeds, about)
            return None
        return items
