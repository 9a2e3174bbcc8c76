"""The names a collection error gives a call: its API as the service model spells it
(``ListIPSets``, not ``ListIpSets``) and the IAM action it needs (``apigateway:GET`` for
API Gateway, whose actions are HTTP verbs; ``s3:GetEncryptionConfiguration`` for
GetBucketEncryption)."""

from __future__ import annotations

from functools import cache
from typing import Any

from botocore import xform_name

from regionready.collect import botocore_data

# IAM action prefixes that differ from the boto3 service name.
IAM_PREFIX = {
    "sso-admin": "sso",
    "elbv2": "elasticloadbalancing",
    "accessanalyzer": "access-analyzer",
    "service-quotas": "servicequotas",
    "stepfunctions": "states",
    "events": "events",
    "logs": "logs",
    "apigatewayv2": "apigateway",
    "resourcegroupstaggingapi": "tag",
}


def iam_action(service: str, operation: str) -> str:
    """``("acm", "list_certificates")`` -> ``"acm:ListCertificates"``."""
    prefix = IAM_PREFIX.get(service, service)
    name = "".join(part[:1].upper() + part[1:] for part in operation.split("_"))
    return f"{prefix}:{name}"


def api_name(operation: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in operation.split("_"))


# Where the IAM action is not named like the API operation.
IAM_ACTION_OVERRIDES = {
    "tagging:GetResources": "tag:GetResources",
    "s3:GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "s3:GetBucketReplication": "s3:GetReplicationConfiguration",
    "s3:ListBuckets": "s3:ListAllMyBuckets",
}


def api_and_action(client: Any, service: str, operation: str) -> tuple[str, str]:
    """(API name, IAM action) as the service model spells them: ListIPSets, not ListIpSets;
    API Gateway's IAM actions are its HTTP verbs (apigateway:GET)."""
    meta = getattr(client, "meta", None)
    name = (getattr(meta, "method_to_api_mapping", None) or {}).get(operation) or api_name(
        operation
    )
    return _named(name, getattr(meta, "service_model", None), service, operation)


def _named(name: str, model: Any, service: str, operation: str) -> tuple[str, str]:
    if model is None:
        return name, iam_action(service, operation)
    prefix = str(model.signing_name)
    if prefix == "apigateway":
        return name, f"apigateway:{model.operation_model(name).http['method']}"
    action = f"{prefix}:{name}"
    return name, IAM_ACTION_OVERRIDES.get(action, action)


@cache
def _operations(service: str) -> tuple[Any, dict[str, str]]:
    """botocore's model of ``service`` and its API names by method name
    (``{"list_ip_sets": "ListIPSets"}``), for calls not made: they must not cost a client."""
    model = botocore_data.service_model(service)
    return model, {xform_name(name): name for name in model.operation_names}


def skipped_api_and_action(service: str, operation: str) -> tuple[str, str]:
    """(API name, IAM action) of a call not made, as :func:`api_and_action` gives them."""
    model, by_method = _operations(service)
    return _named(by_method.get(operation) or api_name(operation), model, service, operation)
