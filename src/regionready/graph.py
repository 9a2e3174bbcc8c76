"""Resource edges derived from a snapshot: which resource uses which.

Rules say how their *findings* depend on each other (``depends_on``, exact per resource);
this module says how *resources* refer to each other, from the fields the collectors
keep, so a cutover plan can name what each fix serves: the listeners, API domains,
distributions and user pool custom domains a certificate is used by, the bucket and key a trail
writes with, the CRL bucket of a private CA, the principals a key's grants name, the
roles that trust a SAML provider, the IP sets, regex pattern sets and rule groups a web
ACL references and the resources it protects, the key a secret, an Identity Center
instance or any inventory item (``engine.functions.data``) is encrypted under.

Each :data:`EDGE_SPECS` entry is ``(from type, JMESPath over the item giving the
references, to type)``; references are kept as written (ARNs, ids, names): an edge may
point at a resource that was not collected, which is itself worth knowing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import jmespath
from jmespath.parser import ParsedResult

from regionready.engine.functions import RegionReadyFunctions, arn_region
from regionready.engine.functions.data import DATA_TYPES, kms_ref
from regionready.snapshot import Scan

#: The SAML providers a role's trust policy names (Statement and Federated may each be
#: one value or a list).
SAML_PROVIDERS = (
    "[AssumeRolePolicyDocument.Statement[].Principal.Federated,"
    " AssumeRolePolicyDocument.Statement.Principal.Federated][][]"
    " | [?type(@) == 'string' && contains(@, ':saml-provider/')]"
)

#: (from type, references expression, to type). The expression sees the item.
EDGE_SPECS: tuple[tuple[str, str, str], ...] = (
    ("elbv2.listener_certificate", "CertificateArn", "acm.certificate"),
    ("apigateway.domain_name", "[certificateArn, regionalCertificateArn]", "acm.certificate"),
    ("apigateway.domain_name_v2", "DomainNameConfigurations[].CertificateArn", "acm.certificate"),
    ("cloudfront.distribution", "ViewerCertificate.ACMCertificateArn", "acm.certificate"),
    ("cognito-idp.user_pool", "CustomDomainConfig.CertificateArn", "acm.certificate"),
    ("cloudtrail.trail", "S3BucketName", "s3.bucket"),
    ("cloudtrail.trail", "KmsKeyId", "kms.key"),
    ("acm.private_ca", "RevocationConfiguration.CrlConfiguration.S3BucketName", "s3.bucket"),
    ("kms.key", "Grants[].GranteePrincipal", "iam.principal"),
    ("iam.role", SAML_PROVIDERS, "iam.saml_provider"),
    ("wafv2.web_acl", "waf_reference_names(Rules)", "wafv2.inventory"),
    ("wafv2.web_acl", "ResourceArns", "protected resource"),
    ("kms.alias", "TargetKeyId", "kms.key"),
    ("secretsmanager.secret", "KmsKeyId", "kms.key"),
    ("sso.instance", "EncryptionConfigurationDetails.KmsKeyArn", "kms.key"),
    *((rtype, "data_key(@)", "kms.key") for rtype in DATA_TYPES),
)


@dataclass(frozen=True)
class ResourceEdge:
    """``from_id`` (a ``from_type`` item of ``account``/``region``) refers to ``to_id``."""

    account: str
    region: str
    from_type: str
    from_id: str
    to_type: str
    to_id: str
    via: str

    def to_dict(self) -> dict[str, str]:
        return {
            "account": self.account,
            "region": self.region,
            "from": f"{self.from_type} {self.from_id}",
            "to": f"{self.to_type} {self.to_id}",
            "via": self.via,
        }


@cache
def _compiled(expression: str) -> ParsedResult:
    return jmespath.compile(expression)


_OPTIONS = jmespath.Options(custom_functions=RegionReadyFunctions())


def _references(expression: str, item: dict[str, Any]) -> list[str]:
    try:
        found = _compiled(expression).search(item, _OPTIONS)
    except jmespath.exceptions.JMESPathError:
        return []  # a function handed a field of another shape: no reference
    values = found if isinstance(found, list) else [found]
    return sorted({v for v in values if isinstance(v, str) and v})


def resource_edges(scan: Scan) -> Iterator[ResourceEdge]:
    """Every edge of :data:`EDGE_SPECS` found in the snapshot, account by account."""
    for (account, region), document in sorted(scan.documents.items()):
        for spec_type, expression, to_type in EDGE_SPECS:
            service, rtype = spec_type.split(".", 1)
            data = document.get("services", {}).get(service)
            if not data:
                continue
            id_field = (data.get("id_fields") or {}).get(rtype)
            for item in data.get("resources", {}).get(rtype, []):
                from_id = item.get(id_field) if id_field else None
                if not isinstance(from_id, str):
                    continue
                for ref in _references(expression, item):
                    yield ResourceEdge(
                        account, region, spec_type, from_id, to_type, ref, expression
                    )


def _names(reference: str) -> set[str]:
    """A reference and what else names the same resource: a KMS key ARN's key id, an alias
    ARN's alias name."""
    names = {reference}
    if reference.startswith("arn:") and ":kms:" in reference:
        short = kms_ref(reference, arn_region(reference))
        if short:
            names.add(short)
    return names


def users(edges: Iterable[ResourceEdge]) -> dict[tuple[str, str], list[str]]:
    """(account, a referenced resource's id, ARN or name) -> the resources that use it,
    ``<type> <id>`` each once, in edge order. A KMS alias is used by what uses its key."""
    edges = list(edges)
    found: dict[tuple[str, str], list[str]] = {}
    for edge in edges:
        if edge.from_type == "kms.alias":
            continue  # a name for the key, not a user of it
        user = f"{edge.from_type} {edge.from_id}"
        for name in _names(edge.to_id):
            listed = found.setdefault((edge.account, name), [])
            if user not in listed:
                listed.append(user)
    # An alias is used by whatever uses the key it points at.
    for edge in edges:
        if edge.from_type == "kms.alias":
            listed = found.setdefault((edge.account, edge.from_id), [])
            for user in found.get((edge.account, edge.to_id), []):
                if user not in listed:
                    listed.append(user)
    return found
