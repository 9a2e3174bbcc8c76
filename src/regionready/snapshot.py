"""The snapshot: what collectors saw, as JSON files the engine reads offline.

Layout of a scan directory::

    manifest.json                 source, target, accounts, versions, times, API calls
    <account>/<region>.json       one per account and Region
    <account>/global.json         global services (IAM, Route 53, Organizations, CloudFront)
    local.json                    what was read from this machine or repository

Each account file holds ``services.<name>`` with ``status`` (ok or error), ``errors``
(API, code, IAM action, the resource types left without data), ``id_fields`` (the id
field of each resource type) and ``resources.<type>`` (items with AWS field names,
sorted by id). Nothing time-relative is stored; timestamps are UTC ISO-8601.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from regionready import atomic

SNAPSHOT_SCHEMA_VERSION = 1
SNAPSHOT_KIND = "regionready-snapshot"
MANIFEST_KIND = "regionready-manifest"
GLOBAL = "global"
LOCAL = "local"


class SnapshotError(Exception):
    """A snapshot directory or file that cannot be used (missing, truncated, foreign)."""


def iso(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def jsonable(value: Any) -> Any:
    """AWS responses to JSON: datetimes to UTC ISO-8601, bytes to base64, sets sorted."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, dt.datetime):
        return iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


@dataclass
class ServiceData:
    status: str = "ok"
    errors: list[dict[str, Any]] = field(default_factory=list)
    id_fields: dict[str, str] = field(default_factory=dict)
    resources: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    api_calls: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "errors": self.errors,
            "id_fields": self.id_fields,
            "resources": self.resources,
            "api_calls": self.api_calls,
        }


def sort_items(items: list[dict[str, Any]], id_field: str) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: str(item.get(id_field, "")))


def region_document(
    account: str, region: str, services: dict[str, ServiceData], collected_at: str
) -> dict[str, Any]:
    return {
        "kind": SNAPSHOT_KIND,
        "schema_version": SNAPSHOT_SCHEMA_VERSION,
        "account": account,
        "region": region,
        "collected_at": collected_at,
        "services": {name: services[name].to_dict() for name in sorted(services)},
    }


@cache
def schema(name: str) -> dict[str, Any]:
    text = resources.files("regionready.schemas").joinpath(name).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _validate(path: Path, data: Any, schema_name: str) -> None:
    validator = jsonschema.Draft202012Validator(schema(schema_name))
    error = next(iter(sorted(validator.iter_errors(data), key=lambda e: list(e.path))), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise SnapshotError(f"{path}: not a valid regionready snapshot at {where}: {error.message}")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _lone_surrogate(value: Any) -> bool:
    """Whether a decoded document holds a string that is not valid Unicode."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def parse_json(path: Path, text: str, error: type[Exception]) -> Any:
    """Strict JSON (no NaN/Infinity, no lone surrogates); every failure one ``error``."""
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise error(
            f"{path}:{exc.lineno}: not valid JSON ({exc.msg}); the file may be truncated"
        ) from exc
    except RecursionError as exc:
        raise error(f"{path}: not usable JSON: nested too deeply") from exc
    except ValueError as exc:  # NaN/Infinity, or an integer of thousands of digits
        raise error(f"{path}: not usable JSON: {' '.join(str(exc).split())}") from exc
    if ("\\ud" in text or "\\uD" in text) and _lone_surrogate(data):
        raise error(f"{path}: not usable JSON: a string holds a lone surrogate")
    return data


def load_json(path: Path) -> Any:
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError as exc:
        raise SnapshotError(f"{path}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"{path}: cannot read: {exc}") from exc
    return parse_json(path, text, SnapshotError)


def read_account_file(path: Path) -> dict[str, Any]:
    data = load_json(path)
    if not isinstance(data, dict) or data.get("kind") != SNAPSHOT_KIND:
        raise SnapshotError(f"{path}: not a regionready snapshot file (kind is missing)")
    if data.get("schema_version") != SNAPSHOT_SCHEMA_VERSION:
        raise SnapshotError(
            f"{path}: snapshot schema_version {data.get('schema_version')!r} is not supported "
            f"(this regionready reads version {SNAPSHOT_SCHEMA_VERSION})"
        )
    _validate(path, data, "snapshot.schema.json")
    return data


@dataclass
class Scan:
    """A loaded scan directory."""

    root: Path
    manifest: dict[str, Any]
    # (account, region) -> account file document; region "global" for global services
    documents: dict[tuple[str, str], dict[str, Any]]
    local: dict[str, Any] | None

    @property
    def source_region(self) -> str:
        return str(self.manifest["source_region"])

    @property
    def target_region(self) -> str:
        return str(self.manifest["target_region"])

    def pair(self, account: str) -> tuple[str, str]:
        """(source, target) for an account: its own pair in an organisation scan."""
        own = (self.manifest.get("account_regions") or {}).get(account)
        if own:
            return str(own["source"]), str(own["target"])
        return self.source_region, self.target_region

    @property
    def accounts(self) -> list[str]:
        return [str(a) for a in self.manifest["accounts"]]

    def service(self, account: str, region: str, name: str) -> dict[str, Any] | None:
        """One service's data; ``region`` "global" or "local" for those documents."""
        if region == LOCAL:
            if not self.local:
                return None
            local: dict[str, Any] | None = self.local["services"].get(name)
            return local
        doc = self.documents.get((account, region))
        if doc is None:
            return None
        found: dict[str, Any] | None = doc["services"].get(name)
        return found


def manifest_document(
    *,
    source_region: str,
    target_region: str,
    accounts: list[str],
    tool_version: str,
    rules_version: str,
    started_at: str,
    finished_at: str,
    services: list[str],
    api_calls: dict[str, int],
) -> dict[str, Any]:
    return {
        "kind": MANIFEST_KIND,
        "schema_version": SNAPSHOT_SCHEMA_VERSION,
        "source_region": source_region,
        "target_region": target_region,
        "accounts": sorted(accounts),
        "tool_version": tool_version,
        "rules_version": rules_version,
        "started_at": started_at,
        "finished_at": finished_at,
        "services": sorted(services),
        "api_calls": dict(sorted(api_calls.items())),
    }


def write_scan(
    root: Path,
    manifest: dict[str, Any],
    documents: dict[tuple[str, str], dict[str, Any]],
    local: dict[str, Any] | None = None,
) -> None:
    """Account files first, the manifest last: a scan without a manifest is unfinished."""
    for account in manifest.get("accounts", []):
        # A scan of local collectors only still has the account's (empty) folder.
        (root / str(account)).mkdir(parents=True, exist_ok=True)
    for (account, region), doc in sorted(documents.items()):
        atomic.write_json(root / account / f"{region}.json", doc)
    if local is not None:
        atomic.write_json(root / "local.json", local)
    atomic.write_json(root / "manifest.json", manifest)


def read_scan(root: Path) -> Scan:
    root = Path(root)
    if not root.is_dir():
        raise SnapshotError(f"{root}: no such snapshot directory (run 'regionready collect' first)")
    manifest_path = root / "manifest.json"
    if not manifest_path.exists():
        raise SnapshotError(
            f"{root}: no manifest.json: not a regionready snapshot, "
            "or its collection did not finish"
        )
    manifest = load_json(manifest_path)
    if not isinstance(manifest, dict) or manifest.get("kind") != MANIFEST_KIND:
        raise SnapshotError(f"{manifest_path}: not a regionready manifest (kind is missing)")
    _validate(manifest_path, manifest, "manifest.schema.json")
    documents: dict[tuple[str, str], dict[str, Any]] = {}
    for account in manifest["accounts"]:
        folder = root / str(account)
        if not folder.is_dir():
            raise SnapshotError(f"{folder}: account folder named in the manifest is missing")
        for path in sorted(folder.glob("*.json")):
            doc = read_account_file(path)
            if doc["account"] != str(account) or doc["region"] != path.stem:
                raise SnapshotError(
                    f"{path}: holds account {doc['account']} Region {doc['region']}, "
                    f"which does not match its file name"
                )
            documents[(str(account), doc["region"])] = doc
    local_path = root / "local.json"
    local = read_account_file(local_path) if local_path.exists() else None
    return Scan(root=root, manifest=manifest, documents=documents, local=local)
