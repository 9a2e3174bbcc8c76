"""The KMS rule functions, on their own and through JMESPath."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import jmespath
import pytest

from regionready.engine.functions import RegionReadyFunctions
from regionready.engine.functions.kms import (
    kms_iam_principal,
    kms_iam_principals,
    kms_public_statements,
)

ACCOUNT = "111111111111"


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _allow(principal: Any, action: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": principal, "Action": action, "Resource": "*", **extra}


@pytest.mark.parametrize(
    "action",
    [
        "kms:*",
        "*",
        "kms:Decrypt",
        "kms:Decrypt*",
        "KMS:decrypt",
        "kms:Encrypt",
        "kms:ReEncrypt*",
        "kms:ReEncryptFrom",
        "kms:GenerateDataKey*",
        "kms:GenerateDataKeyWithoutPlaintext",
        "kms:Re*",
        "kms:?ncrypt",
        ["kms:DescribeKey", "kms:Decrypt"],
    ],
)
def test_crypto_actions_to_everyone_are_public(action: Any) -> None:
    assert kms_public_statements(_policy(_allow("*", action, Sid="Open"))) == ["Open"]


@pytest.mark.parametrize(
    "action",
    ["kms:DescribeKey", "kms:Describe*", "kms:List*", "kms:Get*", ["kms:Sign", "kms:Verify"]],
)
def test_other_actions_are_not_flagged(action: Any) -> None:
    assert kms_public_statements(_policy(_allow("*", action))) == []


@pytest.mark.parametrize(
    "principal",
    ["*", {"AWS": "*"}, {"AWS": ["arn:aws:iam::111111111111:root", "*"]}],
)
def test_principal_forms_of_everyone(principal: Any) -> None:
    assert kms_public_statements(_policy(_allow(principal, "kms:Decrypt"))) == ["Statement[0]"]


@pytest.mark.parametrize(
    "principal",
    [
        {"AWS": "arn:aws:iam::111111111111:root"},
        {"AWS": ["arn:aws:iam::111111111111:role/app", "arn:aws:iam::222222222222:root"]},
        {"Service": "logs.eu-central-1.amazonaws.com"},
        "arn:aws:iam::111111111111:root",
    ],
)
def test_named_principals_are_not_public(principal: Any) -> None:
    assert kms_public_statements(_policy(_allow(principal, "kms:*"))) == []


def test_a_condition_restricts_the_statement() -> None:
    restricted = _allow(
        "*", "kms:Decrypt", Condition={"StringEquals": {"kms:CallerAccount": ACCOUNT}}
    )
    assert kms_public_statements(_policy(restricted)) == []
    # An empty Condition block restricts nothing.
    assert kms_public_statements(_policy(_allow("*", "kms:Decrypt", Condition={}))) == [
        "Statement[0]"
    ]


def test_deny_statements_are_never_flagged() -> None:
    deny = {"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*"}
    assert kms_public_statements(_policy(deny)) == []


def test_not_action_and_not_principal() -> None:
    # Allow everything but describing the key: decrypt is allowed to everyone.
    not_describe = {"Effect": "Allow", "Principal": "*", "NotAction": "kms:Describe*"}
    # Allow everything but the crypto actions: not public for this check.
    not_crypto = {
        "Effect": "Allow",
        "Principal": "*",
        "NotAction": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
    }
    # NotPrincipal with Allow means everyone except the named principal.
    not_principal = {
        "Sid": "AllButAdmin",
        "Effect": "Allow",
        "NotPrincipal": {"AWS": "arn:aws:iam::111111111111:role/admin"},
        "Action": "kms:Decrypt",
    }
    assert kms_public_statements(_policy(not_describe, not_crypto, not_principal)) == [
        "Statement[0]",
        "AllButAdmin",
    ]


def test_statement_as_object_dict_input_and_bad_policies() -> None:
    single = {"Statement": _allow({"AWS": "*"}, "kms:Encrypt", Sid="One")}
    assert kms_public_statements(single) == ["One"]
    assert kms_public_statements(json.dumps(single)) == ["One"]
    assert kms_public_statements(None) == []
    assert kms_public_statements("not json") == []
    assert kms_public_statements("[]") == []
    assert kms_public_statements({"Statement": ["oops", 3]}) == []


def test_only_the_public_statements_are_listed() -> None:
    policy = _policy(
        _allow({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "kms:*", Sid="Root"),
        _allow("*", ["kms:Decrypt", "kms:DescribeKey"], Sid="Leak"),
        _allow(
            "*", "kms:Decrypt", Sid="Org", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-1"}}
        ),
        _allow({"AWS": "*"}, "kms:GenerateDataKey*"),
    )
    assert kms_public_statements(policy) == ["Leak", "Statement[3]"]


@pytest.mark.parametrize(
    ("arn", "expected"),
    [
        (f"arn:aws:iam::{ACCOUNT}:role/app", "role"),
        (f"arn:aws:iam::{ACCOUNT}:role/service-role/app", "role"),
        (f"arn:aws:iam::{ACCOUNT}:user/alice", "user"),
        (f"arn:aws-cn:iam::{ACCOUNT}:user/alice", "user"),
        ("arn:aws:iam::222222222222:role/app", None),
        (f"arn:aws:iam::{ACCOUNT}:root", None),
        (f"arn:aws:sts::{ACCOUNT}:assumed-role/app/session", None),
        ("dynamodb.amazonaws.com", None),
        (f"arn:aws:iam::{ACCOUNT}:role/", None),
        (None, None),
    ],
)
def test_kms_iam_principal(arn: Any, expected: str | None) -> None:
    assert kms_iam_principal(arn, ACCOUNT) == expected


def test_kms_iam_principals_keeps_this_accounts_roles_and_users_once() -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/app"
    user = f"arn:aws:iam::{ACCOUNT}:user/alice"
    grants = [
        {"GrantId": "1", "GranteePrincipal": role},
        {"GrantId": "2", "GranteePrincipal": "dynamodb.amazonaws.com"},
        {"GrantId": "3", "GranteePrincipal": "arn:aws:iam::222222222222:role/app"},
        {"GrantId": "4", "GranteePrincipal": user},
        {"GrantId": "5", "GranteePrincipal": role},
        {"GrantId": "6"},
        "junk",
    ]
    assert kms_iam_principals(grants, ACCOUNT) == [role, user]
    assert kms_iam_principals(None, ACCOUNT) == []
    assert kms_iam_principals(grants, None) == []


def test_functions_are_registered_for_rules() -> None:
    options = jmespath.Options(custom_functions=RegionReadyFunctions(dt.datetime.now(dt.UTC)))
    item = {
        "Policy": _policy(_allow("*", "kms:*", Sid="Open")),
        "Grants": [
            {"GranteePrincipal": f"arn:aws:iam::{ACCOUNT}:role/app"},
            {"GranteePrincipal": "dynamodb.amazonaws.com"},
        ],
    }
    assert jmespath.search("kms_public_statements(Policy)", item, options=options) == ["Open"]
    found = jmespath.search(f"kms_iam_principals(Grants, '{ACCOUNT}')", item, options=options)
    assert found == [f"arn:aws:iam::{ACCOUNT}:role/app"]
