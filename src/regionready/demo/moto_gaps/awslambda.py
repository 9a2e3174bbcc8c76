"""AWS Lambda: the KMS key of a function's environment, kept as AWS keeps it.

``KMSKeyArn`` is the customer managed key that encrypts a function's environment
variables; without one (or with ``""``, which means "the Lambda service key") AWS's
CreateFunction, UpdateFunctionConfiguration, GetFunctionConfiguration and ListFunctions
answers have no ``KMSKeyArn``. moto 5.2 differs twice:

* UpdateFunctionConfiguration ignores ``KMSKeyArn``: the function keeps its old key (or
  none) and the answer says so. AWS sets the key given, or goes back to the service key
  for ``""``.
* CreateFunction with ``KMSKeyArn: ""`` keeps ``""`` and reports ``KMSKeyArn: ""``
  everywhere; AWS reports none.

The ``after-call`` hooks of both calls set (``None`` for ``""``) the key on moto's stored
function (its ``$LATEST``) and correct that answer; moto's later answers, ListFunctions
included, then report it as AWS does. A ``KMSKeyArn`` given at creation is kept and
reported by moto already.

(ListFunctions paging is corrected in the ``secretsmanager`` module, next to the rotation
functions it was needed for.)

The hooks repair moto's in-process state (``moto.mock_aws``, as the tests and the demo
run it); outside ``mock_aws`` they do nothing.
"""

from __future__ import annotations

from typing import Any

from regionready.demo.moto_gaps._common import (
    Handler,
    is_error_answer,
    remember_params,
    remembered_params,
)


def _moto_function(arn: str) -> Any:
    """moto's ``$LATEST`` function for a function ARN, or None when moto is not answering
    in this process or does not hold it."""
    try:
        from moto.awslambda.utils import get_backend
        from moto.core.models import botocore_stubber
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return None
    if not botocore_stubber.enabled:
        return None
    parts = arn.split(":")  # arn:aws:lambda:<region>:<account>:function:<name>[:qualifier]
    if len(parts) < 7:
        return None
    try:
        return get_backend(parts[4], parts[3]).get_function(":".join(parts[:7]))
    except Exception:  # moto raises its own not-found errors
        return None


def _lambda_key(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call CreateFunction/UpdateFunctionConfiguration: the KMSKeyArn asked for
    (none for "") on moto's function and in the answer."""
    request = remembered_params(context)
    if is_error_answer(parsed) or "KMSKeyArn" not in request:
        return
    function = _moto_function(str(parsed.get("FunctionArn") or ""))
    if function is None:
        return
    key = str(request["KMSKeyArn"] or "") or None
    function.kms_key_arn = key
    if key:
        parsed["KMSKeyArn"] = key
    else:
        parsed.pop("KMSKeyArn", None)


HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("before-parameter-build.lambda.CreateFunction", remember_params),
    ("before-parameter-build.lambda.UpdateFunctionConfiguration", remember_params),
    ("after-call.lambda.CreateFunction", _lambda_key),
    ("after-call.lambda.UpdateFunctionConfiguration", _lambda_key),
)
