"""Start a moto server on 127.0.0.1 and seed an organisation of N member accounts into it.

Every account (ids ``200000000001`` ... , names ``acct-001`` ...) holds, in the source
``me-central-1`` and the target ``eu-central-1``, a small realistic mix (per Region, with
the defaults): 20 ACM certificates (70 % requested, 30 % imported), 10 customer-managed
KMS keys (some multi-Region primaries), 3 WAFv2 web ACLs, 10 Secrets Manager secrets,
and a little of four other services (an SNS topic, an SQS queue, a CloudWatch Logs group
and an SSM parameter). The failures of the six overlapping checks are planted as
``seed.py`` plants them for the single-account benchmark (benchmarks/README.md,
"Overlapping checks"), in numbers that vary by account (a seeded random generator per
account, so the same account always gets the same shape, and account 1 gets at least one
of each):

ACM-003  target copies of imported certificates expiring within 30 days (0-3), plus 0-1
         within 31-60 days (ACM-003 medium only: c7n's 30-day window does not see them)
KMS-002  multi-Region primaries (1-3) of which 0-2 have no replica in the target
KMS-004  target twins (same alias) of the source keys with rotation off (0-3)
WAF-002  target twins with 1 rule instead of 3 (0-1)
WAF-007  target twins without logging (0-2)
SM-001   source secrets not replicated to the target (0-4)

Speed: the accounts are seeded *inside the server process through moto's backends*
(``moto.<service>.models.<service>_backends[account][region]``), not over HTTP. Over HTTP
an account of this size costs ~1.8 s (botocore serialising and parsing ~150 calls, moto's
Werkzeug front end, the GIL shared with the server threads), ~9 minutes for 300 accounts;
the backends take milliseconds per account. Each backend call is the one moto's own
response handler makes for the API call ``seed.py`` would send, and the in-process repair
``moto_gaps`` makes after ReplicateKey (the replica gets its own aliases, grants, policy,
description and tags) is made here too. The rest are ``seed.py``'s tricks, imported from
it (``fast_moto``: one RSA key per size, ACM imports without the RSA key check; GuardDuty
ListFilters answered); imported certificates are signed with
``regionready.demo.certs``'s cached key. One more moto gap is closed server-side:
EC2 GetEbsDefaultKmsKeyId (moto answers HTTP 500; ``_ebs_default_kms_key_id``).

Run::

    python benchmarks/org_seed.py --accounts 10 --plan plan.json

prints one JSON line ``{"endpoint": ..., "seed_seconds": ..., "accounts": N}`` when the
organisation is seeded, then serves until its standard input closes, ``--max-seconds``
pass, or its parent process exits.
"""

from __future__ import annotations

import os

os.environ["MOTO_ACM_VALIDATION_WAIT"] = "0"  # before moto is imported

import argparse
import base64
import datetime as dt
import json
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import lib  # noqa: E402
import seed  # noqa: E402

SOURCE = seed.SOURCE
TARGET = seed.TARGET
#: The account whose (fake) credentials every tool starts from: moto's default account.
MANAGEMENT = "123456789012"
#: The role each tool assumes in every member account (moto accepts any role).
ROLE = "regionready-audit"


def account_ids(count: int) -> list[str]:
    return [f"2{i:011d}" for i in range(1, count + 1)]


def account_name(index: int) -> str:
    """The c7n-org name of the account ``index`` (0-based): acct-001 ..."""
    return f"acct-{index + 1:03d}"


@dataclass
class OrgSizes:
    """Resources per account and Region."""

    certs: int = 20
    keys: int = 10
    web_acls: int = 3
    secrets: int = 10
    others: bool = True


@dataclass
class AccountPlan:
    id: str
    name: str
    #: regionready rule -> the ids that rule's results carry (KMS-004: the key id behind
    #: the target alias, as compare.py maps it) / c7n's id of the resource
    expected: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class OrgPlan:
    source: str
    target: str
    now: str
    sizes: dict[str, Any]
    accounts: list[AccountPlan] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------- one account


class _Seeder:
    """Seeds one account through moto's backends (the server's own state)."""

    def __init__(self, account: str, index: int, sizes: OrgSizes, now: dt.datetime) -> None:
        self.account = account
        self.index = index
        self.sizes = sizes
        self.now = now
        self.rng = random.Random(f"regionready-org-{index}")
        self.plan = AccountPlan(account, account_name(index))

    def count(self, low: int, high: int) -> int:
        """A per-account count in [low, high]; the first account has at least 1."""
        value = self.rng.randint(low, high)
        return max(value, 1) if self.index == 0 else value

    def run(self, seconds: dict[str, float]) -> AccountPlan:
        steps = [
            ("acm", self.acm),
            ("kms", self.kms),
            ("wafv2", self.waf),
            ("secretsmanager", self.secrets),
        ]
        if self.sizes.others:
            steps.append(("others", self.others))
        for name, step in steps:
            started = time.perf_counter()
            step()
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started
        return self.plan

    # -- ACM

    def acm(self) -> None:
        from moto.acm.models import acm_backends

        src = acm_backends[self.account][SOURCE]
        tgt = acm_backends[self.account][TARGET]
        tags = [{"Key": "Team", "Value": "bench"}, {"Key": "Account", "Value": self.plan.name}]
        n = self.sizes.certs
        requested = n * 7 // 10
        imported = n - requested
        missing = self.rng.randint(0, 1)
        expiring = min(self.count(0, 3), imported)
        notice = min(self.rng.randint(0, 1), imported - expiring)
        base = f"{self.plan.name}.bench.example.com"
        svc = [f"svc-{i:03d}.{base}" for i in range(requested)]
        imp = [f"imp-{i:03d}.{base}" for i in range(imported)]
        for domain in svc:
            src.request_certificate(domain, None, [domain], tags)
        for i, domain in enumerate(imp):
            src.import_certificate(*_cert(domain, 30, 200 + i % 165, self.now), None, None, tags)
        for domain in svc[missing:]:
            tgt.request_certificate(domain, None, [domain], tags)
        flagged = []
        for i, domain in enumerate(imp):
            if i < expiring:
                left = 3 + (i * 7 + self.index) % 25  # 3..27 days: within 30
            elif i < expiring + notice:
                left = 35 + (i + self.index) % 20  # 35..54 days: within 60, not 30
            else:
                left = 120 + (i + self.index) % 200
            arn = tgt.import_certificate(*_cert(domain, 340, left, self.now), None, None, tags)
            if i < expiring:
                flagged.append(arn)
        for i in range(n - (requested - missing) - imported):
            domain = f"local-{i:03d}.{base}"
            tgt.request_certificate(domain, None, [domain], tags)
        self.plan.expected["ACM-003"] = sorted(flagged)

    # -- KMS

    def kms(self) -> None:
        from moto.kms.models import kms_backends

        src = kms_backends[self.account][SOURCE]
        tgt = kms_backends[self.account][TARGET]
        n = self.sizes.keys
        primaries = min(self.rng.randint(1, 3), n - 1)
        unreplicated = min(self.count(0, 2), primaries)
        replicated = primaries - unreplicated
        single = n - primaries
        no_twin = self.rng.randint(0, 1)
        twins = single - no_twin
        rotation_off = min(self.count(0, 3), twins)
        tags = [{"TagKey": "Team", "TagValue": "bench"}]

        def create(backend: Any, alias: str, multi: bool, rotate: bool) -> str:
            role = alias.rsplit("/", 1)[-1]
            key = backend.create_key(
                seed._key_policy(self.account, role),
                "ENCRYPT_DECRYPT",
                "SYMMETRIC_DEFAULT",
                f"bench {alias}",
                tags,
                multi,
            )
            backend.create_alias(key.id, alias)
            if rotate:
                backend.enable_key_rotation(key.id)
            return str(key.id)

        key_aliases = [f"alias/bench/key-{i:03d}" for i in range(single)]
        mrk_aliases = [f"alias/bench/mrk-{i:03d}" for i in range(primaries)]
        for alias in key_aliases:
            create(src, alias, False, True)
        mrk_ids = [create(src, alias, True, True) for alias in mrk_aliases]
        for key_id, alias in zip(mrk_ids[:replicated], mrk_aliases[:replicated], strict=True):
            replica = src.replicate_key(key_id, TARGET)
            # What moto_gaps does after ReplicateKey (seed.py's calls go through it): the
            # replica has its own aliases, grants, policy, description and tags.
            replica.aliases = {}
            replica.grants = {}
            replica.policy = seed._key_policy(self.account, alias.rsplit("/", 1)[-1])
            replica.description = ""
            tgt.tagger.tag_resource(replica.id, tags)
            tgt.create_alias(replica.id, alias)
            tgt.enable_key_rotation(replica.id)
        twin_ids = [
            create(tgt, alias, False, i >= rotation_off)
            for i, alias in enumerate(key_aliases[:twins])
        ]
        for i in range(n - replicated - twins):
            create(tgt, f"alias/bench/local-{i:03d}", False, True)
        self.plan.expected["KMS-002"] = sorted(mrk_ids[replicated:])
        self.plan.expected["KMS-004"] = sorted(twin_ids[:rotation_off])

    # -- WAFv2

    def waf(self) -> None:
        from moto.wafv2.models import wafv2_backends

        n = self.sizes.web_acls
        few = min(self.count(0, 1), n)
        unlogged = min(self.count(0, 2), n)

        def acl(region: str, name: str, rules: int, log: bool) -> str:
            backend = wafv2_backends[self.account][region]
            visibility = {
                "SampledRequestsEnabled": True,
                "CloudWatchMetricsEnabled": True,
                "MetricName": name,
            }
            web_acl = backend.create_web_acl(
                name,
                visibility,
                {"Allow": {}},
                "REGIONAL",
                None,
                [],
                _wire_rules(rules),
                None,
                None,
                None,
                None,
                None,
            )
            if log:
                group = f"arn:aws:logs:{region}:{self.account}:log-group:aws-waf-logs-{name}"
                backend.put_logging_configuration(web_acl.arn, [group], None, None, None)
            return str(web_acl.arn)

        names = [f"bench-acl-{i:03d}" for i in range(n)]
        for name in names:
            acl(SOURCE, name, 3, True)
        arns = [
            acl(TARGET, name, 1 if i < few else 3, i < n - unlogged) for i, name in enumerate(names)
        ]
        self.plan.expected["WAF-002"] = sorted(arns[:few])
        self.plan.expected["WAF-007"] = sorted(arns[n - unlogged :])

    # -- Secrets Manager

    def secrets(self) -> None:
        from moto.secretsmanager.models import secretsmanager_backends

        src = secretsmanager_backends[self.account][SOURCE]
        tgt = secretsmanager_backends[self.account][TARGET]
        n = self.sizes.secrets
        not_replicated = min(self.count(0, 4), n)
        replicated = n - not_replicated

        def secret(backend: Any, name: str, replicate: bool) -> str:
            regions = [{"Region": TARGET}] if replicate else []
            made = backend.create_secret(
                name, "bench-not-a-secret", None, None, None, None, None, regions, False
            )
            return str(json.loads(made)["ARN"])

        names = [f"bench/app-{i:03d}" for i in range(n)]
        arns = [secret(src, name, i < replicated) for i, name in enumerate(names)]
        for i in range(not_replicated):
            secret(tgt, f"bench/local-{i:03d}", False)
        self.plan.expected["SM-001"] = sorted(arns[replicated:])

    # -- a little of the others

    def others(self) -> None:
        """An SNS topic, an SQS queue, a log group and an SSM parameter in the source;
        the target misses some of them (which ones varies by account)."""
        from moto.logs.models import logs_backends
        from moto.sns.models import sns_backends
        from moto.sqs.models import sqs_backends
        from moto.ssm.models import ssm_backends

        keep = {kind: self.rng.random() < 0.75 for kind in ("sns", "sqs", "logs", "ssm")}
        for region in (SOURCE, TARGET):
            here = region == SOURCE
            if here or keep["sns"]:
                sns_backends[self.account][region].create_topic("alerts", {}, {"Team": "bench"})
            if here or keep["sqs"]:
                sqs_backends[self.account][region].create_queue("jobs", {"Team": "bench"})
            if here or keep["logs"]:
                logs_backends[self.account][region].create_log_group(
                    "/bench/app", {"Team": "bench"}, kmsKeyId=None
                )
            if here or keep["ssm"]:
                ssm_backends[self.account][region].put_parameter(
                    "/bench/app/endpoint",
                    None,
                    f"https://app.{region}.example.com",
                    "String",
                    None,
                    None,
                    False,
                    None,
                    "text",
                    tier=None,
                    policies=None,
                )


def _wire_rules(count: int) -> list[dict[str, Any]]:
    """seed.py's web ACL rules as moto's response handler stores them: a blob
    (ByteMatchStatement.SearchString) arrives base64-encoded, as botocore sends it."""
    rules = seed._waf_rules(count)
    for rule in rules:
        match = rule["Statement"].get("ByteMatchStatement")
        if match:
            match["SearchString"] = base64.b64encode(match["SearchString"].encode()).decode()
    return rules


def _ebs_default_kms_key_id() -> None:
    """moto has no EC2 GetEbsDefaultKmsKeyId (HTTP 500); ``moto_gaps`` answers it only
    with moto in the scanning process. The server answers it here as that hook does: the
    key ModifyEbsDefaultKmsKeyId set, else the alias ARN of the AWS managed key, which is
    what AWS answers while that key is the default."""
    from moto.core.responses import ActionResult
    from moto.ec2.responses import EC2Response

    def get_ebs_default_kms_key_id(self: Any) -> Any:
        current = str(getattr(self.ec2_backend, "default_kms_key_id", "") or "")
        alias = f"arn:aws:kms:{self.region}:{self.current_account}:alias/aws/ebs"
        return ActionResult({"KmsKeyId": current or alias})

    EC2Response.get_ebs_default_kms_key_id = get_ebs_default_kms_key_id  # type: ignore[attr-defined]


def _cert(domain: str, age: int, left: int, now: dt.datetime) -> tuple[bytes, bytes]:
    """(certificate, key) PEM valid from ``age`` days ago for ``left`` more days (the key
    is regionready.demo.certs's cached one: signing costs ~0.5 ms)."""
    from regionready.demo.certs import self_signed

    day = dt.timedelta(days=1)
    return self_signed(domain, not_before=now - age * day, not_after=now + left * day)


def seed_organisation(count: int, sizes: OrgSizes, now: dt.datetime | None = None) -> OrgPlan:
    """Seed ``count`` accounts into this process's moto backends; the plan of each."""
    now = now or dt.datetime.now(dt.UTC)
    plan = OrgPlan(SOURCE, TARGET, now.isoformat(), asdict(sizes))
    seconds: dict[str, float] = {}
    for index, account in enumerate(account_ids(count)):
        plan.accounts.append(_Seeder(account, index, sizes, now).run(seconds))
    plan.seconds = {k: round(v, 2) for k, v in seconds.items()}
    return plan


def serve(args: argparse.Namespace) -> int:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    os.environ.pop("AWS_PROFILE", None)
    seed.fast_moto()
    _ebs_default_kms_key_id()
    started = time.perf_counter()
    sizes = OrgSizes(args.certs, args.keys, args.web_acls, args.secrets, not args.no_others)
    plan = seed_organisation(args.accounts, sizes)
    seconds = round(time.perf_counter() - started, 2)
    server, endpoint = seed.start_server(args.port)
    if args.plan:
        Path(args.plan).write_text(json.dumps(asdict(plan), indent=2, sort_keys=True) + "\n")
    print(
        json.dumps(
            {
                "endpoint": endpoint,
                "seed_seconds": seconds,
                "accounts": args.accounts,
                "steps": plan.seconds,
                "how": "moto backends, in the server process",
            }
        ),
        flush=True,
    )
    lib.serve_until_released(server, args.max_seconds)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="moto server + organisation seeder")
    parser.add_argument("--accounts", type=int, default=10, help="member accounts")
    parser.add_argument("--certs", type=int, default=20, help="ACM certificates per Region")
    parser.add_argument("--keys", type=int, default=10, help="KMS keys per Region")
    parser.add_argument("--web-acls", type=int, default=3, help="WAF web ACLs per Region")
    parser.add_argument("--secrets", type=int, default=10, help="secrets per Region")
    parser.add_argument("--no-others", action="store_true", help="no SNS/SQS/logs/SSM")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--plan", default=None, help="write the seeding plan (JSON) here")
    parser.add_argument("--max-seconds", type=float, default=14400.0, help="serve at most")
    return serve(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
