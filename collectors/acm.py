"""ACM certificates and AWS Private CA certificate authorities of one Region.

Items (AWS field names, as the APIs return them):

``certificate`` (id ``CertificateArn``)
    The ``Certificate`` structure of DescribeCertificate: CertificateArn, DomainName,
    SubjectAlternativeNames, KeyAlgorithm, Type (AMAZON_ISSUED, IMPORTED, PRIVATE),
    Status, NotBefore, NotAfter, InUseBy, DomainValidationOptions (requested
    certificates: ValidationMethod, ResourceRecord or ValidationEmails),
    RenewalEligibility, CertificateAuthorityArn (Private CA issued), Options, ... plus
    ``Tags`` (ListTagsForCertificate: remediation copies them). If DescribeCertificate
    fails for one certificate the error is recorded and its ListCertificates summary
    stands in, so the inventory stays complete; if only the tags fail, ``Tags`` is absent.

``private_ca`` (id ``Arn``)
    Each ListCertificateAuthorities entry as returned: Arn, Type (ROOT, SUBORDINATE),
    Status, CertificateAuthorityConfiguration, RevocationConfiguration, UsageMode, ...

ListCertificates returns only RSA_1024 and RSA_2048 certificates unless every key type is
asked for (the "ACM trap"), so the request names all seven. Nothing that returns private
key material (ExportCertificate) is ever called.
"""

from __future__ import annotations

from typing import Any

from regionready.clients import Clients

SERVICE = "acm"
GLOBAL = False
RESOURCE_TYPES = {"certificate": "CertificateArn", "private_ca": "Arn"}
PERMISSIONS = (
    "acm:ListCertificates",
    "acm:DescribeCertificate",
    "acm:ListTagsForCertificate",
    "acm-pca:ListCertificateAuthorities",
)

# Every ACM key algorithm: without them ListCertificates hides RSA_3072/4096 and EC keys.
KEY_TYPES = (
    "RSA_1024",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "EC_prime256v1",
    "EC_secp384r1",
    "EC_secp521r1",
)


def _certificates(clients: Clients) -> list[dict[str, Any]]:
    summaries = clients.paginate(
        "acm",
        "list_certificates",
        "CertificateSummaryList",
        feeds=["certificate"],
        Includes={"keyTypes": list(KEY_TYPES)},
    )
    items: list[dict[str, Any]] = []
    for summary in summaries or []:
        arn = summary["CertificateArn"]
        described = clients.call(
            "acm", "describe_certificate", feeds=["certificate"], CertificateArn=arn
        )
        item = dict(described["Certificate"]) if described else dict(summary)
        tags = clients.call(
            "acm", "list_tags_for_certificate", feeds=["certificate"], CertificateArn=arn
        )
        if tags is not None:
            item["Tags"] = tags.get("Tags", [])
        items.append(item)
    return items


def _private_cas(clients: Clients) -> list[dict[str, Any]]:
    cas = clients.paginate(
        "acm-pca",
        "list_certificate_authorities",
        "CertificateAuthorities",
        feeds=["private_ca"],
    )
    return [dict(ca) for ca in cas or []]


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    return {"certificate": _certificates(clients), "private_ca": _private_cas(clients)}
