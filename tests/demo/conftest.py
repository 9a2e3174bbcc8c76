"""Fixtures for the moto_gaps tests: in-process moto, and a session with the corrections."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from regionready.demo import moto_gaps


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def session(aws: None) -> boto3.Session:
    """A session whose clients get regionready's moto corrections."""
    return moto_gaps.install(boto3.Session(region_name="us-east-1"))
