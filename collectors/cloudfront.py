"""CloudFront distributions and their viewer certificates (global: once per account).

CloudFront reads ACM certificates from us-east-1 only; the ACM checks use these items to
tell a certificate used only by CloudFront (it needs no migration) from one that other
Regional services use too.

Items (AWS field names, as the APIs return them):

``distribution`` (id ``ARN``)
    Each ListDistributions ``DistributionList.Items`` entry (DistributionSummary): Id,
    ARN, DomainName, Aliases, Enabled, Status, ViewerCertificate
    {CloudFrontDefaultCertificate, ACMCertificateArn, IAMCertificateId,
    SSLSupportMethod, MinimumProtocolVersion, CertificateSource}, ...

If a page fails the error is recorded against ``distribution`` and the list is empty
(rules over it give ERROR, never a silent "not used by CloudFront").
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "cloudfront"
GLOBAL = True
LOCAL = False
RESOURCE_TYPES = {"distribution": "ARN"}
PERMISSIONS = ("cloudfront:ListDistributions",)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}


# ListDistributions nests its items (``DistributionList.Items``), which the generic
# paginate helper cannot reach: pages are followed here by Marker / NextMarker.
PAGE_SIZE: int | None = None


def _distributions(clients: Clients) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    marker: str | None = None
    while True:
        kwargs: dict[str, Any] = {"Marker": marker} if marker else {}
        if PAGE_SIZE:
            kwargs["MaxItems"] = str(PAGE_SIZE)
        page = clients.call("cloudfront", "list_distributions", feeds=["distribution"], **kwargs)
        if page is None:
            return []
        listing = page.get("DistributionList") or {}
        items.extend(dict(d) for d in listing.get("Items") or [])
        marker = listing.get("NextMarker")
        if not listing.get("IsTruncated") or not marker:
            return items


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    return {"distribution": _distributions(clients)}
