"""ACM: answers as AWS does where moto differs (see the package docstring)."""

from __future__ import annotations

import threading
from typing import Any

from regionready.demo.moto_gaps._common import (
    _PARAMS,
    Handler,
    is_error_answer,
    page_answer,
    remember_params,
    remembered_params,
)

# ACM key types AWS lists when the request names none (the "ACM trap").
ACM_DEFAULT_KEY_TYPES = ("RSA_1024", "RSA_2048")

# What RequestCertificate asked for, by certificate ARN (moto forgets it). ARNs hold a
# random UUID, so entries from an earlier mock never collide with later ones.
_requested: dict[str, dict[str, Any]] = {}
_requested_lock = threading.Lock()


def _acm_list_request(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    """Send ListCertificates without keyTypes: the after-call hook filters on the key
    algorithm AWS would report (moto's own filter sees RSA_2048 for requested EC certs)."""
    context[_PARAMS] = dict(params)
    includes = params.get("Includes")
    if isinstance(includes, dict) and "keyTypes" in includes:
        rest = {k: v for k, v in includes.items() if k != "keyTypes"}
        if rest:
            params["Includes"] = rest
        else:
            del params["Includes"]


def _acm_record_request(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call RequestCertificate: remember key algorithm and validation method."""
    if is_error_answer(parsed) or "CertificateArn" not in parsed:
        return
    request = remembered_params(context)
    domains = {
        str(o.get("DomainName")): str(o.get("ValidationDomain"))
        for o in request.get("DomainValidationOptions") or []
        if o.get("DomainName") and o.get("ValidationDomain")
    }
    names = [request.get("DomainName"), *(request.get("SubjectAlternativeNames") or [])]
    with _requested_lock:
        _requested[parsed["CertificateArn"]] = {
            "Names": list(dict.fromkeys(str(n) for n in names if n)),
            "KeyAlgorithm": request.get("KeyAlgorithm") or "RSA_2048",
            "ValidationMethod": request.get("ValidationMethod") or "DNS",
            "ValidationDomains": domains,
            # AWS keeps an EMAIL-validated request pending until someone approves the
            # e-mail; moto issues it at once. approve_email_validation() stands in for
            # the approval.
            "Pending": (request.get("ValidationMethod") or "DNS") == "EMAIL",
        }


def approve_email_validation(certificate_arn: str) -> None:
    """The domain owner approved the validation e-mail: the certificate is ISSUED."""
    with _requested_lock:
        if certificate_arn in _requested:
            _requested[certificate_arn]["Pending"] = False


def _pending(cert: dict[str, Any], asked: dict[str, Any] | None) -> None:
    if not asked or not asked.get("Pending"):
        return
    cert["Status"] = "PENDING_VALIDATION"
    for key in ("NotBefore", "NotAfter", "IssuedAt", "Serial"):
        cert.pop(key, None)
    for option in cert.get("DomainValidationOptions") or []:
        option["ValidationStatus"] = "PENDING_VALIDATION"


def _validation_emails(domain: str) -> list[str]:
    base = domain[2:] if domain.startswith("*.") else domain
    return [
        f"{box}@{base}"
        for box in ("admin", "administrator", "hostmaster", "postmaster", "webmaster")
    ]


def _in_order(names: list[str], wanted: list[str]) -> list[str]:
    """``names`` in the order of ``wanted`` (the request); names not asked for last."""
    rank = {name: i for i, name in enumerate(wanted)}
    return sorted(names, key=lambda n: (rank.get(n, len(rank)), n))


def _listener_to_load_balancer(arn: str) -> str:
    """arn:...:listener/app/name/lb-id/listener-id -> arn:...:loadbalancer/app/name/lb-id"""
    head, sep, path = arn.partition(":listener/")
    if not sep:
        return arn
    return f"{head}:loadbalancer/{path.rsplit('/', 1)[0]}"


def _acm_fix_certificate(cert: dict[str, Any]) -> None:
    with _requested_lock:
        asked = _requested.get(str(cert.get("CertificateArn")))
    if asked:
        cert["KeyAlgorithm"] = asked["KeyAlgorithm"]
        cert["SubjectAlternativeNames"] = _in_order(
            cert.get("SubjectAlternativeNames") or [], asked["Names"]
        )
    if isinstance(cert.get("InUseBy"), list):
        cert["InUseBy"] = sorted({_listener_to_load_balancer(a) for a in cert["InUseBy"]})
    options = cert.get("DomainValidationOptions")
    if not isinstance(options, list):
        return
    wanted = (
        asked["Names"]
        if asked
        else [cert.get("DomainName"), *cert.get("SubjectAlternativeNames", [])]
    )
    names = _in_order([str(o.get("DomainName")) for o in options], [str(n) for n in wanted])
    options.sort(key=lambda o: names.index(str(o.get("DomainName"))))
    if not asked or asked["ValidationMethod"] != "EMAIL":
        return
    _pending(cert, asked)
    for option in options:
        domain = str(option.get("DomainName"))
        validation_domain = asked["ValidationDomains"].get(domain, domain)
        option.pop("ResourceRecord", None)
        option["ValidationMethod"] = "EMAIL"
        option["ValidationDomain"] = validation_domain
        option["ValidationEmails"] = _validation_emails(validation_domain)


def _acm_describe(parsed: Any, **_: Any) -> None:
    """after-call DescribeCertificate: requested key algorithm, EMAIL validation, InUseBy."""
    if not is_error_answer(parsed) and isinstance(parsed.get("Certificate"), dict):
        _acm_fix_certificate(parsed["Certificate"])


def _acm_list(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call ListCertificates: AWS's default key types, then paging."""
    if is_error_answer(parsed):
        return
    request = remembered_params(context)
    summaries = parsed.get("CertificateSummaryList") or []
    with _requested_lock:
        for summary in summaries:
            asked = _requested.get(str(summary.get("CertificateArn")))
            if asked:
                summary["KeyAlgorithm"] = asked["KeyAlgorithm"]
                _pending(summary, asked)  # not issued: no validity dates either
    wanted = (request.get("Includes") or {}).get("keyTypes") or ACM_DEFAULT_KEY_TYPES
    parsed["CertificateSummaryList"] = [s for s in summaries if s.get("KeyAlgorithm") in wanted]
    page_answer(
        parsed,
        request,
        items="CertificateSummaryList",
        limit="MaxItems",
        token_in="NextToken",
        token_out="NextToken",
    )


HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("before-parameter-build.acm.ListCertificates", _acm_list_request),
    ("before-parameter-build.acm.RequestCertificate", remember_params),
    ("after-call.acm.RequestCertificate", _acm_record_request),
    ("after-call.acm.ListCertificates", _acm_list),
    ("after-call.acm.DescribeCertificate", _acm_describe),
)
