"""ACM certificates and AWS Private CA certificate authorities of one Region.

Items (AWS field names, as the APIs return them):

``certificate`` (id ``CertificateArn``)
    The ``Certificate`` structure of DescribeCertificate: CertificateArn, DomainName,
    SubjectAlternativeNames, KeyAlgorithm, Type (AMAZON_ISSUED, IMPORTED, PRIVATE),
    Status, NotBefore, NotAfter, InUseBy, DomainValidationOptions (requested
    certificates: ValidationMethod, ResourceRecord or ValidationEmails),
    RenewalEligibility, CertificateAuthorityArn (Private CA issued), Options, ... plus
    ``Tags`` (remediation copies them): read for all certificates of the Region at once
    from the Resource Groups Tagging API (GetResources, ``acm:certificate``, 100 a page;
    a tag without a value comes as ``Value: ""``); if that API is denied, from
    ListTagsForCertificate per certificate, as before (a note says so, not an error).
    ListCertificates' summary already gives ``SUMMARY_FIELDS`` as DescribeCertificate
    does (DomainName, Status, Type, KeyAlgorithm, NotBefore, NotAfter, ...): a
    certificate whose description is not read keeps those, and only the fields
    DescribeCertificate alone gives are missing. That is when DescribeCertificate fails
    for it (the error is recorded against that certificate and those fields, so the
    inventory stays complete), or when the selected checks read none of those fields
    (``scan --only ACM-003`` makes one call per Region, not one per certificate). If
    only the tags fail, ``Tags`` is absent.

``private_ca`` (id ``Arn``)
    Each ListCertificateAuthorities entry as returned: Arn, Type (ROOT, SUBORDINATE),
    Status, CertificateAuthorityConfiguration, RevocationConfiguration, UsageMode, ...

``crl_bucket`` (id ``Name``)
    The S3 bucket a private CA publishes its CRL to
    (``RevocationConfiguration.CrlConfiguration.S3BucketName``), read once per bucket:
    ``Name`` (the bucket), ``CertificateAuthorityArns`` (the CAs that name it),
    ``PublicAccessBlockConfiguration`` (GetPublicAccessBlock), ``ServerSideEncryption
    Configuration`` (GetBucketEncryption) and ``Policy`` (GetBucketPolicy, the policy
    JSON *string*). Each is null when S3 says it is not configured
    (NoSuchPublicAccessBlockConfiguration, ServerSideEncryptionConfigurationNotFoundError,
    NoSuchBucketPolicy): a fact, not a collection error. ``BucketFound`` is false when S3
    answers NoSuchBucket (the CA cannot publish its CRL). Other failures are recorded
    against ``crl_bucket`` and the field is absent.

ListCertificates returns only RSA_1024 and RSA_2048 certificates unless every key type is
asked for (the "ACM trap"), so the request names all seven. Nothing that returns private
key material (ExportCertificate) is ever called. Per-certificate calls run concurrently
(``clients.map``); items and errors come in ListCertificates order all the same.
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "acm"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"certificate": "CertificateArn", "private_ca": "Arn", "crl_bucket": "Name"}
PERMISSIONS = (
    "acm:ListCertificates",
    "acm:DescribeCertificate",
    "tag:GetResources",  # every certificate's tags, in pages
    "acm:ListTagsForCertificate",  # only if tag:GetResources is denied
    "acm-pca:ListCertificateAuthorities",
    # IAM names of s3:GetPublicAccessBlock, s3:GetBucketEncryption, s3:GetBucketPolicy
    "s3:GetBucketPublicAccessBlock",
    "s3:GetEncryptionConfiguration",
    "s3:GetBucketPolicy",
)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}

TAG_TYPE = "acm:certificate"  # its Resource Groups Tagging API resource type
TAGS_FEED = ["certificate.Tags"]

#: Fields of a certificate that ListCertificates' CertificateSummary gives under the same
#: name and in the same shape as DescribeCertificate's CertificateDetail (its other
#: fields, SubjectAlternativeNameSummaries, InUse, KeyUsages as bare names, ..., differ
#: from the detail's and are not kept).
SUMMARY_FIELDS = (
    "CertificateArn",
    "DomainName",
    "Status",
    "Type",
    "KeyAlgorithm",
    "RenewalEligibility",
    "NotBefore",
    "NotAfter",
    "CreatedAt",
    "IssuedAt",
    "ImportedAt",
    "RevokedAt",
    "ManagedBy",
    "CertificateKeyPairOrigin",
    "CertificateUsage",
    "RootHierarchyType",
)
#: The fields of CertificateDetail that only DescribeCertificate gives.
DETAIL_FIELDS = (
    "SubjectAlternativeNames",
    "DomainValidationOptions",
    "Serial",
    "Subject",
    "Issuer",
    "RevocationReason",
    "SignatureAlgorithm",
    "InUseBy",
    "FailureReason",
    "RenewalSummary",
    "KeyUsages",
    "ExtendedKeyUsages",
    "CertificateAuthorityArn",
    "Options",
    "UpdateSummary",
    "AcmeEndpointArn",
    "AcmeAccountId",
)
DESCRIBE_FEEDS = [f"certificate.{name}" for name in DETAIL_FIELDS]

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
    if not summaries:
        return []
    # Every certificate's tags in pages, read while the first certificates are described.
    with clients.ahead(lambda: clients.resource_tags(TAG_TYPE, TAGS_FEED)):
        return clients.map(lambda summary: _certificate(clients, summary), summaries)


def _certificate(clients: Clients, summary: dict[str, Any]) -> dict[str, Any]:
    arn = summary["CertificateArn"]
    described = clients.call(
        "acm",
        "describe_certificate",
        feeds=DESCRIBE_FEEDS,
        about={"certificate": [arn]},
        CertificateArn=arn,
    )
    if described:
        item = dict(described["Certificate"])
    else:
        item = {name: summary[name] for name in SUMMARY_FIELDS if name in summary}
    tagged = clients.resource_tags(TAG_TYPE, TAGS_FEED)
    if tagged is not None:
        item["Tags"] = [dict(tag) for tag in tagged.get(arn, [])]
        return item
    tags = clients.call(
        "acm",
        "list_tags_for_certificate",
        feeds=TAGS_FEED,
        about={"certificate": [arn]},
        CertificateArn=arn,
    )
    if tags is not None:
        item["Tags"] = tags.get("Tags", [])
    return item


def _private_cas(clients: Clients) -> list[dict[str, Any]]:
    cas = clients.paginate(
        "acm-pca",
        "list_certificate_authorities",
        "CertificateAuthorities",
        feeds=["private_ca", "crl_bucket"],
    )
    return [dict(ca) for ca in cas or []]


# S3 calls on a CRL bucket: (operation, response field, error code meaning "not set").
CRL_BUCKET_READS = (
    (
        "get_public_access_block",
        "PublicAccessBlockConfiguration",
        "NoSuchPublicAccessBlockConfiguration",
    ),
    (
        "get_bucket_encryption",
        "ServerSideEncryptionConfiguration",
        "ServerSideEncryptionConfigurationNotFoundError",
    ),
    ("get_bucket_policy", "Policy", "NoSuchBucketPolicy"),
)
NO_SUCH_BUCKET = "NoSuchBucket"


def _crl_bucket(clients: Clients, bucket: str, ca_arns: list[str]) -> dict[str, Any]:
    item: dict[str, Any] = {"Name": bucket, "CertificateAuthorityArns": sorted(ca_arns)}
    item["BucketFound"] = True
    for operation, field_name, not_set in CRL_BUCKET_READS:
        response = clients.call("s3", operation, feeds=["crl_bucket"], Bucket=bucket)
        # The error of this very call (never errors[-1]: buckets are read concurrently).
        error = clients.last_error() if response is None else None
        code = error.code if error is not None else None
        if error is not None and code in (not_set, NO_SUCH_BUCKET):
            clients.discard(error)  # a fact about the bucket, not a failed read
            item[field_name] = None
            if code == NO_SUCH_BUCKET:
                item["BucketFound"] = False
        elif response is not None:
            item[field_name] = response.get(field_name)
    return item


def _crl_buckets(clients: Clients, cas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_bucket: dict[str, list[str]] = {}
    for ca in cas:
        crl = (ca.get("RevocationConfiguration") or {}).get("CrlConfiguration") or {}
        if crl.get("S3BucketName"):
            by_bucket.setdefault(str(crl["S3BucketName"]), []).append(str(ca["Arn"]))
    return clients.map(
        lambda entry: _crl_bucket(clients, entry[0], entry[1]), sorted(by_bucket.items())
    )


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    certificates = _certificates(clients)
    cas = _private_cas(clients)
    # The buckets are worked out from the CAs: listing the CAs feeds both types, so a
    # failed listing leaves the empty bucket list incomplete, never "no buckets".
    return {
        "certificate": certificates,
        "private_ca": cas,
        "crl_bucket": _crl_buckets(clients, cas),
    }
