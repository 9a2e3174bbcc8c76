"""Results that need not all be in memory: what an organisation scan's reports read.

A scan of hundreds of accounts makes millions of results; holding them all at once would
make peak memory grow with the organisation. :class:`ResultLog` keeps them on disk
instead: the engine adds one account's results at a time, they are written to an
unnamed temporary file (one pickled chunk per account, Region pair and service) and let
go. Reporters read them back chunk by chunk, as often as they need, so what is in memory
while a report is written is one chunk plus what that report keeps (its counts, and
bounded lists such as SARIF's 25,000 results). Each chunk's counts (status by severity)
are kept beside its place in the file, so scores and verdicts (:mod:`regionready.scoring`)
need no pass over the results, and a pass for findings skips chunks without any.

Every collection here is *re-iterable* (each ``iter()`` starts again from the first
result), as a list is: the reporters may walk the results several times.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, BinaryIO

from regionready.model import Result, ResultSet, Severity, Status

#: The order of results in a report: an account's results by rule, Region pair, Region and
#: resource (an organisation's accounts one after the other, in the order judged).
RESULT_ORDER = attrgetter(
    "rule_id", "account", "source_region", "target_region", "region", "resource_id"
)

#: The check that fails when a collector could not read something.
COLLECTION_RULE = "GEN-005"


@dataclass
class Counts:
    """How many results of each status and severity: what scores and verdicts need."""

    by_status: Counter[tuple[Status, Severity]] = field(default_factory=Counter)
    #: FAIL results of the collection check (GEN-005): the scan could not read everything.
    unread: int = 0
    #: FAIL results a baseline already had, by severity (``details["baseline"]``).
    known: Counter[Severity] = field(default_factory=Counter)

    def add(self, result: Result) -> None:
        self.by_status[(result.status, result.severity)] += 1
        if result.status is Status.FAIL:
            if result.rule_id == COLLECTION_RULE:
                self.unread += 1
            if result.details.get("baseline") == "existing":
                self.known[result.severity] += 1

    def merge(self, other: Counts) -> None:
        self.by_status.update(other.by_status)
        self.unread += other.unread
        self.known.update(other.known)

    def only(self, statuses: frozenset[Status] | None) -> Counts:
        """These counts for the results of ``statuses`` alone (all: None)."""
        if statuses is None:
            return self
        failing = Status.FAIL in statuses
        return Counts(
            Counter({k: n for k, n in self.by_status.items() if k[0] in statuses}),
            self.unread if failing else 0,
            Counter(self.known) if failing else Counter(),
        )

    def status(self, status: Status) -> int:
        return sum(n for (s, _), n in self.by_status.items() if s is status)

    def failing(self, severity: Severity) -> int:
        return self.by_status[(Status.FAIL, severity)]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @classmethod
    def of(cls, results: Iterable[Result]) -> Counts:
        """The counts of ``results``: from a :class:`ResultLog`'s index where it has one,
        else by one pass."""
        counted: Callable[[], Counts] | None = getattr(results, "counts", None)
        if counted is not None:
            return counted()
        counts = cls()
        for result in results:
            counts.add(result)
        return counts


class ResultView:
    """The results of ``source`` that ``keep`` keeps (all without it), each passed through
    ``change`` when given; re-iterable, nothing held. ``change`` must keep each result's
    status, severity, Region pair, service and rule (redaction does), so a view without
    ``keep`` takes its counts and selections from ``source``'s index."""

    def __init__(
        self,
        source: Iterable[Result],
        keep: Callable[[Result], bool] | None = None,
        change: Callable[[Result], Result] | None = None,
    ) -> None:
        self._source = source
        self._keep = keep
        self._change = change

    def __iter__(self) -> Iterator[Result]:
        keep, change = self._keep, self._change
        for result in self._source:
            if keep is None or keep(result):
                yield result if change is None else change(result)

    def __len__(self) -> int:
        if self._keep is None:
            return len(self._source)  # type: ignore[arg-type]
        return sum(1 for _ in self)

    def __bool__(self) -> bool:
        return next(iter(self), None) is not None

    def counts(self) -> Counts:
        return Counts.of(self._source if self._keep is None else iter(self))

    @property
    def indexed(self) -> bool:
        return self._keep is None and is_indexed(self._source)

    def select(
        self,
        *,
        pair: str | None = None,
        service: str | None = None,
        statuses: frozenset[Status] | None = None,
    ) -> ResultSet:
        if self._keep is not None:
            return _filtered(self, pair, service, statuses)
        chosen = select(self._source, pair=pair, service=service, statuses=statuses)
        return ResultView(chosen, change=self._change)

    def group_keys(self) -> list[tuple[str, str]]:
        if self._keep is not None:
            return list(dict.fromkeys((r.pair, r.service) for r in self))
        return group_keys(self._source)


def select(
    results: Iterable[Result],
    *,
    pair: str | None = None,
    service: str | None = None,
    statuses: Iterable[Status] | None = None,
) -> ResultSet:
    """The results of one Region pair (``source:target``), service and/or statuses, as a
    re-iterable view; from a :class:`ResultLog`, only the chunks that can hold them are
    read."""
    chosen = frozenset(statuses) if statuses is not None else None
    narrowed: Callable[..., ResultSet] | None = getattr(results, "select", None)
    if narrowed is not None:
        return narrowed(pair=pair, service=service, statuses=chosen)
    return _filtered(results, pair, service, chosen)


def _filtered(
    results: Iterable[Result],
    pair: str | None,
    service: str | None,
    statuses: frozenset[Status] | None,
) -> ResultSet:
    def keep(result: Result) -> bool:
        return (
            (pair is None or result.pair == pair)
            and (service is None or result.service == service)
            and (statuses is None or result.status in statuses)
        )

    return ResultView(results, keep)


def is_indexed(results: Iterable[Result]) -> bool:
    """Whether the counts of ``results`` and of each (pair, service) come from an index,
    without reading them."""
    return bool(getattr(results, "indexed", False))


def group_keys(results: Iterable[Result]) -> list[tuple[str, str]]:
    """Every (pair, service) of ``results``, in the order first seen (from a
    :class:`ResultLog`'s index without reading a result)."""
    listed: Callable[[], list[tuple[str, str]]] | None = getattr(results, "group_keys", None)
    if listed is not None:
        return listed()
    return list(dict.fromkeys((r.pair, r.service) for r in results))


@dataclass(frozen=True)
class _Chunk:
    offset: int
    size: int
    pair: str
    service: str
    length: int
    counts: Counts


class ResultLog:
    """An organisation's results on disk, one account added at a time (module docstring).

    ``add`` sorts an account's results (:data:`RESULT_ORDER`) and writes them; iterating
    gives every result in the order added. The file is a :func:`tempfile.TemporaryFile`
    (no name, gone when closed or when the process ends); chunks are read with
    :func:`os.pread`, so several iterations can run at once.
    """

    indexed = True

    def __init__(self) -> None:
        # Closed by close() or with the log (no name: nothing is left behind either way).
        self._file: BinaryIO = tempfile.TemporaryFile(prefix="regionready-results-")  # noqa: SIM115
        self._chunks: list[_Chunk] = []
        self._end = 0
        self.rule_ids: set[str] = set()

    def add(self, results: list[Result]) -> None:
        """One account's results (any order): written to disk, sorted, in chunks."""
        results.sort(key=RESULT_ORDER)
        start = 0
        for index in range(1, len(results) + 1):
            if index < len(results) and _group(results[index]) == _group(results[start]):
                continue
            self._write(results[start:index])
            start = index

    def _write(self, chunk: list[Result]) -> None:
        data = pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL)
        written = 0
        while written < len(data):
            written += os.pwrite(self._file.fileno(), data[written:], self._end + written)
        counts = Counts.of(chunk)
        pair, service = _group(chunk[0])
        self._chunks.append(_Chunk(self._end, len(data), pair, service, len(chunk), counts))
        self._end += len(data)
        self.rule_ids.update(r.rule_id for r in chunk)

    def _read(self, chunk: _Chunk) -> list[Result]:
        data = os.pread(self._file.fileno(), chunk.size, chunk.offset)
        if len(data) != chunk.size:
            raise OSError(f"results spool: read {len(data)} of {chunk.size} bytes")
        results: list[Result] = pickle.loads(data)
        return results

    def _iterate(
        self, pair: str | None, service: str | None, statuses: frozenset[Status] | None
    ) -> Iterator[Result]:
        for chunk in self._chunks:
            if (pair is not None and chunk.pair != pair) or (
                service is not None and chunk.service != service
            ):
                continue
            if statuses is not None and not any(chunk.counts.status(s) for s in statuses):
                continue
            for result in self._read(chunk):
                if statuses is None or result.status in statuses:
                    yield result

    def __iter__(self) -> Iterator[Result]:
        return self._iterate(None, None, None)

    def __len__(self) -> int:
        return sum(chunk.length for chunk in self._chunks)

    def __bool__(self) -> bool:
        return bool(self._chunks)

    def select(
        self,
        *,
        pair: str | None = None,
        service: str | None = None,
        statuses: frozenset[Status] | None = None,
    ) -> ResultSet:
        return _Selection(self, pair, service, statuses)

    def counts(self, pair: str | None = None, service: str | None = None) -> Counts:
        total = Counts()
        for chunk in self._chunks:
            if (pair is None or chunk.pair == pair) and (
                service is None or chunk.service == service
            ):
                total.merge(chunk.counts)
        return total

    def group_keys(self) -> list[tuple[str, str]]:
        return list(dict.fromkeys((c.pair, c.service) for c in self._chunks))

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> ResultLog:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()


class _Selection:
    """Some of a :class:`ResultLog`'s results (:meth:`ResultLog.select`)."""

    def __init__(
        self,
        log: ResultLog,
        pair: str | None,
        service: str | None,
        statuses: frozenset[Status] | None,
    ) -> None:
        self._log, self._pair, self._service, self._statuses = log, pair, service, statuses

    def __iter__(self) -> Iterator[Result]:
        return self._log._iterate(self._pair, self._service, self._statuses)

    def __len__(self) -> int:
        return self.counts().total

    def __bool__(self) -> bool:
        return next(iter(self), None) is not None

    def counts(self) -> Counts:
        return self._log.counts(self._pair, self._service).only(self._statuses)

    indexed = True

    def select(
        self,
        *,
        pair: str | None = None,
        service: str | None = None,
        statuses: frozenset[Status] | None = None,
    ) -> ResultSet:
        if (pair and self._pair and pair != self._pair) or (
            service and self._service and service != self._service
        ):
            return []  # a pair or service other than this selection's: none of them
        narrowed = (
            statuses if self._statuses is None else (statuses or self._statuses) & self._statuses
        )
        return _Selection(self._log, pair or self._pair, service or self._service, narrowed)

    def group_keys(self) -> list[tuple[str, str]]:
        return [
            key
            for key in self._log.group_keys()
            if (self._pair is None or key[0] == self._pair)
            and (self._service is None or key[1] == self._service)
            and (self._statuses is None or self._log.counts(*key).only(self._statuses).total)
        ]


def _group(result: Result) -> tuple[str, str]:
    return (result.pair, result.service)
