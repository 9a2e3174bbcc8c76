"""Organisation scans: the accounts file, role resolution and sharding.

An accounts file is YAML::

    accounts:
      - id: "111111111111"
        role: regionready-audit          # a role name in that account, or a full role ARN
        external_id: s3cr3t-id           # optional
        source: me-central-1             # optional: this account's own Region pair
        target: eu-central-1

``--shard i/N`` keeps every N-th account (sorted by id) starting at the i-th, so a CI
matrix of N jobs covers each account exactly once; ``regionready merge`` joins them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from regionready import yamlsafe
from regionready.errors import RegionReadyError

ACCOUNT_RE = re.compile(r"^[0-9]{12}$")
ROLE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/[\w+=,.@/-]+$")
ROLE_NAME_RE = re.compile(r"^[\w+=,.@/-]{1,512}$")
REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-[0-9]+$")
FIELDS = {"id", "role", "external_id", "source", "target"}


class AccountsError(RegionReadyError):
    """An accounts file or shard spec that cannot be used."""


@dataclass(frozen=True)
class AccountSpec:
    id: str
    role_arn: str | None
    external_id: str | None = None
    source: str | None = None
    target: str | None = None


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
        for key in ("source", "target"):
            value = entry.get(key)
            if value is not None and not REGION_RE.fullmatch(str(value)):
                raise AccountsError(f"{path}:{line}: {key} {value!r} is not a Region code")
        specs.append(
            AccountSpec(
                id=account,
                role_arn=role_arn,
                external_id=str(entry["external_id"]) if entry.get("external_id") else None,
                source=entry.get("source"),
                target=entry.get("target"),
            )
        )
    return sorted(specs, key=lambda s: s.id)


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
