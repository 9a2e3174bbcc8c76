"""Secrets Manager (and Lambda's ListFunctions): answer as AWS does where moto 5.2 differs.

Secrets Manager
  * CreateSecret/ReplicateSecretToRegions ignore the ``KmsKeyId`` of each replica
    Region: moto reports ``alias/aws/secretsmanager`` in the primary's
    ``ReplicationStatus`` and the *primary's* key (an ARN in the source Region) as the
    replica's own ``KmsKeyId``. AWS encrypts the replica with the key named for its
    Region (absent: the AWS managed key, and then the replica has no ``KmsKeyId``).
    The hooks remember what was asked for, per primary ARN, and answer
    CreateSecret/ReplicateSecretToRegions/DescribeSecret/ListSecrets with it.
  * A primary with replicas: AWS reports ``PrimaryRegion`` (its own Region) in
    DescribeSecret and ListSecrets; moto omits it. Added.
  * ReplicateSecretToRegions and RemoveRegionsFromReplication answer ``ARN`` with the
    SecretId as given (often the name); AWS answers the secret's ARN. Corrected.
  * A replica that failed because the name exists in the target says
    ``Secret name simple already exists`` (moto's literal); the real name is put in.
  * RotateSecret: moto invokes the rotation function synchronously, through Docker (it
    logs errors, or pulls an image and runs it when a Docker daemon is there), forgets
    ``RotationRules.ScheduleExpression``/``Duration`` and leaves ``RotationEnabled``
    false unless ``AutomaticallyAfterDays`` was given. AWS checks the function, turns
    rotation on, keeps the rules as given and starts the rotation asynchronously: its
    answer never depends on the function's run. The hook answers RotateSecret itself
    (moto in-process only): the secret's moto record gets rotation on with the
    function ARN; the rules given are remembered and reported by DescribeSecret and
    ListSecrets. Unknown secrets, replicas and missing functions are left to moto (its
    errors match AWS's codes).

Lambda
  * ListFunctions ignores ``MaxItems``/``Marker``: the hook pages the answer.

Not corrected: ListSecrets has no ``ReplicationStatus`` (AWS neither: the collector reads
it with DescribeSecret); DescribeSecret of a replica repeats its primary's
``ReplicationStatus`` and rotation settings.

State lives in small stores keyed by (account, Region) then by the primary's ARN, which
ends in a random suffix, so entries from an earlier mock never match later secrets.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from botocore.awsrequest import AWSResponse

from regionready.demo.moto_gaps._common import (
    Handler,
    is_error_answer,
    page_answer,
    remember_params,
    remembered_params,
)

DEFAULT_KEY = "alias/aws/secretsmanager"

Scope = tuple[str, str]  # (account, Region)

# (account, primary Region) -> primary ARN -> replica Region -> KmsKeyId asked for.
_replica_keys: dict[Scope, dict[str, dict[str, str]]] = {}
# (account, Region) -> secret ARN -> RotationRules as given to RotateSecret.
_rotation_rules: dict[Scope, dict[str, dict[str, Any]]] = {}
_lock = threading.Lock()


def _arn_parts(arn: Any) -> list[str] | None:
    parts = str(arn or "").split(":", 6)
    return parts if len(parts) == 7 and parts[0] == "arn" else None


def _scope(arn: Any) -> Scope | None:
    parts = _arn_parts(arn)
    return (parts[4], parts[3]) if parts else None


def _in_region(arn: str, region: str) -> str:
    parts = _arn_parts(arn)
    if not parts:
        return arn
    parts[3] = region
    return ":".join(parts)


def _requested_keys(request: dict[str, Any]) -> dict[str, str]:
    return {
        str(r["Region"]): str(r.get("KmsKeyId") or DEFAULT_KEY)
        for r in request.get("AddReplicaRegions") or []
        if isinstance(r, dict) and r.get("Region")
    }


def replica_keys(primary_arn: str) -> dict[str, str]:
    """Replica Region -> KmsKeyId asked for (``DEFAULT_KEY`` when none was), for a
    primary secret ARN."""
    scope = _scope(primary_arn)
    with _lock:
        return dict(_replica_keys.get(scope, {}).get(primary_arn, {})) if scope else {}


def _secret_name(arn: str) -> str:
    """The name in a secret ARN (``...:secret:<name>-<6 random characters>``)."""
    parts = _arn_parts(arn)
    resource = parts[6] if parts else ""
    return resource[: -len("-XXXXXX")] if len(resource) > len("-XXXXXX") else ""


def _fix_statuses(secret: dict[str, Any], primary_arn: str) -> None:
    statuses = secret.get("ReplicationStatus")
    if not isinstance(statuses, list):
        return
    keys = replica_keys(primary_arn)
    name = str(secret.get("Name") or _secret_name(primary_arn))
    for status in statuses:
        if not isinstance(status, dict):
            continue
        status["KmsKeyId"] = keys.get(str(status.get("Region")), DEFAULT_KEY)
        message = status.get("StatusMessage")
        if name and isinstance(message, str) and "Secret name simple already" in message:
            status["StatusMessage"] = message.replace("name simple", f"name {name}")


def _fix_secret(secret: Any, region: str | None) -> None:
    """One DescribeSecret answer or ListSecrets entry, as AWS would give it."""
    if not isinstance(secret, dict) or not secret.get("ARN"):
        return
    arn = str(secret["ARN"])
    own = _scope(arn)
    own_region = own[1] if own else region
    primary_region = secret.get("PrimaryRegion")
    if primary_region and primary_region != own_region:  # a replica
        primary_arn = _in_region(arn, str(primary_region))
        key = replica_keys(primary_arn).get(str(own_region), DEFAULT_KEY)
        if key != DEFAULT_KEY:
            secret["KmsKeyId"] = key
        else:
            secret.pop("KmsKeyId", None)
        _fix_statuses(secret, primary_arn)
        return
    if secret.get("ReplicationStatus") or replica_keys(arn):
        secret.setdefault("PrimaryRegion", own_region)
    _fix_statuses(secret, arn)
    with _lock:
        rules = _rotation_rules.get(own, {}).get(arn) if own else None
    if rules is not None:
        secret["RotationRules"] = dict(rules)
        secret["RotationEnabled"] = True


def _remember_replicas(arn: str, request: dict[str, Any], *, reset: bool) -> None:
    scope = _scope(arn)
    if scope is None:
        return
    with _lock:
        by_arn = _replica_keys.setdefault(scope, {})
        if reset:
            by_arn[arn] = {}
            _rotation_rules.get(scope, {}).pop(arn, None)
        keys = by_arn.setdefault(arn, {})
        for region in request.get("RemoveReplicaRegions") or []:
            keys.pop(str(region), None)
        keys.update(_requested_keys(request))


def _sm_create(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call CreateSecret: remember the replica keys asked for; answer with them."""
    if is_error_answer(parsed) or not parsed.get("ARN"):
        return
    arn = str(parsed["ARN"])
    _remember_replicas(arn, remembered_params(context), reset=True)
    _fix_statuses(parsed, arn)


def _sm_replicate(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call ReplicateSecretToRegions / RemoveRegionsFromReplication: the secret's
    ARN (moto echoes the SecretId given), and the replica keys asked for."""
    if is_error_answer(parsed) or not parsed.get("ARN"):
        return
    if _arn_parts(parsed["ARN"]) is None:
        region = str((context or {}).get("client_region") or "")
        found = _moto_secret(region, str(parsed["ARN"]))
        if found is None:
            return
        parsed["ARN"] = found[1].arn
    arn = str(parsed["ARN"])
    _remember_replicas(arn, remembered_params(context), reset=False)
    _fix_statuses(parsed, arn)


def _sm_describe(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call DescribeSecret: replica keys, PrimaryRegion, rotation rules."""
    if not is_error_answer(parsed):
        _fix_secret(parsed, (context or {}).get("client_region"))


def _sm_list(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call ListSecrets: the same corrections for every entry."""
    if is_error_answer(parsed):
        return
    region = (context or {}).get("client_region")
    for entry in parsed.get("SecretList") or []:
        _fix_secret(entry, region)


def _answer(parsed: dict[str, Any]) -> tuple[AWSResponse, dict[str, Any]]:
    parsed.setdefault("ResponseMetadata", {"RequestId": str(uuid.uuid4()), "HTTPStatusCode": 200})
    return AWSResponse("https://moto-gaps.invalid/", 200, {}, None), parsed


def _moto_secret(region: str, secret_id: str) -> tuple[str, Any] | None:
    """(account, moto FakeSecret) for a secret name or ARN, or None (not in-process,
    unknown secret, or a replica: moto answers those with AWS's error)."""
    try:
        from moto.secretsmanager.models import FakeSecret, secretsmanager_backends
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return None
    for account, by_region in list(secretsmanager_backends.items()):
        backend = dict.get(by_region, region)  # plain get: never create a backend
        if backend is None or secret_id not in backend.secrets:
            continue
        secret = backend.secrets[secret_id]
        return (str(account), secret) if isinstance(secret, FakeSecret) else None
    return None


def _function_exists(account: str, region: str, arn: str) -> bool:
    try:
        from moto.awslambda.utils import get_backend
    except ImportError:  # pragma: no cover
        return False
    try:
        get_backend(account, region).get_function(arn)
    except Exception:  # moto raises its own not-found errors
        return False
    return True


def _days(rules: dict[str, Any]) -> int:
    """Rotation interval in days for moto's record: AutomaticallyAfterDays, else the
    N of a ``rate(N days)`` schedule, else 1 (cron schedules)."""
    days = rules.get("AutomaticallyAfterDays")
    if isinstance(days, int) and days > 0:
        return days
    text = str(rules.get("ScheduleExpression") or "")
    if text.startswith("rate(") and text.endswith(")"):
        number, _, unit = text[len("rate(") : -1].partition(" ")
        if number.isdigit() and unit.startswith("day"):
            return int(number)
    return 1


def _sm_rotate(context: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
    """before-call RotateSecret: turn rotation on without running the function."""
    request = remembered_params(context)
    region = (context or {}).get("client_region")
    function = request.get("RotationLambdaARN")
    if not region or not request.get("SecretId"):
        return None
    found = _moto_secret(str(region), str(request["SecretId"]))
    if found is None:
        return None
    account, secret = found
    function = function or secret.rotation_lambda_arn
    if not function or not _function_exists(account, str(region), str(function)):
        return None
    rules = dict(request.get("RotationRules") or {})
    if not rules:
        with _lock:
            rules = dict(_rotation_rules.get((account, str(region)), {}).get(secret.arn, {}))
    secret.rotation_requested = True
    secret.rotation_enabled = True
    secret.rotation_lambda_arn = str(function)
    secret.auto_rotate_after_days = _days(rules)
    if rules:
        with _lock:
            _rotation_rules.setdefault((account, str(region)), {})[secret.arn] = rules
    return _answer({"ARN": secret.arn, "Name": secret.name})


def _sm_call(
    model: Any, context: dict[str, Any], **kwargs: Any
) -> tuple[AWSResponse, dict[str, Any]] | None:
    """before-call secrets-manager: RotateSecret only. Registered for the whole service
    so that a test's operation-specific hook (e.g. AccessDenied) runs first."""
    if getattr(model, "name", "") == "RotateSecret":
        return _sm_rotate(context=context, **kwargs)
    return None


def _lambda_list(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call ListFunctions: paging."""
    if not is_error_answer(parsed):
        page_answer(
            parsed,
            remembered_params(context),
            items="Functions",
            limit="MaxItems",
            token_in="Marker",
            token_out="NextMarker",
        )


HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("before-parameter-build.secrets-manager.CreateSecret", remember_params),
    ("before-parameter-build.secrets-manager.ReplicateSecretToRegions", remember_params),
    ("before-parameter-build.secrets-manager.RemoveRegionsFromReplication", remember_params),
    ("before-parameter-build.secrets-manager.RotateSecret", remember_params),
    ("before-call.secrets-manager", _sm_call),
    ("after-call.secrets-manager.CreateSecret", _sm_create),
    ("after-call.secrets-manager.ReplicateSecretToRegions", _sm_replicate),
    ("after-call.secrets-manager.RemoveRegionsFromReplication", _sm_replicate),
    ("after-call.secrets-manager.DescribeSecret", _sm_describe),
    ("after-call.secrets-manager.ListSecrets", _sm_list),
    ("before-parameter-build.lambda.ListFunctions", remember_params),
    ("after-call.lambda.ListFunctions", _lambda_list),
)
