"""The collector driver: credentials, profiles, roles, errors, progress, read-only calls."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from regionready import registry
from regionready.cli import main
from regionready.collect import permissions
from regionready.collect.api_names import IAM_ACTION_OVERRIDES
from regionready.demo.seed import DemoPlan

from .conftest import SOURCE, TARGET

READ_ONLY = re.compile(r"^[a-z0-9-]+:((List|Describe|Get|BatchGet|Lookup)[A-Za-z]*|GET)$")


def scan_args(out: Path, *extra: str) -> list[str]:
    return [
        "scan",
        "--source",
        SOURCE,
        "--target",
        TARGET,
        "--out",
        str(out),
        "--format",
        "json",
        "--quiet",
        *extra,
    ]


def report(out: Path) -> dict[str, Any]:
    return json.loads((out / "regionready.json").read_text())


def failing(out: Path) -> set[str]:
    return {r["rule_id"] for r in report(out)["results"] if r["status"] == "FAIL"}


def test_scan_finds_the_planted_gaps(
    seeded: DemoPlan, hooked_sessions: Any, tmp_path: Path
) -> None:
    code = main(scan_args(tmp_path))
    assert code == 1
    planted = {check for check, ids in seeded.failing.items() if ids}
    assert planted <= failing(tmp_path)
    manifest = json.loads((tmp_path / "snapshot" / "manifest.json").read_text())
    assert manifest["accounts"] == [seeded.account_id]
    assert manifest["api_calls"]["acm"] > 0 and manifest["api_calls"]["kms"] > 0


def test_access_denied_on_one_api_completes_with_error_and_exit_3(
    seeded: DemoPlan, hooked_sessions: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def deny(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "not authorized"}},
            "GetKeyPolicy",
        )

    hooked_sessions.extra.append(("before-call.kms.GetKeyPolicy", deny))
    code = main(scan_args(tmp_path, "--format", "table,json"))
    assert code == 3
    results = report(tmp_path)["results"]
    gen = [r for r in results if r["rule_id"] == "GEN-005" and r["status"] == "FAIL"]
    assert {r["region"] for r in gen} == {SOURCE, TARGET}
    assert all("kms:GetKeyPolicy" in r["message"] and "KMS-003" in r["message"] for r in gen)
    kms3 = {r["status"] for r in results if r["rule_id"] == "KMS-003"}
    assert kms3 == {"ERROR"}
    # ACM still evaluated normally: the failure is isolated to what needed the policy.
    assert "ACM-001" in failing(tmp_path)
    assert main(scan_args(tmp_path / "again", "--allow-incomplete")) == 1


def test_no_credentials_is_one_line_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    code = main(["collect", "--source", SOURCE, "--target", TARGET, "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("regionready: error: no AWS credentials found")
    assert err.count("\n") == 1


def test_profile_and_unknown_profile(
    seeded: DemoPlan,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "credentials"
    config.write_text("[audit]\naws_access_key_id = AKIAAUDIT\naws_secret_access_key = x\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(config))
    out = tmp_path / "snap"
    args = ["collect", "--source", SOURCE, "--target", TARGET, "--quiet", "--services", "acm"]
    assert main([*args, "--profile", "audit", "--out", str(out)]) == 0
    assert (out / "manifest.json").is_file()
    assert main([*args, "--profile", "nope", "--out", str(out)]) == 2
    assert "cannot open AWS profile 'nope'" in capsys.readouterr().err


def test_role_arn_is_assumed(seeded: DemoPlan, tmp_path: Path) -> None:
    role = "arn:aws:iam::210987654321:role/regionready-audit"
    args = [
        "collect",
        "--source",
        SOURCE,
        "--target",
        TARGET,
        "--quiet",
        "--services",
        "kms",
        "--role-arn",
        role,
        "--external-id",
        "x-1",
        "--out",
        str(tmp_path),
    ]
    assert main(args) == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["accounts"] == ["210987654321"]


def test_unknown_service_and_bad_region_are_usage_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    base = ["collect", "--out", str(tmp_path)]
    assert main([*base, "--source", SOURCE, "--target", TARGET, "--services", "ec9"]) == 2
    assert "unknown collector 'ec9'" in capsys.readouterr().err
    assert main([*base, "--source", "mars-1", "--target", TARGET]) == 2
    assert "not an AWS Region code" in capsys.readouterr().err
    assert main([*base, "--source", TARGET, "--target", TARGET]) == 2


def test_progress_is_plain_lines_when_not_a_terminal(
    seeded: DemoPlan, hooked_sessions: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["collect", "--source", SOURCE, "--target", TARGET, "--out", str(tmp_path)]
    assert main(args) == 0
    err = capsys.readouterr().err
    lines = re.findall(r"^\[(\d+)/(\d+)\] ([a-z0-9_-]+) ([a-z0-9-]+): ok$", err, re.M)
    assert lines, err
    total = int(lines[0][1])
    not_ok = [
        line for line in err.splitlines() if line.startswith("[") and not line.endswith(": ok")
    ]
    assert not_ok == []
    assert sorted(int(n) for n, *_ in lines) == list(range(1, total + 1))
    assert "\x1b[" not in err, "no terminal escapes when stderr is not a terminal"


def test_every_call_of_a_full_scan_is_declared_and_read_only(
    seeded: DemoPlan, hooked_sessions: Any, tmp_path: Path
) -> None:
    called: set[str] = set()

    def record(model: Any, **_: Any) -> None:
        prefix = model.service_model.signing_name
        # API Gateway's IAM actions are HTTP verbs (apigateway:GET), not operation names.
        name = model.http["method"] if prefix == "apigateway" else model.name
        key = f"{prefix}:{name}"
        called.add(IAM_ACTION_OVERRIDES.get(key, key))

    # before-parameter-build: a moto_gaps before-call answer would hide the call otherwise.
    hooked_sessions.extra.append(("before-parameter-build", record))
    assert main(scan_args(tmp_path)) == 1
    declared = set(permissions.permissions(registry.names("collectors")))
    assert called, "the recorder saw no calls"
    assert called - declared == set(), "calls not declared in PERMISSIONS"
    assert {c for c in called if not READ_ONLY.match(c)} == set()
    assert {c for c in declared if not READ_ONLY.match(c)} == set()


def test_iam_policy_command_prints_the_declared_actions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["iam-policy", "--services", "acm"]) == 0
    policy = json.loads(capsys.readouterr().out)
    actions = policy["Statement"][0]["Action"]
    assert "acm:ListCertificates" in actions and "sts:GetCallerIdentity" in actions
    assert not any(a.startswith("kms:") for a in actions)


def test_cloudtrail_window_and_cap_flags_reach_the_lookup(
    hooked_sessions: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import datetime as dt

    from moto import mock_aws

    seen: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        seen.append(dict(params))

    hooked_sessions.extra.append(("before-parameter-build.cloudtrail.LookupEvents", record))
    base = ["collect", "--source", SOURCE, "--target", TARGET, "--services", "cloudtrail"]
    with mock_aws():
        before = dt.datetime.now(dt.UTC)
        assert main([*base, "--out", str(tmp_path / "d"), "--quiet"]) == 0
        default = list(seen)
        seen.clear()
        flags = ["--cloudtrail-days", "30", "--cloudtrail-max-events", "20"]
        assert main([*base, *flags, "--out", str(tmp_path / "f"), "--quiet"]) == 0
    assert len(default) == len(seen) == 2, "one LookupEvents per Region"

    def days_back(params: dict[str, Any]) -> float:
        return (before - params["StartTime"]).total_seconds() / 86400

    assert all(6.99 < days_back(p) <= 7 and p["MaxResults"] == 50 for p in default)
    assert all(29.99 < days_back(p) <= 30 and p["MaxResults"] == 20 for p in seen)
    for bad in (
        ["--cloudtrail-days", "0"],
        ["--cloudtrail-days", "91"],
        ["--cloudtrail-max-events", "0"],
    ):
        with pytest.raises(SystemExit) as exit_info:
            main([*base, *bad, "--out", str(tmp_path / "x")])
        assert exit_info.value.code == 2
    assert "--cloudtrail-days wants a number of days" in capsys.readouterr().err


def test_code_is_the_issue_spelling_of_iac() -> None:
    from regionready.cli import build_parser

    argv = ["scan", "--source", SOURCE, "--target", TARGET, "--code", "app", "--iac", "infra"]
    assert build_parser().parse_args(argv).iac == [Path("app"), Path("infra")]


def test_global_services_are_collected_once_per_account(
    hooked_sessions: Any, tmp_path: Path
) -> None:
    from moto import mock_aws

    calls: list[str] = []
    hooked_sessions.extra.append(
        (
            "before-parameter-build",
            lambda model, **_: calls.append(f"{model.service_model.service_name}:{model.name}"),
        )
    )
    services = "iam,route53,cloudfront,organizations,account,acm"
    args = ["collect", "--source", SOURCE, "--target", TARGET, "--services", services]
    with mock_aws():
        assert main([*args, "--out", str(tmp_path), "--quiet"]) == 0
    for once in (
        "iam:ListRoles",
        "route53:ListHostedZones",
        "cloudfront:ListDistributions",
        "organizations:ListPolicies",
        "account:ListRegions",
    ):
        assert calls.count(once) == 1, once
    assert calls.count("acm:ListCertificates") == 2  # a Regional service: once per Region
    account = next(p for p in tmp_path.iterdir() if p.is_dir())
    documents = {p.stem: json.loads(p.read_text()) for p in account.glob("*.json")}
    assert set(documents) == {"global", SOURCE, TARGET}
    assert set(documents["global"]["services"]) == {
        "iam",
        "route53",
        "cloudfront",
        "organizations",
        "account",
    }
    assert set(documents[SOURCE]["services"]) == set(documents[TARGET]["services"]) == {"acm"}


def _seed_the_rest(region: str) -> None:
    """What the demo seed leaves empty: a load balancer's HTTPS listener, a CloudFront
    distribution, an organization with an SCP, an OIDC provider and a user."""
    import boto3

    session = boto3.Session(region_name=region)
    certificate = session.client("acm").list_certificates()["CertificateSummaryList"][0]
    ec2, elb = session.client("ec2"), session.client("elbv2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{i}.0/24", AvailabilityZone=f"{region}{z}")[
            "Subnet"
        ]["SubnetId"]
        for i, z in enumerate("ab")
    ]
    lb = elb.create_load_balancer(Name="web", Subnets=subnets)["LoadBalancers"][0]
    group = elb.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc)
    elb.create_listener(
        LoadBalancerArn=lb["LoadBalancerArn"],
        Protocol="HTTPS",
        Port=443,
        Certificates=[{"CertificateArn": certificate["CertificateArn"]}],
        DefaultActions=[
            {"Type": "forward", "TargetGroupArn": group["TargetGroups"][0]["TargetGroupArn"]}
        ],
    )
    origin = {
        "Id": "o",
        "DomainName": "b.s3.amazonaws.com",
        "S3OriginConfig": {"OriginAccessIdentity": ""},
    }
    session.client("cloudfront").create_distribution(
        DistributionConfig={
            "CallerReference": "audit",
            "Comment": "",
            "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [origin]},
            "DefaultCacheBehavior": {
                "TargetOriginId": "o",
                "ViewerProtocolPolicy": "redirect-to-https",
                "MinTTL": 0,
                "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                "TrustedSigners": {"Enabled": False, "Quantity": 0},
            },
        }
    )
    org = session.client("organizations")
    org.create_organization(FeatureSet="ALL")
    org.create_policy(
        Content=json.dumps({"Version": "2012-10-17", "Statement": []}),
        Description="guard",
        Name="guard",
        Type="SERVICE_CONTROL_POLICY",
    )
    iam = session.client("iam")
    iam.create_open_id_connect_provider(
        Url="https://token.actions.githubusercontent.com", ThumbprintList=["a" * 40]
    )
    iam.create_user(UserName="audit")


def test_a_scan_of_an_account_with_every_service_fills_every_collector(
    seeded: DemoPlan, hooked_sessions: Any, tmp_path: Path
) -> None:
    """The issue's "done when": every collector ok, and each with data to judge."""
    _seed_the_rest(TARGET)
    args = ["collect", "--source", SOURCE, "--target", TARGET, "--out", str(tmp_path)]
    assert main([*args, "--quiet"]) == 0
    services: dict[str, list[dict[str, Any]]] = {}
    for path in tmp_path.rglob("*.json"):
        if path.name != "manifest.json":
            for name, data in json.loads(path.read_text())["services"].items():
                services.setdefault(name, []).append(data)
    expected = {registry.collector(name).SERVICE for name in registry.names("collectors")}
    assert set(services) == expected
    not_ok = {name for name, docs in services.items() for d in docs if d["status"] != "ok"}
    assert not_ok == set()
    # iac reads only the paths given with --iac/--code (none here).
    empty = {
        name
        for name, docs in services.items()
        if not any(items for d in docs for items in d["resources"].values())
    }
    assert empty == {"iac"}
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert set(manifest["api_calls"]) == expected
    assert all(manifest["api_calls"][name] > 0 for name in expected - {"iac", "local"})
