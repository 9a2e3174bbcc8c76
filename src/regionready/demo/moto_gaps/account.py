"""AWS Account (``account``): ListRegions, which moto 5.2.5 does not implement.

moto answers ``account:ListRegions`` with HTTP 404 "Not yet implemented". The
``before-call`` hook here answers it with the real response shape (botocore service
model ``account`` 2021-02-01: ``{Regions: [{RegionName, RegionOptStatus}], NextToken}``):

* every commercial Region botocore knows (partition ``aws``), sorted by name;
* the 17 Regions that existed before March 2019 are ``ENABLED_BY_DEFAULT``; every later
  Region (af-south-1, ap-east-1, me-central-1, me-south-1, eu-south-1, ...) is opt-in
  and ``DISABLED`` until :func:`set_region_opt_status` says otherwise (the seeding
  stand-in for ``account:EnableRegion``, which AWS completes asynchronously:
  ENABLING, then ENABLED);
* ``RegionOptStatusContains`` filters, ``MaxResults`` (1-50) and ``NextToken`` page, and
  ``AccountId`` (a member account read by the management account) selects that
  account's statuses; a bad page size or token fails with ``ValidationException`` as
  AWS does.

State (the opt-in statuses set by :func:`set_region_opt_status`) lives per account on
moto's own in-process account backend, so it is reset whenever moto resets (a new
``mock_aws``); without moto in-process it falls back to a module-level store.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.loaders import create_loader

from regionready.demo.moto_gaps._common import Handler, remember_params, remembered_params

DEFAULT_ACCOUNT_ID = "123456789012"
STATUSES = ("ENABLED", "ENABLING", "DISABLING", "DISABLED", "ENABLED_BY_DEFAULT")

#: Regions launched before 20 March 2019: enabled for every account, cannot be disabled.
DEFAULT_ENABLED = frozenset(
    {
        "ap-northeast-1",
        "ap-northeast-2",
        "ap-northeast-3",
        "ap-south-1",
        "ap-southeast-1",
        "ap-southeast-2",
        "ca-central-1",
        "eu-central-1",
        "eu-north-1",
        "eu-west-1",
        "eu-west-2",
        "eu-west-3",
        "sa-east-1",
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
    }
)

_ATTR = "_regionready_region_opt_status"
_fallback: dict[str, dict[str, str]] = {}
_lock = threading.Lock()


def commercial_regions() -> list[str]:
    """Every Region of the ``aws`` partition in botocore's endpoint data, sorted."""
    data = create_loader().load_data("endpoints")
    for partition in data["partitions"]:
        if partition.get("partition") == "aws":
            return sorted(partition.get("regions", {}))
    return sorted(DEFAULT_ENABLED)  # pragma: no cover - botocore always ships "aws"


def account_of(request_signer: Any) -> str:
    """The moto account a request is made as (how moto picks it: env, then access key)."""
    if os.environ.get("MOTO_ACCOUNT_ID"):
        return os.environ["MOTO_ACCOUNT_ID"]
    credentials = getattr(request_signer, "_credentials", None)
    access_key = getattr(credentials, "access_key", None) if credentials else None
    try:
        from moto.iam.models import get_account_id_from
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return DEFAULT_ACCOUNT_ID
    return str(get_account_id_from(access_key)) if access_key else DEFAULT_ACCOUNT_ID


def _overrides(account_id: str) -> dict[str, str]:
    """Region -> opt-in status set for this account (moto's backend holds it)."""
    try:
        from moto.account.models import account_backends

        backend = account_backends[account_id]["aws"]
    except (ImportError, KeyError):  # pragma: no cover - moto not in-process
        return _fallback.setdefault(account_id, {})
    found: dict[str, str] = backend.__dict__.setdefault(_ATTR, {})
    return found


def set_region_opt_status(account_id: str, region: str, status: str = "ENABLED") -> None:
    """Seeding helper: give an opt-in Region of ``account_id`` this opt-in status."""
    if status not in STATUSES:
        raise ValueError(f"unknown RegionOptStatus {status!r} (known: {', '.join(STATUSES)})")
    if region not in commercial_regions():
        raise ValueError(f"{region} is not a commercial AWS Region")
    if region in DEFAULT_ENABLED and status != "ENABLED_BY_DEFAULT":
        raise ValueError(f"{region} is enabled by default and cannot be opted in or out")
    with _lock:
        _overrides(account_id)[region] = status


def region_opt_statuses(account_id: str) -> list[dict[str, str]]:
    """Every commercial Region with its opt-in status for this account."""
    with _lock:
        overrides = dict(_overrides(account_id))
    return [
        {
            "RegionName": name,
            "RegionOptStatus": overrides.get(
                name, "ENABLED_BY_DEFAULT" if name in DEFAULT_ENABLED else "DISABLED"
            ),
        }
        for name in commercial_regions()
    ]


def _error(code: str, message: str, status: int = 400) -> tuple[AWSResponse, dict[str, Any]]:
    response = AWSResponse("https://account.us-east-1.amazonaws.com/", status, {}, None)
    return response, {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }


def _list_regions(
    context: dict[str, Any], request_signer: Any = None, **_: Any
) -> tuple[AWSResponse, dict[str, Any]]:
    """before-call ListRegions: the regions and opt-in statuses, filtered and paged."""
    request = remembered_params(context)
    account_id = str(request.get("AccountId") or account_of(request_signer))
    wanted = request.get("RegionOptStatusContains")
    regions = region_opt_statuses(account_id)
    if wanted:
        regions = [r for r in regions if r["RegionOptStatus"] in wanted]
    size = request.get("MaxResults")
    if size is not None and not 1 <= int(size) <= 50:
        return _error("ValidationException", "MaxResults must be between 1 and 50")
    token = request.get("NextToken")
    start = 0
    if token is not None:
        try:
            start = int(str(token).removeprefix("moto-gaps:"))
        except ValueError:
            return _error("ValidationException", "The NextToken is not valid")
    end = start + int(size) if size else len(regions)
    parsed: dict[str, Any] = {
        "Regions": regions[start:end],
        "ResponseMetadata": {"HTTPStatusCode": 200},
    }
    if end < len(regions):
        parsed["NextToken"] = f"moto-gaps:{end}"
    return AWSResponse("https://account.us-east-1.amazonaws.com/", 200, {}, None), parsed


HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("before-parameter-build.account.ListRegions", remember_params),
    ("before-call.account.ListRegions", _list_regions),
)
