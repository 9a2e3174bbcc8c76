"""Secrets Manager helpers YAML cannot say well (JMESPath has no string split).

- ``secret_replica(ReplicationStatus, region)``: the primary's replication entry for
  one Region (``{Region, KmsKeyId, Status, StatusMessage}``), or null.
- ``secret_rotation_function(RotationLambdaARN)``: the Lambda function name a rotation
  ARN names (``arn:aws:lambda:r:acct:function:NAME[:qualifier]``), for a lookup by
  ``FunctionName`` in another Region.
- ``secret_kms_ref(KmsKeyId, region)``: what a KmsKeyId names, as a kms.key ``KeyId`` or
  a kms.alias ``AliasName`` to look up in ``region``; the same function as
  ``kms_ref`` (:mod:`regionready.engine.functions.data`), under the name SM-001 uses.
"""

from __future__ import annotations

from typing import Any

from regionready.engine.functions.data import kms_ref


def secret_replica(statuses: Any, region: Any) -> dict[str, Any] | None:
    """The ``ReplicationStatus`` entry of a secret for one Region, or null."""
    for entry in statuses or []:
        if isinstance(entry, dict) and entry.get("Region") == region:
            return entry
    return None


def secret_rotation_function(arn: Any) -> str | None:
    """The Lambda function name of a rotation ARN (or a bare name), or null."""
    if not isinstance(arn, str) or not arn:
        return None
    parts = arn.split(":")
    if len(parts) >= 7 and parts[0] == "arn" and parts[5] == "function":
        return parts[6] or None
    if len(parts) == 1:
        return arn  # a bare function name
    return None


FUNCTIONS = {
    "secret_replica": (
        secret_replica,
        [{"types": ["array", "null"]}, {"types": ["string", "null"]}],
    ),
    "secret_rotation_function": (secret_rotation_function, [{"types": ["string", "null"]}]),
    "secret_kms_ref": (
        kms_ref,
        [{"types": ["string", "null"]}, {"types": ["string", "null"]}],
    ),
}
