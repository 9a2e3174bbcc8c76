"""Helpers shared by several remediation actions.

An action module imports shared code from here and its errors from
:mod:`regionready.remediation.actions.errors`, never from another action (a finding one action hands
to another goes through the registry: ``remediation.action(name)``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import botocore.session
from botocore.exceptions import ClientError

from regionready.collectors.acm import KEY_TYPES
from regionready.remediation import PlanContext, TargetClients

# --------------------------------------------------------------------------- plan notes


def note(ctx: PlanContext, text: str) -> None:
    """Tell the plan's reader why a finding gets no change (the runner prints
    ``ctx.notes`` beside the plan)."""
    ctx.notes.append(text)


# --------------------------------------------------------------------------- ARNs


def in_region(value: Any, source: str, target: str) -> Any:
    """``value`` with every ``:<source>:`` ARN segment mapped to the target Region."""
    if isinstance(value, dict):
        return {k: in_region(v, source, target) for k, v in value.items()}
    if isinstance(value, list):
        return [in_region(v, source, target) for v in value]
    if isinstance(value, str) and value.startswith("arn:"):
        return value.replace(f":{source}:", f":{target}:")
    return value


# --------------------------------------------------------------------------- GuardDuty

Features = dict[str, list[str]]  # enabled feature -> its enabled agent configurations


@cache
def settable_features() -> frozenset[str]:
    """The feature names UpdateDetector/CreateDetector accept."""
    model = botocore.session.get_session().get_service_model("guardduty")
    return frozenset(model.shape_for("DetectorFeature").enum)


def enabled_features(detector: dict[str, Any] | None) -> Features:
    """The ENABLED features of a GetDetector answer with their ENABLED agent configs."""
    found: Features = {}
    for feature in (detector or {}).get("Features") or []:
        if feature.get("Status") != "ENABLED" or not feature.get("Name"):
            continue
        found[str(feature["Name"])] = sorted(
            str(c["Name"])
            for c in feature.get("AdditionalConfiguration") or []
            if c.get("Status") == "ENABLED" and c.get("Name")
        )
    return found


def feature_request(features: Features) -> list[dict[str, Any]]:
    """The Features parameter enabling ``features``: settable names only, and never both
    Runtime Monitoring plans in one request."""
    wanted = {name: set(configs) for name, configs in features.items()}
    if "RUNTIME_MONITORING" in wanted and "EKS_RUNTIME_MONITORING" in wanted:
        wanted["RUNTIME_MONITORING"] |= wanted.pop("EKS_RUNTIME_MONITORING")
    request: list[dict[str, Any]] = []
    for name in sorted(wanted):
        if name not in settable_features():
            continue
        entry: dict[str, Any] = {"Name": name, "Status": "ENABLED"}
        if wanted[name]:
            entry["AdditionalConfiguration"] = [
                {"Name": c, "Status": "ENABLED"} for c in sorted(wanted[name])
            ]
        request.append(entry)
    return request


def target_detector(guardduty: Any) -> tuple[str | None, dict[str, Any] | None]:
    """The target's detector id and GetDetector answer, or (None, None)."""
    ids = [
        str(d)
        for page in guardduty.get_paginator("list_detectors").paginate()
        for d in page["DetectorIds"]
    ]
    if not ids:
        return None, None
    detector: dict[str, Any] = guardduty.get_detector(DetectorId=ids[0])
    return ids[0], detector


# --------------------------------------------------------------------------- KMS


def source_period(clients: TargetClients, key_id: str | None) -> int | None:
    """The source key's RotationPeriodInDays, when the source reports one."""
    if not key_id:
        return None
    try:
        status = clients.in_source("kms").get_key_rotation_status(KeyId=key_id)
    except ClientError:
        return None  # the period is a refinement; rotation with the default is the fix
    period = status.get("RotationPeriodInDays")
    return int(period) if period else None


def rotate_like_source(
    clients: TargetClients, key_id: str, source_key_id: str | None
) -> tuple[bool, int | None]:
    """Turn the target key's rotation on with the source key's period, unless it already
    rotates so. (whether anything changed, the period asked for)."""
    kms = clients("kms")
    period = source_period(clients, source_key_id)
    status = kms.get_key_rotation_status(KeyId=key_id)
    current = status.get("RotationPeriodInDays")
    if status.get("KeyRotationEnabled") and (period is None or current in (None, period)):
        return False, period
    kwargs: dict[str, Any] = {"KeyId": key_id}
    if period:
        kwargs["RotationPeriodInDays"] = period
    kms.enable_key_rotation(**kwargs)
    return True, period


# --------------------------------------------------------------------------- ACM

#: A target certificate in one of these states stands in for nothing.
UNUSABLE = frozenset({"EXPIRED", "REVOKED", "FAILED", "VALIDATION_TIMED_OUT"})


def names_of(cert: dict[str, Any]) -> frozenset[str]:
    """The pairing set of ACM-001: the SANs, or the domain name when there are none."""
    sans = cert.get("SubjectAlternativeNames") or [cert.get("DomainName")]
    return frozenset(str(n) for n in sans if n)


def user_tags(cert: dict[str, Any]) -> list[dict[str, str]]:
    """The certificate's tags, without the reserved ``aws:`` ones no caller may set."""
    return [
        {"Key": str(t["Key"]), "Value": str(t.get("Value", ""))}
        for t in cert.get("Tags") or []
        if not str(t.get("Key", "")).startswith("aws:")
    ]


def find_twins(
    acm: Any, domain: str, names: frozenset[str], key_algorithm: str
) -> list[tuple[str, str]]:
    """(ARN, Status) of usable target certificates with this domain, SANs and key algorithm."""
    found: list[tuple[str, str]] = []
    pages = acm.get_paginator("list_certificates").paginate(Includes={"keyTypes": list(KEY_TYPES)})
    for page in pages:
        for summary in page.get("CertificateSummaryList", []):
            if summary.get("DomainName") != domain:
                continue
            if summary.get("KeyAlgorithm") not in (None, key_algorithm):
                continue
            cert = acm.describe_certificate(CertificateArn=summary["CertificateArn"])["Certificate"]
            status = str(cert.get("Status"))
            if (
                cert.get("KeyAlgorithm") == key_algorithm
                and names_of(cert) == names
                and status not in UNUSABLE
            ):
                found.append((str(cert["CertificateArn"]), status))
    return found
