"""Rule functions for the ACM checks: DNS names, bucket policies, EventBridge patterns.

Each function is pure (no AWS, no clock) and unit-tested in ``tests/engine/functions/test_acm.py``.

``dns_name`` / ``cname_key``
    Route 53 returns record names fully qualified (trailing dot), lower case, with
    special characters as ``\\DDD`` octal escapes; ACM's ``ResourceRecord`` names and
    values also end with a dot. Both sides are normalised the same way so a validation
    CNAME is found however it was written.

``denies_insecure_transport``
    Whether a bucket policy has the TLS-only statement: ``Deny`` to everyone on S3
    actions when ``aws:SecureTransport`` is false.

``revocation_gaps`` / ``crl_bucket_gaps``
    What a private CA's revocation set-up lacks: neither CRL nor OCSP enabled, or a CRL
    bucket without full Block Public Access, default encryption or a TLS-only policy.

``acm_expiry_rules``
    The names of the EventBridge rules that would receive the "ACM Certificate
    Approaching Expiration" event of one certificate. ACM sends it daily from 45 days
    before expiry (``DaysToExpiry`` 45 down to 0) on the default event bus, with the
    certificate ARN in ``resources`` and ``CommonName`` in ``detail``; a rule receives it
    when it is enabled, on the default bus, and its pattern matches the event on at
    least one of those days. Patterns are matched by ``regionready.engine.eventpattern``, as
    EventBridge matches them (exact values, ``prefix``, ``suffix``, ``anything-but``,
    ``equals-ignore-case``, ``wildcard``, ``numeric``, ``cidr``, ``exists``, ``$or``).
"""

from __future__ import annotations

import fnmatch
import json
import re
from functools import lru_cache
from typing import Any

from regionready.engine import eventpattern

ACM_SOURCE = "aws.acm"
EXPIRY_DETAIL_TYPE = "ACM Certificate Approaching Expiration"
EXPIRY_NOTICE_DAYS = 45
DEFAULT_BUS = "default"

_OCTAL_ESCAPE = re.compile(r"\\([0-7]{3})")


# --------------------------------------------------------------------------- DNS names


def dns_name(name: Any) -> str | None:
    """A DNS name as compared: lower case, ``\\DDD`` escapes decoded, no trailing dot."""
    if not isinstance(name, str) or not name.strip():
        return None
    text = _OCTAL_ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), name.strip())
    text = text.lower().rstrip(".")
    return text or None


def cname_key(name: Any, value: Any) -> str | None:
    """``name|value`` of a CNAME record, both normalised; null if either is missing."""
    left, right = dns_name(name), dns_name(value)
    if left is None or right is None:
        return None
    return f"{left}|{right}"


# --------------------------------------------------------------------------- bucket policy


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if isinstance(principal, dict):
        return "*" in _as_list(principal.get("AWS"))
    return False


def _s3_wide(actions: Any) -> bool:
    """The statement covers reading objects (s3:* or s3:GetObject, possibly by wildcard)."""
    return any(
        isinstance(a, str) and fnmatch.fnmatchcase("s3:getobject", a.lower())
        for a in _as_list(actions)
    )


def _insecure_transport_condition(condition: Any) -> bool:
    if not isinstance(condition, dict):
        return False
    for operator, pairs in condition.items():
        if not isinstance(pairs, dict) or not str(operator).startswith("Bool"):
            continue
        for key, value in pairs.items():
            if str(key).lower() != "aws:securetransport":
                continue
            if any(str(v).lower() == "false" for v in _as_list(value)):
                return True
    return False


def denies_insecure_transport(policy: Any) -> bool:
    """True when the policy denies everyone S3 access unless the request used TLS."""
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except json.JSONDecodeError:
            return False
    if not isinstance(policy, dict):
        return False
    for statement in _as_list(policy.get("Statement")):
        if not isinstance(statement, dict) or statement.get("Effect") != "Deny":
            continue
        if "NotPrincipal" in statement or "NotAction" in statement:
            continue
        if (
            _everyone(statement.get("Principal"))
            and _s3_wide(statement.get("Action"))
            and _insecure_transport_condition(statement.get("Condition"))
        ):
            return True
    return False


# --------------------------------------------------------------------------- private CA

BLOCK_PUBLIC_ACCESS = (
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
)


def crl_bucket_gaps(bucket: Any) -> list[str]:
    """What a CRL bucket (an ``acm.crl_bucket`` item) lacks, as short phrases."""
    if not isinstance(bucket, dict):
        return ["CRL bucket not collected"]
    if bucket.get("BucketFound") is False:
        return ["CRL bucket does not exist"]
    gaps = []
    block = bucket.get("PublicAccessBlockConfiguration")
    if not isinstance(block, dict) or not all(block.get(k) is True for k in BLOCK_PUBLIC_ACCESS):
        gaps.append("Block Public Access not fully on")
    encryption = bucket.get("ServerSideEncryptionConfiguration") or {}
    rules = encryption.get("Rules") if isinstance(encryption, dict) else None
    if not any(
        isinstance(r, dict) and r.get("ApplyServerSideEncryptionByDefault") for r in rules or []
    ):
        gaps.append("no default encryption")
    if not denies_insecure_transport(bucket.get("Policy")):
        gaps.append("no TLS-only bucket policy")
    return gaps


def revocation_gaps(revocation: Any, bucket: Any) -> list[str]:
    """What a private CA's revocation set-up lacks: no CRL and no OCSP, or CRL bucket gaps.

    ``revocation`` is the CA's RevocationConfiguration; ``bucket`` the ``acm.crl_bucket``
    item of its CRL bucket (or null).
    """
    config = revocation if isinstance(revocation, dict) else {}
    crl = config.get("CrlConfiguration") or {}
    ocsp = config.get("OcspConfiguration") or {}
    crl_on = crl.get("Enabled") is True
    if not crl_on and ocsp.get("Enabled") is not True:
        return ["no CRL and no OCSP"]
    if crl_on and crl.get("S3BucketName"):
        return crl_bucket_gaps(bucket)
    return []


# --------------------------------------------------------------------------- EventBridge


#: EventBridge's matching of an event pattern (dict) against an event (dict), shared with
#: GEN-003 (``regionready.engine.eventpattern``).
event_pattern_matches = eventpattern.matches


def expiry_event(certificate_arn: str, common_name: str | None, days: int) -> dict[str, Any]:
    """The "ACM Certificate Approaching Expiration" event of one certificate."""
    parts = certificate_arn.split(":")
    region = parts[3] if len(parts) > 5 else ""
    account = parts[4] if len(parts) > 5 else ""
    return {
        "version": "0",
        "source": ACM_SOURCE,
        "detail-type": EXPIRY_DETAIL_TYPE,
        "account": account,
        "region": region,
        "resources": [certificate_arn],
        "detail": {"DaysToExpiry": days, "CommonName": common_name or ""},
    }


def _receives_expiry(rule: Any, certificate_arn: str, common_name: str | None) -> bool:
    if not isinstance(rule, dict):
        return False
    if not str(rule.get("State") or "").startswith("ENABLED"):
        return False
    bus = rule.get("EventBusName") or DEFAULT_BUS
    if bus != DEFAULT_BUS and not str(bus).endswith(":event-bus/default"):
        return False
    text = rule.get("EventPattern")
    if not isinstance(text, str):
        return _matches_some_day(text, _mentions_days(text), certificate_arn, common_name)
    pattern, by_day, reads = _parsed_pattern(text)
    if not isinstance(pattern, dict):
        return False
    # The verdict depends on the certificate only through the event fields the pattern
    # reads: one verdict serves every certificate that agrees on those.
    event = expiry_event(certificate_arn, "", 0)
    key = (
        text,
        event["account"] if "account" in reads else None,
        event["region"] if "region" in reads else None,
        certificate_arn if "resources" in reads else None,
        (common_name or "") if "detail" in reads else None,
    )
    found = _VERDICTS.get(key)
    if found is None:
        found = _matches_some_day(pattern, by_day, certificate_arn, common_name)
        if len(_VERDICTS) >= _MAX_VERDICTS:
            _VERDICTS.clear()
        _VERDICTS[key] = found
    return found


_VERDICTS: dict[tuple[Any, ...], bool] = {}
_MAX_VERDICTS = 65_536


def _matches_some_day(
    pattern: Any, by_day: bool, certificate_arn: str, common_name: str | None
) -> bool:
    if not isinstance(pattern, dict):
        return False
    first = expiry_event(certificate_arn, common_name, EXPIRY_NOTICE_DAYS)
    if not by_day:
        # A pattern that never names DaysToExpiry matches the events of all 46 days
        # alike: one of them decides.
        return event_pattern_matches(pattern, first)
    # A pattern is a conjunction of its fields. When the first day's event fails one
    # that does not name DaysToExpiry, every day's event fails it.
    for key, expected in pattern.items():
        field = {key: expected}
        if not event_pattern_matches(field, first):
            if not _mentions_days(field):
                return False
            break
    else:
        return True
    return any(
        event_pattern_matches(pattern, expiry_event(certificate_arn, common_name, day))
        for day in range(EXPIRY_NOTICE_DAYS - 1, -1, -1)
    )


def _event_keys(pattern: Any) -> frozenset[str]:
    """The event fields ``event_pattern_matches`` reads for a pattern: its keys, and
    those of the patterns of its ``$or`` (which match the same event)."""
    keys: set[str] = set()
    stack = [pattern]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        for key, value in node.items():
            if key == "$or":
                stack.extend(_as_list(value))
            else:
                keys.add(str(key))
    return frozenset(keys)


def _mentions_days(pattern: Any) -> bool:
    """Whether ``DaysToExpiry`` appears anywhere in a pattern (as a key or in a value).

    Only then can the day change whether the pattern matches: the event's days are in
    ``detail.DaysToExpiry``, which a pattern reaches only by naming it (a matcher on the
    whole ``detail`` object can only be equal to it by naming it too).
    """
    stack = [pattern]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if "DaysToExpiry" in node:
                return True
        elif isinstance(node, dict):
            for key, value in node.items():
                if "DaysToExpiry" in str(key):
                    return True
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    return False


@lru_cache(maxsize=1024)
def _parsed_pattern(text: str) -> tuple[Any, bool, frozenset[str]]:
    """An EventPattern's JSON text parsed once (rules are shared by every certificate),
    whether it names DaysToExpiry and the event fields it reads. The parsed pattern is
    only read, never changed."""
    try:
        pattern = json.loads(text)
    except json.JSONDecodeError:
        return None, False, frozenset()
    return pattern, _mentions_days(pattern), _event_keys(pattern)


def acm_expiry_rules(rules: Any, certificate_arn: Any, common_name: Any = None) -> list[str]:
    """Names of the rules that receive this certificate's approaching-expiration event."""
    if not isinstance(certificate_arn, str):
        return []
    name = common_name if isinstance(common_name, str) else None
    return sorted(
        str(rule.get("Name"))
        for rule in _as_list(rules)
        if _receives_expiry(rule, certificate_arn, name)
    )


FUNCTIONS = {
    "dns_name": (dns_name, [{"types": ["string", "null"]}]),
    "cname_key": (cname_key, [{"types": ["string", "null"]}, {"types": ["string", "null"]}]),
    "denies_insecure_transport": (
        denies_insecure_transport,
        [{"types": ["string", "object", "null"]}],
    ),
    "revocation_gaps": (
        revocation_gaps,
        [{"types": ["object", "null"]}, {"types": ["object", "null"]}],
    ),
    "acm_expiry_rules": (
        acm_expiry_rules,
        [
            {"types": ["array", "null"]},
            {"types": ["string", "null"]},
            {"types": ["string", "null"]},
        ],
    ),
}
