"""Snapshots of one account judged on several Region pairs, for the CLI tests of pairs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from regionready.engine.fixtures import ACCOUNT, region_document
from regionready.snapshot_manifest import manifest_document
from regionready.snapshot_write import write_scan
from regionready.topology import Pair

from .conftest import CERT_SOURCE

SOURCE = "me-central-1"
CENTRAL = "eu-central-1"
WEST = "eu-west-1"
#: A pilot-light Region and a backup Region: two targets of one source.
PAIRS = [Pair(SOURCE, CENTRAL), Pair(SOURCE, WEST)]
NOW = "2026-11-23T00:00:00Z"


def certificates(*certs: dict[str, Any]) -> dict[str, Any]:
    return {"acm": {"certificate": list(certs), "private_ca": []}}


def copy_in(region: str, cert: dict[str, Any] = CERT_SOURCE) -> dict[str, Any]:
    """``cert`` as it is when recreated in ``region`` (same domain, SANs, algorithm)."""
    arn = str(cert["CertificateArn"]).replace(f":{SOURCE}:", f":{region}:")
    return dict(cert, CertificateArn=arn)


def make_pairs_scan(
    root: Path,
    regions: dict[str, dict[str, Any]],
    *,
    pairs: list[Pair] = PAIRS,
    errors: dict[str, dict[str, Any]] | None = None,
) -> Path:
    """A snapshot of ACCOUNT: ``regions`` maps each Region of ``pairs`` to its data
    (service -> resource type -> items), ``errors`` a Region to its collection errors."""
    errors = errors or {}
    docs = {
        (ACCOUNT, region): region_document(region, data, errors.get(region, {}))
        for region, data in regions.items()
    }
    manifest = manifest_document(
        source_region=pairs[0].source,
        target_region=pairs[0].target,
        pairs=pairs,
        accounts=[ACCOUNT],
        tool_version="test",
        rules_version="test",
        started_at=NOW,
        finished_at="2026-11-23T00:01:00Z",
        services=sorted({s for d in docs.values() for s in d["services"]}),
        api_calls={},
    )
    write_scan(root, manifest, docs)
    return root
