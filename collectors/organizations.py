"""Service control policies of the account's organization (once per account).

Items (AWS field names, as the APIs return them):

``scp`` (id ``Arn``)
    Each ListPolicies entry for ``Filter=SERVICE_CONTROL_POLICY`` (Id, Arn, Name,
    Description, Type, AwsManaged) plus ``Content``: the policy document as the JSON
    *string* DescribePolicy returns. Policy targets (where an SCP is attached) are not
    read. If DescribePolicy fails the error is recorded against ``scp`` and ``Content``
    is absent.

Which account can read SCPs:

* An account that is not in an organization gets ``AWSOrganizationsNotInUseException``:
  there are no SCPs, so ``scp`` is an empty list and nothing is recorded (this is the one
  error that is an answer, not a failure).
* Only the management account (or a delegated administrator for policy management) may
  list policies; a member account gets ``AccessDeniedException``. That error IS recorded
  against ``scp``: SCPs may exist and deny the target Region, and the scan could not see
  them, so rules over ``organizations.scp`` give ERROR (never PASS). A scan that is not
  meant to judge SCPs leaves this collector out (``--services`` without
  ``organizations``): rules over it are then not evaluated and the manifest shows it
  was not collected.
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "organizations"
GLOBAL = True
LOCAL = False
RESOURCE_TYPES = {"scp": "Arn"}
PERMISSIONS = ("organizations:ListPolicies", "organizations:DescribePolicy")
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}

SCP = "SERVICE_CONTROL_POLICY"
NOT_IN_USE = "AWSOrganizationsNotInUseException"


def _not_in_organization(clients: Clients) -> bool:
    """True (and the error forgotten) when the call that just failed said "no
    organization"."""
    error = clients.last_error()
    if error is not None and error.code == NOT_IN_USE:
        clients.discard(error)
        return True
    return False


def _policy(clients: Clients, entry: dict[str, Any]) -> dict[str, Any]:
    item = dict(entry)
    described = clients.call(
        "organizations", "describe_policy", feeds=["scp"], PolicyId=entry["Id"]
    )
    if described is not None:
        item["Content"] = described["Policy"].get("Content")
    return item


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    listed = clients.paginate(
        "organizations", "list_policies", "Policies", feeds=["scp"], Filter=SCP
    )
    if listed is None:
        _not_in_organization(clients)
        return {"scp": []}
    return {"scp": clients.map(lambda entry: _policy(clients, entry), listed)}
