"""Collectors: one module per AWS service, resolved by name (never imported statically).

A collector module declares:

    SERVICE: str                        the snapshot's service key, e.g. "acm"
    GLOBAL: bool                        True for global services (collected once per account)
    RESOURCE_TYPES: dict[str, str]      resource type -> the field that identifies an item
    PERMISSIONS: tuple[str, ...]        every IAM action it may call (read-only)
    def collect(clients: Clients, region: str) -> dict[str, list[dict]]

``collect`` is pure: it reads through ``clients.call`` / ``clients.paginate`` (which
record AWS errors against the resource types they feed) and returns items keyed by
resource type, AWS field names as the API returns them. The driver converts datetimes,
sorts items by id and writes the snapshot.
"""
