from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from regionready.engine.fixtures import ACCOUNT, region_document
from regionready.snapshot_manifest import manifest_document
from regionready.snapshot_write import write_scan

SOURCE = "me-central-1"
TARGET = "eu-central-1"

#: acm:ListCertificates denied: ACM-001 cannot be evaluated (ERROR).
DENIED = {
    "acm": [
        {
            "api": "acm:ListCertificates",
            "code": "AccessDeniedException",
            "action": "acm:ListCertificates",
            "resource_types": ["certificate"],
        }
    ]
}

CERT_SOURCE = {
    "CertificateArn": "arn:aws:acm:me-central-1:111111111111:certificate/api",
    "DomainName": "api.example.com",
    "SubjectAlternativeNames": ["api.example.com"],
    "KeyAlgorithm": "EC_prime256v1",
    "Type": "AMAZON_ISSUED",
    "Status": "ISSUED",
}
CERT_EXPIRING = {
    "CertificateArn": "arn:aws:acm:eu-central-1:111111111111:certificate/shop",
    "DomainName": "shop.example.com",
    "SubjectAlternativeNames": ["shop.example.com"],
    "KeyAlgorithm": "RSA_2048",
    "Type": "IMPORTED",
    "Status": "ISSUED",
    "NotAfter": "2026-12-20T00:00:00Z",
}


def make_scan(
    root: Path,
    source: dict[str, Any],
    target: dict[str, Any],
    errors: dict[str, Any] | None = None,
) -> Path:
    errors = errors or {}
    docs = {
        (ACCOUNT, SOURCE): region_document(SOURCE, source, errors.get("source", {})),
        (ACCOUNT, TARGET): region_document(TARGET, target, errors.get("target", {})),
    }
    services = sorted({s for d in docs.values() for s in d["services"]})
    manifest = manifest_document(
        source_region=SOURCE,
        target_region=TARGET,
        accounts=[ACCOUNT],
        tool_version="test",
        rules_version="test",
        started_at="2026-11-23T00:00:00Z",
        finished_at="2026-11-23T00:01:00Z",
        services=services,
        api_calls={},
    )
    write_scan(root, manifest, docs)
    return root


def relist(root: Path) -> Path:
    """List the snapshot's files in its manifest as they are now (size, SHA-256): a test
    that edits an account file by hand then tests what reads the file, not the check of
    the file against the manifest."""
    path = root / "manifest.json"
    manifest = json.loads(path.read_text())
    for entry in manifest["files"]:
        data = (root / entry["path"]).read_bytes()
        entry.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    path.write_text(json.dumps(manifest))
    return root


@pytest.fixture
def acm_scan(tmp_path: Path) -> Path:
    """ACM-001 fails (high) for api; ACM-003 fails for shop: medium on 2026-11-23."""
    return make_scan(
        tmp_path / "scan",
        {"acm": {"certificate": [CERT_SOURCE], "private_ca": []}},
        {"acm": {"certificate": [CERT_EXPIRING], "private_ca": []}},
    )
