"""IAM Identity Center (sso-admin): answers as AWS does where moto 5.2.5 differs or is silent.

AWS: an organization has one Identity Center instance, created in a *primary* Region;
with multi-Region replication, Regions added to it serve the same instance (same ARN)
once replicated (status ACTIVE). ListInstances (RegionScope CURRENT_REGION, the default)
lists the instance from the primary and from its ACTIVE added Regions only, and
DescribeInstance/ListRegions/DescribeRegion answer only there (elsewhere: "does not exist
in this Region"). RegionScope ALL_REGIONS lists it from any Region.

Corrections (each a botocore hook; shapes from botocore's sso-admin model):

* ListInstances (after-call): moto invents an ACTIVE instance in every Region, each with
  its own ARN, and omits PrimaryRegion/Regions. The hook answers from the store below:
  the configured instance (moto's own instance ARN and identity store of the primary
  Region, so moto's permission sets and assignments on it keep working) where AWS would
  show it, with PrimaryRegion and Regions, and pages the answer (MaxResults/NextToken).
  An account with nothing configured has no instance (Identity Center never enabled).
* DescribeInstance, ListRegions, DescribeRegion, AddRegion (before-call): missing in
  moto. Answered from the store with the real response shapes (EncryptionConfigurationDetails
  {KeyType, KmsKeyArn, EncryptionStatus}, PermissionSetsEnabled, RegionMetadata
  {RegionName, Status, AddedDate, IsPrimaryRegion}); unknown instance or a Region where
  the instance is not enabled: ResourceNotFoundException. AddRegion (primary Region
  only) refuses account instances, AWS owned keys, a Region already present and, when
  moto runs in-process, a Region holding no replica of the instance's KMS key
  (ValidationException / ConflictException), else adds the Region as ADDING.
* ListAccountsForProvisionedPermissionSet (after-call): moto lists only the caller's own
  account, and only after ProvisionPermissionSet; AWS provisions a permission set to
  every account it is assigned in (CreateAccountAssignment) and lists those. The hook
  adds the assignment targets (moto in-process) and pages the answer.

The store is keyed by (account, primary Region) and configured with
:func:`configure_instance` (demo seed, tests: it adopts moto's own instance of the
primary Region, so it needs the hooks); :func:`set_region_status` moves an added
Region along (ADDING -> ACTIVE), :func:`reset` empties it. An entry whose moto instance
is gone (moto was reset in this process) is dropped when next seen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse

from regionready.demo.moto_gaps._common import (
    _TOKEN,
    Handler,
    is_error_answer,
    page_answer,
    remember_params,
    remembered_params,
)

ORGANIZATION = "organization"
AWS_OWNED = "AWS_OWNED_KMS_KEY"
CUSTOMER_MANAGED = "CUSTOMER_MANAGED_KEY"


@dataclass
class IdcRegion:
    status: str
    added: dt.datetime


@dataclass
class IdcInstance:
    """One Identity Center instance as AWS would describe it."""

    account: str
    primary_region: str
    name: str | None = None
    organization: bool = True
    key_type: str = AWS_OWNED
    kms_key_arn: str | None = None
    encryption_status: str = "ENABLED"
    status: str = "ACTIVE"
    regions: dict[str, IdcRegion] = field(default_factory=dict)
    instance_arn: str = ""
    identity_store_id: str = ""
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def visible_from(self, region: str | None) -> bool:
        if region == self.primary_region:
            return True
        added = self.regions.get(str(region))
        return added is not None and added.status == "ACTIVE"

    def region_entries(self) -> list[dict[str, Any]]:
        entries = [
            {
                "RegionName": self.primary_region,
                "Status": "ACTIVE",
                "AddedDate": self.created,
                "IsPrimaryRegion": True,
            }
        ]
        for name in sorted(self.regions):
            entries.append(
                {
                    "RegionName": name,
                    "Status": self.regions[name].status,
                    "AddedDate": self.regions[name].added,
                    "IsPrimaryRegion": False,
                }
            )
        return entries

    def summary(self) -> dict[str, Any]:
        """A ListInstances entry."""
        entry: dict[str, Any] = {
            "InstanceArn": self.instance_arn,
            "IdentityStoreId": self.identity_store_id,
            "IdentityStoreArn": (
                f"arn:aws:identitystore::{self.account}:identitystore/{self.identity_store_id}"
            ),
            "OwnerAccountId": self.account,
            "CreatedDate": self.created,
            "Status": self.status,
            "PrimaryRegion": self.primary_region,
            "Regions": self.region_entries(),
        }
        if self.name:
            entry["Name"] = self.name
        return entry

    def describe(self) -> dict[str, Any]:
        """A DescribeInstance response."""
        encryption: dict[str, Any] = {
            "KeyType": self.key_type,
            "EncryptionStatus": self.encryption_status,
        }
        if self.kms_key_arn:
            encryption["KmsKeyArn"] = self.kms_key_arn
        return {
            **self.summary(),
            "EncryptionConfigurationDetails": encryption,
            "PermissionSetsEnabled": self.organization,
        }


_STORE: dict[tuple[str, str], IdcInstance] = {}
#: Instances being configured, by primary Region, until ListInstances names their account.
_PENDING: dict[str, IdcInstance] = {}


def reset() -> None:
    """Forget every configured instance."""
    _STORE.clear()
    _PENDING.clear()


def configure_instance(
    admin: Any,
    *,
    name: str | None = None,
    organization: bool = True,
    kms_key_arn: str | None = None,
    key_type: str | None = None,
    encryption_status: str = "ENABLED",
    regions: dict[str, str] | None = None,
) -> str:
    """Enable Identity Center in the Region of ``admin`` (an sso-admin client with the
    moto_gaps hooks) as the primary Region of its account; returns the instance ARN.

    ``regions`` maps added Regions to their status (ACTIVE, ADDING, REMOVING).
    ``key_type`` defaults to CUSTOMER_MANAGED_KEY when ``kms_key_arn`` is given, else
    AWS_OWNED_KMS_KEY.
    """
    primary = str(admin.meta.region_name)
    now = dt.datetime.now(dt.UTC)
    pending = IdcInstance(
        account="",
        primary_region=primary,
        name=name,
        organization=organization,
        key_type=key_type or (CUSTOMER_MANAGED if kms_key_arn else AWS_OWNED),
        kms_key_arn=kms_key_arn,
        encryption_status=encryption_status,
        regions={r: IdcRegion(status, now) for r, status in (regions or {}).items()},
    )
    _PENDING[primary] = pending
    try:
        admin.list_instances()  # the hook adopts moto's own instance of this Region
    finally:
        _PENDING.pop(primary, None)
    if not pending.instance_arn:
        raise RuntimeError("configure_instance needs the moto_gaps hooks on the client")
    return pending.instance_arn


def set_region_status(instance_arn: str, region: str, status: str) -> None:
    """Move an added Region of a configured instance to ``status`` (e.g. ADDING -> ACTIVE)."""
    found = _by_arn(instance_arn)
    if found is None or region not in found.regions:
        raise KeyError(f"{region} is not an added Region of {instance_arn}")
    found.regions[region].status = status


# --------------------------------------------------------------------------- moto state


def _moto_backends() -> Any | None:
    """moto's sso-admin backends when moto mocks this process, else None."""
    try:
        from moto.core.models import botocore_stubber
        from moto.ssoadmin.models import ssoadmin_backends
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return None
    return ssoadmin_backends if botocore_stubber.enabled else None


def _live(instance: IdcInstance) -> bool:
    """False when moto (in this process) no longer holds the instance's moto instance."""
    backends = _moto_backends()
    if backends is None or not instance.instance_arn:
        return True
    by_region = dict.get(backends, instance.account) or {}
    backend = dict.get(by_region, instance.primary_region)
    return backend is not None and any(
        i.instance_arn == instance.instance_arn for i in backend.instances
    )


def _by_arn(instance_arn: Any) -> IdcInstance | None:
    for key, instance in list(_STORE.items()):
        if instance.instance_arn and instance.instance_arn == instance_arn:
            if _live(instance):
                return instance
            del _STORE[key]
    return None


def _response(context: dict[str, Any], status: int, body: dict[str, Any]) -> tuple[Any, Any]:
    url = str((context or {}).get("regionready_url", "https://sso.amazonaws.com/"))
    body["ResponseMetadata"] = {"HTTPStatusCode": status, "HTTPHeaders": {}, "RetryAttempts": 0}
    return AWSResponse(url, status, {}, None), body


def _error(context: dict[str, Any], code: str, message: str) -> tuple[Any, Any]:
    return _response(context, 400, {"Error": {"Code": code, "Message": message}})


def _not_found(context: dict[str, Any], arn: Any, region: Any) -> tuple[Any, Any]:
    return _error(
        context,
        "ResourceNotFoundException",
        f"Instance {arn} does not exist in this Region ({region})",
    )


def _visible(context: dict[str, Any]) -> IdcInstance | None:
    instance = _by_arn(remembered_params(context).get("InstanceArn"))
    region = (context or {}).get("client_region")
    return instance if instance is not None and instance.visible_from(region) else None


# --------------------------------------------------------------------------- hooks


def _sso_list_instances(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call ListInstances: the configured instance where AWS shows it, paged."""
    if is_error_answer(parsed):
        return
    region = (context or {}).get("client_region")
    request = remembered_params(context)
    own = [i for i in parsed.get("Instances") or [] if isinstance(i, dict)]
    accounts = {str(i.get("OwnerAccountId")) for i in own}
    pending = _PENDING.pop(str(region), None)
    if pending is not None and own:
        pending.account = str(own[0]["OwnerAccountId"])
        pending.instance_arn = str(own[0]["InstanceArn"])
        pending.identity_store_id = str(own[0]["IdentityStoreId"])
        _STORE[(pending.account, pending.primary_region)] = pending
    every_region = request.get("RegionScope") == "ALL_REGIONS"
    answer = []
    for key, instance in sorted(_STORE.items()):
        if instance.account not in accounts or not instance.instance_arn:
            continue
        if not _live(instance):
            del _STORE[key]
            continue
        if every_region or instance.visible_from(region):
            answer.append(instance.summary())
    parsed["Instances"] = answer
    parsed.pop("NextToken", None)
    page_answer(
        parsed,
        request,
        items="Instances",
        limit="MaxResults",
        token_in="NextToken",
        token_out="NextToken",
    )


def _remember_url(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    """before-call: keep the request URL for a short-circuited answer."""
    if isinstance(params, dict) and context is not None:
        context["regionready_url"] = params.get("url")


def _sso_describe_instance(context: dict[str, Any], **kwargs: Any) -> tuple[Any, Any]:
    """before-call DescribeInstance (missing in moto)."""
    _remember_url(kwargs.get("params", {}), context)
    instance = _visible(context)
    if instance is None:
        return _not_found(context, remembered_params(context).get("InstanceArn"), _region(context))
    return _response(context, 200, instance.describe())


def _region(context: dict[str, Any]) -> Any:
    return (context or {}).get("client_region")


def _sso_list_regions(context: dict[str, Any], **kwargs: Any) -> tuple[Any, Any]:
    """before-call ListRegions (missing in moto): paged RegionMetadata entries."""
    _remember_url(kwargs.get("params", {}), context)
    instance = _visible(context)
    request = remembered_params(context)
    if instance is None:
        return _not_found(context, request.get("InstanceArn"), _region(context))
    token = request.get("NextToken")
    if token is not None and not str(token).startswith(_TOKEN):
        return _error(context, "ValidationException", "Invalid NextToken")
    body: dict[str, Any] = {"Regions": instance.region_entries()}
    page_answer(
        body,
        request,
        items="Regions",
        limit="MaxResults",
        token_in="NextToken",
        token_out="NextToken",
    )
    return _response(context, 200, body)


def _sso_describe_region(context: dict[str, Any], **kwargs: Any) -> tuple[Any, Any]:
    """before-call DescribeRegion (missing in moto)."""
    _remember_url(kwargs.get("params", {}), context)
    instance = _visible(context)
    request = remembered_params(context)
    if instance is None:
        return _not_found(context, request.get("InstanceArn"), _region(context))
    for entry in instance.region_entries():
        if entry["RegionName"] == request.get("RegionName"):
            return _response(context, 200, dict(entry))
    return _error(
        context,
        "ResourceNotFoundException",
        f"Region {request.get('RegionName')} is not enabled for {instance.instance_arn}",
    )


def _replica_exists(key_arn: str, region: str) -> bool | None:
    """Whether moto (in-process) holds the multi-Region key in ``region``; None: unknown."""
    try:
        from moto.kms.models import kms_backends
    except ImportError:  # pragma: no cover
        return None
    if _moto_backends() is None:
        return None
    key_id = key_arn.rsplit("/", 1)[-1]
    for by_region in list(kms_backends.values()):
        backend = dict.get(by_region, region)
        if backend is not None and key_id in backend.keys:
            return True
    return False


def _sso_add_region(context: dict[str, Any], **kwargs: Any) -> tuple[Any, Any]:
    """before-call AddRegion (missing in moto): validated, the Region is ADDING."""
    _remember_url(kwargs.get("params", {}), context)
    request = remembered_params(context)
    instance = _visible(context)
    region = str(request.get("RegionName"))
    if instance is None:
        return _not_found(context, request.get("InstanceArn"), _region(context))
    if _region(context) != instance.primary_region:
        return _error(
            context, "ValidationException", "Regions can only be added from the primary Region"
        )
    if not instance.organization:
        return _error(
            context, "ValidationException", "Account instances do not support multiple Regions"
        )
    if instance.key_type != CUSTOMER_MANAGED or not instance.kms_key_arn:
        return _error(
            context,
            "ValidationException",
            "Adding a Region requires a customer managed multi-Region KMS key",
        )
    if region == instance.primary_region or region in instance.regions:
        return _error(context, "ConflictException", f"Region {region} is already enabled")
    if _replica_exists(instance.kms_key_arn, region) is False:
        return _error(
            context,
            "ValidationException",
            f"KMS key {instance.kms_key_arn} has no replica in {region}",
        )
    instance.regions[region] = IdcRegion("ADDING", dt.datetime.now(dt.UTC))
    return _response(context, 200, {"Status": "ADDING"})


def _sso_provisioned_accounts(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call ListAccountsForProvisionedPermissionSet: accounts assigned, paged."""
    if is_error_answer(parsed):
        return
    request = remembered_params(context)
    backends = _moto_backends()
    found = set(parsed.get("AccountIds") or [])
    if backends is not None:
        for by_region in list(backends.values()):
            backend = dict.get(by_region, _region(context))
            if backend is None:
                continue
            for assignment in backend.account_assignments:
                if assignment.permission_set_arn == request.get(
                    "PermissionSetArn"
                ) and assignment.instance_arn == request.get("InstanceArn"):
                    found.add(str(assignment.target_id))
    parsed["AccountIds"] = sorted(found)
    parsed.pop("NextToken", None)
    page_answer(
        parsed,
        request,
        items="AccountIds",
        limit="MaxResults",
        token_in="NextToken",
        token_out="NextToken",
    )


_REMEMBERED = (
    "ListInstances",
    "DescribeInstance",
    "ListRegions",
    "DescribeRegion",
    "AddRegion",
    "ListAccountsForProvisionedPermissionSet",
)

HANDLERS: tuple[tuple[str, Handler], ...] = (
    *((f"before-parameter-build.sso-admin.{op}", remember_params) for op in _REMEMBERED),
    ("after-call.sso-admin.ListInstances", _sso_list_instances),
    ("before-call.sso-admin.DescribeInstance", _sso_describe_instance),
    ("before-call.sso-admin.ListRegions", _sso_list_regions),
    ("before-call.sso-admin.DescribeRegion", _sso_describe_region),
    ("before-call.sso-admin.AddRegion", _sso_add_region),
    ("after-call.sso-admin.ListAccountsForProvisionedPermissionSet", _sso_provisioned_accounts),
)
