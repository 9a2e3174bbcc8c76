"""The Regions of the account and their opt-in status (collected once per account).

Items (AWS field names, as the API returns them):

``region`` (id ``RegionName``)
    Each account:ListRegions entry: ``RegionName`` and ``RegionOptStatus`` (ENABLED,
    ENABLED_BY_DEFAULT, ENABLING, DISABLING, DISABLED). ListRegions returns every
    Region of the partition, opted in or not, so a Region missing from the list does
    not exist in this partition. Paginated (MaxResults 1-50).
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "account"
GLOBAL = True
LOCAL = False
RESOURCE_TYPES = {"region": "RegionName"}
PERMISSIONS = ("account:ListRegions",)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    regions = clients.paginate("account", "list_regions", "Regions", feeds=["region"])
    return {"region": [dict(r) for r in regions or []]}
