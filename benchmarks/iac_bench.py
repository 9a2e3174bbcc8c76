"""IaC benchmark: `regionready iac` on one large CloudFormation template vs one cfn-lint
CLI run for the target Region alone (issue 16: within 1.2x).

No real template of ~10,000 resources ships in a PyPI sdist, so the template is
SYNTHETIC: N resources (default 9,616, the size in the issue) cycling through common
types (SQS, SNS, S3, IAM roles with inline policies, Lambda functions, DynamoDB tables,
SSM parameters, log groups) with Refs/GetAtts between them, plus a few resources that
do not exist in the target (AWS WAF Classic) so that IAC-001 has errors to attribute to
the Regions. Both commands run as subprocesses, interleaved, --runs times each; the
median wall times and their ratio are printed and, with --results, appended as a
section of benchmarks/RESULTS.md.

    python benchmarks/iac_bench.py                        # 9,616 resources, 1 run each
    python benchmarks/iac_bench.py --resources 2000 --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOURCE, TARGET = "us-east-1", "me-central-1"


def _resource(i: int) -> tuple[str, dict[str, object]]:
    kind = i % 8
    prev = f"Queue{(i // 8) * 8}"
    if kind == 0:
        return f"Queue{i}", {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 60}}
    if kind == 1:
        return f"Topic{i}", {
            "Type": "AWS::SNS::Topic",
            "Properties": {
                "Subscription": [{"Protocol": "sqs", "Endpoint": {"Fn::GetAtt": [prev, "Arn"]}}]
            },
        }
    if kind == 2:
        return f"Bucket{i}", {
            "Type": "AWS::S3::Bucket",
            "Properties": {"VersioningConfiguration": {"Status": "Enabled"}},
        }
    if kind == 3:
        return f"Role{i}", {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                "Policies": [
                    {
                        "PolicyName": "read",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": "sqs:ReceiveMessage",
                                    "Resource": {"Fn::GetAtt": [prev, "Arn"]},
                                }
                            ],
                        },
                    }
                ],
            },
        }
    if kind == 4:
        return f"Function{i}", {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "python3.12",
                "Handler": "index.handler",
                "Role": {"Fn::GetAtt": [f"Role{i - 1}", "Arn"]},
                "Code": {"ZipFile": "def handler(e, c):\n    return e\n"},
                "Environment": {"Variables": {"QUEUE": {"Ref": prev}}},
            },
        }
    if kind == 5:
        return f"Table{i}", {
            "Type": "AWS::DynamoDB::Table",
            "Properties": {
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            },
        }
    if kind == 6:
        return f"Param{i}", {
            "Type": "AWS::SSM::Parameter",
            "Properties": {"Type": "String", "Value": {"Ref": prev}},
        }
    return f"Logs{i}", {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 30}}


def template(resources: int) -> dict[str, object]:
    body: dict[str, object] = {}
    for i in range(resources - 4):
        name, resource = _resource(i)
        body[name] = resource
    for i in range(4):  # WAF Classic: not in the target, an IAC-001 error to attribute
        body[f"Acl{i}"] = {
            "Type": "AWS::WAFRegional::WebACL",
            "Properties": {
                "Name": f"acl{i}",
                "MetricName": f"acl{i}",
                "DefaultAction": {"Type": "ALLOW"},
            },
        }
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": body}


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False
    )
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=9616)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--results", type=Path, default=None, help="append a section to this RESULTS.md"
    )
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="iac-bench-"))
    try:
        folder = work / "stack"
        folder.mkdir()
        path = folder / "template.json"
        path.write_text(json.dumps(template(args.resources), indent=1))
        env = dict(os.environ, REGIONREADY_MAX_IAC_BYTES=str(1 << 30))
        bindir = Path(sys.executable).parent
        cfn_lint = [str(bindir / "cfn-lint"), "--regions", TARGET, "--", str(path)]
        iac = [
            str(bindir / "regionready"),
            "iac",
            str(folder),
            "--source",
            SOURCE,
            "--target",
            TARGET,
            "--no-checkov",
            "--base",
            str(folder),
            "--format",
            "json",
            "--out",
            str(work / "out"),
            "--allow-incomplete",
        ]
        lint_times, iac_times = [], []
        for _ in range(args.runs):
            lint_times.append(_timed(cfn_lint, env))
            iac_times.append(_timed(iac, env))
        lint, scan = statistics.median(lint_times), statistics.median(iac_times)
        report = json.loads((work / "out" / "regionready.json").read_text())
        errors = [
            r for r in report["results"] if r["rule_id"] == "IAC-001" and r["status"] == "FAIL"
        ]
        size = path.stat().st_size
        lines = [
            f"resources {args.resources}, template {size / 1e6:.1f} MB, {args.runs} run(s), "
            f"{os.cpu_count()} cores, Python {platform.python_version()}",
            f"cfn-lint --regions {TARGET} (CLI, target alone): {lint:.1f} s",
            f"regionready iac --source {SOURCE} --target {TARGET} --no-checkov: {scan:.1f} s "
            f"({len(errors)} IAC-001 findings)",
            f"ratio: {scan / lint:.2f}x (target: within 1.2x)",
        ]
        print("\n".join(lines))
        if args.results:
            with args.results.open("a") as handle:
                handle.write(
                    "\n## IaC: one large template (benchmarks/iac_bench.py)\n\n"
                    f"{time.strftime('%Y-%m-%d')}. Synthetic template (no real one of this size is "
                    "available offline), one cfn-lint pass for both Regions.\n\n"
                    + "\n".join(f"- {line}" for line in lines)
                    + "\n"
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
