"""``regionready iam-policy``: actions a collector scopes (``PERMISSION_RESOURCES``) get
their own statement; ssm:GetParametersByPath is granted on AWS's public parameters only,
never on every parameter of the account."""

from __future__ import annotations

import fnmatch
import json
from types import SimpleNamespace
from typing import Any

import pytest

from regionready import registry
from regionready.cli import main
from regionready.collect import permissions
from regionready.collectors import ssm

PUBLIC_PARAMETERS = "arn:aws:ssm:*::parameter/aws/service/*"


def _policy(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main(["iam-policy", *argv]) == 0
    policy: dict[str, Any] = json.loads(capsys.readouterr().out)
    return policy


def test_ssm_is_scoped_to_the_public_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    policy = _policy(capsys)
    everywhere, *scoped = policy["Statement"]

    assert everywhere["Sid"] == "RegionReadyReadOnly" and everywhere["Resource"] == "*"
    assert not any(a.startswith("ssm:") for a in everywhere["Action"])
    assert scoped == [
        {
            "Sid": "RegionReadyReadOnlySsm",
            "Effect": "Allow",
            "Action": ["ssm:GetParametersByPath"],
            "Resource": PUBLIC_PARAMETERS,
        }
    ]
    # Nothing lost or added: the statements grant exactly the declared actions, once each.
    granted = [a for statement in policy["Statement"] for a in statement["Action"]]
    assert sorted(granted) == permissions.permissions(registry.names("collectors"))
    # The path the collector reads is inside the grant; the account's own parameters not.
    resource = scoped[0]["Resource"]
    for region in ("me-central-1", "eu-central-1"):
        path = ssm.PATH.format(region=region)
        assert fnmatch.fnmatchcase(f"arn:aws:ssm:{region}::parameter{path}", resource)
    assert not fnmatch.fnmatchcase(
        "arn:aws:ssm:eu-central-1:123456789012:parameter/app/db-password", resource
    )


def _fake_collectors(monkeypatch: pytest.MonkeyPatch, **modules: SimpleNamespace) -> None:
    monkeypatch.setattr(registry, "collector", lambda name: modules[name])


def test_resources_are_grouped_and_an_unscoped_use_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_collectors(
        monkeypatch,
        a=SimpleNamespace(
            PERMISSIONS=("x:GetOne", "x:GetTwo", "y:ListAll", "z:GetBoth"),
            PERMISSION_RESOURCES={
                "x:GetOne": "arn:aws:x:::one/*",
                "x:GetTwo": "arn:aws:x:::one/*",
                "y:ListAll": ("arn:aws:y:::b/*", "arn:aws:y:::a/*"),
                "z:GetBoth": "arn:aws:z:::scoped/*",
            },
        ),
        b=SimpleNamespace(PERMISSIONS=("z:GetBoth",), PERMISSION_RESOURCES={}),  # "*" for everyone
    )
    assert permissions.iam_policy(["a", "b"])["Statement"] == [
        {
            "Sid": "RegionReadyReadOnly",
            "Effect": "Allow",
            "Action": ["sts:GetCallerIdentity", "z:GetBoth"],
            "Resource": "*",
        },
        {
            "Sid": "RegionReadyReadOnlyX",
            "Effect": "Allow",
            "Action": ["x:GetOne", "x:GetTwo"],
            "Resource": "arn:aws:x:::one/*",
        },
        {
            "Sid": "RegionReadyReadOnlyY",
            "Effect": "Allow",
            "Action": ["y:ListAll"],
            "Resource": ["arn:aws:y:::a/*", "arn:aws:y:::b/*"],
        },
    ]


def test_a_resource_for_an_undeclared_action_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_collectors(
        monkeypatch,
        a=SimpleNamespace(PERMISSIONS=("x:GetOne",), PERMISSION_RESOURCES={"x:GetTwo": "*"}),
    )
    with pytest.raises(ValueError, match="x:GetTwo"):
        permissions.iam_policy(["a"])
