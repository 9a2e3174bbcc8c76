"""Secret canaries: values regionready must never read, keep, print or log.

The demo account is seeded in moto, plus secret material under every kind of resource a
collector or a remediation action touches, each value a unique canary:

- Secrets Manager: a SecretString, a SecretBinary and a newer version of a secret;
- ACM: an imported certificate's private key (the key PEM text is the canary), and the
  private key of the renewed certificate the user hands to ``remediate --pem-dir`` for
  the ``reimport`` action (read by apply, sent to ACM, never kept);
- passphrases: an SSM SecureString, a Secrets Manager secret, and a ``passphrase.txt``
  plus a passphrase-encrypted key left next to the certificate material;
- Lambda environment variables (next to ``AWS_STS_REGIONAL_ENDPOINTS``, the one variable
  the Lambda collector keeps); a Cognito app client secret (GenerateSecret);
- an IAM user's access key secret and console password; the scanning session's own
  secret access key and session token.

Then every command runs as a user would: ``collect``, ``evaluate`` with every reporter
(and the table, and ``--step-summary``), ``remediate`` (table and JSON plans, then
``--apply --yes`` with the audit log), and ``collect``/``evaluate`` again after the
changes. No output file (the report and snapshot directories walked, every file read as
bytes), no audit log line and nothing printed on stdout or stderr holds any canary, in
plain text or base64.

In memory too: no response a botocore client returns during a collection (what the
paginators, ``Clients`` and the collectors are handed) holds a canary. Lambda
environment variables and Cognito client secrets are in botocore's parsed response only
until the collectors' ``after-call`` hooks drop them.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import botocore.endpoint
import pytest
from botocore.client import BaseClient
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from moto import mock_aws

from regionready.collect import sessions
from regionready.demo import moto_gaps
from regionready.demo.seed import seed_demo
from regionready.snapshot import jsonable

from ._support import Run, run

SOURCE = "me-central-1"
TARGET = "eu-central-1"
NOW = dt.datetime.now(dt.UTC)
#: The one Lambda environment variable regionready keeps (its value is no secret).
STS_VARIABLE = {"AWS_STS_REGIONAL_ENDPOINTS": "regional"}


def _canary(kind: str) -> str:
    return f"CANARY-{kind}-{uuid.uuid4().hex}"


@dataclass
class Canaries:
    """Every secret value seeded, and the names that prove the resources were seen."""

    values: dict[str, bytes] = field(default_factory=dict)
    visible: list[str] = field(default_factory=list)

    def add(self, label: str, value: str | bytes) -> str | bytes:
        raw = value.encode() if isinstance(value, str) else value
        self.values[label] = raw
        return value

    def add_pem(self, label: str, pem: bytes) -> None:
        """A PEM block: the whole body, and every base64 line of it, is a canary."""
        lines = [line for line in pem.splitlines() if line and not line.startswith(b"-----")]
        self.values[f"{label} (body)"] = b"".join(lines)
        for number, line in enumerate(lines):
            if len(line) >= 40:  # short last lines could match by chance
                self.values[f"{label} (line {number})"] = line

    def forms(self) -> dict[str, bytes]:
        """Each canary as it could leak: raw, base64 (how bytes land in JSON)."""
        found = {}
        for label, raw in self.values.items():
            found[label] = raw
            found[f"{label} [base64]"] = base64.b64encode(raw)
        return found


def _key_and_cert(domain: str, *, days: int) -> tuple[rsa.RSAPrivateKey, bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, domain)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(days=1))
        .not_valid_after(NOW + dt.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return key, cert.public_bytes(serialization.Encoding.PEM), key_pem


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.py", "def handler(event, context):\n    return None\n")
    return buffer.getvalue()


def seed_canaries(session: boto3.Session, pem_dir: Path) -> Canaries:
    c = Canaries()
    for region in (SOURCE, TARGET):
        sm = session.client("secretsmanager", region_name=region)
        name = f"canary/db-{region}"
        sm.create_secret(Name=name, SecretString=c.add(f"secret string {region}", _canary("ss")))
        sm.put_secret_value(
            SecretId=name, SecretString=c.add(f"secret new version {region}", _canary("ssv2"))
        )
        sm.create_secret(
            Name=f"canary/blob-{region}",
            SecretBinary=c.add(f"secret binary {region}", _canary("sb").encode() + b"\x00\xff"),
        )
        sm.create_secret(
            Name=f"canary/tls-passphrase-{region}",
            SecretString=c.add(f"passphrase secret {region}", _canary("pass")),
        )
        c.visible += [name, f"canary/blob-{region}"]

        ssm = session.client("ssm", region_name=region)
        ssm.put_parameter(
            Name=f"/canary/{region}/passphrase",
            Value=c.add(f"ssm passphrase {region}", _canary("ssmpass")),
            Type="SecureString",
        )

        # An imported certificate: its private key must never be read back.
        _, cert_pem, key_pem = _key_and_cert(f"canary-{region}.example.com", days=200)
        c.add_pem(f"acm private key {region}", key_pem)
        arn = session.client("acm", region_name=region).import_certificate(
            Certificate=cert_pem, PrivateKey=key_pem
        )["CertificateArn"]
        c.visible.append(arn)

        iam = session.client("iam", region_name=region)
        role = iam.create_role(
            RoleName=f"canary-fn-{region}",
            AssumeRolePolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            ),
        )["Role"]["Arn"]
        fn = f"canary-fn-{region}"
        session.client("lambda", region_name=region).create_function(
            FunctionName=fn,
            Runtime="python3.12",
            Role=role,
            Handler="index.handler",
            Code={"ZipFile": _zip()},
            Environment={
                "Variables": {
                    "DB_PASSWORD": c.add(f"lambda env {region}", _canary("lambdaenv")),
                    **STS_VARIABLE,
                    "API_TOKEN": c.add(f"lambda env token {region}", _canary("lambdatok")),
                }
            },
        )
        c.visible.append(fn)

        idp = session.client("cognito-idp", region_name=region)
        pool = idp.create_user_pool(PoolName=f"canary-pool-{region}")["UserPool"]["Id"]
        client = idp.create_user_pool_client(
            UserPoolId=pool, ClientName=f"canary-client-{region}", GenerateSecret=True
        )["UserPoolClient"]
        assert client.get("ClientSecret"), "moto generated an app client secret"
        c.add(f"cognito client secret {region}", client["ClientSecret"])
        c.visible.append(client["ClientId"])

    iam = session.client("iam", region_name=SOURCE)
    iam.create_user(UserName="canary-user")
    access = iam.create_access_key(UserName="canary-user")["AccessKey"]
    c.add("iam access key secret", access["SecretAccessKey"])
    iam.create_login_profile(
        UserName="canary-user", Password=str(c.add("iam password", _canary("Pw1!")))
    )

    # The renewed shop.example.com the user supplies for reimport (ACM-004): the key is
    # read by apply, sent to ACM, and must appear nowhere else. A passphrase file and an
    # encrypted copy of the key lie next to it, as users leave them.
    folder = pem_dir / "shop.example.com"
    folder.mkdir(parents=True)
    key, cert_pem, key_pem = _key_and_cert("shop.example.com", days=400)
    c.add_pem("reimport private key", key_pem)
    (folder / "cert.pem").write_bytes(cert_pem)
    (folder / "key.pem").write_bytes(key_pem)
    passphrase = str(c.add("pem-dir passphrase", _canary("pempass")))
    (folder / "passphrase.txt").write_text(passphrase + "\n")
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    c.add_pem("encrypted private key", encrypted)
    (folder / "key.enc.pem").write_bytes(encrypted)
    return c


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[tuple[Canaries, Path]]:
    """The demo account plus the canaries, in moto; the CLI's sessions get moto_gaps."""
    monkeypatch.setattr(botocore.endpoint.time, "sleep", lambda _s: None)
    original = sessions.open_session

    def open_session(spec: Any, base: Any = None) -> boto3.Session:
        return moto_gaps.install(original(spec, base))

    monkeypatch.setattr(sessions, "open_session", open_session)
    pem_dir = tmp_path / "pem"
    with mock_aws():
        session = moto_gaps.install(boto3.Session(region_name=SOURCE))
        seed_demo(session, source=SOURCE, target=TARGET, now=NOW)
        canaries = seed_canaries(session, pem_dir)
        # The scan's own credentials (moto accepts any).
        secret_key = str(canaries.add("session secret key", _canary("AWSSECRET")))
        token = str(canaries.add("session token", _canary("AWSTOKEN")))
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret_key)
        monkeypatch.setenv("AWS_SESSION_TOKEN", token)
        yield canaries, pem_dir


def _files(*roots: Path) -> dict[Path, bytes]:
    found = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                found[path] = path.read_bytes()
    return found


def _leaks(canaries: Canaries, blobs: dict[str, bytes]) -> list[str]:
    forms = canaries.forms()
    return [
        f"{label} in {where}"
        for where, blob in blobs.items()
        for label, needle in forms.items()
        if needle in blob
    ]


def _ok(result: Run, *codes: int) -> Run:
    assert result.crash is None, result.describe()
    assert result.code in codes, result.describe()
    return result


def test_no_secret_material_in_any_output(
    world: tuple[Canaries, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    canaries, pem_dir = world
    snap, out = tmp_path / "snapshot", tmp_path / "out"
    summary = tmp_path / "out" / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    common = ["--source", SOURCE, "--target", TARGET]
    printed: dict[str, bytes] = {}

    def step(name: str, *argv: str | Path, codes: tuple[int, ...] = (0, 1, 3)) -> Run:
        result = _ok(run(*argv), *codes)
        printed[f"stdout of {name}"] = result.out.encode()
        printed[f"stderr of {name}"] = result.err.encode()
        return result

    step("collect", "collect", *common, "--out", snap, codes=(0,))
    for region in (SOURCE, TARGET):  # the environment was read, and all but STS dropped
        [function] = [
            f
            for path in snap.glob(f"*/{region}.json")
            for f in json.loads(path.read_text())["services"]["lambda"]["resources"]["function"]
            if f["FunctionName"] == f"canary-fn-{region}"
        ]
        assert function.get("Environment") == {"Variables": STS_VARIABLE}, function
    for redact in ([], ["--redact"]):
        step(
            f"evaluate {redact}",
            "evaluate",
            snap,
            "--format",
            "table,json,sarif,junit,markdown",
            "--out",
            out / ("redacted" if redact else "plain"),
            "--step-summary",
            *redact,
        )
    step("plan (table)", "remediate", snap, "--pem-dir", pem_dir, codes=(0,))
    plan = step(
        "plan (json)", "remediate", snap, "--pem-dir", pem_dir, "--format", "json", codes=(0,)
    )
    changes = json.loads(plan.out)["changes"]
    assert any(c["action"] == "reimport" for c in changes), "the canary key is used"
    audit = out / "audit.jsonl"
    step(
        "apply",
        "remediate",
        snap,
        "--pem-dir",
        pem_dir,
        "--apply",
        "--yes",
        "--audit-log",
        audit,
        codes=(0,),
    )
    assert any(
        json.loads(line)["action"] == "reimport" and json.loads(line)["outcome"] == "applied"
        for line in audit.read_text().splitlines()
    ), audit.read_text()
    step("collect again", "collect", *common, "--out", tmp_path / "after", codes=(0,))
    step(
        "evaluate again",
        "evaluate",
        tmp_path / "after",
        "--format",
        "json,sarif,junit,markdown",
        "--out",
        out / "after",
    )

    files = _files(snap, out, tmp_path / "after")
    assert summary in files and audit in files
    snapshot_text = b"".join(blob for path, blob in files.items() if snap in path.parents)
    for name in canaries.visible:  # the resources holding the canaries were collected
        assert name.encode() in snapshot_text, f"{name} was not collected: test is vacuous"
    leaks = _leaks(canaries, {str(p): blob for p, blob in files.items()} | printed)
    assert not leaks, "\n".join(leaks)


def test_no_collector_is_handed_secret_material(
    world: tuple[Canaries, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every response a botocore client returns during ``collect`` (one process, so all
    are seen here) is free of canaries: the Lambda environment and the Cognito client
    secret are gone before the paginator, ``Clients`` or a collector get the response."""
    canaries, _ = world
    received: dict[str, bytes] = {}
    original = BaseClient._make_api_call

    def spy(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        response = original(self, operation_name, api_params)
        key = f"{self.meta.service_model.service_name}:{operation_name} #{len(received)}"
        received[key] = json.dumps(jsonable(response)).encode()
        return response

    monkeypatch.setattr(BaseClient, "_make_api_call", spy)
    monkeypatch.setenv("REGIONREADY_PROCESSES", "1")
    snap = tmp_path / "snapshot"
    _ok(run("collect", "--source", SOURCE, "--target", TARGET, "--out", snap), 0)

    operations = {key.split(" #")[0] for key in received}
    assert {"lambda:ListFunctions", "cognito-idp:DescribeUserPoolClient"} <= operations
    seen = b"".join(received.values())
    for region in (SOURCE, TARGET):  # the resources holding those canaries were read
        assert f"canary-fn-{region}".encode() in seen
        assert f"canary-client-{region}".encode() in seen
    leaks = _leaks(canaries, received)
    assert not leaks, "\n".join(leaks)


def test_failed_reimport_does_not_echo_the_key(
    world: tuple[Canaries, Path], tmp_path: Path
) -> None:
    """A key that does not belong to the certificate: apply stops (exit 2), and neither
    the error, the audit log nor the outputs quote the key."""
    canaries, pem_dir = world
    _, _, wrong_key = _key_and_cert("shop.example.com", days=400)
    canaries.add_pem("mismatched private key", wrong_key)
    (pem_dir / "shop.example.com" / "key.pem").write_bytes(wrong_key)
    snap = tmp_path / "snapshot"
    _ok(run("collect", "--source", SOURCE, "--target", TARGET, "--out", snap), 0)
    audit = tmp_path / "audit.jsonl"
    result = _ok(
        run(
            "remediate",
            snap,
            "--pem-dir",
            pem_dir,
            "--rule",
            "ACM-004",
            "--apply",
            "--yes",
            "--audit-log",
            audit,
        ),
        0,
        2,
    )
    assert audit.is_file()
    outcomes = [json.loads(line)["outcome"] for line in audit.read_text().splitlines()]
    assert "failed" in outcomes or "applied" not in outcomes, outcomes
    blobs = {str(p): b for p, b in _files(snap).items()}
    blobs[str(audit)] = audit.read_bytes()
    blobs["stdout"] = result.out.encode()
    blobs["stderr"] = result.err.encode()
    leaks = _leaks(canaries, blobs)
    assert not leaks, "\n".join(leaks)


def test_the_leak_detector_finds_plain_and_base64_leaks() -> None:
    """The check itself is not vacuous: a canary in plain text, in base64, or one line of
    a PEM key is found."""
    c = Canaries()
    value = str(c.add("x", _canary("x")))
    _, _, key_pem = _key_and_cert("leak.example.com", days=1)
    c.add_pem("key", key_pem)
    one_line = key_pem.splitlines()[3]
    assert _leaks(c, {"a": b"..." + value.encode() + b"..."}) == ["x in a"]
    assert _leaks(c, {"b": base64.b64encode(value.encode())}) == ["x [base64] in b"]
    assert _leaks(c, {"c": b'{"k": "' + one_line + b'"}'}) == ["key (line 2) in c"]
    assert _leaks(c, {"d": b"nothing secret"}) == []
