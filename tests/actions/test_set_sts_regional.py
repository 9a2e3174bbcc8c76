"""set-sts-regional (STS-001): ``sts_regional_endpoints = regional`` in the AWS config
file, one line edited, a backup kept; never the credentials file, never a file that does
not exist, and a note (no change) when the environment variable overrides every profile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from regionready import remediation
from regionready.model import Status
from regionready.remediation import PlanContext
from regionready.remediation.actions import set_sts_regional

from .conftest import SOURCE, TARGET, Harness, audit, finding, scan_of, statuses

LOCAL_SERVICES = ["local", "account"]  # STS-001 looks up the source's opt-in status
CANARY = "CANARY-wJalrXUtnFEMI-K7MDENG-bPxRfiCYzz9"
CONFIG = """\
# team AWS config: keep the comments
[default]
region = me-central-1
sts_regional_endpoints = regional

[profile legacy-ops]   ; the batch account
region = me-central-1
sts_regional_endpoints=legacy
output = json

[profile deploy]
role_arn = arn:aws:iam::111111111111:role/deploy
source_profile = legacy-ops

[sso-session corp]
sso_region = eu-central-1
"""


def local_files(tmp_path: Path) -> tuple[Path, Path]:
    config = tmp_path / "aws" / "config"
    credentials = tmp_path / "aws" / "credentials"
    config.parent.mkdir()
    config.write_text(CONFIG)
    config.chmod(0o640)
    credentials.write_text(f"[ci]\naws_access_key_id = AKIAX\naws_secret_access_key = {CANARY}\n")
    return config, credentials


def test_set_sts_regional_rewrites_one_line_and_keeps_a_backup(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    config, credentials = local_files(tmp_path)
    h.collect_options = {
        "aws_config_file": str(config),
        "aws_credentials_file": str(credentials),
        "local_environment": {},
    }
    creds_before = (credentials.read_bytes(), credentials.stat().st_mtime_ns)

    before = h.collect(LOCAL_SERVICES)
    assert h.failing(before, "STS-001") == {("STS-001", "legacy-ops")}
    changes, notes = h.plan(before, "STS-001")
    assert notes == []
    [change] = changes
    assert (change.action, change.region, change.resource) == (
        "set-sts-regional",
        "local",
        "legacy-ops",
    )
    assert change.params == {"Profile": "legacy-ops", "ConfigFile": str(config)}
    assert config.read_text() == CONFIG, "a plan changes nothing"

    log = tmp_path / "audit.jsonl"
    assert statuses(h.apply(changes, log)) == ["applied"]
    assert h.calls == [], "a local change makes no AWS call"
    assert config.read_text() == CONFIG.replace(
        "sts_regional_endpoints=legacy", "sts_regional_endpoints=regional"
    )
    assert config.stat().st_mode & 0o777 == 0o640
    [backup] = list(config.parent.glob("config.regionready-backup-*"))
    assert backup.read_text() == CONFIG
    assert (credentials.read_bytes(), credentials.stat().st_mtime_ns) == creds_before

    after = h.collect(LOCAL_SERVICES)
    assert h.failing(after, "STS-001") == set()
    assert statuses(h.apply(changes, log)) == ["unchanged"]
    assert list(config.parent.glob("config.regionready-backup-*")) == [backup]
    entries = audit(log)
    assert [e["region"] for e in entries] == ["local", "local"]
    assert CANARY not in log.read_text() + json.dumps([c.to_dict() for c in changes])


def test_set_sts_regional_environment_is_a_note_not_a_change(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    config, credentials = local_files(tmp_path)
    h.collect_options = {
        "aws_config_file": str(config),
        "aws_credentials_file": str(credentials),
        "local_environment": {"AWS_STS_REGIONAL_ENDPOINTS": "legacy"},
    }
    scan = h.collect(LOCAL_SERVICES)
    failing = [r for r in h.results(scan, "STS-001") if r.status is Status.FAIL]
    assert {r.resource_id for r in failing} >= {"default", "legacy-ops", "deploy"}
    changes, notes = h.plan(scan, "STS-001")
    assert changes == []
    assert len(notes) == len(failing)
    assert {n.split(":")[0] for n in notes} == {f"STS-001 profile {r.resource_id}" for r in failing}
    assert all("AWS_STS_REGIONAL_ENDPOINTS=legacy" in n and "unset" in n for n in notes)
    assert config.read_text() == CONFIG


@pytest.mark.parametrize(
    ("text", "profile", "expected"),
    [
        # a section without the setting: the line goes right after its header
        (
            "[profile a]\nregion = x\n",
            "a",
            "[profile a]\nsts_regional_endpoints = regional\nregion = x\n",
        ),
        # no section: a new one at the end, after a blank line
        (
            "[default]\nregion = x",
            "b",
            "[default]\nregion = x\n\n[profile b]\nsts_regional_endpoints = regional\n",
        ),
        ("", "default", "[default]\nsts_regional_endpoints = regional\n"),
        # CRLF files stay CRLF; the old value's continuation lines go with it
        (
            "[profile a]\r\nsts_regional_endpoints = legacy\r\n  more\r\nregion = x\r\n",
            "a",
            "[profile a]\r\nsts_regional_endpoints = regional\r\nregion = x\r\n",
        ),
        # other sections (sso-session, other profiles) are never touched
        (
            "[sso-session a]\nsts_regional_endpoints = legacy\n[profile a]\n",
            "a",
            "[sso-session a]\nsts_regional_endpoints = legacy\n[profile a]\n"
            "sts_regional_endpoints = regional\n",
        ),
        (
            '[profile "two words"]\nsts_regional_endpoints: legacy\n',
            "two words",
            '[profile "two words"]\nsts_regional_endpoints: regional\n',
        ),
    ],
    ids=[
        "section-without-setting",
        "no-section",
        "empty-file",
        "crlf-and-continuation",
        "other-sections-untouched",
        "quoted-name-colon",
    ],
)
def test_set_regional_edits_only_the_profile(text: str, profile: str, expected: str) -> None:
    assert set_sts_regional.set_regional(text, profile) == expected
    assert set_sts_regional.set_regional(expected, profile) == expected


def test_set_sts_regional_never_writes_a_credentials_file(tmp_path: Path) -> None:
    credentials = tmp_path / "credentials"
    credentials.write_text(f"[profile x]\naws_secret_access_key = {CANARY}\n")
    change = remediation.Change(
        "set-sts-regional",
        "STS-001",
        "f",
        "1",
        "local",
        "x",
        "s",
        {"Profile": "x", "ConfigFile": str(credentials)},
    )
    [outcome] = remediation.apply([change], lambda _a: None, audit_log=None)  # type: ignore[arg-type,return-value]
    assert outcome.status == "failed" and "credentials file" in outcome.detail
    assert credentials.read_text().endswith(f"{CANARY}\n")
    assert CANARY not in outcome.detail


def test_set_sts_regional_never_creates_a_missing_config_file(tmp_path: Path) -> None:
    elsewhere = tmp_path / "runner" / ".aws" / "config"  # a path from another machine
    profile = {"Name": "ops", "Source": "config", "SetIn": str(elsewhere), "FileValue": "legacy"}
    scan = scan_of("1", {("local", "local", "profile"): [profile]})
    [planned] = set_sts_regional.plan(
        finding("STS-001", "ops"), PlanContext(scan, "1", SOURCE, TARGET)
    )
    assert planned.blocked and "does not exist on this machine" in planned.blocked
    change = remediation.Change(
        "set-sts-regional",
        "STS-001",
        "f",
        "1",
        "local",
        "ops",
        "s",
        {"Profile": "ops", "ConfigFile": str(elsewhere)},
    )
    [outcome] = remediation.apply([change], lambda _a: None, audit_log=None)  # type: ignore[arg-type,return-value]
    assert outcome.status == "failed" and "does not exist on this machine" in outcome.detail
    assert not elsewhere.parent.exists()
