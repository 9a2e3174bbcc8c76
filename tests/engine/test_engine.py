"""Engine behaviour beyond single rules: lookups, quotas, depends_on, errors, scale."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from regionready.engine.conditions import Evaluator
from regionready.engine.evaluation import evaluate
from regionready.engine.fixtures import scan_from_case
from regionready.engine.rules import Rule, RuleError, load_rules, parse_rule
from regionready.model import Status

NOW = dt.datetime(2026, 11, 23, tzinfo=dt.UTC)
HEAD = """\
service: acm
severity: medium
description: A rule used by the engine tests.
remediation: {text: Fix it.}
references: [test]
"""


def rule(tmp_path: Path, text: str) -> Rule:
    path = tmp_path / "r.yaml"
    path.write_text(HEAD + text)
    return parse_rule(path, "rules/test/r.yaml")


def run(rules: list[Rule], case: dict[str, Any]) -> list[Any]:
    return evaluate(scan_from_case(rules[0], case), rules, now=NOW)


def certs(*names: str, region: str = "eu-central-1", **extra: Any) -> list[dict[str, Any]]:
    return [
        {"CertificateArn": f"arn:aws:acm:{region}:1:certificate/{n}", "DomainName": n, **extra}
        for n in names
    ]


def test_lookup_joins_another_resource_type(tmp_path: Path) -> None:
    r = rule(
        tmp_path,
        """\
id: TST-010
title: Validation record exists
kind: readiness
resource: acm.certificate
lookups:
  records: {resource: kms.alias, key: AliasName}
fail_when:
  - {key: "lookup('records', DomainName)", op: absent}
message: "{DomainName} has no record"
""",
    )
    case = {
        "target": {
            "acm": {"certificate": certs("alias/a", "alias/b")},
            "kms": {"alias": [{"AliasName": "alias/a"}]},
        }
    }
    got = {(x.status, x.resource_id.rsplit("/", 1)[-1]) for x in run([r], case)}
    assert got == {(Status.PASS, "a"), (Status.FAIL, "b")}


def test_lookup_over_uncollected_data_is_error(tmp_path: Path) -> None:
    r = rule(
        tmp_path,
        """\
id: TST-011
title: Lookup missing
kind: readiness
resource: acm.certificate
lookups:
  records: {resource: kms.alias, key: AliasName}
fail_when:
  - {key: "lookup('records', DomainName)", op: absent}
message: "x"
""",
    )
    case = {
        "target": {"acm": {"certificate": certs("a")}, "kms": {}},
        "errors": {"target": {"kms": [{"resource_types": ["alias"], "action": "kms:ListAliases"}]}},
    }
    (result,) = run([r], case)
    assert result.status is Status.ERROR
    assert "kms:ListAliases" in result.message


QUOTA = """\
id: TST-020
title: Certificate quota
kind: quota
resource: acm.certificate
quota: {name: ACM certificates, service_code: acm, quota_code: L-F141DD1D, default: 3}
where:
  - {key: CertificateAuthorityArn, op: absent}
pair_by: DomainName
usage: length(@)
adds: length(@)
message: "{total} certificates would exceed {quota_name} ({quota}, {quota_source})"
"""


def test_quota_counts_usage_plus_unpaired_source_items(tmp_path: Path) -> None:
    r = rule(tmp_path, QUOTA)
    private = {"CertificateAuthorityArn": "arn:aws:acm-pca:eu-central-1:1:certificate-authority/x"}
    case = {
        "source": {"acm": {"certificate": certs("a", "b", "c", region="me-central-1")}},
        "target": {"acm": {"certificate": certs("a", "z") + certs("p1", "p2", **private)}},
    }
    (result,) = run([r], case)
    # target usage 2 (private-CA ones do not count) + 2 to migrate (b, c; a has a twin) = 4 > 3
    assert result.status is Status.FAIL
    assert result.details["usage"] == 2 and result.details["adds"] == 2
    assert "documented default" in result.message


def test_quota_prefers_service_quotas_value(tmp_path: Path) -> None:
    r = rule(tmp_path, QUOTA)
    case = {
        "source": {"acm": {"certificate": certs("a", "b", "c", region="me-central-1")}},
        "target": {
            "acm": {"certificate": certs("a", "z")},
            "servicequotas": {
                "quota": [{"ServiceCode": "acm", "QuotaCode": "L-F141DD1D", "Value": 10.0}]
            },
        },
    }
    (result,) = run([r], case)
    assert result.status is Status.PASS
    assert result.details["quota_source"] == "Service Quotas"


def test_depends_on_marks_root_causes(tmp_path: Path) -> None:
    root = rule(
        tmp_path,
        """\
id: TST-030
title: Root cause
kind: readiness
resource: acm.certificate
fail_when: [{key: Status, op: ne, value: ISSUED}]
message: "{DomainName} not issued"
""",
    )
    child = rule(
        tmp_path,
        """\
id: TST-031
title: Blocked check
kind: readiness
resource: acm.certificate
depends_on: [TST-030]
fail_when: [{key: InUseBy, op: empty}]
message: "{DomainName} unused"
""",
    )
    case = {"target": {"acm": {"certificate": certs("a", Status="PENDING_VALIDATION")}}}
    results = run([root, child], case)
    blocked = {x.rule_id: x.blocked_by for x in results if x.status is Status.FAIL}
    # the failure that blocks it, by its resource (the rule has no resource_name: its id)
    assert blocked == {
        "TST-030": [],
        "TST-031": ["TST-030 arn:aws:acm:eu-central-1:1:certificate/a"],
    }
    case = {"target": {"acm": {"certificate": certs("a", Status="ISSUED")}}}
    blocked = {x.rule_id: x.blocked_by for x in run([root, child], case) if x.status is Status.FAIL}
    assert blocked == {"TST-031": []}


def test_fingerprints_are_stable_and_distinct(tmp_path: Path) -> None:
    r = rule(
        tmp_path,
        """\
id: TST-040
title: Any
kind: readiness
resource: acm.certificate
fail_when: [{key: DomainName, op: present}]
message: "{DomainName}"
""",
    )
    case = {"target": {"acm": {"certificate": certs("a", "b")}}}
    first = [x.fingerprint for x in run([r], case)]
    second = [x.fingerprint for x in run([r], case)]
    assert first == second
    assert len(set(first)) == 2


def test_parity_join_is_linear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """20,000 source items against 20,000 targets: a pairwise scan would be 4e8 compares.
    A hash join computes each item's key once and looks each source key up once."""
    key_calls = 0
    join_key = Evaluator.join_key

    def counted(self: Evaluator, text: str, item: Any) -> Any:
        nonlocal key_calls
        key_calls += 1
        return join_key(self, text, item)

    monkeypatch.setattr(Evaluator, "join_key", counted)
    r = rule(
        tmp_path,
        """\
id: TST-050
title: Twin exists
kind: parity
resource: acm.certificate
pair_by: DomainName
message: "{source.DomainName}"
""",
    )
    names = [f"h{i}.example.com" for i in range(20_000)]
    case = {
        "source": {"acm": {"certificate": certs(*names, region="me-central-1")}},
        "target": {"acm": {"certificate": certs(*names[1:])}},
    }
    results = run([r], case)
    assert sum(x.status is Status.FAIL for x in results) == 1
    assert len(results) == 20_000
    assert 20_000 <= key_calls <= 20_000 + 19_999


def test_location_expression_puts_file_findings_on_their_line(tmp_path: Path) -> None:
    r = rule(
        tmp_path,
        """\
id: TST-060
title: File finding
kind: readiness
resource: acm.certificate
location: "{path: File, line: Line, column: Column}"
fail_when: [{key: DomainName, op: present}]
message: "{DomainName}"
""",
    )
    items = [
        {"CertificateArn": "x1", "DomainName": "a", "File": "t/app.yaml", "Line": 7, "Column": 3},
        {"CertificateArn": "x2", "DomainName": "b", "File": "t/app.yaml", "Line": 0},
        {"CertificateArn": "x3", "DomainName": "c"},
    ]
    results = {
        x.resource_id: x.location for x in run([r], {"target": {"acm": {"certificate": items}}})
    }
    assert results["x1"] is not None and (results["x1"].line, results["x1"].column) == (7, 3)
    assert results["x2"] is not None and results["x2"].line is None
    assert results["x3"] is None


def test_depends_on_same_resource_type_blocks_only_the_same_resource(tmp_path: Path) -> None:
    parent = rule(
        tmp_path,
        """\
id: TST-070
title: Twin exists
kind: parity
resource: acm.certificate
pair_by: DomainName
message: "{source.DomainName} missing"
""",
    )
    child = rule(
        tmp_path,
        """\
id: TST-071
title: Twin issued
kind: parity
resource: acm.certificate
pair_by: DomainName
on_unpaired: fail
depends_on: [TST-070]
compare: [{key: target.Status, op: eq, value: ISSUED}]
message: "{source.DomainName} not issued"
""",
    )
    case = {
        "source": {"acm": {"certificate": certs("a", "b", region="me-central-1")}},
        "target": {"acm": {"certificate": certs("b", Status="PENDING_VALIDATION")}},
    }
    blocked = {
        (x.rule_id, x.correlation_key): x.blocking_rules
        for x in run([parent, child], case)
        if x.status is Status.FAIL
    }
    assert blocked[("TST-071", "a")] == ["TST-070"]  # a is missing: the root cause
    assert blocked[("TST-071", "b")] == []  # b exists but is pending: its own finding


def test_optional_lookup_of_a_collector_not_run_is_empty(tmp_path: Path) -> None:
    text = """\
id: TST-080
title: Optional lookup
kind: readiness
resource: acm.certificate
lookups:
  aliases: {resource: kms.alias, key: AliasName, optional: true}
fail_when:
  - {key: "lookup('aliases', DomainName)", op: absent}
message: "{DomainName}"
"""
    r = rule(tmp_path, text)
    case = {"target": {"acm": {"certificate": certs("a")}}}
    assert [x.status for x in run([r], case)] == [Status.FAIL]
    denied = {"target": {"kms": [{"resource_types": ["alias"], "action": "kms:ListAliases"}]}}
    case = {"target": {"acm": {"certificate": certs("a")}, "kms": {}}, "errors": denied}
    assert [x.status for x in run([r], case)] == [Status.ERROR]


def test_results_carry_the_name_resource_name_gives(tmp_path: Path) -> None:
    """``resource_name`` names each item's result (readiness and parity, PASS, FAIL and
    out of scope); an item without the value, or a rule without the key, has no name."""
    readiness = rule(
        tmp_path,
        """\
id: TST-020
title: Named
kind: readiness
resource: acm.certificate
resource_name: DomainName
where:
  - {key: Status, op: ne, value: EXPIRED}
fail_when:
  - {key: InUse, op: eq, value: false}
message: "{DomainName} unused"
""",
    )
    items = [*certs("a.example", InUse=False), *certs("b.example", InUse=True)]
    items += certs("c.example", Status="EXPIRED")
    items.append({"CertificateArn": "arn:aws:acm:eu-central-1:1:certificate/nameless"})
    got = {
        (x.status, x.resource_name)
        for x in run([readiness], {"target": {"acm": {"certificate": items}}})
    }
    assert got == {
        (Status.FAIL, "a.example"),
        (Status.PASS, "b.example"),
        (Status.NOT_APPLICABLE, "c.example"),
        (Status.PASS, None),
    }
    parity = rule(
        tmp_path,
        """\
id: TST-021
title: Named pair
kind: parity
resource: acm.certificate
resource_name: DomainName
pair_by: DomainName
compare:
  - {key: target.KeyAlgorithm, op: eq, value_from: source.KeyAlgorithm}
message: "{source.DomainName} drifted"
""",
    )
    case = {
        "source": {
            "acm": {
                "certificate": certs(
                    "a.example",
                    "b.example",
                    "c.example",
                    region="me-central-1",
                    KeyAlgorithm="RSA_2048",
                )
            }
        },
        "target": {
            "acm": {
                "certificate": [
                    *certs("a.example", KeyAlgorithm="RSA_2048"),
                    *certs("b.example", KeyAlgorithm="EC_prime256v1"),
                ]
            }
        },
    }
    got = {(x.status, x.resource_name) for x in run([parity], case)}
    assert got == {
        (Status.PASS, "a.example"),
        (Status.FAIL, "b.example"),
        (Status.FAIL, "c.example"),
    }
    plain = rule(
        tmp_path,
        """\
id: TST-022
title: Unnamed
kind: readiness
resource: acm.certificate
fail_when: [{key: InUse, op: eq, value: false}]
message: x
""",
    )
    assert {x.resource_name for x in run([plain], {"target": {"acm": {"certificate": items}}})} == {
        None
    }


def test_root_causes_are_the_exact_keys_a_secret_uses() -> None:
    """SM-001 depends on KMS-001 and KMS-002 through the secret's own key: only the
    secrets under a failing key name it as their root cause (issue 17); one under the AWS
    managed key, or under a key that is ready in the target, names none."""
    catalogue = {r.id: r for r in load_rules()}
    rules = [catalogue["SM-001"], catalogue["KMS-001"], catalogue["KMS-002"]]
    arn = "arn:aws:kms:me-central-1:111111111111"

    def secret(name: str, key: str | None) -> dict[str, Any]:
        item: dict[str, Any] = {
            "ARN": f"arn:aws:secretsmanager:me-central-1:111111111111:secret:{name}-AAAAAA",
            "Name": name,
            "ReplicationStatus": [],
        }
        if key is not None:
            item["KmsKeyId"] = key
        return item

    def alias(name: str, key: str) -> dict[str, Any]:
        return {
            "AliasName": name,
            "TargetKeyId": key,
            "Key": {"KeyId": key, "KeyState": "Enabled", "KeyManager": "CUSTOMER"},
        }

    mrk = {
        "KeyId": "mrk-orders",
        "Aliases": ["alias/orders-mrk"],
        "KeyManager": "CUSTOMER",
        "KeyState": "Enabled",
        "MultiRegion": True,
        "MultiRegionConfiguration": {"MultiRegionKeyType": "PRIMARY"},
    }
    case = {
        "source_region": "me-central-1",
        "target_region": "eu-central-1",
        "source": {
            "secretsmanager": {
                "secret": [
                    secret("by-alias", "alias/gone"),
                    secret("by-key-arn", f"{arn}:key/k-gone"),
                    secret("by-alias-arn", f"{arn}:alias/gone"),
                    secret("aws-managed", None),
                    secret("ready-key", "alias/ready"),
                    secret("mrk-by-alias", "alias/orders-mrk"),
                    secret("mrk-by-arn", f"{arn}:key/mrk-orders"),
                ]
            },
            "kms": {
                "alias": [alias("alias/gone", "k-gone"), alias("alias/ready", "k-ready")],
                "key": [mrk],
            },
        },
        "target": {
            "secretsmanager": {"secret": []},
            "kms": {"alias": [alias("alias/ready", "t-ready")], "key": []},
        },
    }
    results = run(rules, case)
    assert {(r.rule_id, r.resource_name) for r in results if r.status is Status.FAIL} >= {
        ("KMS-001", "alias/gone"),
        ("KMS-002", "alias/orders-mrk"),
    }
    blocked = {
        r.resource_name: r.blocked_by
        for r in results
        if r.rule_id == "SM-001" and r.status is Status.FAIL
    }
    assert blocked == {
        "by-alias": ["KMS-001 alias/gone"],
        "by-key-arn": ["KMS-001 alias/gone"],
        "by-alias-arn": ["KMS-001 alias/gone"],
        "aws-managed": [],
        "ready-key": [],
        "mrk-by-alias": ["KMS-002 alias/orders-mrk"],
        "mrk-by-arn": ["KMS-002 alias/orders-mrk"],
    }


def test_depends_on_takes_an_edge_and_checks_its_expressions(tmp_path: Path) -> None:
    edged = rule(
        tmp_path,
        """\
id: TST-030
title: Edged
kind: readiness
resource: acm.certificate
fail_when: [{key: InUse, op: eq, value: false}]
message: x
depends_on:
  - TST-031
  - {rule: TST-032, via: KeyRef, to: "[KeyId, Aliases[]]"}
""",
    )
    assert edged.depends_on == ("TST-031", "TST-032")
    assert set(edged.edges) == {"TST-032"}
    assert edged.edges["TST-032"].via == "KeyRef"
    with pytest.raises(RuleError, match="depends_on"):
        rule(
            tmp_path,
            "id: TST-033\ntitle: Bad\nkind: readiness\nresource: acm.certificate\n"
            "fail_when: [{key: InUse, op: eq, value: false}]\nmessage: x\n"
            "depends_on: [{rule: TST-031, via: 'KeyRef[?'}]\n",
        )


def test_an_archive_rule_is_blocked_by_its_own_analyzer_type_only() -> None:
    """AA-002 depends on AA-001 through the rule's analyzer type: a missing internal-access
    analyzer blocks that analyzer's archive rules, not the account analyzer's."""
    catalogue = {r.id: r for r in load_rules()}
    rules = [catalogue["AA-002"], catalogue["AA-001"]]

    def analyzer(region: str, name: str, kind: str) -> dict[str, Any]:
        arn = f"arn:aws:access-analyzer:{region}:111111111111:analyzer/{name}"
        return {"arn": arn, "name": name, "type": kind, "status": "ACTIVE"}

    def archive(name: str, kind: str, rule_name: str) -> dict[str, Any]:
        return {
            "Id": f"{name}/{rule_name}",
            "ruleName": rule_name,
            "filter": {"resourceType": {"eq": ["AWS::S3::Bucket"]}},
            "analyzer": {"name": name, "type": kind, "status": "ACTIVE"},
        }

    case = {
        "source": {
            "accessanalyzer": {
                "analyzer": [
                    analyzer("me-central-1", "external", "ACCOUNT"),
                    analyzer("me-central-1", "internal", "ACCOUNT_INTERNAL_ACCESS"),
                ],
                "archive_rule": [
                    archive("external", "ACCOUNT", "ignore-buckets"),
                    archive("internal", "ACCOUNT_INTERNAL_ACCESS", "ignore-roles"),
                ],
            }
        },
        "target": {
            "accessanalyzer": {
                "analyzer": [analyzer("eu-central-1", "external-eu", "ACCOUNT")],
                "archive_rule": [],
            }
        },
    }
    results = run(rules, case)
    blocked = {r.resource_name: r.blocked_by for r in results if r.rule_id == "AA-002"}
    assert blocked == {"ignore-buckets": [], "ignore-roles": ["AA-001 internal"]}


def test_data_is_blocked_by_the_failure_of_its_own_key_only() -> None:
    """KMS-010 depends on KMS-001 through the key each resource is encrypted under: a
    volume under the missing alias's key is blocked by it, one under a ready key is not."""
    catalogue = {r.id: r for r in load_rules()}
    rules = [catalogue["KMS-010"], catalogue["KMS-001"]]
    arn = "arn:aws:kms:me-central-1:111111111111"

    def key(key_id: str, alias_name: str) -> dict[str, Any]:
        return {
            "KeyId": key_id,
            "KeyManager": "CUSTOMER",
            "KeyState": "Enabled",
            "Aliases": [alias_name],
        }

    def alias(name: str, key_id: str, state: str = "Enabled") -> dict[str, Any]:
        summary = {"KeyId": key_id, "KeyState": state, "KeyManager": "CUSTOMER"}
        return {"AliasName": name, "TargetKeyId": key_id, "Key": summary}

    def volume(volume_id: str, key_ref: str) -> dict[str, Any]:
        return {"VolumeId": volume_id, "Size": 8, "Encrypted": True, "KmsKeyId": key_ref}

    case = {
        "source": {
            "kms": {
                "key": [key("k-gone", "alias/gone"), key("k-ready", "alias/ready")],
                "alias": [alias("alias/gone", "k-gone"), alias("alias/ready", "k-ready")],
            },
            "ec2": {
                "volume": [
                    volume("vol-gone", f"{arn}:key/k-gone"),
                    volume("vol-ready", f"{arn}:key/k-ready"),
                ],
                "snapshot": [],
            },
        },
        "target": {
            "kms": {"key": [], "alias": [alias("alias/ready", "t-ready")]},
            "ec2": {"volume": [], "snapshot": []},
        },
    }
    results = run(rules, case)
    blocked = {r.resource_id: r.blocked_by for r in results if r.rule_id == "KMS-010"}
    assert blocked == {
        "vol-gone": ["KMS-001 alias/gone"],
        "vol-ready": [],  # its key has no failure: a root cause of its own
        "ec2.snapshot@me-central-1": [],
    }


def test_a_guardduty_filter_is_blocked_by_its_own_pair_detector() -> None:
    """GD-003 depends on GD-001 through the pair's one detector, not the whole rule."""
    catalogue = {r.id: r for r in load_rules()}
    rules = [catalogue["GD-003"], catalogue["GD-001"]]
    detector = {"DetectorId": "d-source", "Status": "ENABLED", "Features": []}
    case = {
        "source": {
            "guardduty": {
                "detector": [detector],
                "filter": [{"Name": "noisy", "DetectorId": "d-source", "Action": "ARCHIVE"}],
                "administrator": [],
            }
        },
        "target": {"guardduty": {"detector": [], "filter": [], "administrator": []}},
    }
    results = run(rules, case)
    failing = {(r.rule_id, r.resource_id) for r in results if r.status is Status.FAIL}
    assert failing == {("GD-003", "noisy"), ("GD-001", "d-source")}
    [blocked] = [r.blocked_by for r in results if r.rule_id == "GD-003"]
    assert blocked == ["GD-001 d-source"]
