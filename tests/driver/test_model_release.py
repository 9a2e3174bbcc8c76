"""After each task the driver drops botocore's cached service models (they are most of
a scan's memory); clients made later still work."""

from __future__ import annotations

import boto3
from moto import mock_aws

from regionready import collect


def _models(session: boto3.Session) -> list[tuple[object, ...]]:
    loader = session._session.get_component("data_loader")
    return [key for key in loader._cache if key[0] == "load_service_model"]


def test_forget_models_drops_the_loaders_service_models() -> None:
    session = boto3.Session(region_name="eu-central-1")
    account = collect.AccountSession(session, None, collect.botocore_config())
    account.client("kms", "eu-central-1")
    account.client("acm", "eu-central-1")
    assert {key[1] for key in _models(session)} >= {"kms", "acm"}

    account.forget_models()

    assert _models(session) == []
    with mock_aws():
        client = account.client("kms", "eu-central-1")
        assert client.list_keys()["Keys"] == []
    assert {key[1] for key in _models(session)} == {"kms"}


def test_every_task_releases_its_models() -> None:
    session = boto3.Session(region_name="eu-central-1")
    account = collect.AccountSession(session, None, collect.botocore_config())
    task = collect.plan_tasks(["kms"], ["eu-central-1"])[0]
    with mock_aws():
        data = collect.run_task(account, task)
    assert data.status == "ok" and data.api_calls > 0
    assert _models(session) == []


def test_the_heap_is_frozen_only_while_collections_run() -> None:
    import gc

    assert gc.get_freeze_count() == 0
    with collect._frozen_heap():
        outer = gc.get_freeze_count()
        assert outer > 0
        with collect._frozen_heap():  # a second account's collection, in another thread
            assert gc.get_freeze_count() == outer
        assert gc.get_freeze_count() == outer  # still frozen: the first one is running
    assert gc.get_freeze_count() == 0


def test_a_collection_leaves_nothing_frozen() -> None:
    import gc

    session = boto3.Session(region_name="eu-central-1")
    account = collect.AccountSession(session, None, collect.botocore_config())
    with mock_aws():
        result = collect.collect_account(
            account, regions=["eu-central-1"], services=["kms"], progress=False, processes=1
        )
    assert result.api_calls["kms"] > 0
    assert gc.get_freeze_count() == 0
