"""Collectors: one module per AWS service, listed in ``regionready.registry.COLLECTORS``
under its ``--services`` name and imported only when needed (never statically).

A collector module declares (contract: ``regionready.plugins.Collector``):

    SERVICE: str                        the snapshot's service key, e.g. "acm"
    GLOBAL: bool                        True for global services (collected once per account)
    LOCAL: bool                         True for this machine / repository (no AWS call)
    RESOURCE_TYPES: dict[str, str]      resource type -> the field that identifies an item
    PERMISSIONS: tuple[str, ...]        every IAM action it may call (read-only)
    PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]]
                                        actions of PERMISSIONS granted on these ARN
                                        patterns only, not "*" ({} for none)
    def collect(clients: Clients, region: str) -> dict[str, list[dict]]

``collect`` is pure: it reads through ``clients.call`` / ``clients.paginate`` (which
record AWS errors against the resource types they feed) and returns items keyed by
resource type, AWS field names as the API returns them. The driver converts datetimes,
sorts items by id and writes the snapshot.
"""
