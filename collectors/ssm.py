"""The AWS services available in one Region, from the public global-infrastructure
parameters of Systems Manager Parameter Store.

Items:

``region_service`` (id ``Name``)
    One per parameter under ``/aws/service/global-infrastructure/regions/<region>/services``
    (GetParametersByPath, not recursive, 10 per page): ``Name`` is the service code
    (the last path segment, which is also the parameter's value, e.g. ``kms``,
    ``acm-pca``, ``cloudtrail``, ``events``) and ``Region`` the Region the list is
    for. Only public AWS parameters are read, never the account's own parameters.

Collected in every scanned Region, from that Region: rules compare the source's list
with the target's. In a Region the account has not opted in to, the call fails like any
other there (recorded as an error; GEN-001 names the cause).
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "ssm"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"region_service": "Name"}
PERMISSIONS = ("ssm:GetParametersByPath",)
#: The policy grants it on AWS's public parameters only, not the account's own.
PERMISSION_RESOURCES = {"ssm:GetParametersByPath": "arn:aws:ssm:*::parameter/aws/service/*"}

PATH = "/aws/service/global-infrastructure/regions/{region}/services"


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    path = PATH.format(region=region)
    parameters = clients.paginate(
        "ssm", "get_parameters_by_path", "Parameters", feeds=["region_service"], Path=path
    )
    services: dict[str, dict[str, Any]] = {}
    for parameter in parameters or []:
        code = str(parameter.get("Name", "")).rsplit("/", 1)[-1]
        if code:
            services[code] = {"Name": code, "Region": region}
    return {"region_service": list(services.values())}
