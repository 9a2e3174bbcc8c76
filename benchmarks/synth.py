"""Synthetic two-Region snapshots of N resources across every service of the catalogue.

The items are the rule fixtures' own (``rules/<service>/tests/<ID>.yaml``): every case
is a small, realistic two-Region account made to make a rule pass or fail, so a snapshot
built from them exercises every rule on data of the shape its collector writes, with a
mix of PASS, FAIL and NOT_APPLICABLE. Cases are copied round-robin until the snapshot
holds ``N`` resources; in copy ``i`` every identifier of the case (id fields and
top-level ``*Name``/``*Id``/``*Arn`` values, also where they appear inside ARNs and
references) gets the suffix ``-c<case>n<i>``, so copies do not collide and the references and
cross-Region pairs inside a case stay intact.

Resource types an account has once, or a fixed few of, per Region (the Identity Center
instance, the GuardDuty detector, the Region and quota catalogues, ...: ``SINGLETONS``)
are taken from the first copy of each case only, so the volume goes where real accounts
have it (certificates, keys, roles, secrets, web ACLs, ...), not into 2,000 Identity
Center instances.

Cases that simulate collection errors or another Region pair are left out (they would
turn a whole rule into one ERROR result). Global services go to ``global.json``, local
ones to ``local.json``, as the collectors write them; every resource type of every
collector is present (possibly empty), so no rule reads "not collected".

Usage::

    python benchmarks/synth.py OUT_DIR --resources 100000
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

SOURCE = "me-central-1"
TARGET = "eu-central-1"
ACCOUNT = "111111111111"
NOW = "2026-11-23T00:00:00Z"
_SKIP_VALUE = re.compile(r"^(\d{12}|[a-z]{2}(-[a-z]+)+-\d|global|local|true|false|\*)$")
_NAME_KEY = re.compile(r"(Name|Id|Arn|ARN)$")
SINGLETONS = frozenset(
    {
        "account.region",
        "ssm.region_service",
        "servicequotas.quota",
        "sso.instance",
        "guardduty.detector",
        "accessanalyzer.analyzer",
        "cloudtrail.trail",
        "local.profile",
        "local.environment",
    }
)


def _collectors() -> dict[str, Any]:
    from regionready import registry

    return registry.collectors_by_service()


def _where(module: Any) -> str | None:
    if getattr(module, "LOCAL", False):
        return "local"
    if getattr(module, "GLOBAL", False):
        return "global"
    return None


def load_cases(rules_dir: Path | None = None) -> list[dict[str, Any]]:
    """Every usable fixture case: {"source"|"target"|"global"|"local": {svc: {type: [...]}}}."""
    from regionready.engine.rules import builtin_rules_dir
    from regionready.snapshot import jsonable

    root = Path(rules_dir or builtin_rules_dir())
    cases: list[dict[str, Any]] = []
    for path in sorted(root.glob("*/tests/*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        for case in data.get("cases") or []:
            if case.get("errors") or case.get("source_region") or case.get("target_region"):
                continue
            kept = {
                side: jsonable(case[side])
                for side in ("source", "target", "global", "local")
                if case.get(side)
            }
            if kept:
                cases.append(kept)
    return cases


def _items(case: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    for side, services in case.items():
        for service, types in (services or {}).items():
            for rtype, items in (types or {}).items():
                for item in items or []:
                    if isinstance(item, dict):
                        yield side, service, rtype, item


def _identifiers(case: dict[str, Any], id_fields: dict[str, dict[str, str]]) -> list[str]:
    found: set[str] = set()
    for _, service, rtype, item in _items(case):
        id_field = id_fields.get(service, {}).get(rtype)
        for key, value in item.items():
            if not isinstance(value, str) or not value or _SKIP_VALUE.match(value):
                continue
            if key == id_field or _NAME_KEY.search(key):
                found.add(value)
    return sorted(found, key=len, reverse=True)


class Template:
    """A fixture case and the pattern that renames its identifiers."""

    def __init__(
        self, case: dict[str, Any], id_fields: dict[str, dict[str, str]], ordinal: int = 0
    ) -> None:
        self.case = case
        self.ordinal = ordinal
        names = _identifiers(case, id_fields)
        self.pattern = (
            re.compile(
                r"(?<![A-Za-z0-9_.\-])(" + "|".join(map(re.escape, names)) + r")(?![A-Za-z0-9_\-])"
            )
            if names
            else None
        )
        self.size = sum(1 for _ in _items(case))

    def copy(self, index: int) -> dict[str, Any]:
        if self.pattern is None or index == 0:
            return copy.deepcopy(self.case)
        # Unique per case and copy: AWS names are unique per Region, and fixture cases
        # reuse the same short names ("storefront", "a"), which would pile hundreds of
        # items onto one parity key. Copy 0 keeps the fixture's names (the singletons
        # and AWS-defined names such as service codes come from it).
        suffix = f"-c{self.ordinal}n{index}"
        pattern = self.pattern

        def rename(value: Any) -> Any:
            if isinstance(value, str):
                return pattern.sub(lambda m: m.group(1) + suffix, value)
            if isinstance(value, dict):
                return {k: rename(v) for k, v in value.items()}
            if isinstance(value, list):
                return [rename(v) for v in value]
            return value

        renamed: dict[str, Any] = rename(self.case)
        return renamed


def build(resources: int, rules_dir: Path | None = None) -> dict[str, Any]:
    """Documents of a synthetic scan of about ``resources`` items."""
    collectors = _collectors()
    id_fields = {name: dict(m.RESOURCE_TYPES) for name, m in collectors.items()}
    templates = [Template(c, id_fields, i) for i, c in enumerate(load_cases(rules_dir))]
    templates = [t for t in templates if t.size]
    if not templates:
        raise RuntimeError("no usable rule fixture cases")
    data: dict[str, dict[str, dict[str, list[dict[str, Any]]]]] = {
        side: {} for side in (SOURCE, TARGET, "global", "local")
    }
    for name, module in collectors.items():
        where = _where(module)
        for side in [where] if where else [SOURCE, TARGET]:
            data[side][name] = {rtype: [] for rtype in module.RESOURCE_TYPES}
    total = 0
    index = 0
    while total < resources:
        for template in templates:
            if total >= resources:
                break
            number = index // len(templates)
            for side, service, rtype, item in _items(template.copy(number)):
                module = collectors.get(service)
                if module is None or (number and f"{service}.{rtype}" in SINGLETONS):
                    continue
                where = _where(module) or {"source": SOURCE, "target": TARGET}.get(side)
                if where is None:  # a regional service in a fixture's "global" block
                    continue
                bucket = data[where].setdefault(service, {})
                bucket.setdefault(rtype, []).append(item)
                total += 1
            index += 1
    return {"data": data, "id_fields": id_fields, "resources": total}


def write(out: Path, resources: int, rules_dir: Path | None = None) -> dict[str, Any]:
    """Write the snapshot directory; returns {"resources", "files", "bytes", "seconds"}."""
    from regionready.snapshot import SNAPSHOT_KIND, SNAPSHOT_SCHEMA_VERSION, sort_items
    from regionready.snapshot_manifest import manifest_document
    from regionready.snapshot_write import write_scan

    started = time.perf_counter()
    built = build(resources, rules_dir)
    documents: dict[tuple[str, str], dict[str, Any]] = {}
    local = None
    for side, services in built["data"].items():
        if not services:
            continue
        doc = {
            "kind": SNAPSHOT_KIND,
            "schema_version": SNAPSHOT_SCHEMA_VERSION,
            "account": "local" if side == "local" else ACCOUNT,
            "region": side,
            "collected_at": NOW,
            "services": {
                name: {
                    "status": "ok",
                    "errors": [],
                    "id_fields": built["id_fields"].get(name, {}),
                    "resources": {
                        rtype: sort_items(items, built["id_fields"].get(name, {}).get(rtype, ""))
                        for rtype, items in sorted(types.items())
                    },
                    "api_calls": 0,
                }
                for name, types in sorted(services.items())
            },
        }
        if side == "local":
            local = doc
        else:
            documents[(ACCOUNT, side)] = doc
    manifest = manifest_document(
        source_region=SOURCE,
        target_region=TARGET,
        accounts=[ACCOUNT],
        tool_version="bench",
        rules_version="bench",
        started_at=NOW,
        finished_at=NOW,
        services=sorted(_collectors()),
        api_calls={},
    )
    write_scan(out, manifest, documents, local)
    files = [p for p in out.rglob("*.json")]
    return {
        "resources": built["resources"],
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
        "seconds": round(time.perf_counter() - started, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--resources", type=int, default=10_000)
    args = parser.parse_args(argv)
    print(write(args.out, args.resources))
    return 0


if __name__ == "__main__":
    sys.exit(main())
