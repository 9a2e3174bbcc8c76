"""The SSM collector (public global-infrastructure parameters) against moto.

moto serves these public parameters itself (regions, services per Region, 10 per page
as AWS), so no moto_gaps module is needed for them.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.exceptions import ClientError

from regionready.collectors import ssm

SOURCE = "me-central-1"
TARGET = "eu-central-1"


def _names(result: dict[str, list[dict[str, Any]]]) -> set[str]:
    return {item["Name"] for item in result["region_service"]}


def _parameter_count(session: boto3.Session, region: str) -> int:
    paginator = session.client("ssm", region_name=region).get_paginator("get_parameters_by_path")
    return sum(
        len(page["Parameters"]) for page in paginator.paginate(Path=ssm.PATH.format(region=region))
    )


def test_services_of_each_region(session: boto3.Session, make_clients: Any) -> None:
    clients = make_clients(TARGET, "ssm")
    target = ssm.collect(clients, TARGET)
    source = ssm.collect(make_clients(SOURCE, "ssm"), SOURCE)

    assert clients.errors == []
    assert {"acm", "acm-pca", "kms", "cloudtrail", "events", "ssm"} <= _names(target)
    assert {"acm", "kms", "cloudtrail"} <= _names(source)
    assert _names(source) != _names(target)  # Regions differ in what they offer
    assert all(
        item == {"Name": item["Name"], "Region": TARGET} for item in target["region_service"]
    )
    assert all(item["Region"] == SOURCE for item in source["region_service"])
    # One item per service code: no nested parameters (endpoint, protocols, ...).
    assert all("/" not in name for name in _names(target))
    assert len(target["region_service"]) == len(_names(target))
    assert len(target["region_service"]) == _parameter_count(session, TARGET)
    # Every page was read (10 parameters per page; a last, empty page may follow).
    pages = -(-len(target["region_service"]) // 10)
    assert pages <= clients.api_calls <= pages + 1


def test_small_pages_collect_the_same(make_clients: Any) -> None:
    whole = make_clients(TARGET, "ssm")
    paged = make_clients(TARGET, "ssm", small_pages=True)
    expected = ssm.collect(whole, TARGET)
    result = ssm.collect(paged, TARGET)

    assert result == expected
    assert len(result["region_service"]) <= paged.api_calls <= len(result["region_service"]) + 1


def test_access_denied_is_recorded(session: boto3.Session, make_clients: Any) -> None:
    def deny(**_: Any) -> None:
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "no"}}, "GetParametersByPath"
        )

    session.events.register("before-call.ssm.GetParametersByPath", deny)
    clients = make_clients(TARGET, "ssm")
    result = ssm.collect(clients, TARGET)

    [error] = clients.errors
    assert error.action == "ssm:GetParametersByPath"
    assert error.to_dict()["resource_types"] == ["region_service"]
    assert result == {"region_service": []}


def test_only_declared_read_only_calls(session: boto3.Session, make_clients: Any) -> None:
    called: set[str] = set()
    session.events.register("before-call.ssm", lambda model, **_: called.add(f"ssm:{model.name}"))
    ssm.collect(make_clients(TARGET, "ssm"), TARGET)

    assert called == set(ssm.PERMISSIONS)
