"""Organisation scans: the accounts file, role resolution and sharding.

An accounts file is YAML::

    accounts:
      - id: "111111111111"
        role: regionready-audit          # a role name in that account, or a full role ARN
        external_id: s3cr3t-id           # optional
        source: me-central-1             # optional: this account's own Regions, as on the
        target: [eu-central-1, eu-west-1]  # command line (a Region or a list each)
      - id: "222222222222"
        pairs: [me-central-1:eu-central-1, me-south-1:eu-central-1]   # or its own pairs
      - id: "333333333333"
        source: eu-central-1
        target: eu-west-1
        active_active: true               # each Region also the source of the other

An account without Regions of its own is judged on the pairs of the command line.

``--shard i/N`` keeps every N-th account (sorted by id) starting at the i-th, so a CI
matrix of N jobs covers each account exactly once; ``regionready merge`` joins them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from regionready import topology, yamlsafe
from regionready.errors import RegionReadyError, UsageError
from regionready.topology import Pair

ACCOUNT_RE = re.compile(r"^[0-9]{12}$")
ROLE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/[\w+=,.@/-]+$")
ROLE_NAME_RE = re.compile(r"^[\w+=,.@/-]{1,512}$")
REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+$")
FIELDS = {"id", "role", "external_id", "source", "target", "pairs", "active_active"}


class AccountsError(RegionReadyError):
    """An accounts file or shard spec that cannot be used."""


@dataclass(frozen=True)
class AccountSpec:
    id: str
    role_arn: str | None
    external_id: str | None = None
    #: The account's own pairs (empty: the command line's).
    pairs: tuple[Pair, ...] = ()


def _role_arn(account: str, role: str) -> str:
    if role.startswith("arn:"):
        match = ROLE_ARN_RE.fullmatch(role)
        if not match:
            raise ValueError(f"not an IAM role ARN: {role}")
        if match.group(1) != account:
            raise ValueError(f"role {role} is not in account {account}")
        return role
    if not ROLE_NAME_RE.fullmatch(role):
        raise ValueError(f"not a role name: {role}")
    return f"arn:aws:iam::{account}:role/{role.strip('/')}"


def load(path: Path) -> list[AccountSpec]:
    try:
        data, lines = yamlsafe.load(path, kind="accounts")
    except yamlsafe.YamlError as exc:
        raise AccountsError(str(exc)) from exc
    entries = data.get("accounts") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise AccountsError(f"{path}:1: expected a non-empty top-level 'accounts:' list")
    specs: list[AccountSpec] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        line = yamlsafe.line_of(lines, ("accounts", index))
        if not isinstance(entry, dict):
            raise AccountsError(f"{path}:{line}: each account must be a mapping")
        unknown = sorted(str(k) for k in set(entry) - FIELDS)
        if unknown:
            raise AccountsError(f"{path}:{line}: unknown field {', '.join(unknown)}")
        account = str(entry.get("id", "")).strip()
        if not ACCOUNT_RE.fullmatch(account):
            raise AccountsError(f"{path}:{line}: id must be a 12-digit account id (quote it)")
        if account in seen:
            raise AccountsError(f"{path}:{line}: account {account} is listed twice")
        seen.add(account)
        role = entry.get("role")
        try:
            role_arn = _role_arn(account, str(role)) if role else None
        except ValueError as exc:
            raise AccountsError(f"{path}:{line}: {exc}") from exc
        try:
            pairs = _pairs(entry)
        except (ValueError, UsageError) as exc:
            raise AccountsError(f"{path}:{line}: {exc}") from exc
        specs.append(
            AccountSpec(
                id=account,
                role_arn=role_arn,
                external_id=str(entry["external_id"]) if entry.get("external_id") else None,
                pairs=tuple(pairs),
            )
        )
    return sorted(specs, key=lambda s: s.id)


#: The command-line flags topology's errors name, and this file's fields for them.
_FIELD_OF = {
    "--active-active": "active_active",
    "--pairs": "pairs",
    "--source": "source",
    "--target": "target",
}
_FLAG_WORDS = re.compile("|".join(re.escape(flag) for flag in _FIELD_OF))


def _regions(entry: dict[str, object], key: str) -> list[str]:
    """``source`` or ``target`` of an entry: a Region code or a list of them."""
    value = entry.get(key)
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    for code in values:
        if not isinstance(code, str) or not REGION_RE.fullmatch(code):
            raise ValueError(f"{key} {code!r} is not a Region code")
    return [str(code) for code in values]


def _pairs(entry: dict[str, object]) -> list[Pair]:
    """The account's own pairs, built as the command line builds them; none: the
    command line's."""
    sources, targets = _regions(entry, "source"), _regions(entry, "target")
    listed = entry.get("pairs") or []
    if not isinstance(listed, list) or not all(isinstance(p, str) for p in listed):
        raise ValueError("pairs must be a list of SOURCE:TARGET")
    active = entry.get("active_active", False)
    if not isinstance(active, bool):
        raise ValueError("active_active must be true or false")
    if not (sources or targets or listed):
        if active:
            raise ValueError("active_active needs source and target")
        return []
    if bool(sources) != bool(targets) and not listed:
        raise ValueError("give both source and target (or pairs)")
    try:
        pairs = topology.build(
            sources, targets, pairs=[str(p) for p in listed], active_active=active
        )
    except UsageError as exc:  # worded for the command line: say it in this file's words
        raise ValueError(_FLAG_WORDS.sub(lambda m: _FIELD_OF[m.group(0)], str(exc))) from None
    for pair in pairs:
        for code in (pair.source, pair.target):
            if not REGION_RE.fullmatch(code):
                raise ValueError(f"{code!r} is not a Region code")
    return pairs


def parse_shard(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)/(\d+)", text.strip())
    if not match:
        raise AccountsError(f"--shard wants i/N (e.g. 2/4), got {text!r}")
    index, total = int(match.group(1)), int(match.group(2))
    if total < 1 or not 1 <= index <= total:
        raise AccountsError(f"--shard {text}: i must be between 1 and N")
    return index, total


def shard(specs: list[AccountSpec], index: int, total: int) -> list[AccountSpec]:
    return sorted(specs, key=lambda s: s.id)[index - 1 :: total]
