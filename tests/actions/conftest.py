"""The one harness of the remediation action tests (``tests/actions/test_<action>.py``).

moto in-process with moto_gaps, and a :class:`Harness` that collects, evaluates, plans
and applies the way ``regionready`` does, either in process (``collect``, ``plan``,
``apply``) or through the CLI (``remediate``: ``regionready remediate SNAPSHOT``), and
watches every AWS call made while applying: its service, operation, the Region its
request is signed for, and its parameters (as sent: JSON bodies).

The watchers are registered on the harness's session and on every session the CLI opens
(``sessions.open_session`` is patched), on each operation's own ``before-call`` event,
first: botocore runs the most specific handlers first and stops at the first answer, and
moto_gaps answers some operations there (sso-admin AddRegion), so a plain ``before-call``
handler would never see them. ``Harness.wcu``: the CheckCapacity answer (moto has none)
is the sum of ``wcu`` per rule plus each referenced rule group's capacity; every
referenced ARN must exist in the calling Region, as AWS checks (a reference left pointing
at the source fails there).

Fixtures: ``harness`` (an empty account), ``seeded_harness`` (the demo account of the
``seeded`` fixture, tests/conftest.py); :func:`demo_account` builds the demo account for a
fixture of a wider scope, for tests that only read it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber
from moto import mock_aws

from regionready import __version__, remediation
from regionready.cli import main
from regionready.collect import driver as collect
from regionready.collect import sessions
from regionready.demo import moto_gaps
from regionready.demo.moto_gaps import sso as sso_gaps
from regionready.demo.seed import DemoPlan, seed_demo
from regionready.engine.evaluation import evaluate
from regionready.engine.rules import Rule, load_rules
from regionready.model import Result, Severity, Status
from regionready.remediation import NEVER, READ_ONLY
from regionready.remediation.waf_clone import parse_arn, references
from regionready.snapshot import Scan
from regionready.snapshot_manifest import read_scan
from regionready.snapshot_write import write_scan
from regionready.topology import Pair

SOURCE = "me-central-1"
TARGET = "eu-central-1"
#: IAM action prefixes that differ from the botocore service name.
IAM_PREFIX = {"sso-admin": "sso", "accessanalyzer": "access-analyzer"}
#: The APIs called on the source endpoint whose only effect is a copy in the target
#: (the guard allows exactly these there): operation -> whether the call aims at ``target``.
TOWARD_TARGET: dict[str, Callable[[dict[str, Any], str], bool]] = {
    "ReplicateKey": lambda p, target: p.get("ReplicaRegion") == target,
    "ReplicateSecretToRegions": lambda p, target: (
        [r.get("Region") for r in p.get("AddReplicaRegions", [])] == [target]
    ),
    "AddRegion": lambda p, target: p.get("RegionName") == target,
}


@cache
def all_rules() -> dict[str, Rule]:
    return {rule.id: rule for rule in load_rules()}


def with_dependencies(rule_ids: tuple[str, ...]) -> list[Rule]:
    """The rules and every rule they ``depends_on`` (transitively), as the CLI evaluates
    them all: a finding's ``blocked_by`` names the failing ones."""
    rules = all_rules()
    wanted: dict[str, Rule] = {}
    pending = list(rule_ids)
    while pending:
        rule = rules[pending.pop(0)]
        if rule.id not in wanted:
            wanted[rule.id] = rule
            pending.extend(rule.depends_on or ())
    return list(wanted.values())


@cache
def watched_services() -> tuple[str, ...]:
    """The botocore services of every IAM action any remediation action may call."""
    botocore_name = {prefix: service for service, prefix in IAM_PREFIX.items()}
    prefixes = {p.split(":")[0] for p in remediation.permissions(remediation.action_names())}
    return tuple(sorted(botocore_name.get(p, p) for p in prefixes))


@cache
def _operations(service: str) -> tuple[str, tuple[str, ...]]:
    model = botocore.session.get_session().get_service_model(service)
    return model.service_id.hyphenize(), tuple(model.operation_names)


@dataclass
class Call:
    service: str
    operation: str
    region: str
    params: dict[str, Any]

    @property
    def iam_action(self) -> str:
        return f"{IAM_PREFIX.get(self.service, self.service)}:{self.operation}"

    @property
    def mutating(self) -> bool:
        return not READ_ONLY.match(self.operation)


class Harness:
    """Collect -> evaluate -> plan -> apply, in process or through the CLI, on moto."""

    def __init__(
        self,
        session: boto3.Session,
        tmp: Path,
        *,
        monkeypatch: pytest.MonkeyPatch | None = None,
        capsys: pytest.CaptureFixture[str] | None = None,
    ) -> None:
        self.session = session
        self.tmp = tmp
        self.source = SOURCE
        self.target = TARGET
        self.collect_options: dict[str, Any] = {}
        self.calls: list[Call] = []
        self.wcu = 1
        self.scans = 0
        self._recording = False
        self._capsys = capsys
        self._extra: list[tuple[str, Callable[..., Any]]] = []
        self.hook(session)
        if monkeypatch is not None:
            original = sessions.open_session

            def open_session(spec: Any, base: Any = None) -> boto3.Session:
                return self.hook(moto_gaps.install(original(spec, base)))

            monkeypatch.setattr(sessions, "open_session", open_session)

    # -- watching ------------------------------------------------------------------------

    def hook(self, session: boto3.Session) -> boto3.Session:
        """The call watchers, then the CheckCapacity answer, ahead of moto_gaps' hooks."""
        watched = set(watched_services())
        for service in watched_services():
            event_service, operations = _operations(service)
            for operation in operations:
                session.events.register_first(
                    f"before-call.{event_service}.{operation}", self._watch
                )

        def elsewhere(model: Any, **kwargs: Any) -> None:
            if model.service_model.service_name not in watched:
                self._watch(model, **kwargs)

        session.events.register_first("before-call", elsewhere)
        session.events.register_first("before-call.wafv2.CheckCapacity", self._check_capacity)
        for event, handler in self._extra:
            session.events.register_first(event, handler)
        return session

    def hook_first(self, event: str, handler: Callable[..., Any]) -> None:
        """``handler`` on ``event``, ahead of moto_gaps', on the harness's session and
        every session the CLI opens from now on."""
        self._extra.append((event, handler))
        self.session.events.register_first(event, handler)

    def _watch(self, model: Any, params: dict[str, Any], request_signer: Any, **_: Any) -> None:
        if not self._recording:
            return
        try:
            parsed = json.loads(params.get("body") or b"{}")
        except (TypeError, ValueError):
            parsed = {}
        self.calls.append(
            Call(
                model.service_model.service_name,
                model.name,
                request_signer.region_name,
                parsed if isinstance(parsed, dict) else {},
            )
        )

    @contextmanager
    def watching(self) -> Iterator[list[Call]]:
        """Record the calls made inside the block (``self.calls`` is cleared first)."""
        self.calls.clear()
        self._recording = True
        try:
            yield self.calls
        finally:
            self._recording = False

    def writes(self) -> list[Call]:
        return [c for c in self.calls if c.mutating]

    def _check_capacity(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> Any:
        from moto.wafv2.models import wafv2_backends

        region = str(context.get("client_region"))
        rules = json.loads(params.get("body") or b"{}").get("Rules") or []
        known: dict[str, Any] = {}
        for by_region in list(wafv2_backends.values()):
            backend = dict.get(by_region, region)
            if backend is None:
                continue
            known.update(backend.ip_sets)
            known.update(backend.regex_pattern_sets)
            known.update(backend.rule_groups)
        capacity = self.wcu * len(rules)
        for arn in references(rules):
            ref = parse_arn(arn)
            if arn not in known or ref is None or ref.region != region:
                body = {
                    "Error": {
                        "Code": "WAFNonexistentItemException",
                        "Message": f"AWS WAF couldn't perform the operation: {arn} not found",
                    }
                }
                return AWSResponse("https://moto-gaps.invalid/", 400, {}, None), {
                    **body,
                    "ResponseMetadata": {"HTTPStatusCode": 400},
                }
            if ref.kind == "rule_group":
                capacity += int(known[arn].capacity)
        return AWSResponse("https://moto-gaps.invalid/", 200, {}, None), {"Capacity": capacity}

    # -- in process ----------------------------------------------------------------------

    def client(self, service: str, region: str) -> Any:
        """A client of the harness's session (moto_gaps installed)."""
        return self.session.client(service, region_name=region)

    def collect(self, services: list[str] | tuple[str, ...]) -> Scan:
        """Collect ``services`` in both Regions into a new snapshot folder."""
        self.scans += 1
        now = dt.datetime.now(dt.UTC)
        account = sessions.AccountSession(self.session, None, sessions.botocore_config())
        result = collect.collect_account(
            account,
            regions=[self.source, self.target],
            services=list(services),
            workers=2,
            progress=False,
            options=dict(self.collect_options),
        )
        manifest = collect.build_manifest(
            pairs=[Pair(self.source, self.target)],
            results=[result],
            services=list(services),
            started_at=now,
            finished_at=now,
            rules_version=__version__,
        )
        folder = self.tmp / f"scan-{self.scans}"
        write_scan(folder, manifest, result.documents, result.local)
        return read_scan(folder)

    def results(self, scan: Scan, *rule_ids: str) -> list[Result]:
        """The results of ``rule_ids``, evaluated with the rules they depend on."""
        results = evaluate(scan, with_dependencies(rule_ids), now=dt.datetime.now(dt.UTC))
        return [r for r in results if r.rule_id in rule_ids]

    def failing(self, scan: Scan, *rule_ids: str) -> set[tuple[str, str]]:
        """(rule, resource) of every FAIL; every result judged (no ERROR)."""
        results = self.results(scan, *rule_ids)
        errors = [
            (r.rule_id, r.resource_id, r.message) for r in results if r.status is Status.ERROR
        ]
        assert not errors, f"every rule evaluated: {errors}"
        return {(r.rule_id, r.resource_id) for r in results if r.status is Status.FAIL}

    def status(self, scan: Scan, rule_id: str, resource_id: str) -> Status:
        found = [r for r in self.results(scan, rule_id) if r.resource_id == resource_id]
        assert len(found) == 1, found
        return found[0].status

    def findings(self, scan: Scan, rule_id: str) -> list[Result]:
        return [r for r in self.results(scan, rule_id) if r.status is Status.FAIL]

    def context(self, scan: Scan, account: str) -> remediation.PlanContext:
        pair = scan.pairs(account)[0]
        return remediation.PlanContext(scan, account, pair.source, pair.target)

    def plan(
        self, scan: Scan, *rule_ids: str, options: dict[str, Any] | None = None
    ) -> tuple[list[remediation.Change], list[str]]:
        return remediation.plan(self.results(scan, *rule_ids), all_rules(), scan, options=options)

    def make_client(self, service: str, region: str) -> Any:
        return self.client(service, region)

    def clients(self) -> remediation.TargetClients:
        return remediation.TargetClients(self.make_client, self.source, self.target)

    def apply(
        self, changes: list[remediation.Change], log: Path | None = None
    ) -> list[remediation.Outcome]:
        """``remediation.apply``, watching its calls (``self.calls``, cleared first)."""
        clients = self.clients()
        with self.watching():
            return remediation.apply(changes, lambda _account: clients, audit_log=log)

    # -- through the CLI -----------------------------------------------------------------

    def remediate(
        self, scan: Scan | Path, *args: str, rules: tuple[str, ...] = ()
    ) -> tuple[int, dict[str, Any], str]:
        """``regionready remediate SNAPSHOT --format json [--rule=R ...] ARGS``, watching
        its calls: (exit code, the printed plan, everything printed)."""
        assert self._capsys is not None, "the CLI needs the function-scoped harness"
        root = scan.root if isinstance(scan, Scan) else scan
        command = ["remediate", str(root), "--format", "json", *(f"--rule={r}" for r in rules)]
        with self.watching():
            code = main([*command, *args])
        captured = self._capsys.readouterr()
        out = captured.out + captured.err
        plan, _ = json.JSONDecoder().raw_decode(out[out.index("{") :])
        return code, plan, out

    def apply_twice(
        self, scan: Scan, rules: tuple[str, ...], actions: tuple[str, ...]
    ) -> tuple[list[Call], list[dict[str, Any]], list[dict[str, Any]]]:
        """Apply the plan of ``scan`` through the CLI, then replay it. Returns the first
        run's writes and both runs' audit entries; asserts the writes are safe, every
        call is among the actions' PERMISSIONS, and the replay wrote nothing."""
        log = self.tmp / "audit.jsonl"
        code, _, out = self.remediate(
            scan, "--apply", "--yes", "--audit-log", str(log), rules=rules
        )
        assert code == 0, out
        first = audit(log)
        applied = self.writes()
        assert applied, "the watcher saw the changes"
        assert_safe(self.calls, self.target, self.source)
        assert_permissions(self.calls, *actions)
        code, _, out = self.remediate(
            scan, "--apply", "--yes", "--audit-log", str(log), rules=rules
        )
        assert code == 0, out
        assert self.writes() == [], "replaying an applied plan makes no change"
        return applied, first, audit(log)[len(first) :]


# -- assertions ----------------------------------------------------------------------------


def assert_safe(calls: list[Call], target: str = TARGET, source: str = SOURCE) -> None:
    """No delete-like call; every write in the target, but for the APIs that create a
    copy in the target from the source's endpoint (there, aimed at the target only)."""
    for call in calls:
        assert not NEVER.match(call.operation), call.operation
        if not call.mutating or call.region == target:
            continue
        toward = TOWARD_TARGET.get(call.operation)
        assert toward is not None and call.region == source, (call.operation, call.region)
        assert toward(call.params, target), (call.operation, call.params)


def assert_permissions(calls: list[Call], *actions: str) -> None:
    """Every call made is among the declared PERMISSIONS of ``actions``."""
    declared = {p for name in actions for p in remediation.action(name).PERMISSIONS}
    missing = {c.iam_action for c in calls} - declared
    assert calls and not missing, f"{', '.join(actions)} call {missing} without declaring them"


def audit(log: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log.read_text().splitlines()]


# -- small hand-made inputs ------------------------------------------------------------------


def statuses(outcomes: list[remediation.Outcome]) -> list[str]:
    return [o.status for o in outcomes]


def by_resource(changes: list[remediation.Change], resource: str) -> remediation.Change:
    found = [c for c in changes if c.resource == resource]
    assert len(found) == 1, [c.resource for c in changes]
    return found[0]


def scan_of(account: str, items: dict[tuple[str, str, str], list[dict[str, Any]]]) -> Scan:
    """A hand-made snapshot: (region, service, type) -> items."""
    documents: dict[tuple[str, str], dict[str, Any]] = {}
    local: dict[str, Any] | None = None
    for (region, service, rtype), found in items.items():
        if region == "local":
            local = local or {"services": {}}
            svc = local["services"].setdefault(service, {"resources": {}, "errors": []})
        else:
            doc = documents.setdefault((account, region), {"services": {}})
            svc = doc["services"].setdefault(service, {"resources": {}, "errors": []})
        svc["resources"][rtype] = found
    manifest = {"source_region": SOURCE, "target_region": TARGET, "accounts": [account]}
    return Scan(Path("/nonexistent"), manifest, documents, local)


def finding(rule_id: str, resource_id: str, **details: Any) -> Result:
    """A hand-made FAIL result of ``rule_id`` on ``resource_id``."""
    return Result(
        rule_id=rule_id,
        status=Status.FAIL,
        severity=Severity.HIGH,
        service="x",
        kind="parity",
        message="",
        account="111111111111",
        region=TARGET,
        resource_type="x",
        resource_id=resource_id,
        correlation_key=resource_id,
        source_region=SOURCE,
        target_region=TARGET,
        details=details,
    )


def stubbed(
    service: str, responses: list[tuple[str, dict[str, Any], dict[str, Any] | None]]
) -> tuple[Any, Stubber]:
    """A client answering exactly ``responses`` (operation, response, expected params)."""
    made = boto3.client(service, region_name=TARGET)
    stubber = Stubber(made)
    for operation, response, expected in responses:
        stubber.add_response(operation, response, expected)
    stubber.activate()
    return made, stubber


#: A target Access Analyzer analyzer as ListAnalyzers returns it.
ANALYZER = {
    "arn": f"arn:aws:access-analyzer:{TARGET}:123456789012:analyzer/external-access",
    "name": "external-access",
    "type": "ACCOUNT",
    "createdAt": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    "status": "ACTIVE",
}


# -- Identity Center ----------------------------------------------------------------------

IDC_SOURCE = "us-east-1"  # replication needs Regions enabled by default
IDC_TARGET = "eu-central-1"
IDC_SERVICES = ["account", "kms", "sso"]


def identity_center(session: boto3.Session, *, replica: bool) -> str:
    """An organization instance in IDC_SOURCE on a new multi-Region key (replicated to
    IDC_TARGET when ``replica``); its ARN."""
    kms = session.client("kms", region_name=IDC_SOURCE)
    key = kms.create_key(Description="Identity Center", MultiRegion=True)["KeyMetadata"]
    if replica:
        kms.replicate_key(KeyId=key["KeyId"], ReplicaRegion=IDC_TARGET)
    admin = session.client("sso-admin", region_name=IDC_SOURCE)
    return sso_gaps.configure_instance(admin, name="corp", kms_key_arn=key["Arn"])


def instance_key(scan: Scan, account: str, instance: str) -> str:
    """The key id of an Identity Center instance, as the snapshot records it."""
    svc = scan.service(account, IDC_SOURCE, "sso")
    assert svc is not None
    [item] = [i for i in svc["resources"]["instance"] if i["InstanceArn"] == instance]
    return str(item["EncryptionConfigurationDetails"]["KmsKeyArn"]).rsplit("/", 1)[-1]


# -- GuardDuty ------------------------------------------------------------------------------

GD_RULES = ("GD-001", "GD-002", "GD-003")
GD_ACTIONS = ("create-detector", "update-detector-features", "create-filter")


def detector_id(h: Harness, region: str) -> str:
    found: str = h.client("guardduty", region).list_detectors()["DetectorIds"][0]
    return found


def enabled(h: Harness, region: str) -> dict[str, list[str]]:
    """The detector's ENABLED features and their ENABLED agent configurations."""
    detector = h.client("guardduty", region).get_detector(DetectorId=detector_id(h, region))
    return {
        f["Name"]: sorted(
            c["Name"] for c in f.get("AdditionalConfiguration") or [] if c["Status"] == "ENABLED"
        )
        for f in detector["Features"]
        if f["Status"] == "ENABLED"
    }


# -- worlds ----------------------------------------------------------------------------------


@contextmanager
def demo_account() -> Iterator[tuple[boto3.Session, DemoPlan]]:
    """moto in-process, seeded with the demo account, for a fixture of any scope. Never
    nest it with a function-scoped moto fixture: nested mocks share one state."""
    with mock_aws():
        session = moto_gaps.install(boto3.Session(region_name=SOURCE))
        yield session, seed_demo(session, source=SOURCE, target=TARGET, now=dt.datetime.now(dt.UTC))


@pytest.fixture
def aws() -> Iterator[boto3.Session]:
    """moto in-process, empty: a session whose clients carry the moto corrections."""
    with mock_aws():
        yield moto_gaps.install(boto3.Session(region_name=SOURCE))


@pytest.fixture
def harness(
    aws: boto3.Session,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Harness:
    return Harness(aws, tmp_path, monkeypatch=monkeypatch, capsys=capsys)


@pytest.fixture
def seeded_harness(
    seeded: DemoPlan,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Harness:
    session = moto_gaps.install(boto3.Session(region_name=SOURCE))
    return Harness(session, tmp_path, monkeypatch=monkeypatch, capsys=capsys)
