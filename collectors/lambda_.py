"""AWS Lambda functions of one Region: only which functions exist.

The rules only ask whether a Secrets Manager rotation function exists in a Region, so
each item keeps nothing but its name, ARN and runtime. Environment variables, code
locations and the rest of the configuration are dropped on purpose: environment
variables may hold secrets.

Items:

``function`` (id ``FunctionArn``)
    ``{FunctionName, FunctionArn, Runtime}`` of each ListFunctions entry (``$LATEST``
    versions; container-image functions have no Runtime, so it is absent for them).
"""

from __future__ import annotations

from typing import Any

from regionready.clients import Clients

SERVICE = "lambda"
GLOBAL = False
RESOURCE_TYPES = {"function": "FunctionArn"}
PERMISSIONS = ("lambda:ListFunctions",)

KEPT_FIELDS = ("FunctionName", "FunctionArn", "Runtime")


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    listed = clients.paginate("lambda", "list_functions", "Functions", feeds=["function"])
    return {
        "function": [
            {field: entry[field] for field in KEPT_FIELDS if field in entry}
            for entry in listed or []
        ]
    }
