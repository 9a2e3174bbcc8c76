"""replicate-secret (SM-001): ReplicateSecretToRegions on the source endpoint toward the
target, on the AWS managed key or the target key behind the same alias, never a silent
fall back to aws/secretsmanager; the secret value is never read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from regionready.demo.seed import DemoPlan
from regionready.demo.seed_secrets_cognito import DEMO_VALUE
from regionready.remediation import Change, RemediationError, action
from regionready.snapshot import Scan

from .conftest import SOURCE, TARGET, Harness, demo_account

SM_SERVICES = ("secretsmanager", "kms")
SM_RULES = ("SM-001", "SM-003")


def test_replicate_secret_on_the_default_and_on_customer_keys(
    seeded: DemoPlan, seeded_harness: Harness
) -> None:
    h = seeded_harness
    cmk = h.client("secretsmanager", SOURCE).create_secret(
        Name="prod/app/cmk", SecretString=DEMO_VALUE, KmsKeyId="alias/app-data"
    )["ARN"]
    billing = seeded.failing["SM-001"][0]
    reports_replica = seeded.failing["SM-003"][0]
    before = h.collect(SM_SERVICES)
    assert h.failing(before, *SM_RULES) == {
        ("SM-001", billing),
        ("SM-001", cmk),
        ("SM-003", reports_replica),  # no action: a replica's key is not changed here
    }
    code, plan, _ = h.remediate(before, rules=SM_RULES)
    assert code == 0
    target_key = seeded.aliases[TARGET]["alias/app-data"].rsplit("/", 1)[1]
    assert sorted(
        (c["resource"], c["params"]["KmsKeyId"], c["summary"]) for c in plan["changes"]
    ) == [
        (
            "prod/app/cmk",
            "alias/app-data",
            f"replicate prod/app/cmk from {SOURCE} on alias/app-data -> {target_key}",
        ),
        (
            "prod/billing/api-key",
            None,
            f"replicate prod/billing/api-key from {SOURCE} on the AWS managed key "
            "aws/secretsmanager, as in the source",
        ),
    ]

    reads: list[str] = []

    def read_value(model: object, **_: object) -> None:
        reads.append(str(getattr(model, "name", model)))

    for name in ("GetSecretValue", "BatchGetSecretValue"):
        h.hook_first(f"before-call.secrets-manager.{name}", read_value)
    writes, first, replay = h.apply_twice(before, SM_RULES, ("replicate-secret",))
    assert {
        (w.operation, w.params["SecretId"], json.dumps(w.params["AddReplicaRegions"]))
        for w in writes
    } == {
        ("ReplicateSecretToRegions", billing, json.dumps([{"Region": TARGET}])),
        (
            "ReplicateSecretToRegions",
            cmk,
            json.dumps([{"Region": TARGET, "KmsKeyId": "alias/app-data"}]),
        ),
    }
    assert len(writes) == 2
    assert reads == [], "the secret value is never read"
    assert {e["outcome"] for e in first} == {"applied"}
    assert {e["outcome"] for e in replay} == {"unchanged"}
    log = (h.tmp / "audit.jsonl").read_text()
    assert DEMO_VALUE not in log and DEMO_VALUE not in json.dumps(plan)

    after = h.collect(SM_SERVICES)
    assert h.failing(after, *SM_RULES) == {("SM-003", reports_replica)}
    replica = h.client("secretsmanager", TARGET).describe_secret(SecretId="prod/app/cmk")
    assert replica["KmsKeyId"] == "alias/app-data"
    assert h.remediate(after, rules=("SM-001",))[1]["changes"] == []


@dataclass
class WithoutTargetKey:
    """The demo account plus two secrets on keys the target lacks, collected once."""

    h: Harness
    plan: DemoPlan
    scan: Scan
    late: str  # the ARN of prod/app/late (alias/app-data), never replicated


@pytest.fixture(scope="class")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WithoutTargetKey]:
    """Built once for the tests of a class, torn down after its last one (so no other
    test's moto fixture runs inside it: nested mocks share one state)."""
    with demo_account() as (session, plan):
        h = Harness(session, tmp_path_factory.mktemp("secrets"))
        secrets = h.client("secretsmanager", SOURCE)
        # alias/billing exists only in the source (KMS-001 fails for it).
        secrets.create_secret(
            Name="prod/app/billing-key", SecretString=DEMO_VALUE, KmsKeyId="alias/billing"
        )
        late = secrets.create_secret(
            Name="prod/app/late", SecretString=DEMO_VALUE, KmsKeyId="alias/app-data"
        )["ARN"]
        yield WithoutTargetKey(h, plan, h.collect(SM_SERVICES), late)


class TestWithoutTheTargetKey:
    """Tests that only read the moto state: it is built once for all of them."""

    def test_replicate_secret_plans_nothing_without_the_target_key(
        self, world: WithoutTargetKey
    ) -> None:
        findings = world.h.findings(world.scan, "SM-001")
        ctx = world.h.context(world.scan, findings[0].account)
        module = action("replicate-secret")
        blocked = next(f for f in findings if "billing-key" in f.resource_id)
        assert module.plan(blocked, ctx) == [], "without the key, nothing (no silent downgrade)"
        notes: list[str] = []
        ctx.notes = notes
        assert module.plan(blocked, ctx) == []
        [message] = notes
        assert message.startswith("SM-001 prod/app/billing-key: not planned: ")
        assert "alias/billing" in message and "KMS-001" in message
        assert "not replicated with aws/secretsmanager" in message
        # The demo's other finding (a secret on the AWS managed key) still plans.
        other = next(f for f in findings if f.resource_id == world.plan.failing["SM-001"][0])
        assert [c.params["KmsKeyId"] for c in module.plan(other, ctx)] == [None]

    def test_replicate_secret_apply_refuses_a_key_missing_in_the_target(
        self, world: WithoutTargetKey
    ) -> None:
        h = world.h
        change = Change(
            action="replicate-secret",
            rule_id="SM-001",
            fingerprint="f",
            account=world.plan.account_id,
            region=TARGET,
            resource="prod/app/late",
            summary="",
            params={"SecretId": world.late, "Name": "prod/app/late", "KmsKeyId": "alias/nowhere"},
        )
        with (
            h.watching() as calls,
            pytest.raises(RemediationError, match="has no key alias/nowhere"),
        ):
            action("replicate-secret").apply(change, h.clients())
        assert [c for c in calls if c.mutating] == []
        status = h.client("secretsmanager", SOURCE).describe_secret(SecretId=world.late)
        assert not status.get("ReplicationStatus"), "nothing was replicated"
