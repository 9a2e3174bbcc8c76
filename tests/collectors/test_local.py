"""The local collector: shared config profiles and environment, never a secret."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from regionready.collect.clients import Clients
from regionready.collectors import local

CANARY_SECRET = "CANARY-wJalrXUtnFEMI-K7MDENG-bPxRfiCYzz1"
CANARY_TOKEN = "CANARY-SESSION-TOKEN-IQoJb3JpZ2luX2VjE"
CANARY_KEY_ID = "AKIACANARYKEYID00001"

CONFIG = f"""\
[default]
region = me-central-1
sts_regional_endpoints = regional

[profile legacy-ops]
region = me-central-1
sts_regional_endpoints = legacy
aws_secret_access_key = {CANARY_SECRET}

[profile deploy]
role_arn = arn:aws:iam::111111111111:role/deploy
source_profile = legacy-ops

[profile "quoted name"]
sts_regional_endpoints = regional

[sso-session corp]
sso_region = eu-central-1

[services dev]
sts =
  endpoint_url = http://localhost:4566

[not-a-profile]
sts_regional_endpoints = legacy
"""

CREDENTIALS = f"""\
[default]
aws_access_key_id = {CANARY_KEY_ID}
aws_secret_access_key = {CANARY_SECRET}

[ci]
aws_access_key_id = {CANARY_KEY_ID}
aws_secret_access_key = {CANARY_SECRET}
aws_session_token = {CANARY_TOKEN}
  [continuation-not-a-header]
# [commented]
"""


def _clients(options: dict[str, Any]) -> Clients:
    def no_aws(service: str) -> Any:
        raise AssertionError(f"the local collector made an AWS client for {service}")

    return Clients(make_client=no_aws, region="us-east-1", service="local", options=options)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "config"
    credentials = tmp_path / "credentials"
    config.write_text(CONFIG)
    credentials.write_text(CREDENTIALS)
    return {"aws_config_file": str(config), "aws_credentials_file": str(credentials)}


def _collect(options: dict[str, Any]) -> tuple[Clients, dict[str, list[dict[str, Any]]]]:
    clients = _clients(options)
    return clients, local.collect(clients, "us-east-1")


def _profiles(result: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    return {p["Name"]: p for p in result["profile"]}


def test_profiles_from_both_files(files: dict[str, str]) -> None:
    clients, result = _collect({**files, "local_environment": {}})
    profiles = _profiles(result)

    assert clients.errors == []
    assert set(profiles) == {"default", "legacy-ops", "deploy", "quoted name", "ci"}
    assert profiles["default"] == {
        "Name": "default",
        "Source": "config",
        "sts_regional_endpoints": "regional",
        "FileValue": "regional",
        "SetIn": files["aws_config_file"],
        "region": "me-central-1",
        "source_profile": None,
        "role_arn": None,
    }
    assert profiles["legacy-ops"]["sts_regional_endpoints"] == "legacy"
    assert profiles["ci"]["Source"] == "credentials"
    assert profiles["ci"]["sts_regional_endpoints"] is None
    assert result["environment"] == [
        {
            "Id": "environment",
            "AWS_STS_REGIONAL_ENDPOINTS": None,
            "AWS_REGION": None,
            "AWS_DEFAULT_REGION": None,
        }
    ]


def test_source_profile_does_not_pass_its_setting_on(files: dict[str, str]) -> None:
    _, result = _collect({**files, "local_environment": {}})
    deploy = _profiles(result)["deploy"]

    assert deploy["source_profile"] == "legacy-ops"
    assert deploy["role_arn"] == "arn:aws:iam::111111111111:role/deploy"
    assert deploy["sts_regional_endpoints"] is None  # botocore: not inherited
    assert deploy["SetIn"] is None


def test_environment_overrides_every_profile(files: dict[str, str]) -> None:
    env = {"AWS_STS_REGIONAL_ENDPOINTS": "legacy", "AWS_REGION": "eu-central-1", "HOME": "/x"}
    _, result = _collect({**files, "local_environment": env})
    profiles = _profiles(result)

    assert {p["sts_regional_endpoints"] for p in profiles.values()} == {"legacy"}
    assert {p["SetIn"] for p in profiles.values()} == {"environment"}
    assert profiles["default"]["FileValue"] == "regional"
    [environment] = result["environment"]
    assert environment["AWS_STS_REGIONAL_ENDPOINTS"] == "legacy"
    assert environment["AWS_REGION"] == "eu-central-1"
    assert "HOME" not in environment  # only whitelisted names


def test_empty_environment_variable_still_wins_and_means_unset(files: dict[str, str]) -> None:
    _, result = _collect({**files, "local_environment": {"AWS_STS_REGIONAL_ENDPOINTS": ""}})
    legacy = _profiles(result)["legacy-ops"]
    assert (legacy["sts_regional_endpoints"], legacy["SetIn"]) == (None, "environment")


def test_no_files_gives_the_implicit_default_profile(tmp_path: Path) -> None:
    options = {
        "aws_config_file": str(tmp_path / "missing-config"),
        "aws_credentials_file": str(tmp_path / "missing-credentials"),
        "local_environment": {"AWS_STS_REGIONAL_ENDPOINTS": "legacy"},
    }
    clients, result = _collect(options)

    assert clients.errors == []
    assert result["profile"] == [
        {
            "Name": "default",
            "Source": "implicit",
            "sts_regional_endpoints": "legacy",
            "FileValue": None,
            "SetIn": "environment",
            "region": None,
            "source_profile": None,
            "role_arn": None,
        }
    ]


def test_paths_default_to_the_environment_variables(
    files: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", files["aws_config_file"])
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", files["aws_credentials_file"])
    monkeypatch.delenv("AWS_STS_REGIONAL_ENDPOINTS", raising=False)
    _, result = _collect({})
    assert "legacy-ops" in _profiles(result) and "ci" in _profiles(result)


def test_no_secret_reaches_the_output(files: dict[str, str]) -> None:
    _, result = _collect({**files, "local_environment": {"AWS_SECRET_ACCESS_KEY": CANARY_SECRET}})
    text = json.dumps(result)

    for canary in (CANARY_SECRET, CANARY_TOKEN, CANARY_KEY_ID):
        assert canary not in text
    assert "aws_secret_access_key" not in text
    assert "continuation-not-a-header" not in text and "commented" not in text


def test_credentials_reader_keeps_only_header_lines(files: dict[str, str]) -> None:
    """Nothing but section headers is returned from the credentials file: no value, no
    indented continuation line that looks like a header, no commented-out header."""
    names = local.read_credential_profile_names(Path(files["aws_credentials_file"]))
    assert names == ["default", "ci"]


def test_unparseable_config_is_an_error_against_profile(tmp_path: Path) -> None:
    bad = tmp_path / "config"
    bad.write_text("[default]\nregion = x\n[default]\nregion = y\n")  # duplicate section
    clients, result = _collect(
        {
            "aws_config_file": str(bad),
            "aws_credentials_file": str(tmp_path / "none"),
            "local_environment": {},
        }
    )
    [error] = clients.errors
    assert error.api == "local:ReadConfigFile"
    assert error.to_dict()["resource_types"] == ["profile"]
    assert "DuplicateSectionError" in error.message
    assert result["environment"][0]["Id"] == "environment"


def test_unreadable_credentials_file_is_an_error(
    files: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = os.open
    denied = os.path.realpath(files["aws_credentials_file"])

    def refuse(path: Any, *args: Any, **kwargs: Any) -> Any:
        if os.path.realpath(path) == denied:
            raise PermissionError(13, "Permission denied", str(path))
        return original(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    clients, result = _collect({**files, "local_environment": {}})
    [error] = clients.errors
    assert error.api == "local:ReadCredentialsFile"
    assert error.code == "LocalReadError"
    assert CANARY_SECRET not in error.message
    assert "ci" not in _profiles(result)  # incomplete, and said so


def test_declares_no_aws_permissions() -> None:
    assert local.PERMISSIONS == ()
    assert local.LOCAL is True
