"""The Identity Center collector against moto, and the sso-admin corrections it relies on
(regionready.demo.moto_gaps.sso)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from regionready.collectors import sso
from regionready.demo import moto_gaps
from regionready.demo.moto_gaps import sso as gaps
from regionready.snapshot import jsonable

PRIMARY = "us-east-1"
ADDED = "eu-west-1"
ADDING = "eu-central-1"
ELSEWHERE = "ap-south-1"
MEMBER = "222222222222"


@pytest.fixture(autouse=True)
def _empty_store() -> Iterator[None]:
    gaps.reset()
    yield
    gaps.reset()


def _mrk(session: boto3.Session, *replicas: str) -> str:
    kms = session.client("kms", region_name=PRIMARY)
    meta = kms.create_key(MultiRegion=True, Description="identity center")["KeyMetadata"]
    for region in replicas:
        kms.replicate_key(KeyId=meta["KeyId"], ReplicaRegion=region)
    return str(meta["Arn"])


@pytest.fixture
def seeded(session: boto3.Session) -> dict[str, Any]:
    key_arn = _mrk(session, ADDED, ADDING)
    arn = gaps.configure_instance(
        session.client("sso-admin", region_name=PRIMARY),
        name="org",
        kms_key_arn=key_arn,
        regions={ADDED: "ACTIVE", ADDING: "ADDING"},
    )
    admin = session.client("sso-admin", region_name=PRIMARY)
    ps: dict[str, str] = {}
    for name in ("Admin", "ReadOnly"):
        ps[name] = admin.create_permission_set(
            InstanceArn=arn, Name=name, Description=f"{name} access", SessionDuration="PT4H"
        )["PermissionSet"]["PermissionSetArn"]
    admin.attach_managed_policy_to_permission_set(
        InstanceArn=arn,
        PermissionSetArn=ps["ReadOnly"],
        ManagedPolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess",
    )
    admin.attach_customer_managed_policy_reference_to_permission_set(
        InstanceArn=arn,
        PermissionSetArn=ps["Admin"],
        CustomerManagedPolicyReference={"Name": "Boundary", "Path": "/"},
    )
    admin.put_inline_policy_to_permission_set(
        InstanceArn=arn,
        PermissionSetArn=ps["Admin"],
        InlinePolicy=json.dumps({"Statement": [{"Effect": "Allow", "Action": "*"}]}),
    )
    store = admin.list_instances()["Instances"][0]["IdentityStoreId"]
    groups = session.client("identitystore", region_name=PRIMARY)
    group_ids = [
        groups.create_group(IdentityStoreId=store, DisplayName=n)["GroupId"]
        for n in ("Admins", "Auditors")
    ]
    for account, principal, name in (
        (MEMBER, group_ids[0], "Admin"),
        ("333333333333", group_ids[0], "Admin"),
        (MEMBER, group_ids[1], "ReadOnly"),
    ):
        admin.create_account_assignment(
            InstanceArn=arn,
            TargetId=account,
            TargetType="AWS_ACCOUNT",
            PermissionSetArn=ps[name],
            PrincipalType="GROUP",
            PrincipalId=principal,
        )
    return {"arn": arn, "key": key_arn, "ps": ps, "store": store, "groups": group_ids}


def _deny(code: str = "AccessDeniedException") -> Any:
    def deny(model: Any, **_: Any) -> None:
        raise ClientError({"Error": {"Code": code, "Message": "not authorized"}}, model.name)

    return deny


# --------------------------------------------------------------------------- collector


def test_primary_region_instance_permission_sets_and_groups(
    make_clients: Any, seeded: dict[str, Any]
) -> None:
    clients = make_clients(PRIMARY, "sso")
    result = sso.collect(clients, PRIMARY)

    assert clients.errors == []
    [instance] = result["instance"]
    assert instance["InstanceArn"] == seeded["arn"]
    assert instance["Name"] == "org"
    assert instance["Status"] == "ACTIVE"
    assert instance["PrimaryRegion"] == PRIMARY
    assert instance["PermissionSetsEnabled"] is True  # an organization instance
    assert instance["IdentityStoreId"] == seeded["store"]
    assert instance["OwnerAccountId"] == "123456789012"
    assert instance["EncryptionConfigurationDetails"] == {
        "KeyType": "CUSTOMER_MANAGED_KEY",
        "KmsKeyArn": seeded["key"],
        "EncryptionStatus": "ENABLED",
    }
    assert [(r["RegionName"], r["Status"], r["IsPrimaryRegion"]) for r in instance["Regions"]] == [
        (PRIMARY, "ACTIVE", True),
        (ADDING, "ADDING", False),
        (ADDED, "ACTIVE", False),
    ]
    assert "IdentitySource" not in instance  # no API reveals it

    sets = {p["Name"]: p for p in result["permission_set"]}
    assert set(sets) == {"Admin", "ReadOnly"}
    admin = sets["Admin"]
    assert admin["PermissionSetArn"] == seeded["ps"]["Admin"]
    assert admin["InstanceArn"] == seeded["arn"]
    assert admin["Description"] == "Admin access"
    assert admin["SessionDuration"] == "PT4H"
    assert admin["CustomerManagedPolicyReferences"] == [{"Name": "Boundary", "Path": "/"}]
    assert json.loads(admin["InlinePolicy"])["Statement"][0]["Action"] == "*"
    assert admin["AccountIds"] == [MEMBER, "333333333333"]
    assert admin["AccountAssignmentsTruncated"] is False
    assert sorted((a["AccountId"], a["PrincipalId"]) for a in admin["AccountAssignments"]) == [
        (MEMBER, seeded["groups"][0]),
        ("333333333333", seeded["groups"][0]),
    ]
    read_only = sets["ReadOnly"]
    assert [p["Arn"] for p in read_only["AttachedManagedPolicies"]] == [
        "arn:aws:iam::aws:policy/ReadOnlyAccess"
    ]
    assert read_only["InlinePolicy"] == ""
    assert read_only["AccountAssignments"] == [
        {
            "AccountId": MEMBER,
            "PermissionSetArn": seeded["ps"]["ReadOnly"],
            "PrincipalType": "GROUP",
            "PrincipalId": seeded["groups"][1],
        }
    ]
    assert sorted(g["DisplayName"] for g in result["group"]) == ["Admins", "Auditors"]
    assert all(g["IdentityStoreId"] == seeded["store"] for g in result["group"])
    json.dumps(jsonable(result))


def test_added_region_sees_the_same_instance_without_the_backup(
    make_clients: Any, seeded: dict[str, Any]
) -> None:
    result = sso.collect(make_clients(ADDED, "sso"), ADDED)
    [instance] = result["instance"]
    assert instance["InstanceArn"] == seeded["arn"]
    assert instance["PrimaryRegion"] == PRIMARY
    assert instance["EncryptionConfigurationDetails"]["KmsKeyArn"] == seeded["key"]
    assert result["permission_set"] == [] and result["group"] == []


@pytest.mark.parametrize("region", [ADDING, ELSEWHERE])
def test_regions_not_serving_the_instance_see_none(
    make_clients: Any, seeded: dict[str, Any], region: str
) -> None:
    clients = make_clients(region, "sso")
    assert sso.collect(clients, region) == {"instance": [], "permission_set": [], "group": []}
    assert clients.errors == []


def test_account_instance_with_aws_owned_key(session: boto3.Session, make_clients: Any) -> None:
    arn = gaps.configure_instance(
        session.client("sso-admin", region_name=PRIMARY), organization=False
    )
    [instance] = sso.collect(make_clients(PRIMARY, "sso"), PRIMARY)["instance"]
    assert instance["InstanceArn"] == arn
    assert instance["PermissionSetsEnabled"] is False
    assert instance["EncryptionConfigurationDetails"] == {
        "KeyType": "AWS_OWNED_KMS_KEY",
        "EncryptionStatus": "ENABLED",
    }
    assert [r["RegionName"] for r in instance["Regions"]] == [PRIMARY]


def test_no_identity_center_means_no_instance(make_clients: Any) -> None:
    """moto invents an instance in every Region; an account without Identity Center has none."""
    clients = make_clients(PRIMARY, "sso")
    assert sso.collect(clients, PRIMARY)["instance"] == []
    assert clients.errors == []


@pytest.mark.parametrize(
    ("operation", "action", "feeds"),
    [
        ("ListInstances", "sso:ListInstances", ["group", "instance", "permission_set"]),
        ("DescribeInstance", "sso:DescribeInstance", ["instance"]),
        ("ListRegions", "sso:ListRegions", ["instance"]),
        ("ListPermissionSets", "sso:ListPermissionSets", ["permission_set"]),
        ("DescribePermissionSet", "sso:DescribePermissionSet", ["permission_set"]),
        (
            "ListManagedPoliciesInPermissionSet",
            "sso:ListManagedPoliciesInPermissionSet",
            ["permission_set"],
        ),
        (
            "ListCustomerManagedPolicyReferencesInPermissionSet",
            "sso:ListCustomerManagedPolicyReferencesInPermissionSet",
            ["permission_set"],
        ),
        (
            "GetInlinePolicyForPermissionSet",
            "sso:GetInlinePolicyForPermissionSet",
            ["permission_set"],
        ),
        (
            "ListAccountsForProvisionedPermissionSet",
            "sso:ListAccountsForProvisionedPermissionSet",
            ["permission_set"],
        ),
        ("ListAccountAssignments", "sso:ListAccountAssignments", ["permission_set"]),
        ("identitystore.ListGroups", "identitystore:ListGroups", ["group"]),
    ],
)
def test_access_denied_is_recorded_against_the_types_it_feeds(
    session: boto3.Session,
    make_clients: Any,
    seeded: dict[str, Any],
    operation: str,
    action: str,
    feeds: list[str],
) -> None:
    service, _, name = operation.rpartition(".")
    # First, so it wins over the moto_gaps hooks that answer some of these calls.
    session.events.register_first(f"before-call.{service or 'sso-admin'}.{name}", _deny())
    clients = make_clients(PRIMARY, "sso")
    result = sso.collect(clients, PRIMARY)

    assert clients.errors
    assert {e.action for e in clients.errors} == {action}
    assert all(e.to_dict()["resource_types"] == feeds for e in clients.errors)
    assert all(e.code == "AccessDeniedException" for e in clients.errors)
    if operation == "DescribeInstance":  # the ListInstances entry still stands in
        [instance] = result["instance"]
        assert instance["InstanceArn"] == seeded["arn"]
        assert "PermissionSetsEnabled" not in instance
    if operation == "ListAccountAssignments":  # a partial list never looks complete
        assert all("AccountAssignments" not in p for p in result["permission_set"])
        assert all(p["AccountIds"] for p in result["permission_set"])


def test_small_pages_collect_the_same(make_clients: Any, seeded: dict[str, Any]) -> None:
    whole = make_clients(PRIMARY, "sso")
    paged = make_clients(PRIMARY, "sso", small_pages=True)
    expected = sso.collect(whole, PRIMARY)
    result = sso.collect(paged, PRIMARY)

    assert jsonable(result) == jsonable(expected)
    # ListRegions (3 Regions), ListPermissionSets (2), ListAccountsForProvisionedPermissionSet
    # (2 accounts for Admin) and ListGroups (2) answered one item per page.
    assert paged.api_calls == whole.api_calls + 2 + 1 + 1 + 1


def test_assignments_are_read_for_a_bounded_number_of_accounts(
    make_clients: Any, seeded: dict[str, Any]
) -> None:
    clients = make_clients(PRIMARY, "sso")
    clients.options["sso_max_accounts"] = 1
    sets = {p["Name"]: p for p in sso.collect(clients, PRIMARY)["permission_set"]}
    assert sets["Admin"]["AccountIds"] == [MEMBER, "333333333333"]
    assert sets["Admin"]["AccountAssignmentsTruncated"] is True
    assert [a["AccountId"] for a in sets["Admin"]["AccountAssignments"]] == [MEMBER]
    assert sets["ReadOnly"]["AccountAssignmentsTruncated"] is False


def test_only_declared_read_only_calls(
    session: boto3.Session, make_clients: Any, seeded: dict[str, Any]
) -> None:
    called: set[str] = set()

    def record(model: Any, **_: Any) -> None:
        prefix = "sso" if model.service_model.service_name == "sso-admin" else "identitystore"
        called.add(f"{prefix}:{model.name}")

    session.events.register_first("before-call.sso-admin", record)
    session.events.register_first("before-call.identitystore", record)
    # The calls moto_gaps answers itself stop the event at their more specific name.
    for name in ("DescribeInstance", "ListRegions", "DescribeRegion", "AddRegion"):
        session.events.register_first(f"before-call.sso-admin.{name}", record)
    sso.collect(make_clients(PRIMARY, "sso"), PRIMARY)

    assert called == set(sso.PERMISSIONS)
    assert all(c.split(":")[1].startswith(("List", "Describe", "Get")) for c in called)


# --------------------------------------------------------------------------- moto_gaps.sso


def test_describe_region_and_list_regions_paging(
    session: boto3.Session, seeded: dict[str, Any]
) -> None:
    admin = session.client("sso-admin", region_name=ADDED)
    region = admin.describe_region(InstanceArn=seeded["arn"], RegionName=ADDING)
    assert (region["RegionName"], region["Status"], region["IsPrimaryRegion"]) == (
        ADDING,
        "ADDING",
        False,
    )
    assert region["AddedDate"].tzinfo is not None
    with pytest.raises(ClientError) as missing:
        admin.describe_region(InstanceArn=seeded["arn"], RegionName=ELSEWHERE)
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"

    first = admin.list_regions(InstanceArn=seeded["arn"], MaxResults=2)
    assert len(first["Regions"]) == 2 and first["NextToken"]
    rest = admin.list_regions(InstanceArn=seeded["arn"], NextToken=first["NextToken"])
    assert [r["RegionName"] for r in rest["Regions"]] == [ADDED]
    assert "NextToken" not in rest


@pytest.mark.parametrize("region", [ADDING, ELSEWHERE])
def test_describe_instance_only_where_the_instance_is_enabled(
    session: boto3.Session, seeded: dict[str, Any], region: str
) -> None:
    admin = session.client("sso-admin", region_name=region)
    for call in (admin.describe_instance, admin.list_regions):
        with pytest.raises(ClientError) as err:
            call(InstanceArn=seeded["arn"])
        assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_list_instances_all_regions_scope_and_paging(
    session: boto3.Session, seeded: dict[str, Any]
) -> None:
    admin = session.client("sso-admin", region_name=ELSEWHERE)
    assert admin.list_instances()["Instances"] == []
    every = admin.list_instances(RegionScope="ALL_REGIONS")["Instances"]
    assert [i["InstanceArn"] for i in every] == [seeded["arn"]]
    page = admin.list_instances(RegionScope="ALL_REGIONS", MaxResults=1)
    assert len(page["Instances"]) == 1 and "NextToken" not in page


def test_add_region_validates_and_adds(session: boto3.Session, seeded: dict[str, Any]) -> None:
    admin = session.client("sso-admin", region_name=PRIMARY)

    def code(region: str, client: Any = admin) -> str:
        with pytest.raises(ClientError) as err:
            client.add_region(InstanceArn=seeded["arn"], RegionName=region)
        return str(err.value.response["Error"]["Code"])

    assert code(ADDED) == "ConflictException"
    assert code(ELSEWHERE) == "ValidationException"  # the key has no replica there
    assert code("us-west-2", session.client("sso-admin", region_name=ADDED)) == (
        "ValidationException"  # not from the primary Region
    )
    session.client("kms", region_name=PRIMARY).replicate_key(
        KeyId=seeded["key"].rsplit("/", 1)[1], ReplicaRegion="us-west-2"
    )
    assert admin.add_region(InstanceArn=seeded["arn"], RegionName="us-west-2")["Status"] == "ADDING"
    west = session.client("sso-admin", region_name="us-west-2")
    assert west.list_instances()["Instances"] == []  # not serving until replicated
    gaps.set_region_status(seeded["arn"], "us-west-2", "ACTIVE")
    assert [i["InstanceArn"] for i in west.list_instances()["Instances"]] == [seeded["arn"]]


def test_add_region_refuses_account_instances_and_aws_owned_keys(session: boto3.Session) -> None:
    admin = session.client("sso-admin", region_name=PRIMARY)
    for organization in (False, True):
        arn = gaps.configure_instance(admin, organization=organization)
        with pytest.raises(ClientError) as err:
            admin.add_region(InstanceArn=arn, RegionName=ADDED)
        assert err.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(KeyError):
        gaps.set_region_status(arn, ADDED, "ACTIVE")


def test_provisioned_accounts_follow_assignments_and_page(
    session: boto3.Session, seeded: dict[str, Any]
) -> None:
    admin = session.client("sso-admin", region_name=PRIMARY)
    ids = {"InstanceArn": seeded["arn"], "PermissionSetArn": seeded["ps"]["Admin"]}
    first = admin.list_accounts_for_provisioned_permission_set(**ids, MaxResults=1)
    assert first["AccountIds"] == [MEMBER]
    rest = admin.list_accounts_for_provisioned_permission_set(**ids, NextToken=first["NextToken"])
    assert rest["AccountIds"] == ["333333333333"] and "NextToken" not in rest


def test_a_reset_moto_forgets_the_instance() -> None:
    """The store follows moto: after a new mock_aws the old instance is gone everywhere."""
    with mock_aws():
        first = moto_gaps.install(boto3.Session(region_name=PRIMARY))
        arn = gaps.configure_instance(
            first.client("sso-admin", region_name=PRIMARY), regions={ADDED: "ACTIVE"}
        )
        listed = first.client("sso-admin", region_name=ADDED).list_instances()["Instances"]
        assert [i["InstanceArn"] for i in listed] == [arn]
    with mock_aws():
        fresh = moto_gaps.install(boto3.Session(region_name=PRIMARY))
        with pytest.raises(ClientError) as err:
            fresh.client("sso-admin", region_name=ADDED).describe_instance(InstanceArn=arn)
        assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"
        for region in (ADDED, PRIMARY):
            admin = fresh.client("sso-admin", region_name=region)
            assert admin.list_instances()["Instances"] == []


def test_configure_needs_the_hooks() -> None:
    with mock_aws():
        bare = boto3.Session(region_name=PRIMARY)
        with pytest.raises(RuntimeError, match="hooks"):
            gaps.configure_instance(bare.client("sso-admin", region_name=PRIMARY))
