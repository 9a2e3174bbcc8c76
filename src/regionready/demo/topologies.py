"""Demo seed for ``regionready demo --topology``: the Regions beyond the demo's one pair.

``seed_demo`` plants the one pair (source me-central-1 -> target eu-central-1); a
topology adds pairs and :func:`seed_topology` plants what makes each extra pair tell its
own story, reusing the base seed's helpers. Ordinary boto3 calls through the session
given (``moto_gaps`` installed by the caller), so it works in-process and against a moto
server, like every seeder.

two-targets (source -> eu-central-1 and source -> eu-west-1, a backup Region)
  eu-west-1 holds a few things eu-central-1 lacks and little else:
  multi-Region key alias/audit-mrk        replicated there, same policy   KMS-001/002 pass
                                          (no replica in eu-central-1: KMS-002 fails there)
  api.example.com (EC_prime256v1)         issued there, its validation
                                          CNAME in the example.com zone   ACM-001, ACM-006 pass
                                          (no twin in eu-central-1: ACM-001 fails there)
  secret prod/billing/api-key             replicated there                SM-001 passes
                                          (missing in eu-central-1: SM-001 fails there)
  everything else of the source           missing                        parity checks fail

active-active (source <-> eu-central-1)
  nothing more is planted: the base seed already holds resources only in eu-central-1
  (the status.example.com certificate, the "Partner exchange" key, alias/ledger-eu,
  the dr-vault ...), which fail in the eu-central-1 -> source direction.

consolidation (source and me-south-1 -> eu-central-1)
  me-south-1 (an opt-in Region, opted in) holds namesakes of the source's resources:
  alias/app-data -> another single-Region key              KMS-014 fails (both pairs)
  alias/session-mrk -> the source's multi-Region key,
                       replicated into me-south-1          KMS-014 passes (both pairs)
  secret prod/orders/db, a separate secret                 SM-006 fails (both pairs)
  web ACL storefront, other rules                          WAF-009 fails (both pairs)
  www.example.com certificate without example.com          ACM-017 fails (both pairs)

A collision rule judges each source's own items against the other source's, so every
collision above shows in the me-central-1 -> eu-central-1 pair (the source's item) and
in the me-south-1 -> eu-central-1 pair (me-south-1's item).

The plan's ``failing`` and ``healthy`` stay the first pair's (a topology changes nothing
there); tests/e2e/test_topologies.py writes out what the other pair of each fails.

Not a ``seed_*`` module: ``seed.service_seeders`` (the one-pair demo) never runs it;
the topology seeding runs only through :func:`seed_topology`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3

from regionready.demo import seed as base
from regionready.demo import seed_waf
from regionready.demo.moto_gaps.account import DEFAULT_ENABLED, set_region_opt_status
from regionready.demo.seed_secrets_cognito import DEMO_VALUE
from regionready.topology import Pair

if TYPE_CHECKING:
    from regionready.demo.seed import DemoPlan

#: The backup Region of two-targets, and the second source of consolidation.
SECOND_TARGET = "eu-west-1"
SECOND_SOURCE = "me-south-1"

#: ``regionready demo --topology`` choices (its --help says what each shows).
NAMES: tuple[str, ...] = ("two-targets", "active-active", "consolidation")

#: What each topology's extra Regions hold, as the demo prints it.
_STORIES: dict[str, tuple[str, ...]] = {
    "two-targets": (
        f"{SECOND_TARGET}, the backup Region, holds what eu-central-1 lacks: the replica of "
        "alias/audit-mrk, api.example.com and the replica of prod/billing/api-key;",
        "everything else of the source is missing there.",
    ),
    "active-active": (
        "the same account judged both ways: what only eu-central-1 holds (status.example.com, "
        "alias/ledger-eu, alias/dr-backup, ...) fails in eu-central-1 -> me-central-1.",
    ),
    "consolidation": (
        f"{SECOND_SOURCE} holds namesakes of the source's: alias/app-data (another key), "
        "prod/orders/db (a separate secret), web ACL storefront (other rules),",
        "www.example.com (other SANs): collisions in eu-central-1; alias/session-mrk is the "
        "same multi-Region key (no collision).",
    ),
}


def story(name: str) -> tuple[str, ...]:
    """What topology ``name`` planted, in a line or two (the demo prints it)."""
    return _STORIES[name]


def pairs(name: str | None, source: str, target: str) -> list[Pair]:
    """The pairs of topology ``name`` (None: the demo's one pair), the demo's first."""
    first = Pair(source, target)
    if name is None:
        return [first]
    if name == "two-targets":
        return [first, Pair(source, SECOND_TARGET)]
    if name == "active-active":
        return [first, Pair(target, source)]
    if name == "consolidation":
        return [first, Pair(SECOND_SOURCE, target)]
    raise ValueError(f"unknown topology {name!r} (known: {', '.join(NAMES)})")


def seed_topology(session: boto3.Session, plan: DemoPlan, name: str | None) -> list[Pair]:
    """Plant topology ``name``'s other Regions (after ``seed_demo``); its pairs."""
    found = pairs(name, plan.source, plan.target)
    if name == "two-targets":
        _seed_backup_target(session, plan, SECOND_TARGET)
    elif name == "consolidation":
        _seed_second_source(session, plan, SECOND_SOURCE)
    return found


# ------------------------------------------------------------------- two-targets


def _seed_backup_target(session: boto3.Session, plan: DemoPlan, region: str) -> None:
    plan.resources.setdefault(region, {})
    plan.aliases.setdefault(region, {})
    acct = plan.account_id
    kms_src = session.client("kms", region_name=plan.source)
    kms = session.client("kms", region_name=region)

    # alias/audit-mrk: replicated here with the primary's policy (not to the target).
    audit = plan.arn(plan.source, "key:alias/audit-mrk")
    audit_id = audit.rsplit("/", 1)[-1]
    replica = base._replicate(
        kms_src,
        kms,
        audit_id,
        region,
        base._key_policy(acct, "audit-writer"),
        "Audit log (multi-Region)",
        {"Team": "security", "Environment": "production"},
    )
    base._alias(kms, plan, region, "alias/audit-mrk", audit_id, replica)

    # api.example.com: the twin the target lacks, DNS-validated in the public zone.
    acm = session.client("acm", region_name=region)
    api = plan.record(
        region,
        "cert:api.example.com",
        base._request(
            acm,
            "api.example.com",
            key_algorithm="EC_prime256v1",
            tags={"Team": "web", "Environment": "production"},
        ),
    )
    base._require_issued(acm, [api])
    _validation_records(session, acm, api)

    # prod/billing/api-key: replicated here (it has no copy in the target).
    sm = session.client("secretsmanager", region_name=plan.source)
    sm.replicate_secret_to_regions(
        SecretId="prod/billing/api-key", AddReplicaRegions=[{"Region": region}]
    )


def _validation_records(session: boto3.Session, acm: Any, arn: str) -> None:
    """The certificate's DNS validation CNAMEs in the demo's public example.com zone."""
    options = acm.describe_certificate(CertificateArn=arn)["Certificate"].get(
        "DomainValidationOptions", []
    )
    route53 = session.client("route53", region_name="us-east-1")
    zones = route53.list_hosted_zones_by_name(DNSName="example.com")["HostedZones"]
    zone = next(z["Id"] for z in zones if z["Name"].rstrip(".") == "example.com")
    changes = [
        {
            "Action": "UPSERT",
            "ResourceRecordSet": {
                "Name": o["ResourceRecord"]["Name"],
                "Type": "CNAME",
                "TTL": 300,
                "ResourceRecords": [{"Value": o["ResourceRecord"]["Value"]}],
            },
        }
        for o in options
        if o.get("ResourceRecord")
    ]
    route53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": changes})


# ----------------------------------------------------------------- consolidation


def _seed_second_source(session: boto3.Session, plan: DemoPlan, region: str) -> None:
    plan.resources.setdefault(region, {})
    plan.aliases.setdefault(region, {})
    acct = plan.account_id
    if region not in DEFAULT_ENABLED:
        set_region_opt_status(acct, region, "ENABLED")
    kms_src = session.client("kms", region_name=plan.source)
    kms = session.client("kms", region_name=region)
    platform = {"Team": "platform", "Environment": "production"}

    # alias/app-data: a key of its own here (KMS-014 fails).
    app_id, app = base._create_key(
        kms, "Application data at rest", base._key_policy(acct, "app-data-service"), platform
    )
    kms.enable_key_rotation(KeyId=app_id)
    base._alias(kms, plan, region, "alias/app-data", app_id, app)

    # alias/session-mrk: the source's multi-Region key, replicated here (KMS-014 passes).
    session_key = plan.arn(plan.source, "key:alias/session-mrk")
    session_id = session_key.rsplit("/", 1)[-1]
    replica = base._replicate(
        kms_src,
        kms,
        session_id,
        region,
        base._key_policy(acct, "session-api", region=region),
        "Session tokens (multi-Region)",
        {"Team": "identity", "Environment": "production"},
    )
    base._alias(kms, plan, region, "alias/session-mrk", session_id, replica)

    # prod/orders/db: a separate secret of the same name (SM-006 fails).
    sm = session.client("secretsmanager", region_name=region)
    orders = sm.create_secret(Name="prod/orders/db", SecretString=DEMO_VALUE)["ARN"]
    plan.record(region, "secret:prod/orders/db", orders)

    # web ACL storefront: the same name, other rules (WAF-009 fails).
    waf = session.client("wafv2", region_name=region)
    storefront = seed_waf._web_acl(waf, "storefront", "Allow", [seed_waf._sqli("Count")])
    plan.record(region, "web_acl:storefront", storefront)

    # www.example.com: without example.com (ACM-017 fails).
    acm = session.client("acm", region_name=region)
    www = plan.record(
        region,
        "cert:www.example.com",
        base._request(acm, "www.example.com", tags={"Team": "web", "Environment": "production"}),
    )
    base._require_issued(acm, [www])
