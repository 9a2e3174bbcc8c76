"""Clients.map: per-resource calls in flight, with results, call counts and recorded
errors exactly as a sequential loop gives them."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from botocore.exceptions import ClientError

from regionready.collect.clients import Clients, concurrency_setting
from regionready.snapshot import CollectionError

WAIT = 30  # seconds a barrier waits before the test fails (never reached when it passes)


class FakeClient:
    """A client whose ``get_thing(Id=...)`` fails for ids in ``failing`` (message: the id)."""

    def __init__(self, failing: set[int] | None = None) -> None:
        self.failing = failing or set()
        self.calls = 0
        self._lock = threading.Lock()

    def get_thing(self, Id: int) -> dict[str, Any]:
        with self._lock:
            self.calls += 1
        if Id in self.failing:
            raise ClientError({"Error": {"Code": "Boom", "Message": str(Id)}}, "GetThing")
        return {"Id": Id, "ResponseMetadata": {}}


def make(concurrency: int, client: Any = None) -> Clients:
    fake = client or FakeClient()
    return Clients(
        make_client=lambda _svc: fake, region="us-east-1", service="x", concurrency=concurrency
    )


def get(clients: Clients, item: int) -> dict[str, Any] | None:
    return clients.call("thing", "get_thing", feeds=["thing"], Id=item)


def test_items_run_concurrently_and_results_keep_item_order() -> None:
    clients = make(4)
    barrier = threading.Barrier(4, timeout=WAIT)  # breaks unless 4 items run at once
    threads: set[str] = set()

    def fn(item: int) -> int:
        threads.add(threading.current_thread().name)
        barrier.wait()
        return item * 10

    assert clients.map(fn, range(8)) == [i * 10 for i in range(8)]
    assert len(threads) == 4 and threading.current_thread().name not in threads


def test_later_items_finishing_first_do_not_reorder_results() -> None:
    clients = make(8)
    done = {i: threading.Event() for i in range(8)}

    def fn(item: int) -> int:
        # item i waits until item i+1 has finished: completion order is 7, 6, ..., 0
        if item < 7:
            assert done[item + 1].wait(WAIT)
        done[item].set()
        return item

    assert clients.map(fn, range(8)) == list(range(8))


def test_concurrency_one_is_a_plain_loop_in_the_calling_thread() -> None:
    clients = make(1)
    seen: list[str] = []
    result = clients.map(lambda i: seen.append(threading.current_thread().name) or i, [3, 1, 2])
    assert result == [3, 1, 2]
    assert set(seen) == {threading.current_thread().name}


def test_api_calls_are_counted_exactly_under_concurrency() -> None:
    fake = FakeClient(failing={i for i in range(600) if i % 7 == 0})
    clients = make(16, fake)

    def fn(item: int) -> None:
        for n in range(3):
            get(clients, item * 3 + n)

    clients.map(fn, range(200))
    assert fake.calls == 600
    assert clients.api_calls == 600


def test_errors_are_recorded_per_call_in_item_order() -> None:
    failing = {i for i in range(90) if i % 3 == 0}
    sequential, concurrent = make(1, FakeClient(failing)), make(16, FakeClient(failing))
    for clients in (sequential, concurrent):
        results = clients.map(lambda i, c=clients: get(c, i), range(90))
        assert [r is None for r in results] == [i in failing for i in range(90)]
    assert [e.message for e in concurrent.errors] == [str(i) for i in sorted(failing)]
    assert [e.to_dict() for e in concurrent.errors] == [e.to_dict() for e in sequential.errors]
    assert concurrent.errors[0].to_dict() == {
        "api": "thing:GetThing",
        "code": "Boom",
        "message": "0",
        "action": "thing:GetThing",
        "resource_types": ["thing"],
    }


def test_last_error_is_the_error_of_this_threads_own_call() -> None:
    failing = {i for i in range(200) if i % 2}
    clients = make(16, FakeClient(failing))

    def fn(item: int) -> str | None:
        get(clients, item)
        error = clients.last_error()
        return error.message if error else None

    results = clients.map(fn, range(200))
    assert results == [str(i) if i in failing else None for i in range(200)]


def test_discarded_errors_are_dropped_and_the_rest_stay_in_order() -> None:
    failing = set(range(100))
    clients = make(16, FakeClient(failing))

    def fn(item: int) -> None:
        get(clients, item)
        error = clients.last_error()
        if error is not None and item % 4:  # three in four failures are "facts"
            clients.discard(error)

    clients.map(fn, range(100))
    assert [e.message for e in clients.errors] == [str(i) for i in range(0, 100, 4)]


def test_discard_outside_map() -> None:
    clients = make(16, FakeClient({1}))
    get(clients, 2)
    assert clients.last_error() is None
    get(clients, 1)
    error = clients.last_error()
    assert isinstance(error, CollectionError) and clients.errors == [error]
    clients.discard(error)
    assert clients.errors == []


def test_a_map_inside_a_concurrent_map_runs_in_its_items_thread() -> None:
    clients = make(4)
    seen: dict[int, set[str]] = {}

    def inner(pair: tuple[int, int]) -> int:
        seen.setdefault(pair[0], set()).add(threading.current_thread().name)
        get(clients, pair[1])
        return pair[1]

    def outer(item: int) -> list[int]:
        mine = threading.current_thread().name
        found = clients.map(inner, [(item, item * 10 + n) for n in range(5)])
        assert seen[item] == {mine}
        return found

    assert clients.map(outer, range(6)) == [[i * 10 + n for n in range(5)] for i in range(6)]
    assert clients.api_calls == 30


def test_a_single_item_runs_inline_so_its_own_map_may_fan_out() -> None:
    clients = make(3)
    barrier = threading.Barrier(3, timeout=WAIT)

    def inner(item: int) -> int:
        barrier.wait()  # breaks unless the inner map is concurrent
        return item

    assert clients.map(lambda _: clients.map(inner, range(3)), ["only"]) == [[0, 1, 2]]


def test_an_exception_propagates_and_earlier_items_keep_their_errors() -> None:
    clients = make(4, FakeClient({0, 1, 2, 3, 4, 5}))

    def fn(item: int) -> int:
        get(clients, item)
        if item == 2:
            raise RuntimeError("collector bug")
        return item

    with pytest.raises(RuntimeError, match="collector bug"):
        clients.map(fn, range(6))
    assert [e.message for e in clients.errors] == ["0", "1", "2"]


def test_clients_are_created_once_per_service_under_concurrency() -> None:
    made: list[str] = []
    gate = threading.Barrier(8, timeout=WAIT)

    def make_client(service: str) -> FakeClient:
        made.append(service)
        return FakeClient()

    clients = Clients(make_client=make_client, region="us-east-1", concurrency=8)

    def fn(item: int) -> None:
        gate.wait()  # every item asks for the client at the same moment
        get(clients, item)

    clients.map(fn, range(8))
    assert made == ["thing"]


@pytest.mark.parametrize(("raw", "expected"), [("", 16), ("1", 1), (" 32 ", 32), ("256", 256)])
def test_concurrency_setting(raw: str, expected: int) -> None:
    assert concurrency_setting(raw) == expected


@pytest.mark.parametrize("raw", ["0", "-1", "257", "many", "1.5"])
def test_concurrency_setting_refuses_bad_values(raw: str) -> None:
    with pytest.raises(ValueError, match="REGIONREADY_CONCURRENCY"):
        concurrency_setting(raw)


def test_ahead_overlaps_the_block_and_is_waited_for() -> None:
    clients = make(4)
    meet = threading.Barrier(2, timeout=WAIT)  # breaks unless fn and the block overlap
    done: list[str] = []

    def fn() -> None:
        meet.wait()
        done.append("ahead")

    with clients.ahead(fn):
        meet.wait()
    assert done == ["ahead"]


def test_ahead_runs_first_and_inline_when_sequential() -> None:
    clients = make(1)
    order: list[str] = []
    with clients.ahead(lambda: order.append(threading.current_thread().name)):
        order.append("block")
    assert order == [threading.current_thread().name, "block"]
