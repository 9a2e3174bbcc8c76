"""Helpers shared by the collector tests: deny a call, record the calls made."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.exceptions import ClientError

from regionready.collect.api_names import IAM_ACTION_OVERRIDES


def deny(session: boto3.Session, event: str, code: str = "AccessDeniedException") -> None:
    """Make every call matching ``event`` (e.g. ``route53.ListHostedZones``) fail."""

    def fail(**_: Any) -> None:
        raise ClientError({"Error": {"Code": code, "Message": "denied"}}, event.split(".")[-1])

    session.events.register(f"before-parameter-build.{event}", fail)


def record_calls(session: boto3.Session) -> set[str]:
    """Every call made through clients of ``session``, as IAM actions."""
    called: set[str] = set()

    def spy(model: Any, **_: Any) -> None:
        prefix = model.service_model.signing_name
        # API Gateway's IAM actions are HTTP verbs (apigateway:GET).
        name = model.http["method"] if prefix == "apigateway" else model.name
        action = f"{prefix}:{name}"
        called.add(IAM_ACTION_OVERRIDES.get(action, action))

    session.events.register("before-parameter-build", spy)
    return called
