"""request-certificate (ACM-001): request the target twin of an Amazon-issued certificate.

Same domain name, SANs, key algorithm, validation method (and, for e-mail validation, the
same validation domains), certificate transparency preference and tags as the source
certificate. DNS validation reuses the source's CNAME records (ACM gives a domain the
same record in every Region of an account), so a DNS-validated twin is issued once ACM
sees them. An e-mail-validated twin is not: it stays PENDING_VALIDATION until the domain
owner approves the new validation e-mails, and until then it shows under ACM-002 (the
plan says so).

ACM-001 names this action for every source certificate; the others are handled so:

- IMPORTED sources: planned by ``reimport`` (material the user supplies): the finding is
  handed to that action through the registry (``remediation.action("reimport")``), so
  a Change with action ``reimport`` is returned from here;
- Private CA issued sources (Type PRIVATE): not planned, the target needs a certificate
  from a CA in the target (see ACM-010 and the Private CA checks).

Idempotent: before requesting, apply looks for a target certificate with the same domain,
SANs and key algorithm that is not EXPIRED, REVOKED, FAILED or VALIDATION_TIMED_OUT; if
there is one, nothing is requested. The request also carries an IdempotencyToken derived
from the finding, so a retried call within the hour returns the same certificate.
"""

from __future__ import annotations

from typing import Any

from regionready.model import Result
from regionready.remediation import Change, PlanContext, TargetClients, action
from regionready.remediation.actions.common import find_twins, user_tags
from regionready.wording import plural

ACTION = "request-certificate"
PERMISSIONS = (
    "acm:ListCertificates",
    "acm:DescribeCertificate",
    "acm:RequestCertificate",
    "acm:AddTagsToCertificate",  # tags given to RequestCertificate need it
)


def _validation(cert: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
    """(ValidationMethod, DomainValidationOptions to pass) from the source certificate."""
    options = cert.get("DomainValidationOptions") or []
    method = str((options[0].get("ValidationMethod") if options else None) or "DNS")
    if method != "EMAIL":
        return method, []
    domains = [
        {"DomainName": str(o["DomainName"]), "ValidationDomain": str(o["ValidationDomain"])}
        for o in options
        if o.get("DomainName") and o.get("ValidationDomain")
    ]
    return method, domains


def plan(finding: Result, ctx: PlanContext) -> list[Change]:
    arn = str(finding.details.get("source") or finding.resource_id)
    cert = ctx.find(ctx.source, "acm", "certificate", "CertificateArn", arn)
    if cert is None:
        return []
    if cert.get("Type") == "IMPORTED":
        return action("reimport").plan(finding, ctx)
    if cert.get("Type") == "PRIVATE" or cert.get("CertificateAuthorityArn"):
        return []  # issued by a private CA: re-issue from a CA in the target
    domain = str(cert["DomainName"])
    method, domain_options = _validation(cert)
    sans = [str(n) for n in cert.get("SubjectAlternativeNames") or [domain]]
    params: dict[str, Any] = {
        "DomainName": domain,
        "SubjectAlternativeNames": sans,
        "KeyAlgorithm": str(cert.get("KeyAlgorithm") or "RSA_2048"),
        "ValidationMethod": method,
        "DomainValidationOptions": domain_options,
        "Tags": user_tags(cert),
        "IdempotencyToken": finding.fingerprint[:32],
    }
    transparency = (cert.get("Options") or {}).get("CertificateTransparencyLoggingPreference")
    if transparency:
        params["Options"] = {"CertificateTransparencyLoggingPreference": transparency}
    others = [n for n in sans if n != domain]
    summary = (
        f"request a {params['KeyAlgorithm']} certificate for {domain}"
        f"{' (+' + ', '.join(others) + ')' if others else ''}, {method} validation"
        f"{', ' + plural(len(params['Tags']), 'tag') if params['Tags'] else ''}"
    )
    if method == "EMAIL":
        summary += (
            ": needs e-mail approval (the new certificate stays PENDING_VALIDATION, and "
            "shows under ACM-002, until the domain owner approves the validation e-mails)"
        )
    else:
        summary += ": issued once ACM sees the source's DNS validation records (reused)"
    return [
        Change.fixing(
            finding,
            ACTION,
            region=ctx.target,
            resource=str(cert["CertificateArn"]),
            summary=summary,
            params=params,
        )
    ]


def apply(change: Change, clients: TargetClients) -> str:
    p = change.params
    acm = clients("acm")
    names = frozenset(p["SubjectAlternativeNames"] or [p["DomainName"]])
    twins = find_twins(acm, p["DomainName"], names, p["KeyAlgorithm"])
    if twins:
        arn, status = twins[0]
        return f"already present: {p['DomainName']} as {arn} ({status}) in {clients.target}"
    kwargs: dict[str, Any] = {
        "DomainName": p["DomainName"],
        "ValidationMethod": p["ValidationMethod"],
        "KeyAlgorithm": p["KeyAlgorithm"],
        "IdempotencyToken": p["IdempotencyToken"],
    }
    if names != {p["DomainName"]}:
        kwargs["SubjectAlternativeNames"] = p["SubjectAlternativeNames"]
    if p.get("DomainValidationOptions"):
        kwargs["DomainValidationOptions"] = p["DomainValidationOptions"]
    if p.get("Options"):
        kwargs["Options"] = p["Options"]
    if p.get("Tags"):
        kwargs["Tags"] = p["Tags"]
    arn = acm.request_certificate(**kwargs)["CertificateArn"]
    then = (
        "approve the validation e-mails to issue it"
        if p["ValidationMethod"] == "EMAIL"
        else "issued once ACM sees the DNS validation records"
    )
    return f"requested {p['DomainName']} as {arn} ({p['ValidationMethod']} validation: {then})"
