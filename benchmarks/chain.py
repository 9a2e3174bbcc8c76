"""The longest chain of dependent API calls of a collection, measured from the data.

A call depends on an earlier one when one of its parameters is a value that the earlier
call returned (a certificate ARN from ListCertificates, a key id from ListKeys, a
``NextToken``/``Marker`` from the previous page). The chain length of a call is 1 plus
the longest chain among the calls it depends on; the scan's chain is 1 (the driver's
sts:GetCallerIdentity, which precedes every collector) plus the longest chain of any
collector task (one service in one Region). Calls with no such parameter start at 1:
they could all be sent at once.

How: ``collect_account`` runs in this process against the endpoint given, with botocore
hooks that record, per task (a thread-local set around ``run_task``), every string leaf
of every response with the chain length of the shallowest call that returned it, and
give each new call 1 + the largest such chain length among its top-level parameters
(strings, or lists of strings). Values shorter than 6 characters are ignored (enum-like
constants such as ``REGIONAL`` can appear in answers and parameters alike without any
dependency). Calls answered client-side by a ``moto_gaps`` hook (no HTTP) count too.

The same run records, per task, the wall time, the number of calls and the items
collected, so calls per resource can be read per collector.

``lower bound = chain x delay``: with unlimited parallelism and a fixed round trip, no
collection can finish sooner.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

_local = threading.local()
MIN_VALUE_LENGTH = 6


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _leaves(v)


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tasks: dict[str, dict[str, Any]] = {}

    def _task(self) -> dict[str, Any] | None:
        return getattr(_local, "task", None)

    def before(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        task = self._task()
        if task is None:
            return
        with self.lock:  # per-resource calls of a task run in several threads
            self._before(task, params, context)

    def _before(
        self, task: dict[str, Any], params: dict[str, Any], context: dict[str, Any]
    ) -> None:
        depth = 0
        for value in params.values():
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list):
                continue
            for item in values:
                if isinstance(item, str) and len(item) >= MIN_VALUE_LENGTH:
                    depth = max(depth, task["seen"].get(item, 0))
        context["rr_bench_depth"] = depth + 1

    def after(self, parsed: Any, context: dict[str, Any], model: Any, **_: Any) -> None:
        task = self._task()
        if task is None:
            return
        with self.lock:
            self._after(task, parsed, context, model)

    def _after(
        self, task: dict[str, Any], parsed: Any, context: dict[str, Any], model: Any
    ) -> None:
        depth = int(context.get("rr_bench_depth", 1))
        task["calls"] += 1
        task["max_depth"] = max(task["max_depth"], depth)
        op = f"{model.service_model.service_name}:{model.name}"
        task["ops"][op] = max(task["ops"].get(op, 0), depth)
        seen = task["seen"]
        for leaf in _leaves(parsed):
            # A value is usable from the first (shallowest) answer that carried it.
            if len(leaf) >= MIN_VALUE_LENGTH and depth < seen.get(leaf, depth + 1):
                seen[leaf] = depth


def measure(endpoint: str, services: list[str] | None = None) -> dict[str, Any]:
    """Collect the whole catalogue against ``endpoint``; chain and per-task figures."""
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    sys.modules.setdefault("moto", None)  # type: ignore[arg-type]  # see rr_scan.py
    import boto3
    from botocore import handlers as builtin

    from regionready import registry
    from regionready.collect import clients as clients_mod
    from regionready.collect import driver as collect
    from regionready.collect import sessions
    from regionready.demo import moto_gaps

    recorder = Recorder()
    hooks = [
        ("before-parameter-build", recorder.before),
        ("after-call", recorder.after),
    ]
    real_run_task = collect.run_task
    real_map = clients_mod.Clients.map

    real_ahead = clients_mod.Clients.ahead

    def carried(fn: Any) -> Any:
        """``fn`` running with the calling thread's task, in whichever thread runs it."""
        task = getattr(_local, "task", None)

        def bound(*args: Any) -> Any:
            previous = getattr(_local, "task", None)
            _local.task = task
            try:
                return fn(*args)
            finally:
                _local.task = previous

        return bound

    def task_map(self: Any, fn: Any, items: Any) -> Any:
        return real_map(self, carried(fn), items)

    def task_ahead(self: Any, fn: Any) -> Any:
        return real_ahead(self, carried(fn))

    # Per-resource calls run in Clients' worker threads: carry the task there too.
    clients_mod.Clients.map = task_map  # type: ignore[method-assign]
    clients_mod.Clients.ahead = task_ahead  # type: ignore[method-assign]

    def run_task(account: Any, task: Any, options: Any = None) -> Any:
        state = {"calls": 0, "max_depth": 0, "ops": {}, "seen": {}}
        _local.task = state
        started = time.perf_counter()
        try:
            data = real_run_task(account, task, options)
        finally:
            _local.task = None
        items = sum(len(v) for v in data.resources.values())
        with recorder.lock:
            recorder.tasks[f"{task.service}@{task.region}"] = {
                "service": task.service,
                "region": task.region,
                "seconds": round(time.perf_counter() - started, 3),
                "calls": state["calls"],
                "api_calls": data.api_calls,
                "items": items,
                "by_type": {k: len(v) for k, v in data.resources.items()},
                "chain": state["max_depth"],
                "ops": state["ops"],
                "errors": len(data.errors),
            }
        return data

    names = services or registry.names("collectors")
    builtin.BUILTIN_HANDLERS.extend(hooks)
    collect.run_task = run_task
    try:
        with moto_gaps.everywhere():
            session = sessions.open_session(sessions.SessionSpec(endpoint_url=endpoint))
            account = sessions.AccountSession(session, endpoint, sessions.botocore_config())
            started = time.perf_counter()
            collect.collect_account(
                account,
                regions=["me-central-1", "eu-central-1"],
                services=names,
                progress=False,
                processes=1,  # the recorder patches run_task in this process only
            )
            seconds = time.perf_counter() - started
    finally:
        collect.run_task = real_run_task
        for spec in hooks:
            builtin.BUILTIN_HANDLERS.remove(spec)
    tasks = dict(sorted(recorder.tasks.items()))
    longest = max(tasks.values(), key=lambda t: t["chain"]) if tasks else None
    del boto3
    return {
        "collect_seconds": round(seconds, 3),
        "chain": 1 + (longest["chain"] if longest else 0),
        "longest_task": f"{longest['service']}@{longest['region']}" if longest else None,
        "tasks": tasks,
    }


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("endpoint")
    parser.add_argument("--services", default=None, help="comma list (default: all)")
    parser.add_argument("--out", default=None, help="write the JSON here (default: stdout)")
    args = parser.parse_args(argv)
    result = measure(args.endpoint, args.services.split(",") if args.services else None)
    text = json.dumps(result, indent=2, sort_keys=True)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
