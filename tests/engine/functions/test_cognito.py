"""The Cognito rule functions, on their own and through JMESPath."""

from __future__ import annotations

from typing import Any

import jmespath
import pytest

from regionready.engine.functions import RegionReadyFunctions
from regionready.engine.functions.cognito import (
    DEFAULT_PASSWORD_POLICY,
    cognito_client_gaps,
    cognito_pool_weaker,
    immutable_differences,
    password_policy_weaker,
)


def _pool(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "Name": "customers",
        "MfaConfiguration": "OPTIONAL",
        "Policies": {"PasswordPolicy": dict(DEFAULT_PASSWORD_POLICY)},
        "UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"},
        "UsernameAttributes": ["email"],
        "UsernameConfiguration": {"CaseSensitive": False},
        "SchemaAttributes": [
            {"Name": "email", "Required": True},
            {"Name": "name", "Required": False},
        ],
    }
    base.update(fields)
    return base


def _password(**changes: Any) -> dict[str, Any]:
    return {"PasswordPolicy": {**DEFAULT_PASSWORD_POLICY, **changes}}


def test_identical_pools_are_not_weaker() -> None:
    assert cognito_pool_weaker(_pool(), _pool()) == []


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("ON", "OPTIONAL", ["MfaConfiguration ON -> OPTIONAL"]),
        ("ON", "OFF", ["MfaConfiguration ON -> OFF"]),
        ("OPTIONAL", "OFF", ["MfaConfiguration OPTIONAL -> OFF"]),
        ("OPTIONAL", "ON", []),
        ("OFF", "OPTIONAL", []),
        ("ON", "ON", []),
    ],
)
def test_mfa_order(source: str, target: str, expected: list[str]) -> None:
    got = cognito_pool_weaker(_pool(MfaConfiguration=source), _pool(MfaConfiguration=target))
    assert got == expected


def test_missing_mfa_configuration_is_off() -> None:
    target = _pool()
    del target["MfaConfiguration"]
    assert cognito_pool_weaker(_pool(MfaConfiguration="ON"), target) == [
        "MfaConfiguration ON -> OFF"
    ]
    assert cognito_pool_weaker(target, _pool(MfaConfiguration="OFF")) == []


@pytest.mark.parametrize(
    ("source", "target", "weaker"),
    [
        ("ENFORCED", "AUDIT", True),
        ("AUDIT", "OFF", True),
        ("ENFORCED", None, True),
        ("AUDIT", "ENFORCED", False),
        ("OFF", None, False),
        ("AUDIT", "AUDIT", False),
    ],
)
def test_advanced_security_order(source: str, target: str | None, weaker: bool) -> None:
    addons = {"AdvancedSecurityMode": target} if target else {}
    got = cognito_pool_weaker(
        _pool(UserPoolAddOns={"AdvancedSecurityMode": source}), _pool(UserPoolAddOns=addons)
    )
    assert got == ([f"AdvancedSecurityMode {source} -> {target or 'OFF'}"] if weaker else [])


def test_password_policy_each_weakening_is_named() -> None:
    source = _pool(Policies=_password(MinimumLength=14, TemporaryPasswordValidityDays=1))
    target = _pool(
        Policies=_password(
            MinimumLength=10,
            RequireSymbols=False,
            RequireNumbers=False,
            TemporaryPasswordValidityDays=3,
        )
    )
    assert password_policy_weaker(source, target) == [
        "password MinimumLength 14 -> 10",
        "password RequireNumbers dropped",
        "password RequireSymbols dropped",
        "password TemporaryPasswordValidityDays 1 -> 3",
    ]


def test_password_policy_equal_or_stronger_passes() -> None:
    source = _pool(Policies=_password(MinimumLength=12, RequireSymbols=False))
    assert password_policy_weaker(source, _pool(Policies=_password(MinimumLength=12))) == []
    stronger = _pool(Policies=_password(MinimumLength=20, TemporaryPasswordValidityDays=1))
    assert password_policy_weaker(source, stronger) == []


def test_password_history_lower_or_missing_is_weaker() -> None:
    source = _pool(Policies=_password(PasswordHistorySize=5))
    assert password_policy_weaker(source, _pool(Policies=_password(PasswordHistorySize=3))) == [
        "password PasswordHistorySize 5 -> 3"
    ]
    assert password_policy_weaker(source, _pool()) == ["password PasswordHistorySize 5 -> 0"]
    assert password_policy_weaker(_pool(), source) == []


def test_missing_password_policy_means_the_aws_default() -> None:
    no_policy = _pool()
    del no_policy["Policies"]
    assert password_policy_weaker(no_policy, _pool()) == []
    assert password_policy_weaker(no_policy, _pool(Policies=_password(MinimumLength=6))) == [
        "password MinimumLength 8 -> 6"
    ]


def test_settings_fixed_at_creation_must_be_equal() -> None:
    source = _pool(AliasAttributes=["preferred_username"])
    target = _pool(
        UsernameAttributes=["email", "phone_number"],
        UsernameConfiguration={"CaseSensitive": True},
        SchemaAttributes=[{"Name": "email", "Required": True}, {"Name": "name", "Required": True}],
    )
    assert immutable_differences(source, target) == [
        "UsernameAttributes [email] -> [email, phone_number] (fixed at creation)",
        "AliasAttributes [preferred_username] -> [] (fixed at creation)",
        "username CaseSensitive false -> true (fixed at creation)",
        "required attributes [email] -> [email, name] (fixed at creation)",
    ]


def test_attribute_order_does_not_matter_and_no_username_config_is_case_sensitive() -> None:
    source = _pool(UsernameAttributes=["phone_number", "email"])
    target = _pool(UsernameAttributes=["email", "phone_number"])
    assert immutable_differences(source, target) == []
    legacy = _pool()
    del legacy["UsernameConfiguration"]
    assert immutable_differences(legacy, _pool(UsernameConfiguration={"CaseSensitive": True})) == []
    assert immutable_differences(legacy, _pool()) == [
        "username CaseSensitive true -> false (fixed at creation)"
    ]


def test_pool_weaker_lists_every_setting_and_ignores_non_objects() -> None:
    source = _pool(MfaConfiguration="ON", UserPoolAddOns={"AdvancedSecurityMode": "ENFORCED"})
    target = _pool(MfaConfiguration="OFF", Policies=_password(MinimumLength=6))
    assert cognito_pool_weaker(source, target) == [
        "MfaConfiguration ON -> OFF",
        "password MinimumLength 8 -> 6",
        "AdvancedSecurityMode ENFORCED -> AUDIT",
    ]
    assert cognito_pool_weaker(None, target) == []
    assert cognito_pool_weaker(source, None) == []


def _client(name: str, urls: list[str] | None = None, flows: list[str] | None = None) -> Any:
    client: dict[str, Any] = {"ClientName": name, "ClientId": f"id-{name}"}
    if urls is not None:
        client["CallbackURLs"] = urls
    if flows is not None:
        client["AllowedOAuthFlows"] = flows
    return client


def test_client_gaps() -> None:
    source = [
        _client("web", ["https://a/cb", "https://b/cb"], ["code"]),
        _client("mobile", ["app://cb"], ["code"]),
        _client("admin", ["https://admin/cb"], ["code", "implicit"]),
        _client("batch", flows=["client_credentials"]),
    ]
    target = [
        _client("web", ["https://b/cb", "https://a/cb"], ["code"]),
        _client("admin", ["https://admin/callback"], ["code"]),
        _client("batch", flows=["client_credentials"]),
        _client("extra", ["https://x/cb"], ["code"]),
    ]
    assert cognito_client_gaps(source, target) == [
        "admin (callback URLs differ, OAuth flows differ)",
        "mobile (missing)",
    ]
    assert cognito_client_gaps(source[:1], target) == []
    assert cognito_client_gaps(None, target) == []
    assert cognito_client_gaps(source[:1], None) == ["web (missing)"]


def test_through_jmespath() -> None:
    options = jmespath.Options(custom_functions=RegionReadyFunctions())
    data = {
        "source": _pool(MfaConfiguration="ON", Clients=[_client("web", ["https://a"])]),
        "target": _pool(MfaConfiguration="OFF", Clients=[]),
    }
    weaker = jmespath.search("cognito_pool_weaker(source, target)", data, options=options)
    assert weaker == ["MfaConfiguration ON -> OFF"]
    gaps = jmespath.search(
        "cognito_client_gaps(source.Clients, target.Clients)", data, options=options
    )
    assert gaps == ["web (missing)"]
