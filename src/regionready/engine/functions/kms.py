"""Rule functions for the KMS checks: key policy and grant analysis.

Each function is pure (no AWS, no clock) and unit-tested in ``tests/engine/functions/test_kms.py``.

``kms_public_statements(policy)``
    The statements of a key policy that let *anyone* use the key for cryptography
    (KMS-007): ``Effect: Allow``, a public principal (``"*"``, ``{"AWS": "*"}``, ``"*"``
    in a principal list, or any ``NotPrincipal``, which with Allow means "everyone but"),
    an action that covers ``kms:Encrypt``, ``kms:Decrypt``, ``kms:ReEncrypt*`` or
    ``kms:GenerateDataKey*`` (IAM wildcards ``*``/``?``, case-insensitive: ``kms:*``,
    ``*``, ``kms:Decrypt*``, ``kms:Re*`` all do; a ``NotAction`` does unless it excludes
    every one of them) and no ``Condition``. A condition is taken as restricting (the
    usual ones are ``kms:CallerAccount``, ``aws:PrincipalOrgID``, ``kms:ViaService``).
    Deny statements are never listed. Returns each statement's ``Sid``, or
    ``Statement[<index>]`` when it has none; an unreadable policy gives ``[]``.

``kms_iam_principals(grants, account)``
    The grantee principals of ListGrants entries that are IAM role or user ARNs of
    ``account`` (any partition, any path), each once, in order: the principals KMS-008
    looks up in IAM. Service principals, other accounts, the account root and
    assumed-role sessions are left out (they are not IAM roles or users of this account).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

CRYPTO_ACTIONS = (
    "kms:encrypt",
    "kms:decrypt",
    "kms:reencryptfrom",
    "kms:reencryptto",
    "kms:generatedatakey",
    "kms:generatedatakeywithoutplaintext",
    "kms:generatedatakeypair",
    "kms:generatedatakeypairwithoutplaintext",
)

_IAM_ARN = re.compile(r"^arn:[a-z0-9-]+:iam::(?P<account>\d{12}):(?P<kind>role|user)/.+$")


def _document(policy: Any) -> dict[str, Any] | None:
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except json.JSONDecodeError:
            return None
    return policy if isinstance(policy, dict) else None


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


@lru_cache(maxsize=256)
def _pattern(action: str) -> re.Pattern[str]:
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in action.lower())
    return re.compile("^" + "".join(parts) + "$")


def _covers(patterns: list[Any], action: str) -> bool:
    return any(isinstance(p, str) and _pattern(p).match(action) for p in patterns)


def _grants_crypto(statement: dict[str, Any]) -> bool:
    if "NotAction" in statement:
        excluded = _as_list(statement["NotAction"])
        return any(not _covers(excluded, action) for action in CRYPTO_ACTIONS)
    actions = _as_list(statement.get("Action"))
    return any(_covers(actions, action) for action in CRYPTO_ACTIONS)


def _public_principal(statement: dict[str, Any]) -> bool:
    if "NotPrincipal" in statement:
        return True
    principal = statement.get("Principal")
    if principal == "*":
        return True
    if isinstance(principal, dict):
        return "*" in _as_list(principal.get("AWS"))
    return False


def kms_public_statements(policy: Any) -> list[str]:
    """Sids (or ``Statement[i]``) of the statements that open the key to anyone."""
    document = _document(policy)
    if document is None:
        return []
    found: list[str] = []
    for index, statement in enumerate(_as_list(document.get("Statement"))):
        if not isinstance(statement, dict):
            continue
        if str(statement.get("Effect", "")).lower() != "allow":
            continue
        if statement.get("Condition"):
            continue
        if _public_principal(statement) and _grants_crypto(statement):
            found.append(str(statement.get("Sid") or f"Statement[{index}]"))
    return found


def kms_iam_principal(arn: Any, account: Any) -> str | None:
    """``role``/``user`` for an IAM role or user ARN of ``account``, else None."""
    if not isinstance(arn, str) or not isinstance(account, str):
        return None
    match = _IAM_ARN.match(arn)
    if match is None or match.group("account") != account:
        return None
    return match.group("kind")


def kms_iam_principals(grants: Any, account: Any) -> list[str]:
    """Grantee principals that are IAM roles or users of ``account``, each once."""
    found: list[str] = []
    for grant in grants if isinstance(grants, list) else []:
        principal = grant.get("GranteePrincipal") if isinstance(grant, dict) else None
        if kms_iam_principal(principal, account) and principal not in found:
            found.append(str(principal))
    return found


FUNCTIONS = {
    "kms_public_statements": (
        kms_public_statements,
        [{"types": ["string", "object", "null"]}],
    ),
    "kms_iam_principals": (
        kms_iam_principals,
        [{"types": ["array", "null"]}, {"types": ["string", "null"]}],
    ),
}
