"""AWS Organizations: who may read service control policies (moto 5.2.5 lets anyone).

moto answers ``ListPolicies`` and ``DescribePolicy`` from the calling account's own
(empty) policy list whatever the account is. AWS does not:

* an account that belongs to no organization gets ``AWSOrganizationsNotInUseException``
  ("Your account is not a member of an organization.");
* a member account (not the management account) gets ``AccessDeniedException``
  ("You don't have permissions to access this resource."): only the management
  account, or a delegated administrator for policy management, reads policies.

The ``before-call`` hooks here fail those calls the way AWS does (HTTP 400, the real
error codes) and let moto answer the management account. Delegated policy
administration (an organization resource policy) is not modelled: a member account is
always refused. State is moto's own (its in-process organizations backend); against a
moto server the hooks do nothing.
"""

from __future__ import annotations

from typing import Any

from botocore.awsrequest import AWSResponse

from regionready.demo.moto_gaps._common import Handler
from regionready.demo.moto_gaps.account import account_of

ENDPOINT = "https://organizations.us-east-1.amazonaws.com/"
NOT_IN_USE = (
    "AWSOrganizationsNotInUseException",
    "Your account is not a member of an organization.",
)
ACCESS_DENIED = ("AccessDeniedException", "You don't have permissions to access this resource.")


def _error(code: str, message: str) -> tuple[AWSResponse, dict[str, Any]]:
    return AWSResponse(ENDPOINT, 400, {}, None), {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": 400},
    }


def membership(account_id: str) -> str | None:
    """``management``, ``member`` or ``none`` in moto's in-process state; None if unknown."""
    try:
        from moto.organizations.models import organizations_backends
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return None
    for partition in ("aws", "aws-cn", "aws-us-gov"):
        backend = organizations_backends.get(account_id, {}).get(partition)  # type: ignore[call-overload]
        if backend is not None and backend.org is not None:
            return "management"
    if account_id in organizations_backends.master_accounts:
        return "member"
    return "none"


def _guard_policy_read(
    request_signer: Any = None, **_: Any
) -> tuple[AWSResponse, dict[str, Any]] | None:
    """before-call ListPolicies/DescribePolicy: refuse accounts AWS would refuse."""
    state = membership(account_of(request_signer))
    if state == "none":
        return _error(*NOT_IN_USE)
    if state == "member":
        return _error(*ACCESS_DENIED)
    return None


HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("before-call.organizations.ListPolicies", _guard_policy_read),
    ("before-call.organizations.DescribePolicy", _guard_policy_read),
)
