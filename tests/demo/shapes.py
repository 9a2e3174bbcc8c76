"""Whether a parsed AWS response fits botocore's model of the operation: the moto_gaps
tests check that every answer they make has the real API's shape."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

import botocore.session

#: Python types of botocore's scalar shapes (after parsing: timestamps are datetimes).
SCALARS: dict[str, type] = {
    "string": str,
    "timestamp": dt.datetime,
    "integer": int,
    "long": int,
    "boolean": bool,
}


@cache
def model(service: str) -> Any:
    return botocore.session.get_session().get_service_model(service)


def conforms(value: Any, shape: Any, path: str = "") -> list[str]:
    """Where ``value`` (a parsed response) does not fit the botocore ``shape``."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: not a structure"]
        problems = [f"{path}.{k}: not in {shape.name}" for k in value if k not in shape.members]
        problems += [
            f"{path}.{k}: required, missing" for k in shape.required_members if k not in value
        ]
        for key, item in value.items():
            if key in shape.members:
                problems += conforms(item, shape.members[key], f"{path}.{key}")
        return problems
    if kind == "list":
        if not isinstance(value, list):
            return [f"{path}: not a list"]
        return [p for i, v in enumerate(value) for p in conforms(v, shape.member, f"{path}[{i}]")]
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: not a map"]
        return [p for k, v in value.items() for p in conforms(v, shape.value, f"{path}.{k}")]
    wanted = SCALARS.get(kind)
    if wanted is not None and not isinstance(value, wanted):
        return [f"{path}: {type(value).__name__}, expected {kind}"]
    if kind == "string" and getattr(shape, "enum", None) and value not in shape.enum:
        return [f"{path}: {value!r} not one of {shape.enum}"]
    return []


def output_problems(service: str, operation: str, response: dict[str, Any]) -> list[str]:
    """Where ``response`` of ``service``'s ``operation`` does not fit its output shape."""
    body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    return conforms(body, model(service).operation_model(operation).output_shape, operation)
