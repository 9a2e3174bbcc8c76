"""Amazon Cognito comparisons YAML cannot say well: "is this user pool weaker than that
one" and "which app clients are missing or different". Pure functions over collector
items (``cognito-idp.user_pool``: DescribeUserPool + ``Clients``).

Orders (weakest first): MFA ``OFF < OPTIONAL < ON``; advanced security
``OFF < AUDIT < ENFORCED``. A password policy is weaker when its minimum length or
password history is lower, a ``Require*`` flag is dropped, or temporary passwords stay
valid longer. Settings that cannot change after a pool is created (sign-in username
and alias attributes, username case sensitivity, required attributes) must be equal,
not merely stronger: the target pool would have to be recreated.
"""

from __future__ import annotations

from typing import Any

MFA_ORDER = ("OFF", "OPTIONAL", "ON")
ADVANCED_SECURITY_ORDER = ("OFF", "AUDIT", "ENFORCED")
REQUIRE_FLAGS = ("RequireUppercase", "RequireLowercase", "RequireNumbers", "RequireSymbols")

# What AWS applies when a pool is created without a password policy.
DEFAULT_PASSWORD_POLICY: dict[str, Any] = {
    "MinimumLength": 8,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
    "TemporaryPasswordValidityDays": 7,
}


def _rank(order: tuple[str, ...], value: Any) -> int:
    """Position in ``order``; a missing value is the weakest, an unknown one -1."""
    text = str(value).upper() if value is not None else order[0]
    return order.index(text) if text in order else -1


def mfa_mode(pool: dict[str, Any]) -> str:
    return str(pool.get("MfaConfiguration") or "OFF").upper()


def advanced_security_mode(pool: dict[str, Any]) -> str:
    addons = pool.get("UserPoolAddOns") or {}
    return str(addons.get("AdvancedSecurityMode") or "OFF").upper()


def password_policy(pool: dict[str, Any]) -> dict[str, Any]:
    policies = pool.get("Policies") or {}
    found = policies.get("PasswordPolicy")
    return dict(found) if isinstance(found, dict) else dict(DEFAULT_PASSWORD_POLICY)


def case_sensitive(pool: dict[str, Any]) -> bool:
    """Pools created without UsernameConfiguration are case sensitive (the old default)."""
    config = pool.get("UsernameConfiguration") or {}
    return bool(config.get("CaseSensitive", True))


def required_attributes(pool: dict[str, Any]) -> list[str]:
    return sorted(
        str(attr.get("Name"))
        for attr in pool.get("SchemaAttributes") or []
        if isinstance(attr, dict) and attr.get("Required")
    )


def _names(values: Any) -> list[str]:
    return sorted({str(v) for v in values or []})


def _listed(values: list[str]) -> str:
    return "[" + ", ".join(values) + "]"


def _ordered_weaker(label: str, order: tuple[str, ...], source: str, target: str) -> list[str]:
    if _rank(order, target) < _rank(order, source):
        return [f"{label} {source} -> {target}"]
    return []


def _show(policy: dict[str, Any], key: str, missing: str = "-") -> str:
    value = policy.get(key)
    return missing if value is None else str(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def password_policy_weaker(source: dict[str, Any], target: dict[str, Any]) -> list[str]:
    """Each way the target password policy is weaker than the source's."""
    src, tgt = password_policy(source), password_policy(target)
    found: list[str] = []
    src_len, tgt_len = _number(src.get("MinimumLength")), _number(tgt.get("MinimumLength"))
    if src_len is not None and (tgt_len is None or tgt_len < src_len):
        found.append(
            f"password MinimumLength {_show(src, 'MinimumLength')} -> {_show(tgt, 'MinimumLength')}"
        )
    for flag in REQUIRE_FLAGS:
        if src.get(flag) and not tgt.get(flag):
            found.append(f"password {flag} dropped")
    src_days = _number(src.get("TemporaryPasswordValidityDays"))
    tgt_days = _number(tgt.get("TemporaryPasswordValidityDays"))
    if src_days is not None and tgt_days is not None and tgt_days > src_days:
        key = "TemporaryPasswordValidityDays"
        found.append(f"password {key} {_show(src, key)} -> {_show(tgt, key)}")
    src_history = _number(src.get("PasswordHistorySize"))
    tgt_history = _number(tgt.get("PasswordHistorySize")) or 0.0
    if src_history and tgt_history < src_history:
        key = "PasswordHistorySize"
        found.append(f"password {key} {_show(src, key)} -> {_show(tgt, key, '0')}")
    return found


def immutable_differences(source: dict[str, Any], target: dict[str, Any]) -> list[str]:
    """Settings fixed at pool creation that differ between the two pools."""
    found: list[str] = []
    for field in ("UsernameAttributes", "AliasAttributes"):
        src, tgt = _names(source.get(field)), _names(target.get(field))
        if src != tgt:
            found.append(f"{field} {_listed(src)} -> {_listed(tgt)} (fixed at creation)")
    if case_sensitive(source) != case_sensitive(target):
        found.append(
            "username CaseSensitive "
            f"{str(case_sensitive(source)).lower()} -> {str(case_sensitive(target)).lower()}"
            " (fixed at creation)"
        )
    src_required, tgt_required = required_attributes(source), required_attributes(target)
    if src_required != tgt_required:
        found.append(
            f"required attributes {_listed(src_required)} -> {_listed(tgt_required)}"
            " (fixed at creation)"
        )
    return found


def cognito_pool_weaker(source: Any, target: Any) -> list[str]:
    """Every setting in which the target user pool is weaker than (or, for settings fixed
    at creation, different from) the source pool; empty when it meets or exceeds it."""
    if not isinstance(source, dict) or not isinstance(target, dict):
        return []
    found = _ordered_weaker("MfaConfiguration", MFA_ORDER, mfa_mode(source), mfa_mode(target))
    found += password_policy_weaker(source, target)
    found += _ordered_weaker(
        "AdvancedSecurityMode",
        ADVANCED_SECURITY_ORDER,
        advanced_security_mode(source),
        advanced_security_mode(target),
    )
    found += immutable_differences(source, target)
    return found


def _by_name(clients: Any) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for client in clients or []:
        if isinstance(client, dict) and client.get("ClientName") is not None:
            found.setdefault(str(client["ClientName"]), client)
    return found


def cognito_client_gaps(source_clients: Any, target_clients: Any) -> list[str]:
    """Source app clients with no same-named target client having the same callback URLs
    (as a set) and the same OAuth flows (as a set); one entry per client, saying why."""
    targets = _by_name(target_clients)
    gaps: list[str] = []
    for name, client in sorted(_by_name(source_clients).items()):
        twin = targets.get(name)
        if twin is None:
            gaps.append(f"{name} (missing)")
            continue
        why = []
        if _names(client.get("CallbackURLs")) != _names(twin.get("CallbackURLs")):
            why.append("callback URLs differ")
        if _names(client.get("AllowedOAuthFlows")) != _names(twin.get("AllowedOAuthFlows")):
            why.append("OAuth flows differ")
        if why:
            gaps.append(f"{name} ({', '.join(why)})")
    return gaps


FUNCTIONS = {
    "cognito_pool_weaker": (
        cognito_pool_weaker,
        [{"types": ["object", "null"]}, {"types": ["object", "null"]}],
    ),
    "cognito_client_gaps": (
        cognito_client_gaps,
        [{"types": ["array", "null"]}, {"types": ["array", "null"]}],
    ),
}
