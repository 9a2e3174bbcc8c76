"""Demo seed: IAM Access Analyzer and GuardDuty in the source and target Regions.

moto has no Access Analyzer and only part of GuardDuty; ``moto_gaps`` (installed on the
session by the caller) answers the rest, so these are ordinary boto3 calls.

What is planted (source -> target), and which check each gap should trip:

Access Analyzer
  ACCOUNT analyzer "org-external-access"         -> ACCOUNT analyzer "external-access"
                                                    (another name: pairs by type)    AA-001 passes
    archive rule "ignore-partner-buckets"       -> same rule, criteria in another order
                                                                                     AA-002 passes
    archive rule "ignore-audit-kms-keys"        -> nothing                          AA-002
  ACCOUNT_UNUSED_ACCESS analyzer "unused-access" -> nothing (needed in one Region)   out of scope
GuardDuty
  detector ENABLED, S3/EKS audit/EBS malware/    -> detector ENABLED, same plans but
  Runtime Monitoring (EKS add-on) plans             Runtime Monitoring DISABLED     GD-001 passes,
                                                                                     GD-002
  suppression rule "archive-known-scanners"     -> same rule                        GD-003 passes
  saved filter "high-severity-ec2"              -> nothing                          GD-003
  IPSet "corporate-egress" (ACTIVE)             -> same IPSet, ACTIVE               GD-004 passes
  S3 publishing destination                     -> S3 publishing destination        GD-005 passes

Ids recorded are the ones results carry: parity results name the target resource when it
has a counterpart and the source resource when it does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3

if TYPE_CHECKING:
    from regionready.demo.seed import DemoPlan

PARTNER_BUCKETS: dict[str, Any] = {
    "resourceType": {"eq": ["AWS::S3::Bucket"]},
    "principal.AWS": {"eq": ["444455556666", "777788889999"]},
}
PARTNER_BUCKETS_REORDERED: dict[str, Any] = {
    "principal.AWS": {"eq": ["777788889999", "444455556666"]},
    "resourceType": {"eq": ["AWS::S3::Bucket"]},
}
AUDIT_KEYS: dict[str, Any] = {
    "resourceType": {"eq": ["AWS::KMS::Key"]},
    "principal.AWS": {"eq": ["111122223333"]},
}

SCANNERS: dict[str, Any] = {
    "Criterion": {
        "type": {"Eq": ["Recon:EC2/PortProbeUnprotectedPort", "Recon:EC2/Portscan"]},
        "resource.instanceDetails.tags.value": {"Eq": ["vulnerability-scanner"]},
    }
}
HIGH_SEVERITY_EC2: dict[str, Any] = {
    "Criterion": {"severity": {"Gte": 7}, "resource.resourceType": {"Eq": ["Instance"]}}
}


def _features(runtime_monitoring: str) -> list[dict[str, Any]]:
    return [
        {"Name": "S3_DATA_EVENTS", "Status": "ENABLED"},
        {"Name": "EKS_AUDIT_LOGS", "Status": "ENABLED"},
        {"Name": "EBS_MALWARE_PROTECTION", "Status": "ENABLED"},
        {"Name": "RDS_LOGIN_EVENTS", "Status": "DISABLED"},
        {
            "Name": "RUNTIME_MONITORING",
            "Status": runtime_monitoring,
            "AdditionalConfiguration": [
                {"Name": "EKS_ADDON_MANAGEMENT", "Status": runtime_monitoring},
            ],
        },
    ]


def _seed_access_analyzer(session: boto3.Session, plan: DemoPlan) -> None:
    src = session.client("accessanalyzer", region_name=plan.source)
    tgt = session.client("accessanalyzer", region_name=plan.target)
    tags = {"Team": "security", "Environment": "production"}

    source_arn = src.create_analyzer(
        analyzerName="org-external-access",
        type="ACCOUNT",
        tags=tags,
        archiveRules=[{"ruleName": "ignore-partner-buckets", "filter": PARTNER_BUCKETS}],
    )["arn"]
    src.create_archive_rule(
        analyzerName="org-external-access", ruleName="ignore-audit-kms-keys", filter=AUDIT_KEYS
    )
    src.create_analyzer(analyzerName="unused-access", type="ACCOUNT_UNUSED_ACCESS", tags=tags)

    target_arn = tgt.create_analyzer(analyzerName="external-access", type="ACCOUNT", tags=tags)[
        "arn"
    ]
    tgt.create_archive_rule(
        analyzerName="external-access",
        ruleName="ignore-partner-buckets",
        filter=PARTNER_BUCKETS_REORDERED,
    )

    plan.failing.setdefault("AA-002", []).append("org-external-access/ignore-audit-kms-keys")
    plan.healthy += [source_arn, target_arn, "external-access/ignore-partner-buckets"]


def _detector(guardduty: Any, account_id: str, runtime_monitoring: str) -> str:
    detector_id: str = guardduty.create_detector(
        Enable=True,
        FindingPublishingFrequency="FIFTEEN_MINUTES",
        Features=_features(runtime_monitoring),
        Tags={"Team": "security"},
    )["DetectorId"]
    guardduty.create_filter(
        DetectorId=detector_id,
        Name="archive-known-scanners",
        Action="ARCHIVE",
        Rank=1,
        FindingCriteria=SCANNERS,
    )
    guardduty.create_ip_set(
        DetectorId=detector_id,
        Name="corporate-egress",
        Format="TXT",
        Location="https://s3.amazonaws.com/example-security-lists/corporate-egress.txt",
        Activate=True,
    )
    region = guardduty.meta.region_name
    guardduty.create_publishing_destination(
        DetectorId=detector_id,
        DestinationType="S3",
        DestinationProperties={
            "DestinationArn": f"arn:aws:s3:::example-findings-{account_id}-{region}",
            "KmsKeyArn": (
                f"arn:aws:kms:{region}:{account_id}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            ),
        },
    )
    return detector_id


def _seed_guardduty(session: boto3.Session, plan: DemoPlan) -> None:
    src = session.client("guardduty", region_name=plan.source)
    tgt = session.client("guardduty", region_name=plan.target)

    source_detector = _detector(src, plan.account_id, "ENABLED")
    src.create_filter(
        DetectorId=source_detector,
        Name="high-severity-ec2",
        Action="NOOP",
        Rank=2,
        FindingCriteria=HIGH_SEVERITY_EC2,
    )
    target_detector = _detector(tgt, plan.account_id, "DISABLED")

    plan.failing.setdefault("GD-002", []).append(target_detector)
    plan.failing.setdefault("GD-003", []).append("high-severity-ec2")
    # The target detector passes GD-001, GD-004 and GD-005 but fails GD-002.
    plan.healthy += [source_detector, "archive-known-scanners"]


def seed(session: boto3.Session, plan: DemoPlan) -> None:
    """Plant the Access Analyzer and GuardDuty state described in the module docstring."""
    _seed_access_analyzer(session, plan)
    _seed_guardduty(session, plan)
