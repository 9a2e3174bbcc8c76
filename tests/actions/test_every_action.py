"""What holds for every action: found by its name, named by a rule, and never given a
permission to delete, disable or export. (The contract itself: tests/test_plugins.py.)"""

from __future__ import annotations

import json
import os

import pytest

from regionready import remediation
from regionready.cli import main
from regionready.remediation import NEVER, action
from regionready.remediation.actions import (
    add_region,
    create_trail,
    enable_key_rotation,
    reimport,
    request_certificate,
    set_sts_regional,
)

from .conftest import all_rules


def test_the_actions_are_registered_with_their_rules() -> None:
    names = remediation.action_names()
    modules = {
        "request-certificate": request_certificate,
        "reimport": reimport,
        "enable-key-rotation": enable_key_rotation,
        "add-region": add_region,
        "set-sts-regional": set_sts_regional,
        "create-trail": create_trail,
    }
    for name, module in modules.items():
        assert name in names and remediation.action(name) is module
        assert name == module.ACTION
        assert not any(p.split(":")[1].startswith(("Delete", "Export")) for p in module.PERMISSIONS)
    assert "acm:ExportCertificate" not in remediation.permissions(list(modules))
    assert set_sts_regional.PERMISSIONS == ()
    assert os.environ.get("AWS_CONFIG_FILE") == os.devnull, "tests never touch ~/.aws"


def test_every_action_is_named_by_a_rule_and_every_rule_names_an_action() -> None:
    """Which findings an action fixes is said by the rules (``remediation.action``) only."""
    named = {r.remediation_action for r in all_rules().values() if r.remediation_action}
    assert named == set(remediation.action_names())
    for name in remediation.action_names():
        assert not hasattr(action(name), "RULES"), f"{name}: the rules say what it fixes"


def test_iam_policy_lists_the_write_permissions(capsys: pytest.CaptureFixture[str]) -> None:
    names = [
        "create-analyzer",
        "create-archive-rule",
        "create-detector",
        "update-detector-features",
        "create-filter",
        "replicate-secret",
        "clone-web-acl",
    ]
    assert main(["iam-policy", "--remediation", "--actions", ",".join(names)]) == 0
    granted = set(json.loads(capsys.readouterr().out)["Statement"][0]["Action"])
    assert {
        "access-analyzer:CreateAnalyzer",
        "access-analyzer:UpdateArchiveRule",
        "guardduty:CreateDetector",
        "guardduty:UpdateDetector",
        "guardduty:CreateFilter",
        "secretsmanager:ReplicateSecretToRegions",
        "wafv2:CreateWebACL",
        "wafv2:UpdateWebACL",
        "wafv2:CheckCapacity",
    } <= granted
    assert not [a for a in granted if NEVER.match(a.split(":")[1])]
    assert "secretsmanager:GetSecretValue" not in granted
    assert json.loads(json.dumps(remediation.iam_policy(names)))["Statement"][0]["Action"] == (
        sorted(granted)
    ), "the CLI prints remediation.iam_policy"
    rules_naming = {r.remediation_action for r in all_rules().values()}
    for name in names:
        module = action(name)
        assert name == module.ACTION and name in rules_naming
