"""Secrets Manager helpers YAML cannot say well (JMESPath has no string split).

- ``secret_replica(ReplicationStatus, region)``: the primary's replication entry for
  one Region (``{Region, KmsKeyId, Status, StatusMessage}``), or null.
- ``secret_rotation_function(RotationLambdaARN)``: the Lambda function name a rotation
  ARN names (``arn:aws:lambda:r:acct:function:NAME[:qualifier]``), for a lookup by
  ``FunctionName`` in another Region.
- ``secret_kms_ref(KmsKeyId, region)``: what a KmsKeyId names, as a kms.key ``KeyId`` or
  a kms.alias ``AliasName`` to look up in ``region``: key ARN -> key id, alias ARN ->
  alias name, bare key ids and alias names unchanged; null when the reference is an
  ARN in another Region (that key is not in ``region``) or is empty.
"""

from __future__ import annotations

from typing import Any


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


def secret_kms_ref(ref: Any, region: Any) -> str | None:
    """A secret's ``KmsKeyId`` as the key id or alias name to look up in ``region``;
    null when it is empty or an ARN of another Region."""
    if not isinstance(ref, str) or not ref:
        return None
    if not ref.startswith("arn:"):
        return ref
    parts = ref.split(":", 5)
    if len(parts) < 6 or parts[3] != region:
        return None
    resource = parts[5]
    if resource.startswith("key/"):
        return resource[len("key/") :] or None
    if resource.startswith("alias/"):
        return resource
    return None


FUNCTIONS = {
    "secret_replica": (
        secret_replica,
        [{"types": ["array", "null"]}, {"types": ["string", "null"]}],
    ),
    "secret_rotation_function": (secret_rotation_function, [{"types": ["string", "null"]}]),
    "secret_kms_ref": (
        secret_kms_ref,
        [{"types": ["string", "null"]}, {"types": ["string", "null"]}],
    ),
}
