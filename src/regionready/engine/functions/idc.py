"""Rule functions for the IAM Identity Center checks (IDC-001 .. IDC-008).

Each function is pure (no AWS, no clock) and unit-tested in ``tests/engine/functions/test_idc.py``.

Replication prerequisites (seed 000 "AWS IAM Identity Center", seed 002 "Prerequisites
and considerations"): an *organization* instance, an *external IdP* as identity source,
and a primary and an additional Region that are both *commercial Regions enabled by
default* (opt-in Regions are not supported).

``idc_replication_blockers``
    Why multi-Region replication is not available for an instance and a target, as
    sentences (empty when it is available). Unknown facts (an opt-in status the snapshot
    does not hold, an identity source no API reveals) are never blockers.
``idc_opt_in_blockers`` / ``idc_instance_blockers``
    The opt-in (IDC-004) and instance type / identity source (IDC-005) parts of it.
``idc_key_problem``
    Why the instance's key cannot serve the target (IDC-003): not a customer managed
    key, not multi-Region, no replica in the target, replica not enabled.
``idc_key_policy_gaps``
    What the replica key policy in the target lacks (IDC-007): statements letting the
    Identity Center (``sso.amazonaws.com``) and Identity Store
    (``identitystore.amazonaws.com``) service principals use the key, a key
    administrators statement (lock-out risk, seed 004), and, compared with the primary's
    policy, every Identity Center or key administrator statement of the primary. Statement
    order, whitespace, ``Sid``, string-versus-one-element-list, action case, a bare
    account id for its root ARN and Region tokens in ARNs and endpoints are not
    differences; a missing statement or a changed action, principal or condition is.
``idc_emergency_roles``
    The IAM roles of an account that federated users can assume through a SAML provider
    of that account (the emergency access path of seed 000 when replication is not
    available).
"""

from __future__ import annotations

import fnmatch
import json
import re
from typing import Any
from urllib.parse import unquote

SERVICE_PRINCIPALS: tuple[str, ...] = ("sso.amazonaws.com", "identitystore.amazonaws.com")
#: What each Identity Center service principal must be allowed to do with the key.
SERVICE_ACTIONS: tuple[str, ...] = (
    "kms:Decrypt",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:DescribeKey",
)
#: A key administrator can change the key policy: without one, nobody can repair it.
ADMIN_ACTION = "kms:PutKeyPolicy"
SAML_ACTION = "sts:AssumeRoleWithSAML"
EXTERNAL_IDP = "EXTERNAL_IDP"
ENABLED_BY_DEFAULT = "ENABLED_BY_DEFAULT"
ORGANIZATION_KEY_TYPE = "CUSTOMER_MANAGED_KEY"

_NON_COMMERCIAL = re.compile(r"^(cn|us-gov|us-iso[a-z]?|eu-iso[a-z]?)-")
_ACCOUNT_RE = re.compile(r"^\d{12}$")
_IDC_MENTION = re.compile(r"(?<![a-z0-9])(sso|identitystore)(?![a-z0-9])", re.IGNORECASE)
_REGION_TOKEN = "${region}"


# --------------------------------------------------------------------------- small helpers


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def idc_key_id(arn: Any) -> str | None:
    """The key id of a KMS key ARN (``arn:aws:kms:r:a:key/<id>``), or the id itself."""
    if not isinstance(arn, str) or not arn:
        return None
    return arn.rsplit(":key/", 1)[1] if ":key/" in arn else arn


def idc_arn_account(arn: Any) -> str | None:
    """The account field of an ARN, or null."""
    if not isinstance(arn, str):
        return None
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[0] == "arn" and parts[4] else None


def idc_commercial_region(region: Any) -> bool:
    """Whether a Region is in the commercial ``aws`` partition (not China, GovCloud, ISO)."""
    return isinstance(region, str) and bool(region) and not _NON_COMMERCIAL.match(region)


def idc_region_status(regions: Any, region: Any) -> str | None:
    """The Status of ``region`` among an instance's ListRegions entries, or null."""
    for entry in _as_list(regions):
        if isinstance(entry, dict) and entry.get("RegionName") == region:
            status = entry.get("Status")
            return str(status) if status is not None else None
    return None


def _load(document: Any) -> dict[str, Any] | None:
    """A policy document from a dict, a JSON string or a URL-encoded JSON string."""
    if isinstance(document, dict):
        return document
    if not isinstance(document, str) or not document.strip():
        return None
    for text in (document, unquote(document)):
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError:
            continue
        return loaded if isinstance(loaded, dict) else None
    return None


def _statements(document: Any) -> list[dict[str, Any]]:
    policy = _load(document)
    if policy is None:
        return []
    return [s for s in _as_list(policy.get("Statement")) if isinstance(s, dict)]


def _covers(statement: dict[str, Any], action: str) -> bool:
    """Whether an Allow statement's Action (or NotAction) grants ``action``."""
    wanted = action.lower()
    if "Action" in statement:
        return any(
            isinstance(p, str) and fnmatch.fnmatchcase(wanted, p.lower())
            for p in _as_list(statement["Action"])
        )
    if "NotAction" in statement:
        return not any(
            isinstance(p, str) and fnmatch.fnmatchcase(wanted, p.lower())
            for p in _as_list(statement["NotAction"])
        )
    return False


def _principals(statement: dict[str, Any], kind: str) -> list[str]:
    principal = statement.get("Principal")
    if not isinstance(principal, dict):
        return []
    return [str(p) for p in _as_list(principal.get(kind))]


def _allows(statement: dict[str, Any]) -> bool:
    return statement.get("Effect") == "Allow"


# --------------------------------------------------------------------------- replication


def idc_opt_in_blockers(
    primary_region: Any, primary_status: Any, target_region: Any, target_status: Any
) -> list[str]:
    """IDC-004: the primary or target Region is an opt-in Region (status known only)."""
    found = []
    for label, region, status in (
        ("primary", primary_region, primary_status),
        ("target", target_region, target_status),
    ):
        if status and status != ENABLED_BY_DEFAULT:
            found.append(f"the {label} Region {region} is an opt-in Region ({status})")
    if len(found) == 2 and primary_region == target_region:
        return found[:1]
    return found


def idc_instance_blockers(instance: Any) -> list[str]:
    """IDC-005: an account instance, or an identity source known not to be an external IdP.

    ``PermissionSetsEnabled`` is the DescribeInstance field that tells an organization
    instance (true) from an account instance (false: account instances have no permission
    sets). No API reveals the identity source; ``IdentitySource`` is honoured when a
    snapshot carries it and is otherwise unknown (never a blocker).
    """
    if not isinstance(instance, dict):
        return []
    found = []
    if instance.get("PermissionSetsEnabled") is False:
        found.append("it is an account instance (account instances cannot replicate)")
    source = instance.get("IdentitySource")
    if source and source != EXTERNAL_IDP:
        found.append(f"its identity source is {source}, not an external IdP")
    return found


def idc_replication_blockers(
    instance: Any, primary_status: Any, target_region: Any, target_status: Any
) -> list[str]:
    """Every reason multi-Region replication of ``instance`` to ``target_region`` is
    unavailable; empty when it is possible (as far as the snapshot tells)."""
    if not isinstance(instance, dict):
        return []
    primary = instance.get("PrimaryRegion")
    found = idc_instance_blockers(instance)
    for label, region in (("primary", primary), ("target", target_region)):
        if region and not idc_commercial_region(region):
            found.append(f"the {label} Region {region} is not a commercial Region")
    found += idc_opt_in_blockers(primary, primary_status, target_region, target_status)
    return found


# --------------------------------------------------------------------------- the KMS key


def idc_key_problem(encryption: Any, replica: Any, target_region: Any) -> str | None:
    """IDC-003: why the instance's key does not serve ``target_region``, or null.

    ``encryption`` is DescribeInstance's EncryptionConfigurationDetails; ``replica`` the
    kms.key item of the target with the same key id (multi-Region keys share it), or null.
    """
    details = encryption if isinstance(encryption, dict) else {}
    key_type = details.get("KeyType")
    arn = details.get("KmsKeyArn")
    if key_type != ORGANIZATION_KEY_TYPE or not arn:
        kind = key_type or "an unknown key type"
        return f"the instance is encrypted with {kind}, not a customer managed multi-Region key"
    key_id = idc_key_id(arn) or ""
    if not isinstance(replica, dict):
        if not key_id.startswith("mrk-"):
            return f"its key {arn} is a single-Region key: it cannot have a replica"
        return f"its multi-Region key {arn} has no replica in {target_region}"
    if replica.get("MultiRegion") is False:
        return f"its key {arn} is a single-Region key: it cannot have a replica"
    state = replica.get("KeyState")
    if state and state != "Enabled":
        return f"the replica of {arn} in {target_region} is {state}"
    return None


def _region_free(value: Any, region: str | None) -> Any:
    if isinstance(value, str) and region:
        if value == region:
            return _REGION_TOKEN
        value = value.replace(f":{region}:", f":{_REGION_TOKEN}:")
        return value.replace(f".{region}.", f".{_REGION_TOKEN}.")
    return value


def _values(value: Any, region: str | None, *, lower: bool = False) -> list[str]:
    out = set()
    for item in _as_list(value):
        text = _region_free(item if isinstance(item, str) else json.dumps(item), region)
        out.add(text.lower() if lower else text)
    return sorted(out)


def _principal_key(principal: Any, region: str | None) -> Any:
    if not isinstance(principal, dict):
        return _region_free(principal, region)
    out = {}
    for kind, value in principal.items():
        names = []
        for name in _as_list(value):
            text = str(name)
            if kind == "AWS" and _ACCOUNT_RE.match(text):
                # KMS stores a bare account id as the account's root ARN.
                text = f"arn:aws:iam::{text}:root"
            names.append(text)
        out[kind] = _values(names, region)
    return out


def canonical_statement(statement: dict[str, Any], region: str | None) -> str:
    """One policy statement as comparable text: no Sid, sorted lists, Region tokens."""
    canonical: dict[str, Any] = {"Effect": statement.get("Effect")}
    for key in ("Action", "NotAction"):
        if key in statement:
            canonical[key] = _values(statement[key], region, lower=True)
    for key in ("Resource", "NotResource"):
        if key in statement:
            canonical[key] = _values(statement[key], region)
    for key in ("Principal", "NotPrincipal"):
        if key in statement:
            canonical[key] = _principal_key(statement[key], region)
    condition = statement.get("Condition")
    if isinstance(condition, dict):
        canonical["Condition"] = {
            operator: {
                str(name).lower(): _values(value, region)
                for name, value in (block.items() if isinstance(block, dict) else [])
            }
            for operator, block in condition.items()
        }
    return json.dumps(canonical, sort_keys=True, separators=(",", ":"))


def _is_admin(statement: dict[str, Any]) -> bool:
    aws = [p for p in _principals(statement, "AWS") if p != "*"]
    return _allows(statement) and bool(aws) and _covers(statement, ADMIN_ACTION)


def _concerns_identity_center(statement: dict[str, Any]) -> bool:
    services = {p.lower() for p in _principals(statement, "Service")}
    if services & set(SERVICE_PRINCIPALS):
        return True
    parts = [statement.get("Principal"), statement.get("Condition")]
    return bool(_IDC_MENTION.search(json.dumps(parts)))


def _label(statement: dict[str, Any]) -> str:
    sid = statement.get("Sid")
    if sid:
        return f"statement {sid!r}"
    return f"statement {canonical_statement(statement, None)}"


def idc_key_policy_gaps(
    replica_policy: Any, primary_policy: Any, primary_region: Any, replica_region: Any
) -> list[str]:
    """IDC-007: what the replica key policy lacks for Identity Center, as sentences.

    Absolute requirements first (each service principal may use the key; a key
    administrators statement exists), then every Identity Center or key administrator
    statement of the primary's policy that the replica does not carry unchanged.
    """
    if _load(replica_policy) is None:
        return ["the replica key policy is missing or not valid JSON"]
    replica = _statements(replica_policy)
    gaps = []
    for service in SERVICE_PRINCIPALS:
        granted = [
            s
            for s in replica
            if _allows(s) and service in {p.lower() for p in _principals(s, "Service")}
        ]
        missing = [a for a in SERVICE_ACTIONS if not any(_covers(s, a) for s in granted)]
        if missing:
            gaps.append(f"no statement lets {service} use the key ({', '.join(missing)})")
    if not any(_is_admin(s) for s in replica):
        gaps.append(
            f"no key administrators statement (no IAM principal may {ADMIN_ACTION}): lock-out risk"
        )
    primary = _statements(primary_policy)
    p_region = primary_region if isinstance(primary_region, str) else None
    r_region = replica_region if isinstance(replica_region, str) else None
    have = {canonical_statement(s, r_region) for s in replica}
    replica_sids = {s.get("Sid") for s in replica if s.get("Sid")}
    for statement in primary:
        if not (_concerns_identity_center(statement) or _is_admin(statement)):
            continue
        if canonical_statement(statement, p_region) in have:
            continue
        sid = statement.get("Sid")
        how = "changed" if sid and sid in replica_sids else "missing"
        gaps.append(f"{_label(statement)} of the primary's policy is {how} in the replica")
    return gaps


# --------------------------------------------------------------------------- emergency access


def _trusts(statement: dict[str, Any], providers: set[str]) -> bool:
    if not _allows(statement) or not _covers(statement, SAML_ACTION):
        return False
    return any(p in providers for p in _principals(statement, "Federated"))


def idc_emergency_roles(roles: Any, providers: Any, account: Any) -> list[str]:
    """ARNs of ``account``'s roles whose trust policy lets federated users of one of
    ``account``'s SAML providers in (Allow ``sts:AssumeRoleWithSAML``)."""
    if not isinstance(account, str) or not account:
        return []
    arns = {
        str(p["Arn"])
        for p in _as_list(providers)
        if isinstance(p, dict) and idc_arn_account(p.get("Arn")) == account
    }
    if not arns:
        return []
    found = set()
    for role in _as_list(roles):
        if not isinstance(role, dict) or idc_arn_account(role.get("Arn")) != account:
            continue
        trust = role.get("AssumeRolePolicyDocument")
        if any(_trusts(s, arns) for s in _statements(trust)):
            found.add(str(role["Arn"]))
    return sorted(found)


_STR = {"types": ["string", "null"]}
_ANY = {"types": ["string", "number", "boolean", "array", "object", "null"]}

FUNCTIONS = {
    "idc_key_id": (idc_key_id, [_STR]),
    "idc_arn_account": (idc_arn_account, [_STR]),
    "idc_commercial_region": (idc_commercial_region, [_STR]),
    "idc_region_status": (idc_region_status, [{"types": ["array", "null"]}, _STR]),
    "idc_opt_in_blockers": (idc_opt_in_blockers, [_STR, _STR, _STR, _STR]),
    "idc_instance_blockers": (idc_instance_blockers, [{"types": ["object", "null"]}]),
    "idc_replication_blockers": (
        idc_replication_blockers,
        [{"types": ["object", "null"]}, _STR, _STR, _STR],
    ),
    "idc_key_problem": (
        idc_key_problem,
        [{"types": ["object", "null"]}, {"types": ["object", "null"]}, _STR],
    ),
    "idc_key_policy_gaps": (idc_key_policy_gaps, [_ANY, _ANY, _STR, _STR]),
    "idc_emergency_roles": (
        idc_emergency_roles,
        [{"types": ["array", "null"]}, {"types": ["array", "null"]}, _STR],
    ),
}
