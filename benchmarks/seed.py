"""Start a moto server on 127.0.0.1 and seed the benchmark account into it, fast.

The account (per Region of the pair, source ``me-central-1`` -> target ``eu-central-1``):
``--certs`` ACM certificates (default 1,000), ``--keys`` customer-managed KMS keys (300),
``--web-acls`` WAFv2 web ACLs (20) and ``--secrets`` Secrets Manager secrets (100), with
a known set of broken ones (below), plus, unless ``--no-demo``, the demo account of
``regionready.demo.seed.seed_demo``: a realistic mix of healthy and broken resources in
every other service the catalogue reads (Private CA, ELBv2, API Gateway, CloudFront,
Route 53, IAM, Identity Center, Cognito, GuardDuty, Access Analyzer, CloudTrail, ...).

Bulk resources, and the six overlapping checks they trip (regionready rule / the
equivalent Cloud Custodian policy in ``benchmarks/c7n/policies.yml``):

ACM     source: 70 % requested (DNS), 30 % imported, valid >= 200 days.
        target: requested twins (2 % missing: ACM-001), the imported copies of which
        4 % expire within 30 days (ACM-003 high / c7n ``acm-imported-expiring-30d``) and
        2 % within 31-60 days (ACM-003 medium only: c7n's 30-day window does not see
        them), the rest healthy; target-only certificates fill the count.
KMS     source: 5/6 single-Region keys, 1/6 multi-Region primaries, rotation on for all.
        target: replicas of 70 % of the primaries (the rest: KMS-002 / c7n
        ``kms-mrk-primary-without-replica``), twins with the same alias for all but 2 %
        of the single-Region keys (KMS-001), 10 % of the twins with rotation off
        (KMS-004 / c7n ``kms-rotation-off``), target-only keys fill the count.
WAF     source: web ACLs of 3 rules, all logging to CloudWatch Logs.
        target: same-named twins, 20 % with 1 rule (WAF-002 / c7n
        ``wafv2-too-few-rules``), 25 % without logging (WAF-007 / c7n
        ``wafv2-without-logging``).
Secrets source: 70 % replicated to the target, 30 % not (SM-001 / c7n
        ``secret-not-replicated``); target: the replicas plus target-only secrets.

Speed: one RSA key per size for the whole process (moto generates an RSA-2048 key for
*every* KMS key, even symmetric ones, and for every requested certificate: ~50 ms each),
and moto's ACM import loads private keys with ``unsafe_skip_rsa_key_validation=True``
(moto 5.2.5 has no setting for it; cryptography's RSA key check costs milliseconds per
import). Certificates come from ``regionready.demo.certs`` (cached keys). Both are
patched into this process only: it is the moto server, used for nothing else. One moto
gap is closed server-side too: GuardDuty ListFilters (``_guardduty_list_filters``).

The seeding uses ``moto_gaps``: some of its hooks repair moto's stored state in-process
(ReplicateKey), which is why the seeder and the server share one process.

Run::

    python benchmarks/seed.py --plan plan.json [--certs 1000 ...]

prints one JSON line ``{"endpoint": ..., "seed_seconds": ..., "counts": ...}`` when the
account is seeded, then serves until its standard input closes, ``--max-seconds`` pass,
or its parent process exits.
"""

from __future__ import annotations

import os

os.environ["MOTO_ACM_VALIDATION_WAIT"] = "0"  # before moto is imported

import argparse
import contextlib
import datetime as dt
import json
import logging
import sys
import threading
import time
import types
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import lib

SOURCE = "me-central-1"
TARGET = "eu-central-1"
ACCOUNT = "123456789012"


@dataclass
class Sizes:
    certs: int = 1000
    keys: int = 300
    web_acls: int = 20
    secrets: int = 100
    demo: bool = True


@dataclass
class Plan:
    """What was seeded and what each overlapping check should flag (bulk resources)."""

    source: str
    target: str
    account: str
    now: str
    sizes: dict[str, Any]
    # check -> resource ids the regionready result carries / the c7n resource id
    expected: dict[str, list[str]] = field(default_factory=dict)
    # the demo's own plan (check id -> ids), when the demo mix was seeded
    demo_failing: dict[str, list[str]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------- moto, made fast


def fast_moto() -> None:
    """Process-local patches that make seeding fast; see the module docstring."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    real_generate = rsa.generate_private_key
    keys: dict[tuple[int, int], Any] = {}
    lock = threading.RLock()

    def cached_generate(public_exponent: int, key_size: int, backend: Any = None) -> Any:
        with lock:
            if (public_exponent, key_size) not in keys:
                keys[(public_exponent, key_size)] = real_generate(public_exponent, key_size)
            return keys[(public_exponent, key_size)]

    rsa.generate_private_key = cached_generate  # type: ignore[assignment]

    from moto.acm import models as acm_models
    from moto.kms import models as kms_models

    real_load = serialization.load_pem_private_key

    def load_pem_private_key(data: bytes, password: Any = None, backend: Any = None, **_: Any):
        return real_load(data, password, unsafe_skip_rsa_key_validation=True)

    names = ("Encoding", "PrivateFormat", "PublicFormat", "NoEncryption", "BestAvailableEncryption")
    namespace = {name: getattr(serialization, name) for name in names}
    acm_models.serialization = types.SimpleNamespace(  # type: ignore[attr-defined]
        load_pem_private_key=load_pem_private_key, **namespace
    )

    real_kms_key = kms_models.generate_private_key
    kms_keys: dict[str, Any] = {}

    def cached_kms_key(key_spec: str) -> Any:
        with lock:
            if key_spec not in kms_keys:
                kms_keys[key_spec] = real_kms_key(key_spec)
            return kms_keys[key_spec]

    kms_models.generate_private_key = cached_kms_key  # type: ignore[assignment]
    _guardduty_list_filters()


def _guardduty_list_filters() -> None:
    """moto has no GuardDuty ListFilters; ``moto_gaps`` answers it only when moto runs in
    the scanning process. A scanner reaching this server over HTTP would get HTTP 500 and
    back off for tens of seconds (botocore adaptive retries), which AWS never causes, so
    the server answers it here from moto's own filters (names, as AWS lists them)."""
    from moto.guardduty.responses import GuardDutyResponse

    def list_filters(self: Any) -> str:
        detector_id = self.path.split("/")[-2]
        detector = self.guardduty_backend.get_detector(detector_id)
        return json.dumps({"filterNames": sorted(detector.filters)})

    GuardDutyResponse.list_filters = list_filters  # type: ignore[attr-defined]


def start_server(port: int = 0) -> tuple[Any, str]:
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    host, real_port = server.get_host_and_port()
    return server, f"http://{host}:{real_port}"


# ---------------------------------------------------------------- the bulk account


def _pct(n: int, percent: float) -> int:
    return max(1, round(n * percent / 100)) if n else 0


def _key_policy(account: str, role: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Id": "key-consolepolicy-3",
            "Statement": [
                {
                    "Sid": "Enable IAM User Permissions",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "Allow use of the key",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:role/{role}"},
                    "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"],
                    "Resource": "*",
                },
            ],
        }
    )


def _pool_map(fn: Any, items: list[Any], workers: int = 6) -> list[Any]:
    if not items:
        return []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, items))


def seed_acm(session: Any, plan: Plan, n: int, now: dt.datetime) -> None:
    from regionready.demo.certs import self_signed

    src = session.client("acm", region_name=plan.source)
    tgt = session.client("acm", region_name=plan.target)
    tags = [{"Key": "Team", "Value": "bench"}, {"Key": "Environment", "Value": "production"}]
    requested = n * 7 // 10
    imported = n - requested
    missing = _pct(requested, 2)
    expiring = _pct(imported, 4)
    notice = _pct(imported, 2)
    day = dt.timedelta(days=1)

    def request(args: tuple[Any, str]) -> str:
        client, domain = args
        arn: str = client.request_certificate(DomainName=domain, ValidationMethod="DNS", Tags=tags)[
            "CertificateArn"
        ]
        return arn

    def imp(args: tuple[Any, str, int, int]) -> str:
        client, domain, age, left = args
        cert, key = self_signed(domain, not_before=now - age * day, not_after=now + left * day)
        arn: str = client.import_certificate(Certificate=cert, PrivateKey=key, Tags=tags)[
            "CertificateArn"
        ]
        return arn

    svc = [f"svc-{i:04d}.bench.example.com" for i in range(requested)]
    imp_names = [f"imp-{i:04d}.bench.example.com" for i in range(imported)]
    _pool_map(request, [(src, d) for d in svc])
    _pool_map(imp, [(src, d, 30, 200 + i % 165) for i, d in enumerate(imp_names)])
    _pool_map(request, [(tgt, d) for d in svc[missing:]])
    jobs = []
    for i, domain in enumerate(imp_names):
        if i < expiring:
            left = 3 + i % 25  # 3..27 days: within 30 (and 60)
        elif i < expiring + notice:
            left = 35 + i % 20  # 35..54 days: within 60, not within 30
        else:
            left = 120 + i % 200
        jobs.append((tgt, domain, 340, left))
    target_arns = _pool_map(imp, jobs)
    extra = n - (requested - missing) - imported
    _pool_map(request, [(tgt, f"local-{i:04d}.bench.example.com") for i in range(extra)])
    plan.expected["ACM-003"] = sorted(target_arns[:expiring])


def seed_kms(session: Any, plan: Plan, n: int) -> None:
    src = session.client("kms", region_name=plan.source)
    tgt = session.client("kms", region_name=plan.target)
    primaries = max(1, n // 6)
    single = n - primaries
    replicated = primaries * 7 // 10
    no_twin = _pct(single, 2)
    twins = single - no_twin
    rotation_off = _pct(twins, 10)
    tags = [{"TagKey": "Team", "TagValue": "bench"}]

    def create(args: tuple[Any, str, bool, bool]) -> str:
        client, alias, multi, rotate = args
        key_id: str = client.create_key(
            Description=f"bench {alias}",
            Policy=_key_policy(plan.account, alias.rsplit("/", 1)[-1]),
            Tags=tags,
            MultiRegion=multi,
        )["KeyMetadata"]["KeyId"]
        client.create_alias(AliasName=alias, TargetKeyId=key_id)
        if rotate:
            client.enable_key_rotation(KeyId=key_id)
        return key_id

    key_aliases = [f"alias/bench/key-{i:03d}" for i in range(single)]
    mrk_aliases = [f"alias/bench/mrk-{i:03d}" for i in range(primaries)]
    _pool_map(create, [(src, a, False, True) for a in key_aliases])
    mrk_ids = _pool_map(create, [(src, a, True, True) for a in mrk_aliases])

    def replicate(args: tuple[str, str]) -> str:
        key_id, alias = args
        src.replicate_key(
            KeyId=key_id,
            ReplicaRegion=plan.target,
            Policy=_key_policy(plan.account, alias.rsplit("/", 1)[-1]),
            Tags=tags,
        )
        # moto shares the primary's alias table with its replicas: it may exist already.
        with contextlib.suppress(tgt.exceptions.AlreadyExistsException):
            tgt.create_alias(AliasName=alias, TargetKeyId=key_id)
        # Rotation is one property of a multi-Region key on AWS; moto keeps a flag per
        # copy, so the replica's is set too (AWS would refuse the call on a replica, and
        # report the primary's setting).
        tgt.enable_key_rotation(KeyId=key_id)
        return key_id

    _pool_map(replicate, list(zip(mrk_ids[:replicated], mrk_aliases[:replicated], strict=True)))
    twin_jobs = [
        (tgt, alias, False, i >= rotation_off) for i, alias in enumerate(key_aliases[:twins])
    ]
    twin_ids = _pool_map(create, twin_jobs)
    extra = n - replicated - twins
    _pool_map(create, [(tgt, f"alias/bench/local-{i:03d}", False, True) for i in range(extra)])
    plan.expected["KMS-002"] = sorted(mrk_ids[replicated:])
    plan.expected["KMS-004"] = sorted(twin_ids[:rotation_off])


def _waf_rules(count: int) -> list[dict[str, Any]]:
    statements = [
        {"GeoMatchStatement": {"CountryCodes": ["KP", "IR"]}},
        {
            "ByteMatchStatement": {
                "SearchString": "/admin",
                "FieldToMatch": {"UriPath": {}},
                "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}],
                "PositionalConstraint": "STARTS_WITH",
            }
        },
        {
            "SqliMatchStatement": {
                "FieldToMatch": {"Body": {"OversizeHandling": "MATCH"}},
                "TextTransformations": [{"Priority": 0, "Type": "URL_DECODE"}],
            }
        },
    ]
    return [
        {
            "Name": f"rule-{i}",
            "Priority": i,
            "Statement": statements[i % len(statements)],
            "Action": {"Block": {}},
            "VisibilityConfig": {
                "SampledRequestsEnabled": True,
                "CloudWatchMetricsEnabled": True,
                "MetricName": f"rule-{i}",
            },
        }
        for i in range(count)
    ]


def seed_waf(session: Any, plan: Plan, n: int) -> None:
    few = _pct(n, 20)
    unlogged = _pct(n, 25)

    def acl(args: tuple[str, str, int, bool]) -> str:
        region, name, rules, log = args
        waf = session.client("wafv2", region_name=region)
        arn: str = waf.create_web_acl(
            Name=name,
            Scope="REGIONAL",
            DefaultAction={"Allow": {}},
            VisibilityConfig={
                "SampledRequestsEnabled": True,
                "CloudWatchMetricsEnabled": True,
                "MetricName": name,
            },
            Rules=_waf_rules(rules),
        )["Summary"]["ARN"]
        if log:
            waf.put_logging_configuration(
                LoggingConfiguration={
                    "ResourceArn": arn,
                    "LogDestinationConfigs": [
                        f"arn:aws:logs:{region}:{plan.account}:log-group:aws-waf-logs-{name}"
                    ],
                }
            )
        return arn

    names = [f"bench-acl-{i:03d}" for i in range(n)]
    _pool_map(acl, [(plan.source, name, 3, True) for name in names])
    # The first ``few`` twins lose rules, the last ``unlogged`` lose logging.
    jobs = [
        (plan.target, name, 1 if i < few else 3, i < n - unlogged) for i, name in enumerate(names)
    ]
    arns = _pool_map(acl, jobs)
    plan.expected["WAF-002"] = sorted(arns[:few])
    plan.expected["WAF-007"] = sorted(arns[n - unlogged :])


def seed_secrets(session: Any, plan: Plan, n: int) -> None:
    src = session.client("secretsmanager", region_name=plan.source)
    tgt = session.client("secretsmanager", region_name=plan.target)
    replicated = n * 7 // 10

    def secret(args: tuple[Any, str, bool]) -> str:
        client, name, replicate = args
        params: dict[str, Any] = {"Name": name, "SecretString": "bench-not-a-secret"}
        if replicate:
            params["AddReplicaRegions"] = [{"Region": plan.target}]
        arn: str = client.create_secret(**params)["ARN"]
        return arn

    names = [f"bench/app-{i:03d}" for i in range(n)]
    arns = _pool_map(secret, [(src, name, i < replicated) for i, name in enumerate(names)])
    _pool_map(secret, [(tgt, f"bench/local-{i:03d}", False) for i in range(n - replicated)])
    plan.expected["SM-001"] = sorted(arns[replicated:])


def seed_account(
    session: Any,
    sizes: Sizes,
    *,
    source: str = SOURCE,
    target: str = TARGET,
    now: dt.datetime | None = None,
) -> Plan:
    """Seed the bulk account (and the demo mix) through ``session``; returns the plan."""
    now = now or dt.datetime.now(dt.UTC)
    account = session.client("sts", region_name=source).get_caller_identity()["Account"]
    plan = Plan(source, target, account, now.isoformat(), asdict(sizes))
    steps = [
        ("acm", lambda: seed_acm(session, plan, sizes.certs, now)),
        ("kms", lambda: seed_kms(session, plan, sizes.keys)),
        ("wafv2", lambda: seed_waf(session, plan, sizes.web_acls)),
        ("secretsmanager", lambda: seed_secrets(session, plan, sizes.secrets)),
    ]
    if sizes.demo:
        steps.append(("demo", lambda: _seed_demo(session, plan, now)))
    for name, step in steps:
        started = time.perf_counter()
        step()
        plan.seconds[name] = round(time.perf_counter() - started, 2)
    return plan


def _seed_demo(session: Any, plan: Plan, now: dt.datetime) -> None:
    from regionready.demo.seed import seed_demo

    demo = seed_demo(session, source=plan.source, target=plan.target, now=now)
    plan.demo_failing = {k: sorted(v) for k, v in demo.failing.items() if v}


def serve(args: argparse.Namespace) -> int:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.setdefault("AWS_SESSION_TOKEN", "testing")
    os.environ["AWS_CONFIG_FILE"] = os.devnull
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
    os.environ.pop("AWS_PROFILE", None)
    fast_moto()
    server, endpoint = start_server(args.port)
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    import boto3

    from regionready.demo import moto_gaps

    started = time.perf_counter()
    sizes = Sizes(args.certs, args.keys, args.web_acls, args.secrets, not args.no_demo)
    with moto_gaps.everywhere():
        plan = seed_account(boto3.Session(region_name=SOURCE), sizes)
    seconds = round(time.perf_counter() - started, 2)
    if args.plan:
        Path(args.plan).write_text(json.dumps(asdict(plan), indent=2, sort_keys=True) + "\n")
    print(
        json.dumps({"endpoint": endpoint, "seed_seconds": seconds, "steps": plan.seconds}),
        flush=True,
    )
    lib.serve_until_released(server, args.max_seconds)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="moto server + benchmark account seeder")
    parser.add_argument("--certs", type=int, default=1000, help="ACM certificates per Region")
    parser.add_argument("--keys", type=int, default=300, help="KMS keys per Region")
    parser.add_argument("--web-acls", type=int, default=20, help="WAF web ACLs per Region")
    parser.add_argument("--secrets", type=int, default=100, help="secrets per Region")
    parser.add_argument("--no-demo", action="store_true", help="bulk resources only")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--plan", default=None, help="write the seeding plan (JSON) here")
    parser.add_argument("--max-seconds", type=float, default=3600.0, help="serve at most")
    return serve(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
