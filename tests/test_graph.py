"""Resource edges derived from a snapshot (regionready.graph)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from regionready.engine.fixtures import ACCOUNT, SOURCE, TARGET, region_document
from regionready.graph import EDGE_SPECS, resource_edges, users
from regionready.snapshot import Scan

CERT = f"arn:aws:acm:{SOURCE}:{ACCOUNT}:certificate/c1"
KEY = f"arn:aws:kms:{SOURCE}:{ACCOUNT}:key/k1"


def _scan(source: dict[str, Any], global_: dict[str, Any] | None = None) -> Scan:
    documents = {
        (ACCOUNT, SOURCE): region_document(SOURCE, source, {}),
        (ACCOUNT, TARGET): region_document(TARGET, {}, {}),
    }
    if global_:
        documents[(ACCOUNT, "global")] = region_document("global", global_, {})
    manifest = {"source_region": SOURCE, "target_region": TARGET, "accounts": [ACCOUNT]}
    return Scan(root=Path("."), manifest=manifest, documents=documents, local=None)


def _edges(scan: Scan) -> set[tuple[str, str, str]]:
    return {(e.from_id, e.to_type, e.to_id) for e in resource_edges(scan)}


def test_certificate_users_keys_buckets_and_saml_providers_are_edges() -> None:
    scan = _scan(
        {
            "elbv2": {
                "listener_certificate": [
                    {"Id": "l1|c1", "ListenerArn": "l1", "CertificateArn": CERT}
                ]
            },
            "apigateway": {
                "domain_name": [{"domainName": "api.example.com", "regionalCertificateArn": CERT}],
                "domain_name_v2": [],
            },
            "cloudtrail": {"trail": [{"TrailARN": "t1", "S3BucketName": "logs", "KmsKeyId": KEY}]},
            "ec2": {"volume": [{"VolumeId": "vol-1", "Encrypted": True, "KmsKeyId": KEY}]},
            "wafv2": {
                "web_acl": [
                    {
                        "ARN": "acl",
                        "ResourceArns": ["alb-1"],
                        "Rules": [
                            {
                                "Statement": {
                                    "IPSetReferenceStatement": {
                                        "ARN": f"arn:aws:wafv2:{SOURCE}:1:regional/ipset/office/9"
                                    }
                                }
                            }
                        ],
                    }
                ]
            },
        },
        global_={
            "iam": {
                "role": [
                    {
                        "Arn": "arn:aws:iam::1:role/sso",
                        "AssumeRolePolicyDocument": {
                            "Statement": [
                                {"Principal": {"Federated": "arn:aws:iam::1:saml-provider/okta"}}
                            ]
                        },
                    },
                    {"Arn": "arn:aws:iam::1:role/app", "AssumeRolePolicyDocument": {}},
                ]
            }
        },
    )
    assert _edges(scan) == {
        ("l1|c1", "acm.certificate", CERT),
        ("api.example.com", "acm.certificate", CERT),
        ("t1", "s3.bucket", "logs"),
        ("t1", "kms.key", KEY),
        ("vol-1", "kms.key", KEY),
        ("acl", "wafv2.inventory", "office"),
        ("acl", "protected resource", "alb-1"),
        ("arn:aws:iam::1:role/sso", "iam.saml_provider", "arn:aws:iam::1:saml-provider/okta"),
    }
    edge = next(e for e in resource_edges(scan) if e.from_id == "vol-1")
    assert edge.to_dict() == {
        "account": ACCOUNT,
        "region": SOURCE,
        "from": "ec2.volume vol-1",
        "to": f"kms.key {KEY}",
        "via": "data_key(@)",
    }


def test_every_edge_starts_at_a_collected_type() -> None:
    from regionready import registry

    types = {
        f"{service}.{rtype}"
        for service, module in registry.collectors_by_service().items()
        for rtype in module.RESOURCE_TYPES
    }
    assert {spec[0] for spec in EDGE_SPECS} <= types


def test_users_of_a_key_are_found_by_its_arn_id_and_alias() -> None:
    scan = _scan(
        {
            "kms": {
                "key": [{"KeyId": "k1", "Aliases": ["alias/app"]}],
                "alias": [
                    {"AliasName": "alias/app", "TargetKeyId": "k1"},
                    {"AliasName": "alias/idle"},
                ],
            },
            "ec2": {"volume": [{"VolumeId": "vol-1", "Encrypted": True, "KmsKeyId": KEY}]},
            "secretsmanager": {"secret": [{"ARN": "s1", "KmsKeyId": "alias/app"}]},
        }
    )
    found = users(resource_edges(scan))
    assert found[(ACCOUNT, KEY)] == ["ec2.volume vol-1"]
    assert found[(ACCOUNT, "k1")] == ["ec2.volume vol-1"]  # the ARN's key id
    assert found[(ACCOUNT, "alias/app")] == ["secretsmanager.secret s1", "ec2.volume vol-1"]
    assert (ACCOUNT, "alias/idle") not in found
