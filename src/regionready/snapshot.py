"""The snapshot: what collectors saw, as JSON files the engine reads offline.

Layout of a scan directory::

    manifest.json                 source, target, accounts, versions, times, API calls,
                                  and the list of every other file (path, size, SHA-256)
    <account>/<region>.json       one per account and Region
    <account>/global.json         global services (IAM, Route 53, Organizations, CloudFront)
    local.json                    what was read from this machine or repository

Each account file holds ``services.<name>`` with ``status`` (ok or error), ``errors``
(API, code, IAM action, the resource types left without data), ``id_fields`` (the id
field of each resource type) and ``resources.<type>`` (items with AWS field names,
sorted by id). Nothing time-relative is stored; timestamps are UTC ISO-8601.

A snapshot describes itself: its manifest, written last, lists each of its files with
the size and SHA-256 of the bytes written (:data:`MANIFEST_SCHEMA_VERSION` 2; the account
files keep :data:`SNAPSHOT_SCHEMA_VERSION` 1).
:func:`regionready.snapshot_manifest.read_scan` reads exactly the files listed, through
:mod:`regionready.inputfile` (regular files only, inside the snapshot folder, bounded),
and refuses a snapshot whose files do not match their entries; anything else in the folder
is ignored. A version-1 manifest lists nothing, so a snapshot written by an earlier
regionready is refused with a request to collect it again.

Building the manifest and reading a snapshot through it: :mod:`regionready.snapshot_manifest`.
Writing a snapshot (swapped in whole, never written into): :mod:`regionready.snapshot_write`.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from regionready import inputfile, topology
from regionready.errors import RegionReadyError
from regionready.topology import Pair

#: Account files (``<account>/<region>.json``, ``local.json``): snapshot.schema.json.
SNAPSHOT_SCHEMA_VERSION = 1
#: The manifest: manifest.schema.json. Version 2 lists the snapshot's files; version 1
#: (regionready before the list) is refused with a request to collect again.
MANIFEST_SCHEMA_VERSION = 2
SNAPSHOT_KIND = "regionready-snapshot"
MANIFEST_KIND = "regionready-manifest"
GLOBAL = "global"
LOCAL = "local"
MANIFEST_FILE = "manifest.json"
LOCAL_FILE = "local.json"
#: ``regionready remediate``'s default audit log, kept when the snapshot is replaced.
AUDIT_LOG = "remediation-audit.jsonl"
#: ``collect``/``scan --debug``: the tracebacks of collectors that failed with a Python
#: error, appended while collecting and kept when the snapshot is replaced (so the new
#: snapshot has it; each entry starts with its time).
DEBUG_LOG = "debug.log"
#: A file a manifest may list: ``<account>/<region>.json`` (or ``global``), ``local.json``.
FILE_PATH = re.compile(r"local\.json|[0-9]{12}/(global|[a-z]{2}(-[a-z]+)+-\d+)\.json")


class SnapshotError(RegionReadyError):
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


#: The code of a call not made because the checks collected for do not read what it
#: feeds (a service's ``unread``).
NOT_SELECTED = "NotSelected"


@dataclass
class CollectionError:
    """What a failed read left incomplete.

    ``resource_types`` are the types it feeds; ``fields`` narrows a type to the
    top-level fields the read fills (a type not in it is incomplete as a whole), and
    ``resources`` to the ids of the items it was about (a type not in it: every item).
    """

    api: str
    code: str
    message: str
    action: str
    resource_types: list[str]
    fields: dict[str, list[str]] = field(default_factory=dict)
    resources: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "api": self.api,
            "code": self.code,
            "message": self.message,
            "action": self.action,
            "resource_types": sorted(self.resource_types),
        }
        if self.fields:
            data["fields"] = {t: sorted(set(f)) for t, f in sorted(self.fields.items())}
        if self.resources:
            data["resources"] = {t: sorted(set(r)) for t, r in sorted(self.resources.items())}
        return data


@dataclass
class ServiceData:
    status: str = "ok"
    errors: list[dict[str, Any]] = field(default_factory=list)
    id_fields: dict[str, str] = field(default_factory=dict)
    resources: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    api_calls: int = 0
    not_run: dict[str, str] = field(default_factory=dict)
    #: Calls not made because the selected checks do not read what they feed, shaped as
    #: errors (code NotSelected): other rules that read that data are ERROR.
    unread: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        doc = {
            "status": self.status,
            "errors": self.errors,
            "id_fields": self.id_fields,
            "resources": self.resources,
            "api_calls": self.api_calls,
        }
        if self.not_run:
            doc["not_run"] = self.not_run
        if self.unread:
            doc["unread"] = self.unread
        return doc


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


def validate(path: Path, data: Any, schema_name: str) -> None:
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


def load_json(path: Path, within: Path | None = None) -> Any:
    """A snapshot JSON file, read through :mod:`regionready.inputfile` (kind "snapshot":
    a regular file of bounded size; with ``within``, one that stays inside that folder)."""
    try:
        text = inputfile.read_text(path, "snapshot", within)
    except inputfile.InputFileError as exc:
        raise SnapshotError(str(exc)) from exc
    return parse_json(path, text, SnapshotError)


def read_account_file(path: Path, within: Path | None = None) -> dict[str, Any]:
    return account_document(path, load_json(path, within))


def account_document(path: Path, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("kind") != SNAPSHOT_KIND:
        raise SnapshotError(f"{path}: not a regionready snapshot file (kind is missing)")
    if data.get("schema_version") != SNAPSHOT_SCHEMA_VERSION:
        raise SnapshotError(
            f"{path}: snapshot schema_version {data.get('schema_version')!r} is not supported "
            f"(this regionready reads version {SNAPSHOT_SCHEMA_VERSION})"
        )
    validate(path, data, "snapshot.schema.json")
    return data


@dataclass
class Scan:
    """A loaded scan directory."""

    root: Path
    manifest: dict[str, Any]
    # (account, region) -> account file document; region "global" for global services
    # (read at once by snapshot_manifest.read_scan, or one account at a time:
    # regionready.accountstore)
    documents: Mapping[tuple[str, str], dict[str, Any]]
    local: dict[str, Any] | None

    @property
    def source_region(self) -> str:
        return str(self.manifest["source_region"])

    @property
    def target_region(self) -> str:
        return str(self.manifest["target_region"])

    def pairs(self, account: str | None = None) -> list[Pair]:
        """The pairs judged in ``account`` (its own in an organisation scan); without
        ``account``, every pair of the scan once, in order."""
        if account is None:
            return list(dict.fromkeys(p for a in self.accounts for p in self.pairs(a)))
        own = (self.manifest.get("account_regions") or {}).get(account)
        if own:
            if "pairs" in own:
                return topology.from_list(own["pairs"])
            return [Pair(str(own["source"]), str(own["target"]))]
        if self.manifest.get("pairs"):
            return topology.from_list(self.manifest["pairs"])
        return [Pair(self.source_region, self.target_region)]

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
