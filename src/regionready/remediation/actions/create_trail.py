"""create-trail (GEN-002): a CloudTrail trail homed in the target, logging.

CreateTrail in the target (name ``regionready-<target>``, log file validation on) to an
S3 bucket the user names (``ctx.options["trail_bucket"]``, ``regionready remediate
--trail-bucket BUCKET``), then StartLogging. The trail is single-Region: GEN-002 fails
only when no trail logs the target, so a target trail never duplicates another trail's
copy of the target's management events (the first copy is free of charge; a second
multi-Region trail would bill every Region again).

Out of scope: creating the bucket or its policy. The bucket must exist and its policy
must let ``cloudtrail.amazonaws.com`` write (``s3:GetBucketAcl`` on the bucket and
``s3:PutObject`` on ``AWSLogs/<account>/*``); CreateTrail fails otherwise, with AWS's
reason. Without a bucket the plan still lists the change, ``blocked`` with what is
needed (the runner skips it and says so); apply, if reached anyway, refuses before any
write call.

Idempotent: a logging trail homed in the target or multi-Region (DescribeTrails with
shadow trails, GetTrailStatus) means nothing to do; a ``regionready-<target>`` trail that
exists but is not logging (an earlier run stopped after CreateTrail) is only started.
"""

from __future__ import annotations

from typing import Any

from regionready.model import Result
from regionready.remediation import Change, PlanContext, TargetClients
from regionready.remediation.actions.errors import NeedsInput

ACTION = "create-trail"
PERMISSIONS = (
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:CreateTrail",
    "cloudtrail:StartLogging",
)
NO_BUCKET = (
    "needs the S3 bucket the trail delivers to: run with --trail-bucket BUCKET (regionready "
    "creates neither the bucket nor its policy, which must let cloudtrail.amazonaws.com write)"
)


def trail_name(target: str) -> str:
    return f"regionready-{target}"


def plan(finding: Result, ctx: PlanContext) -> list[Change]:
    name = trail_name(ctx.target)
    bucket = ctx.options.get("trail_bucket")
    existing = ctx.find(ctx.target, "cloudtrail", "trail", "Name", name)
    blocked = None
    if existing is not None and existing.get("HomeRegion") == ctx.target:
        summary = f"start logging the existing trail {name} in {ctx.target}"
    else:
        summary = (
            f"create trail {name} homed in {ctx.target} (single-Region, log file validation "
            f"on) delivering to s3://{bucket or 'BUCKET'}, then start logging; the bucket and "
            "its policy must already allow CloudTrail"
        )
        blocked = None if bucket else NO_BUCKET
    return [
        Change.fixing(
            finding,
            ACTION,
            region=ctx.target,
            resource=name,
            summary=summary,
            params={"Name": name, "S3BucketName": str(bucket) if bucket else None},
            blocked=blocked,
        )
    ]


def _trails(cloudtrail: Any) -> list[tuple[dict[str, Any], bool]]:
    """(trail, is logging) for every trail the target sees, shadow trails included."""
    found = []
    for trail in cloudtrail.describe_trails(includeShadowTrails=True).get("trailList", []):
        status = cloudtrail.get_trail_status(Name=trail["TrailARN"])
        found.append((trail, bool(status.get("IsLogging"))))
    return found


def apply(change: Change, clients: TargetClients) -> str:
    p = change.params
    target = clients.target
    cloudtrail = clients("cloudtrail")
    trails = _trails(cloudtrail)
    for trail, logging in trails:
        if logging and (trail.get("HomeRegion") == target or trail.get("IsMultiRegionTrail")):
            return f"already present: trail {trail['Name']} logs {target}"
    own = next(
        (t for t, _ in trails if t.get("Name") == p["Name"] and t.get("HomeRegion") == target),
        None,
    )
    if own is None:
        if not p.get("S3BucketName"):
            raise NeedsInput(f"create-trail {p['Name']}: {NO_BUCKET}; nothing was changed")
        own = cloudtrail.create_trail(
            Name=p["Name"],
            S3BucketName=p["S3BucketName"],
            IsMultiRegionTrail=False,
            EnableLogFileValidation=True,
        )
        made = f"created trail {p['Name']} in {target} delivering to s3://{p['S3BucketName']}"
    else:
        made = f"trail {p['Name']} existed in {target}"
    cloudtrail.start_logging(Name=own["TrailARN"])
    return f"{made}; logging started"
