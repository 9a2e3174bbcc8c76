"""What a collector is given: boto3 clients for one account and Region, plus safe calls.

A collector never handles errors itself. It calls ``clients.call`` or
``clients.paginate`` naming the resource types the data feeds; an AWS error is
recorded (API, error code, the IAM action that was needed) and the call returns
``None``/``[]``. The engine then turns every rule over those resource types into ERROR,
so a missing permission can never read as a pass.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

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
    "s3:GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketEncryption": "s3:GetEncryptionConfiguration",
}


def _names(client: Any, service: str, operation: str) -> tuple[str, str]:
    """(API name, IAM action) as the service model spells them: ListIPSets, not ListIpSets;
    API Gateway's IAM actions are its HTTP verbs (apigateway:GET)."""
    meta = getattr(client, "meta", None)
    name = (getattr(meta, "method_to_api_mapping", None) or {}).get(operation) or api_name(
        operation
    )
    model = getattr(meta, "service_model", None)
    if model is None:
        return name, iam_action(service, operation)
    prefix = str(model.signing_name)
    if prefix == "apigateway":
        return name, f"apigateway:{model.operation_model(name).http['method']}"
    action = f"{prefix}:{name}"
    return name, IAM_ACTION_OVERRIDES.get(action, action)


@dataclass
class CollectionError:
    api: str
    code: str
    message: str
    action: str
    resource_types: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "api": self.api,
            "code": self.code,
            "message": self.message,
            "action": self.action,
            "resource_types": sorted(self.resource_types),
        }


_ACCOUNT_RE = re.compile(r"\b\d{12}\b")


@dataclass
class Clients:
    """Client factory for one (account, Region, service) collection."""

    make_client: Callable[[str], Any]
    region: str
    service: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    errors: list[CollectionError] = field(default_factory=list)
    api_calls: int = 0
    _cache: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self, service: str) -> Any:
        if service not in self._cache:
            self._cache[service] = self.make_client(service)
        return self._cache[service]

    def __call__(self, service: str) -> Any:
        return self.client(service)

    def _record(self, service: str, operation: str, exc: Exception, types: Iterable[str]) -> None:
        if isinstance(exc, ClientError):
            err = exc.response.get("Error", {})
            code = str(err.get("Code", "ClientError"))
            message = str(err.get("Message", ""))
        else:
            code = type(exc).__name__
            message = str(exc)
        name, action = _names(self.client(service), service, operation)
        self.errors.append(
            CollectionError(
                api=f"{service}:{name}",
                code=code,
                message=message[:300],
                action=action,
                resource_types=list(types),
            )
        )

    def call(
        self, service: str, operation: str, *, feeds: Iterable[str], **kwargs: Any
    ) -> dict[str, Any] | None:
        """One API call; on an AWS error, record it against ``feeds`` and return None."""
        self.api_calls += 1
        try:
            response: dict[str, Any] = getattr(self.client(service), operation)(**kwargs)
        except (ClientError, BotoCoreError) as exc:
            self._record(service, operation, exc, feeds)
            return None
        response.pop("ResponseMetadata", None)
        return response

    def paginate(
        self,
        service: str,
        operation: str,
        result_key: str,
        *,
        feeds: Iterable[str],
        page_size: int | None = None,
        **kwargs: Any,
    ) -> list[dict[str, Any]] | None:
        """Every item of a paginated list; None (error recorded) if any page fails."""
        client = self.client(service)
        items: list[dict[str, Any]] = []
        try:
            if client.can_paginate(operation):
                config = {"PageSize": page_size} if page_size else {}
                pages = client.get_paginator(operation).paginate(**kwargs, PaginationConfig=config)
                for page in pages:
                    self.api_calls += 1
                    items.extend(page.get(result_key, []))
            else:
                self.api_calls += 1
                items.extend(getattr(client, operation)(**kwargs).get(result_key, []))
        except (ClientError, BotoCoreError) as exc:
            self.api_calls += 1  # the page that failed was a call too
            self._record(service, operation, exc, feeds)
            return None
        return items
