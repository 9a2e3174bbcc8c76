"""CloudFront: viewer certificates as AWS reports them.

moto 5.2.5 keeps ``ViewerCertificate.ACMCertificateArn`` but also claims the default
certificate: ``CloudFrontDefaultCertificate`` true and ``CertificateSource`` "cloudfront"
for every distribution, and empty-string ``ACMCertificateArn`` / ``IAMCertificateId`` /
``Certificate`` where AWS omits them. AWS reports a distribution with an ACM certificate
as ``CloudFrontDefaultCertificate`` false, ``CertificateSource`` "acm", ``Certificate``
the ACM ARN; one with the default certificate has no ACM/IAM fields. The after-call
hooks correct ListDistributions, GetDistribution, GetDistributionConfig and
CreateDistribution answers.
"""

from __future__ import annotations

from typing import Any

from regionready.demo.moto_gaps._common import Handler, is_error_answer

_EMPTY_WHEN_UNSET = ("ACMCertificateArn", "IAMCertificateId", "Certificate")


def fix_viewer_certificate(viewer: Any) -> None:
    if not isinstance(viewer, dict):
        return
    for key in _EMPTY_WHEN_UNSET:
        if viewer.get(key) == "":
            del viewer[key]
    if viewer.get("ACMCertificateArn"):
        viewer["CloudFrontDefaultCertificate"] = False
        viewer["CertificateSource"] = "acm"
        viewer["Certificate"] = viewer["ACMCertificateArn"]
    elif viewer.get("IAMCertificateId"):
        viewer["CloudFrontDefaultCertificate"] = False
        viewer["CertificateSource"] = "iam"
        viewer["Certificate"] = viewer["IAMCertificateId"]


def _list(parsed: Any, **_: Any) -> None:
    if is_error_answer(parsed):
        return
    for item in (parsed.get("DistributionList") or {}).get("Items") or []:
        fix_viewer_certificate(item.get("ViewerCertificate"))


def _distribution(parsed: Any, **_: Any) -> None:
    if is_error_answer(parsed):
        return
    config = (parsed.get("Distribution") or {}).get("DistributionConfig") or {}
    fix_viewer_certificate(config.get("ViewerCertificate"))


def _config(parsed: Any, **_: Any) -> None:
    if not is_error_answer(parsed):
        fix_viewer_certificate((parsed.get("DistributionConfig") or {}).get("ViewerCertificate"))


HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("after-call.cloudfront.ListDistributions", _list),
    ("after-call.cloudfront.GetDistribution", _distribution),
    ("after-call.cloudfront.CreateDistribution", _distribution),
    ("after-call.cloudfront.GetDistributionConfig", _config),
)
