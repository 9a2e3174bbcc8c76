"""Suppressions: accepted, owned, expiring exceptions to findings.

A suppressions file is YAML::

    suppressions:
      - rule: ACM-003                      # rule id (glob allowed: "ACM-*")
        resource: "arn:aws:acm:eu-central-1:*:certificate/abc*"   # glob on the resource id
        reason: renewed certificate arrives with the December release
        owner: platform-team@example.com
        expires: 2026-12-31                # an expired entry stops suppressing, and says so
        account: "123456789012"            # optional
        region: eu-central-1               # optional
        pair: "*:eu-central-1"             # optional: glob on the pair "source:target"

Every entry needs rule, resource, reason, owner and expires; a missing or unknown field
is a configuration error (exit 2) naming the file and line.

``pair`` limits an entry to the findings of the Region pairs it matches, a glob on the
result's ``source:target`` (``me-central-1:eu-west-1``, ``"*:eu-west-1"`` for every pair
into eu-west-1; quote a value starting with ``*``, which YAML reads as an alias). Without
it the entry applies to every pair of the scan.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from regionready import yamlsafe
from regionready.errors import RegionReadyError
from regionready.model import Result, Status

REQUIRED = ("rule", "resource", "reason", "owner", "expires")
OPTIONAL = ("account", "region", "pair")


class SuppressionError(RegionReadyError):
    """A suppressions file that cannot be used: ``path:line: what is wrong``."""


@dataclass(frozen=True)
class Suppression:
    rule: str
    resource: str
    reason: str
    owner: str
    expires: dt.date
    line: int
    account: str | None = None
    region: str | None = None
    #: A glob on the result's pair ``source:target``; None: every pair.
    pair: str | None = None

    def matches(self, result: Result) -> bool:
        return (
            fnmatch.fnmatchcase(result.rule_id, self.rule)
            and fnmatch.fnmatchcase(result.resource_id, self.resource)
            and (self.account is None or self.account == result.account)
            and (self.region is None or self.region == result.region)
            and (self.pair is None or fnmatch.fnmatchcase(result.pair, self.pair))
        )

    def expired(self, today: dt.date) -> bool:
        return today > self.expires

    @property
    def named(self) -> str:
        """The entry in a notice: rule, resource glob and, when given, the pair glob."""
        pair = f" pair {self.pair}" if self.pair is not None else ""
        return f"{self.rule} {self.resource}{pair}"


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _pair(value: Any, where: str) -> str | None:
    """The ``pair`` glob of an entry (None: absent, every pair); ``where`` is
    ``path:line`` for the error."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise SuppressionError(
            f"{where}: pair must be text, a glob on SOURCE:TARGET "
            f'(e.g. "me-central-1:eu-west-1" or "*:eu-west-1")'
        )
    if ":" not in value:
        raise SuppressionError(
            f"{where}: pair {value!r} has no ':': it is a glob on SOURCE:TARGET "
            f'(e.g. "*:eu-west-1" for every pair into eu-west-1)'
        )
    return value


def load(path: Path) -> list[Suppression]:
    try:
        data, lines = yamlsafe.load(path, kind="suppressions")
    except yamlsafe.YamlError as exc:
        raise SuppressionError(str(exc)) from exc
    if data is None:
        return []
    entries = data.get("suppressions") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise SuppressionError(f"{path}:1: expected a top-level 'suppressions:' list")
    found = []
    for index, entry in enumerate(entries):
        line = yamlsafe.line_of(lines, ("suppressions", index))
        if not isinstance(entry, dict):
            raise SuppressionError(f"{path}:{line}: each suppression must be a mapping")
        missing = [key for key in REQUIRED if entry.get(key) in (None, "")]
        if missing:
            raise SuppressionError(
                f"{path}:{line}: suppression is missing {', '.join(missing)} "
                f"(every entry needs {', '.join(REQUIRED)})"
            )
        unknown = sorted(str(k) for k in set(entry) - set(REQUIRED) - set(OPTIONAL))
        if unknown:
            raise SuppressionError(f"{path}:{line}: unknown field {', '.join(unknown)}")
        expires = _date(entry["expires"])
        if expires is None:
            where = yamlsafe.line_of(lines, ("suppressions", index, "expires"))
            raise SuppressionError(f"{path}:{where}: expires must be a date (YYYY-MM-DD)")
        where = yamlsafe.line_of(lines, ("suppressions", index, "pair"))
        pair = _pair(entry.get("pair"), f"{path}:{where}")
        found.append(
            Suppression(
                rule=str(entry["rule"]),
                resource=str(entry["resource"]),
                reason=str(entry["reason"]),
                owner=str(entry["owner"]),
                expires=expires,
                line=line,
                account=str(entry["account"]) if entry.get("account") else None,
                region=str(entry["region"]) if entry.get("region") else None,
                pair=pair,
            )
        )
    return found


def apply(results: list[Result], suppressions: list[Suppression], today: dt.date) -> list[str]:
    """Suppress matching findings in place; return notices about expired entries (those
    that match a finding, which fails again, and those that match none)."""
    suppressor = Suppressor(suppressions, today)
    return suppressor.apply(results) + suppressor.unmatched()


class Suppressor:
    """:func:`apply` one account's results at a time: :meth:`apply` for each, then
    :meth:`unmatched` once, for the expired entries that matched no finding at all."""

    def __init__(self, suppressions: list[Suppression], today: dt.date) -> None:
        self.suppressions = suppressions
        self.today = today
        self._matched_expired: set[int] = set()

    def apply(self, results: Iterable[Result]) -> list[str]:
        """Suppress matching findings in place; notices about expired entries that match
        a finding (which fails again)."""
        notices: list[str] = []
        for result in results:
            if result.status is not Status.FAIL:
                continue
            for entry in self.suppressions:
                if not entry.matches(result):
                    continue
                record = {
                    "reason": entry.reason,
                    "owner": entry.owner,
                    "expires": entry.expires.isoformat(),
                }
                if entry.expired(self.today):
                    self._matched_expired.add(id(entry))
                    result.details["expired_suppression"] = record
                    notices.append(
                        f"suppression for {entry.named} (owner {entry.owner}) "
                        f"expired on {entry.expires.isoformat()}: {result.resource_id} fails again"
                    )
                    continue
                result.status = Status.SUPPRESSED
                result.suppression = record
                break
        return notices

    def unmatched(self) -> list[str]:
        return [
            f"suppression for {entry.named} (owner {entry.owner}) "
            f"expired on {entry.expires.isoformat()} and matches no finding: remove it"
            for entry in self.suppressions
            if entry.expired(self.today) and id(entry) not in self._matched_expired
        ]
