"""Fixtures for collector tests: moto in-process, with regionready's moto corrections.

The environment is set before moto is imported: fake credentials (nothing here may ever
reach AWS) and no ACM validation wait (requested certificates are ISSUED at once).
"""

from __future__ import annotations

import os

os.environ["MOTO_ACM_VALIDATION_WAIT"] = "0"
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
for _name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
    os.environ.pop(_name, None)

from collections.abc import Callable, Iterator  # noqa: E402
from typing import Any  # noqa: E402

import boto3  # noqa: E402
import pytest  # noqa: E402
from moto import mock_aws  # noqa: E402

from regionready.collect.clients import Clients  # noqa: E402
from regionready.demo import moto_gaps  # noqa: E402

ClientsFactory = Callable[..., Clients]


class SmallPages(Clients):
    """Clients whose paginated calls ask for one item per page."""

    def paginate(self, *args: Any, page_size: int | None = None, **kwargs: Any) -> Any:
        return super().paginate(*args, page_size=1, **kwargs)


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def session(aws: None) -> boto3.Session:
    """A session whose clients get the moto corrections (installed before any client)."""
    return moto_gaps.install(boto3.Session(region_name="us-east-1"))


@pytest.fixture
def make_clients(session: boto3.Session) -> ClientsFactory:
    def make(region: str, service: str, *, small_pages: bool = False) -> Clients:
        cls = SmallPages if small_pages else Clients
        return cls(
            make_client=lambda svc: session.client(svc, region_name=region),
            region=region,
            service=service,
        )

    return make
