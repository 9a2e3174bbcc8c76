"""CloudWatch Logs: the KMS key calls moto 5.2 lacks, answered as AWS does.

* AssociateKmsKey and DisassociateKmsKey: moto raises ``NotImplementedError`` (a Python
  exception, not an AWS error). AWS sets (or removes) the KMS key of a log group, which
  DescribeLogGroups then reports as ``kmsKeyId`` (absent once disassociated), and
  answers an empty body. A ``before-call`` hook answers both for a log group named by
  ``logGroupName`` or by its ARN as ``resourceIdentifier`` (with or without the
  trailing ``:*``), setting the key on moto's own log group so that moto's
  DescribeLogGroups reports it. Errors as AWS gives them: an unknown log group is
  ResourceNotFoundException, both or neither of ``logGroupName`` and
  ``resourceIdentifier`` is InvalidParameterException (both 400).

moto's CreateLogGroup keeps ``kmsKeyId`` and DescribeLogGroups reports it (and pages with
``limit``/``nextToken``): nothing to correct there.

Not corrected: ``resourceIdentifier`` naming a Logs Insights query result (left to moto,
which raises NotImplementedError); AWS's checks that the key exists, is a key ARN and
allows CloudWatch Logs to use it (moto accepts any string, as its CreateLogGroup does);
``logGroupClass`` and the other fields AWS's DescribeLogGroups adds and moto omits.

The hooks reach into moto's in-process backends (``moto.mock_aws``, as the tests and the
demo run it); outside ``mock_aws`` (a moto server, or AWS) they answer nothing and the
call goes on as usual.
"""

from __future__ import annotations

from typing import Any

from regionready.demo.moto_gaps._common import Handler, remember_params, remembered_params
from regionready.demo.moto_gaps.accessanalyzer import Reply, error, moto_account, reply

NOT_FOUND = "The specified log group does not exist."


def _moto_groups(request_signer: Any, context: dict[str, Any]) -> dict[str, Any] | None:
    """moto's log groups (by name) of the caller's account and Region; None when moto is
    not answering in this process (``mock_aws`` off: a moto server, or AWS itself)."""
    try:
        from moto.core.models import botocore_stubber
        from moto.logs.models import logs_backends
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return None
    if not botocore_stubber.enabled:
        return None
    region = str((context or {}).get("client_region") or "us-east-1")
    groups: dict[str, Any] = logs_backends[moto_account(request_signer)][region].groups
    return groups


def _group_name(request: dict[str, Any]) -> tuple[str | None, Reply | None]:
    """(log group name, None), or (None, the error answer), or (None, None) when the
    request names something these hooks do not answer for."""
    name = request.get("logGroupName")
    identifier = request.get("resourceIdentifier")
    if (name is None) == (identifier is None):
        return None, error(
            400,
            "InvalidParameterException",
            "Exactly one of logGroupName or resourceIdentifier must be specified.",
        )
    if name is not None:
        return str(name), None
    arn = str(identifier)
    marker = ":log-group:"
    if marker not in arn:
        return None, None  # a query result, not a log group
    found = arn.split(marker, 1)[1]
    return (found[:-2] if found.endswith(":*") else found), None


def _set_key(request_signer: Any, context: dict[str, Any], key: str | None) -> Reply | None:
    groups = _moto_groups(request_signer, context)
    if groups is None:
        return None
    name, failed = _group_name(remembered_params(context))
    if failed is not None or name is None:
        return failed
    group = groups.get(name)
    if group is None:
        return error(400, "ResourceNotFoundException", NOT_FOUND)
    group.kms_key_id = key
    return reply({})


def _associate(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply | None:
    """before-call AssociateKmsKey: the group's kmsKeyId becomes the key given."""
    key = remembered_params(context).get("kmsKeyId")
    return _set_key(request_signer, context, str(key) if key is not None else None)


def _disassociate(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply | None:
    """before-call DisassociateKmsKey: the group has no kmsKeyId any more."""
    return _set_key(request_signer, context, None)


HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("before-parameter-build.cloudwatch-logs.AssociateKmsKey", remember_params),
    ("before-parameter-build.cloudwatch-logs.DisassociateKmsKey", remember_params),
    ("before-call.cloudwatch-logs.AssociateKmsKey", _associate),
    ("before-call.cloudwatch-logs.DisassociateKmsKey", _disassociate),
)
