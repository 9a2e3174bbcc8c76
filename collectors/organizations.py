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

from regionready.clients import Clients

SERVICE = "organizations"
GLOBAL = True
RESOURCE_TYPES = {"scp": "Arn"}
PERMISSIONS = ("organizations:ListPolicies", "organizations:DescribePolicy")

SCP = "SERVICE_CONTROL_POLICY"
NOT_IN_USE = "AWSOrganizationsNotInUseException"


def _not_in_organization(clients: Clients, errors_before: int) -> bool:
    """True (and the error forgotten) when the failed call said "no organization"."""
    new = clients.errors[errors_before:]
    if len(new) == 1 and new[0].code == NOT_IN_USE:
        del clients.errors[errors_before:]
        return True
    return False


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    errors_before = len(clients.errors)
    listed = clients.paginate(
        "organizations", "list_policies", "Policies", feeds=["scp"], Filter=SCP
    )
    if listed is None:
        _not_in_organization(clients, errors_before)
        return {"scp": []}
    items: list[dict[str, Any]] = []
    for entry in listed:
        item = dict(entry)
        described = clients.call(
            "organizations", "describe_policy", feeds=["scp"], PolicyId=entry["Id"]
        )
        if described is not None:
            item["Content"] = described["Policy"].get("Content")
        items.append(item)
    return {"scp": items}
