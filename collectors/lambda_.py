"""AWS Lambda functions of one Region: which functions exist, their STS endpoint
setting and the KMS key of their environment variables.

The rules ask whether a Secrets Manager rotation function exists in a Region, so each
item keeps its name, ARN and runtime, the customer managed key its environment variables
are encrypted under (for the re-encryption inventory), plus the one environment variable
that says which STS endpoint the function's SDK calls. Every other environment variable may hold a
secret: it is dropped from each ListFunctions page as botocore hands the page over (an
``after-call`` hook on the client, before the paginator, ``Clients.paginate`` or this
module see it), so no page, list or item ever holds it. Code locations and the rest of
the configuration are not kept either.

Items:

``function`` (id ``FunctionArn``)
    ``{FunctionName, FunctionArn, Runtime, KMSKeyArn}`` of each ListFunctions entry
    (``$LATEST`` versions; container-image functions have no Runtime, so it is absent
    for them; ``KMSKeyArn``, the customer managed key that encrypts the function's
    environment variables, is there only when one is set: absent means the Lambda
    service key), plus ``Environment: {Variables: {AWS_STS_REGIONAL_ENDPOINTS}}`` when
    the function sets that variable (absent otherwise).
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients

SERVICE = "lambda"
GLOBAL = False
LOCAL = False
RESOURCE_TYPES = {"function": "FunctionArn"}
PERMISSIONS = ("lambda:ListFunctions",)
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}

KEPT_FIELDS = ("FunctionName", "FunctionArn", "Runtime", "KMSKeyArn")
#: The only environment variables ever kept (every other one is dropped on receipt).
KEPT_VARIABLES = ("AWS_STS_REGIONAL_ENDPOINTS",)
#: botocore's event for a received ListFunctions page (service id ``lambda``).
RECEIVED = "after-call.lambda.ListFunctions"


def _kept_environment(function: dict[str, Any]) -> None:
    """Replace the function's ``Environment`` (in place) by its kept variables only;
    remove it when it has none (its ``Error`` goes too)."""
    environment = function.pop("Environment", None)
    variables = environment.get("Variables") if isinstance(environment, dict) else None
    if not isinstance(variables, dict):
        return
    kept = {name: variables[name] for name in KEPT_VARIABLES if name in variables}
    if kept:
        function["Environment"] = {"Variables": kept}


def drop_environment(parsed: dict[str, Any], **_: Any) -> None:
    """after-call ListFunctions: strip each function of the page as it is received."""
    for function in parsed.get("Functions") or []:
        if isinstance(function, dict):
            _kept_environment(function)


def _filter_on_receipt(clients: Clients) -> None:
    events = getattr(getattr(clients.client("lambda"), "meta", None), "events", None)
    if events is not None:  # a botocore client (a test double may have none)
        events.register(RECEIVED, drop_environment, unique_id="regionready-lambda-environment")


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    _filter_on_receipt(clients)
    listed = clients.paginate("lambda", "list_functions", "Functions", feeds=["function"]) or []
    drop_environment({"Functions": listed})  # done on receipt (a no-op) unless a test double
    return {
        "function": [
            {field: entry[field] for field in (*KEPT_FIELDS, "Environment") if field in entry}
            for entry in listed
        ]
    }
