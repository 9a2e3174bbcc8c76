"""Region pairs: which Regions a scan compares, and in which direction.

A scan judges one or more *pairs* (source, target). The shapes teams run:

- one pair: ``--source me-central-1 --target eu-central-1``;
- several targets (a pilot-light Region and a backup Region): ``--target a,b``;
- consolidation (two Regions folded into one): ``--source a,b --target c``;
- active-active (each Region takes over from the other): ``--active-active``;
- any other set: ``--pairs me-central-1:eu-central-1,me-central-1:eu-west-1``.

Each Region is collected once, whatever the number of pairs it is in. A pair is written
``source:target`` wherever a program reads it (``--pairs``, suppressions' ``pair`` glob,
the JSON report) and ``source -> target`` for people.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from regionready.errors import UsageError

SEPARATOR = ":"


@dataclass(frozen=True)
class Pair:
    source: str
    target: str

    @property
    def label(self) -> str:
        """``source:target``, the form ``--pairs`` and suppressions take."""
        return f"{self.source}{SEPARATOR}{self.target}"

    def __str__(self) -> str:
        return f"{self.source} -> {self.target}"

    def to_dict(self) -> dict[str, str]:
        return {"source": self.source, "target": self.target}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Pair:
        return cls(str(data["source"]), str(data["target"]))


def parse_pair(text: str, *, where: str = "--pairs") -> Pair:
    """``source:target`` as a Pair; :class:`UsageError` naming ``where`` otherwise."""
    source, sep, target = text.strip().partition(SEPARATOR)
    if not sep or not source.strip() or not target.strip() or SEPARATOR in target:
        raise UsageError(f"{where}: {text!r} is not SOURCE:TARGET (e.g. me-central-1:eu-central-1)")
    return Pair(source.strip(), target.strip())


def build(
    sources: Sequence[str],
    targets: Sequence[str],
    *,
    pairs: Sequence[str] = (),
    active_active: bool = False,
) -> list[Pair]:
    """The pairs the command line asks for (see the module docstring).

    :class:`UsageError` for a combination with no single meaning: ``--pairs`` with
    ``--source``/``--target``, several sources and several targets at once (say which go
    together with ``--pairs``), ``--active-active`` with more than two Regions, a pair
    whose source is its target, or a pair given twice.
    """
    if pairs:
        if sources or targets:
            raise UsageError("--pairs lists every pair: leave out --source and --target")
        found = [parse_pair(text) for text in pairs]
    else:
        if not sources or not targets:
            raise UsageError(
                "name the Regions: --source and --target, or --pairs SOURCE:TARGET,..."
            )
        if len(sources) > 1 and len(targets) > 1:
            raise UsageError(
                "several sources and several targets: say which go together with "
                "--pairs SOURCE:TARGET,..."
            )
        found = [Pair(s, t) for s in sources for t in targets]
    if active_active:
        if len(found) != 1:
            raise UsageError(
                "--active-active takes exactly two Regions: --source A --target B "
                "(each is then the source and the target of the other)"
            )
        found = [found[0], Pair(found[0].target, found[0].source)]
    check(found)
    return found


def check(pairs: Sequence[Pair], *, where: str = "") -> None:
    """No pair from a Region to itself, none given twice (``where`` prefixes the error)."""
    lead = f"{where}: " if where else ""
    seen: set[Pair] = set()
    for pair in pairs:
        if pair.source == pair.target:
            raise UsageError(f"{lead}{pair}: the source and the target must be different Regions")
        if pair in seen:
            raise UsageError(f"{lead}{pair} is given twice")
        seen.add(pair)


def regions(pairs: Iterable[Pair]) -> list[str]:
    """Every Region of ``pairs`` once: the sources first, then the targets, in order."""
    ordered = list(pairs)
    return list(dict.fromkeys([p.source for p in ordered] + [p.target for p in ordered]))


def sources_of(pairs: Iterable[Pair], target: str) -> list[str]:
    """The sources that ``target`` takes over from (more than one: consolidation)."""
    return [p.source for p in pairs if p.target == target]


def shape(pairs: Sequence[Pair]) -> str:
    """What a person calls the set: one pair, several targets, consolidation,
    active-active, or pairs (anything else)."""
    if len(pairs) == 1:
        return "one pair"
    sources = {p.source for p in pairs}
    targets = {p.target for p in pairs}
    if len(pairs) == 2 and pairs[0] == Pair(pairs[1].target, pairs[1].source):
        return "active-active"
    if len(sources) == 1:
        return "several targets"
    if len(targets) == 1:
        return "consolidation"
    return "pairs"


def to_list(pairs: Iterable[Pair]) -> list[dict[str, str]]:
    return [p.to_dict() for p in pairs]


def from_list(data: Iterable[dict[str, Any]]) -> list[Pair]:
    return [Pair.from_dict(d) for d in data]
