"""The re-encryption inventory: what data each customer managed key of the source
encrypts, counted and sized, for the cutover plan.

Every item of the inventory collectors (``engine.functions.data.DATA_TYPES``) whose
data is under a customer managed key of the source is counted against that key, with the
size the API reports where it reports one. Keys are resolved the way the rules resolve
them: a key ARN or id to its kms.key, an alias to the key it points at.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from regionready.engine.functions.data import (
    DATA_TYPES,
    data_bytes,
    data_key,
    human_bytes,
    kms_ref,
)
from regionready.snapshot import Scan


@dataclass
class KeyUsage:
    """The data one customer managed key of the source encrypts."""

    account: str
    region: str
    key_id: str
    name: str  # its first alias, else its id
    multi_region: bool
    resources: int = 0
    size_bytes: int = 0
    unsized: int = 0  # resources whose API reports no size
    by_type: Counter[str] = field(default_factory=Counter)

    @property
    def size(self) -> str:
        return human_bytes(self.size_bytes) if self.size_bytes else ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "region": self.region,
            "key_id": self.key_id,
            "name": self.name,
            "multi_region": self.multi_region,
            "resources": self.resources,
            "size_bytes": self.size_bytes,
            "unsized": self.unsized,
            "by_type": dict(sorted(self.by_type.items())),
        }


def _items(scan: Scan, account: str, region: str, rtype: str) -> list[dict[str, Any]]:
    service, name = rtype.split(".", 1)
    data = scan.service(account, region, service)
    items = (data or {}).get("resources", {}).get(name) or []
    return [item for item in items if isinstance(item, dict)]


def inventory(scan: Scan, region: str | None = None) -> list[KeyUsage]:
    """Per customer managed key of ``region`` (the source by default), what it encrypts;
    keys that encrypt nothing collected are left out. Ordered by size, then count."""
    where = region or scan.source_region
    usages: list[KeyUsage] = []
    for account in scan.accounts:
        keys = {k.get("KeyId"): k for k in _items(scan, account, where, "kms.key")}
        aliases = {a.get("AliasName"): a for a in _items(scan, account, where, "kms.alias")}
        found: dict[str, KeyUsage] = {}
        for rtype in DATA_TYPES:
            for item in _items(scan, account, where, rtype):
                ref = kms_ref(data_key(item), where)
                key = keys.get(ref) or keys.get((aliases.get(ref) or {}).get("TargetKeyId"))
                if not key or key.get("KeyManager") != "CUSTOMER":
                    continue
                key_id = str(key["KeyId"])
                usage = found.get(key_id)
                if usage is None:
                    names = key.get("Aliases") or []
                    usage = found[key_id] = KeyUsage(
                        account=account,
                        region=where,
                        key_id=key_id,
                        name=str(names[0]) if names else key_id,
                        multi_region=bool(key.get("MultiRegion")),
                    )
                usage.resources += 1
                usage.by_type[rtype] += 1
                size = data_bytes(item)
                if size is None:
                    usage.unsized += 1
                else:
                    usage.size_bytes += size
        usages.extend(found.values())
    return sorted(usages, key=lambda u: (-u.size_bytes, -u.resources, u.account, u.name))
