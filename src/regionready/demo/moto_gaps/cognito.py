"""Amazon Cognito: answer as AWS does where moto 5.2 lacks an API or differs.

cognito-identity
  * SetIdentityPoolRoles and GetIdentityPoolRoles are not implemented (moto raises
    NotImplementedError). ``before-call`` hooks answer both with the real shapes:
    SetIdentityPoolRoles validates the pool and the role map as AWS does (keys
    ``authenticated``/``unauthenticated``, IAM role ARNs, role mapping Type
    ``Token``/``Rules`` with rules for ``Rules``) and remembers the roles in a store keyed
    by (account, Region) then pool id; GetIdentityPoolRoles returns them
    (``{IdentityPoolId, Roles, RoleMappings}``; ``Roles`` is ``{}`` and ``RoleMappings``
    absent when none were set). An unknown pool is a ResourceNotFoundException, as on
    AWS. The pool check reads moto's in-process backends; against a moto server every
    pool id is accepted.
  * ListIdentityPools ignores ``MaxResults``/``NextToken``: the hook pages the answer.

cognito-idp: MaxResults paging, DescribeUserPoolClient with ClientSecret and
GetUserPoolMfaConfig are faithful. A custom domain (CreateUserPoolDomain with
``CustomDomainConfig``) is not:
  * DescribeUserPool names it in ``Domain``; AWS names a custom domain in
    ``CustomDomain`` (``Domain`` is the Amazon Cognito prefix domain). The after-call hook
    moves it.
  * DescribeUserPoolDomain leaves out ``CustomDomainConfig`` (the ACM certificate the
    domain serves); the after-call hook adds it from moto's stored domain.
One
seeding helper: moto imports its bundled signing key (one constant RSA key, from a
resource file) afresh for every CreateUserPool, about 0.1 s of RSA work per pool;
``shared_user_pool_key()`` imports it once for the pools created inside the block.

Pool ids hold a random UUID, so entries from an earlier mock never match later pools.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

from botocore.awsrequest import AWSResponse

from regionready.demo.moto_gaps._common import (
    Handler,
    is_error_answer,
    page_answer,
    remember_params,
    remembered_params,
)

ROLE_KEYS = ("authenticated", "unauthenticated")
ROLE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/.+")
MAPPING_TYPES = ("Token", "Rules")
UNKNOWN_ACCOUNT = "-"

Scope = tuple[str, str]  # (account, Region)

# (account, Region) -> identity pool id -> {"Roles": {...}, "RoleMappings": {...}}
_roles: dict[Scope, dict[str, dict[str, Any]]] = {}
_lock = threading.Lock()


def _response(status: int, parsed: dict[str, Any]) -> tuple[AWSResponse, dict[str, Any]]:
    parsed.setdefault(
        "ResponseMetadata", {"RequestId": str(uuid.uuid4()), "HTTPStatusCode": status}
    )
    return AWSResponse("https://moto-gaps.invalid/", status, {}, None), parsed


def _error(code: str, message: str) -> tuple[AWSResponse, dict[str, Any]]:
    return _response(400, {"Error": {"Code": code, "Message": message}})


def _pool_account(region: str, pool_id: str) -> str | None:
    """The moto account holding the pool; UNKNOWN_ACCOUNT when moto is not in-process;
    None when moto is in-process and no account holds it."""
    try:
        from moto.cognitoidentity.models import cognitoidentity_backends
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return UNKNOWN_ACCOUNT
    for account, by_region in list(cognitoidentity_backends.items()):
        backend = dict.get(by_region, region)  # plain get: never create a backend
        if backend is not None and pool_id in backend.identity_pools:
            return str(account)
    return None


def _invalid_roles(roles: Any, mappings: Any) -> str | None:
    if not isinstance(roles, dict):
        return "Roles must be a map"
    for key, arn in roles.items():
        if key not in ROLE_KEYS:
            return f"Invalid Roles key '{key}': must be authenticated or unauthenticated"
        if not isinstance(arn, str) or not ROLE_ARN_RE.match(arn):
            return f"Invalid role ARN for {key}: {arn}"
    for provider, mapping in (mappings or {}).items():
        if not isinstance(mapping, dict) or mapping.get("Type") not in MAPPING_TYPES:
            return f"Role mapping for {provider} needs Type Token or Rules"
        rules = (mapping.get("RulesConfiguration") or {}).get("Rules")
        if mapping["Type"] == "Rules" and not rules:
            return f"Role mapping for {provider} of Type Rules needs RulesConfiguration"
    return None


def _set_roles(context: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
    """before-call SetIdentityPoolRoles: validate and remember."""
    request = remembered_params(context)
    region = str((context or {}).get("client_region") or "")
    pool_id = str(request.get("IdentityPoolId") or "")
    account = _pool_account(region, pool_id)
    if account is None:
        return _error("ResourceNotFoundException", f"IdentityPool '{pool_id}' not found.")
    problem = _invalid_roles(request.get("Roles"), request.get("RoleMappings"))
    if problem:
        return _error("InvalidParameterException", problem)
    stored: dict[str, Any] = {"Roles": dict(request.get("Roles") or {})}
    if request.get("RoleMappings"):
        stored["RoleMappings"] = dict(request["RoleMappings"])
    with _lock:
        _roles.setdefault((account, region), {})[pool_id] = stored
    return _response(200, {})


def _get_roles(context: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
    """before-call GetIdentityPoolRoles: what SetIdentityPoolRoles stored."""
    request = remembered_params(context)
    region = str((context or {}).get("client_region") or "")
    pool_id = str(request.get("IdentityPoolId") or "")
    account = _pool_account(region, pool_id)
    if account is None:
        return _error("ResourceNotFoundException", f"IdentityPool '{pool_id}' not found.")
    with _lock:
        stored = _roles.get((account, region), {}).get(pool_id, {})
    answer: dict[str, Any] = {"IdentityPoolId": pool_id, "Roles": dict(stored.get("Roles", {}))}
    if stored.get("RoleMappings"):
        answer["RoleMappings"] = dict(stored["RoleMappings"])
    return _response(200, answer)


_ANSWERS = {"SetIdentityPoolRoles": _set_roles, "GetIdentityPoolRoles": _get_roles}


def _identity_call(
    model: Any, context: dict[str, Any], **kwargs: Any
) -> tuple[AWSResponse, dict[str, Any]] | None:
    """before-call cognito-identity: answer the operations moto lacks.

    Registered for the whole service, not per operation, so that a test's
    operation-specific hook (``before-call.cognito-identity.GetIdentityPoolRoles``,
    e.g. one raising AccessDenied) runs first: botocore calls more specific handlers
    first and stops at the first answer.
    """
    answer = _ANSWERS.get(getattr(model, "name", ""))
    return answer(context=context, **kwargs) if answer else None


def _list_pools(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call ListIdentityPools: paging."""
    if not is_error_answer(parsed):
        page_answer(
            parsed,
            remembered_params(context),
            items="IdentityPools",
            limit="MaxResults",
            token_in="NextToken",
            token_out="NextToken",
        )


def _moto_domain(domain: Any) -> Any | None:
    """moto's stored user pool domain named ``domain``, in any account and Region."""
    try:
        from moto.cognitoidp.models import cognitoidp_backends
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return None
    for by_region in list(cognitoidp_backends.values()):
        for backend in list(dict.values(by_region)):
            found = backend.user_pool_domains.get(domain)
            if found is not None:
                return found
    return None


def _described_user_pool(parsed: Any, **_: Any) -> None:
    """after-call DescribeUserPool: a custom domain is ``CustomDomain``, as in AWS."""
    pool = parsed.get("UserPool") if isinstance(parsed, dict) else None
    if not isinstance(pool, dict) or not pool.get("Domain"):
        return
    found = _moto_domain(pool["Domain"])
    if found is not None and found.custom_domain_config:
        pool["CustomDomain"] = pool.pop("Domain")


def _described_domain(parsed: Any, **_: Any) -> None:
    """after-call DescribeUserPoolDomain: the custom domain's certificate, as in AWS."""
    description = parsed.get("DomainDescription") if isinstance(parsed, dict) else None
    if not isinstance(description, dict) or not description.get("Domain"):
        return
    found = _moto_domain(description["Domain"])
    if found is not None and found.custom_domain_config:
        description["CustomDomainConfig"] = dict(found.custom_domain_config)


HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("after-call.cognito-identity-provider.DescribeUserPool", _described_user_pool),
    ("after-call.cognito-identity-provider.DescribeUserPoolDomain", _described_domain),
    ("before-parameter-build.cognito-identity.SetIdentityPoolRoles", remember_params),
    ("before-parameter-build.cognito-identity.GetIdentityPoolRoles", remember_params),
    ("before-parameter-build.cognito-identity.ListIdentityPools", remember_params),
    ("before-call.cognito-identity", _identity_call),
    ("after-call.cognito-identity.ListIdentityPools", _list_pools),
)


@contextmanager
def shared_user_pool_key() -> Iterator[None]:
    """Within the block, moto's CreateUserPool reuses one import of its constant signing
    key instead of re-importing (and re-validating) it per pool. Needs moto in-process;
    otherwise (or if moto's layout changed) the block runs unchanged."""
    try:
        from moto.cognitoidp import models
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        yield
        return
    original = getattr(models, "jwk", None)
    if original is None or not hasattr(original, "RSAKey"):  # pragma: no cover
        yield
        return
    cache: dict[str, Any] = {}

    def import_key(data: Any, *args: Any, **kwargs: Any) -> Any:
        key = data if isinstance(data, str) else json.dumps(data, sort_keys=True, default=str)
        if key not in cache:
            cache[key] = original.RSAKey.import_key(data, *args, **kwargs)
        return cache[key]

    shim: Any = SimpleNamespace(RSAKey=SimpleNamespace(import_key=import_key))
    setattr(models, "jwk", shim)  # noqa: B010 (moto does not export the name)
    try:
        yield
    finally:
        setattr(models, "jwk", original)  # noqa: B010
