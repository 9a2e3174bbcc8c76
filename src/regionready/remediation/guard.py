"""The guard every remediation client carries: no delete-like call, and mutating calls
in the target Region only (except the APIs that create a copy in the target by calling
the source Region's endpoint)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from regionready.remediation.actions.errors import UnsafeCall

READ_ONLY = re.compile(r"^(List|Describe|Get|BatchGet|Head|Search|Lookup)")
NEVER = re.compile(
    r"^(Delete|Remove|Disable|Revoke|Retire|Schedule|Cancel|Disassociate|Deregister|Untag"
    r"|Purge|Stop|Terminate|Detach)"
)


def _cross_region_create(operation: str, params: dict[str, Any], target: str) -> bool:
    """APIs called on the source endpoint whose only effect is a copy in the target."""
    if operation == "ReplicateKey":
        return params.get("ReplicaRegion") == target
    if operation == "ReplicateSecretToRegions":
        regions = {r.get("Region") for r in params.get("AddReplicaRegions", [])}
        return regions == {target}
    if operation == "AddRegion":  # sso-admin, on the instance's primary Region
        return params.get("RegionName") == target
    return False


def guard(target: str, region: str) -> Callable[..., None]:
    """A botocore hook refusing unsafe calls of a client in ``region``."""

    def check(model: Any, params: dict[str, Any], **_: Any) -> None:
        operation = str(model.name)
        if READ_ONLY.match(operation):
            return
        if NEVER.match(operation):
            raise UnsafeCall(f"refused {operation}: remediation never deletes or disables")
        if region == target or _cross_region_create(operation, params, target):
            return
        raise UnsafeCall(f"refused {operation} in {region}: remediation acts only in {target}")

    return check


class TargetClients:
    """Clients for one account: target Region by default, source only for reads and the
    cross-Region create APIs; every client carries the guard."""

    def __init__(self, make_client: Callable[[str, str], Any], source: str, target: str) -> None:
        self._make = make_client
        self.source = source
        self.target = target
        self._cache: dict[tuple[str, str], Any] = {}

    def _client(self, service: str, region: str) -> Any:
        key = (service, region)
        if key not in self._cache:
            client = self._make(service, region)
            # before-parameter-build sees the API parameters (before-call sees the wire form).
            client.meta.events.register("before-parameter-build", guard(self.target, region))
            self._cache[key] = client
        return self._cache[key]

    def __call__(self, service: str) -> Any:
        return self._client(service, self.target)

    def in_source(self, service: str) -> Any:
        return self._client(service, self.source)
