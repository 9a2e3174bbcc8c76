"""examples/workflows/org-matrix.yml, run here: its shard jobs' and merge job's ``run:``
steps, as GitHub would run them (bash -eo pipefail, the workflow's env, the matrix values
and step outputs substituted, artifacts uploaded and downloaded between the jobs), the
three shard jobs at once, against a moto server that serves six accounts through
AssumeRole. What the merge job evaluates equals a single-machine ``scan --accounts``."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from .conftest import SOURCE, TARGET

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / "examples" / "workflows" / "org-matrix.yml"
ACCOUNTS = [f"{n}" * 12 for n in range(1, 7)]  # 111111111111 ... 666666666666
SHARDS = 3
SERVICES = "kms,acm"
#: The report file of each format the merge job asks for.
REPORTS = {
    "asff": "regionready.asff.json",
    "html": "regionready.html",
    "json": "regionready.json",
    "junit": "regionready.xml",
    "markdown": "regionready.md",
    "ocsf": "regionready.ocsf.json",
    "sarif": "regionready.sarif",
}
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
BIN = str(Path(sys.executable).parent)  # the venv's, where `regionready` is


# -- the organisation on the moto server ----------------------------------------------


def _session(server: str, account: str) -> boto3.Session:
    sts = boto3.client("sts", region_name=SOURCE, endpoint_url=server)
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/audit", RoleSessionName="seed")[
        "Credentials"
    ]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


@pytest.fixture(scope="module")
def organisation(empty_moto_server: str) -> str:
    """Six accounts: each has a KMS alias and a certificate in the source; the odd ones
    have them in the target too (the even ones fail KMS-001)."""
    for index, account in enumerate(ACCOUNTS):
        session = _session(empty_moto_server, account)
        for region in (SOURCE, TARGET) if index % 2 else (SOURCE,):
            kms = session.client("kms", region_name=region, endpoint_url=empty_moto_server)
            key = kms.create_key(Description=f"app {account}")["KeyMetadata"]["KeyId"]
            kms.create_alias(AliasName="alias/app", TargetKeyId=key)
            acm = session.client("acm", region_name=region, endpoint_url=empty_moto_server)
            acm.request_certificate(DomainName=f"app-{account}.example.com")
    return empty_moto_server


def accounts_yaml() -> str:
    lines = ["accounts:"]
    lines += [f'  - {{id: "{a}", role: audit, external_id: ext-{a[:3]}}}' for a in ACCOUNTS]
    return "\n".join(lines) + "\n"


# -- a small GitHub Actions runner for this workflow ----------------------------------


@dataclass
class Job:
    """One job of the workflow, run in its own folder (its runner's workspace)."""

    name: str
    spec: dict[str, Any]
    workspace: Path
    matrix: dict[str, Any]
    total: int
    artifacts: Path
    server: str
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    ran: list[str] = field(default_factory=list)
    failed: int | None = None  # the exit code of the first run step that failed

    def expression(self, text: str) -> str:
        """The value of ``${{ text }}``: a matrix value, the matrix size, a step output."""
        if text.startswith("matrix."):
            return str(self.matrix[text.removeprefix("matrix.")])
        if text == "strategy.job-total":
            return str(self.total)
        match = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", text)
        if match:
            return self.outputs.get(match[1], {}).get(match[2], "")
        raise AssertionError(f"{self.name}: this test does not know ${{{{ {text} }}}}")

    def render(self, text: str) -> str:
        return EXPRESSION.sub(lambda m: self.expression(m[1]), str(text))

    def should_run(self, step: dict[str, Any]) -> bool:
        """The step's ``if`` (the forms this workflow uses), GitHub's default success()."""
        condition = str(step.get("if", "success()"))
        condition = EXPRESSION.sub(lambda m: m[1], condition)
        condition = re.sub(
            r"hashFiles\('([^']+)'\)", lambda m: repr(self.hash_files(m[1])), condition
        )
        condition = re.sub(
            r"steps\.[\w-]+\.outputs\.[\w-]+", lambda m: repr(self.expression(m[0])), condition
        )
        condition = condition.replace("&&", " and ").replace("||", " or ")
        names = {"always": lambda: True, "success": lambda: self.failed is None}
        names["cancelled"] = lambda: False
        assert re.fullmatch(r"[\w().'\s!=/-]*", condition), condition
        return bool(eval(condition, {"__builtins__": {}}, names))

    def hash_files(self, pattern: str) -> str:
        return "hash" if list(self.workspace.glob(pattern)) else ""

    def run_step(self, step: dict[str, Any], env: dict[str, str]) -> None:
        step_id = str(step.get("id", f"step{len(self.ran)}"))
        output = self.workspace.parent / f"{self.name}-{step_id}.output"
        output.write_text("")
        script = self.workspace.parent / f"{self.name}-{step_id}.sh"
        script.write_text(self.render(step["run"]))
        step_env = {**env, **{k: self.render(v) for k, v in step.get("env", {}).items()}}
        step_env["GITHUB_OUTPUT"] = str(output)
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=step_env,
            capture_output=True,
            text=True,
        )
        self.ran.append(step_id)
        self.outputs[step_id] = dict(
            line.split("=", 1) for line in output.read_text().splitlines() if line
        )
        if done.returncode != 0 and self.failed is None:
            self.failed = done.returncode
            assert done.returncode in (1, 3), f"{self.name} {step_id}: {done.stderr[-2000:]}"

    def use(self, step: dict[str, Any]) -> None:
        """The actions this workflow uses, as far as the jobs' files are concerned."""
        action, with_ = step["uses"].split("@")[0], step.get("with", {})
        if action == "actions/upload-artifact":
            source = self.workspace / self.render(with_["path"])
            if source.exists():
                shutil.copytree(source, self.artifacts / self.render(with_["name"]))
            else:
                assert with_.get("if-no-files-found") == "ignore", source
        elif action == "actions/download-artifact":
            into = self.workspace / self.render(with_["path"])
            for artifact in sorted(self.artifacts.iterdir()):
                if fnmatch.fnmatch(artifact.name, self.render(with_["pattern"])):
                    shutil.copytree(artifact, into / artifact.name)
        elif action == "github/codeql-action/upload-sarif":
            sarif = json.loads((self.workspace / self.render(with_["sarif_file"])).read_text())
            assert sarif["runs"], "an empty SARIF upload"
        else:  # checkout (done: the workspace holds accounts.yaml), Python, credentials
            assert action in {
                "actions/checkout",
                "actions/setup-python",
                "aws-actions/configure-aws-credentials",
            }, action
        self.ran.append(action)

    def run(self, workflow_env: dict[str, str]) -> Job:
        self.workspace.mkdir(parents=True)
        (self.workspace / "accounts.yaml").write_text(accounts_yaml())
        env = {
            **os.environ,
            **workflow_env,
            "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
            "AWS_ENDPOINT_URL": self.server,  # what configure-aws-credentials stands for
            "GITHUB_STEP_SUMMARY": str(self.workspace.parent / f"{self.name}-summary.md"),
        }
        for step in self.spec["steps"]:
            if not self.should_run(step):
                continue
            if "uses" in step:
                self.use(step)
            elif step.get("id") == "install":  # regionready is installed here already
                assert "pip install" in step["run"]
            else:
                self.run_step(step, env)
        return self

    def summary(self) -> str:
        path = self.workspace.parent / f"{self.name}-summary.md"
        return path.read_text() if path.exists() else ""


def shard_and_merge_jobs(workflow: dict[str, Any]) -> tuple[str, str]:
    (shard,) = [
        n for n, j in workflow["jobs"].items() if "shard" in j.get("strategy", {}).get("matrix", {})
    ]
    (merge,) = [n for n, j in workflow["jobs"].items() if j.get("needs") in (shard, [shard])]
    return shard, merge


# -- the test -------------------------------------------------------------------------


def results(report: Path) -> Counter[tuple[str, str, str, str]]:
    found = json.loads(report.read_text())["results"]
    return Counter((r["rule_id"], r["account"], r["resource_id"], r["status"]) for r in found)


@pytest.fixture(scope="module")
def ran(organisation: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The workflow's jobs run for three shards, and the single-machine scan."""
    base = tmp_path_factory.mktemp("matrix")
    workflow = yaml.safe_load(WORKFLOW.read_text())
    workflow_env = {k: str(v) for k, v in workflow.get("env", {}).items()}
    assert workflow_env["RR_SERVICES"] == ""  # every collector unless narrowed
    workflow_env["RR_SERVICES"] = SERVICES  # narrowed here, to keep the test small
    shard_name, merge_name = shard_and_merge_jobs(workflow)
    artifacts = base / "artifacts"
    artifacts.mkdir()

    def job(name: str, matrix: dict[str, Any], total: int, folder: str) -> Job:
        return Job(
            name=folder,
            spec=workflow["jobs"][name],
            workspace=base / folder / "work",
            matrix=matrix,
            total=total,
            artifacts=artifacts,
            server=organisation,
        )

    shard_jobs = [job(shard_name, {"shard": i}, SHARDS, f"shard{i}") for i in range(1, SHARDS + 1)]
    with ThreadPoolExecutor(max_workers=SHARDS) as pool:  # each job's steps: processes
        done = list(pool.map(lambda j: j.run(workflow_env), shard_jobs))
    merge_job = job(merge_name, {}, 1, "merge").run(workflow_env)

    single = base / "single"
    scan = subprocess.run(
        [
            "regionready",
            "scan",
            "--accounts",
            str(base / "shard1" / "work" / "accounts.yaml"),
            "--source",
            workflow_env["RR_SOURCE"],
            "--target",
            workflow_env["RR_TARGET"],
            "--services",
            SERVICES,
            "--format",
            "json",
            "--out",
            str(single),
            "--quiet",
        ],
        env={
            **os.environ,
            "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
            "AWS_ENDPOINT_URL": organisation,
        },
        capture_output=True,
        text=True,
    )
    assert scan.returncode in (1, 3), scan.stderr
    return {
        "workflow": workflow,
        "shards": done,
        "merge": merge_job,
        "artifacts": artifacts,
        "single": single,
        "scan_exit": scan.returncode,
    }


def test_the_workflow_is_a_matrix_of_shards_and_one_merge(ran: dict[str, Any]) -> None:
    workflow = ran["workflow"]
    shard_name, merge_name = shard_and_merge_jobs(workflow)
    shard_job, merge_job = workflow["jobs"][shard_name], workflow["jobs"][merge_name]
    shards = shard_job["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, len(shards) + 1))  # 1..N, which --shard i/N needs
    collect = "\n".join(s.get("run", "") for s in shard_job["steps"])
    assert "--shard ${{ matrix.shard }}/${{ strategy.job-total }}" in collect
    assert "--accounts accounts.yaml" in collect
    # OIDC as in the other examples: the token for the shard jobs, no AWS in the merge.
    assert shard_job["permissions"]["id-token"] == "write"
    assert "id-token" not in merge_job["permissions"]
    assert "id-token" not in workflow["permissions"]
    uses = [s.get("uses", "").split("@")[0] for s in shard_job["steps"]]
    assert "aws-actions/configure-aws-credentials" in uses
    merge_uses = [s.get("uses", "").split("@")[0] for s in merge_job["steps"]]
    assert merge_uses.count("github/codeql-action/upload-sarif") == 1
    assert merge_job["permissions"]["security-events"] == "write"
    evaluate = "\n".join(s.get("run", "") for s in merge_job["steps"])
    formats = re.search(r"--format (\S+)", evaluate)
    assert formats and set(formats[1].split(",")) == {"table", *REPORTS}
    assert "--step-summary" in evaluate


def test_each_shard_job_collects_its_slice_and_uploads_it(ran: dict[str, Any]) -> None:
    slices = []
    for index, job in enumerate(ran["shards"], start=1):
        assert job.failed is None, job.name
        assert "collect" in job.ran and "actions/upload-artifact" in job.ran
        manifest = json.loads(
            (ran["artifacts"] / f"regionready-shard-{index}" / "manifest.json").read_text()
        )
        assert manifest["accounts"] == ACCOUNTS[index - 1 :: SHARDS]
        assert manifest["services"] == sorted(SERVICES.split(","))
        slices.append(manifest["accounts"])
    assert sorted(a for s in slices for a in s) == ACCOUNTS  # each account exactly once


def test_the_merge_job_equals_a_single_machine_scan(ran: dict[str, Any]) -> None:
    merge: Job = ran["merge"]
    assert merge.outputs["merge"] == {"shards": str(SHARDS)}
    snapshot = json.loads((merge.workspace / "org-snapshot" / "manifest.json").read_text())
    assert snapshot["accounts"] == ACCOUNTS
    assert snapshot["merged_from"] == SHARDS
    merged = results(merge.workspace / "regionready-reports" / "regionready.json")
    single = results(ran["single"] / "regionready.json")
    assert merged == single
    # A comparison that could fail: every account judged, findings and passes both.
    assert {account for _, account, _, _ in merged} >= set(ACCOUNTS)
    failing = {a for rule, a, _, status in merged if rule == "KMS-001" and status == "FAIL"}
    assert failing == set(ACCOUNTS[::2])
    assert any(status == "PASS" for *_, status in merged)
    # The gate: the job fails as the single scan exits (1: findings at or above high).
    assert merge.outputs["evaluate"] == {"exit-code": str(ran["scan_exit"])}
    assert merge.ran[-1] == "gate" and merge.failed == ran["scan_exit"]


def test_the_merge_job_writes_every_report_the_summary_and_one_sarif(
    ran: dict[str, Any],
) -> None:
    merge: Job = ran["merge"]
    reports = merge.workspace / "regionready-reports"
    for name in REPORTS.values():
        assert (reports / name).stat().st_size > 0, name
    assert ran["artifacts"].joinpath("regionready-reports", "regionready.sarif").is_file()
    assert merge.ran.count("github/codeql-action/upload-sarif") == 1
    summary = merge.summary()
    assert f"Merged from {SHARDS} shards; exit code {ran['scan_exit']}." in summary
    assert "KMS-001" in summary  # the Markdown report, from --step-summary
