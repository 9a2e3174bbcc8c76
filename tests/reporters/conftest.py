"""A fixed report, built in code, that every reporter test renders.

It covers every service section (acm, kms, gen, iac), every status, every severity (as
rule default and as failing result), an IaC result with a real file location, a finding
blocked by another (root cause first), a suppression, and one result whose resource id
and message are hostile: Markdown/HTML/XML metacharacters, newlines, control characters,
a lone surrogate, a 5,000-character tail and a 12-digit account id.

``regenerate_golden.py`` loads this file too, so golden files and tests share one report.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from regionready.model import Location, Report, Result, RuleInfo, ScanInfo, Severity, Status

REPO = Path(__file__).resolve().parents[2]
# The official SARIF 2.1.0 schema and the Ant JUnit XSD, kept under tests/schemas so
# validation always runs offline (tests/test_schemas_vendored.py pins their contents).
SHARED_SCHEMAS = REPO / "tests" / "schemas"
GOLDEN = Path(__file__).resolve().parent / "golden"

#: Reporter name -> module (resolved by name, as the CLI does).
REPORTER_MODULES = {
    "sarif": "regionready.reporters.sarif",
    "junit": "regionready.reporters.junit",
    "markdown": "regionready.reporters.markdown",
    "json": "regionready.reporters.jsonreport",
}

SOURCE = "us-east-1"
TARGET = "eu-west-1"
ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"

HOSTILE_TAIL = "A" * 5000
HOSTILE_RESOURCE = (
    f"arn:aws:kms:{TARGET}:{ACCOUNT}:key/evil|name`<script>alert(1)</script>`]]>"
    "\n## injected heading\r\n| x | y |\x01\x1b[31m @octocat [click](javascript:alert(1))"
)
HOSTILE_MESSAGE = (
    "Key policy allows kms:* to Principal * | `rm -rf /` <script>alert('x')</script> "
    "<img src=x onerror=alert(1)> ]]> &amp; \n\n# Fake heading\n- fake item\x01\x07\ud800 "
    f"owner {ACCOUNT} *bold* _it_ ~~strike~~ ![img](http://evil/x.png) " + HOSTILE_TAIL
)


def rule(
    rule_id: str,
    title: str,
    service: str,
    kind: str,
    severity: Severity,
    *,
    remediation_text: str = "",
    action: str | None = None,
    help_uri: str = "",
) -> RuleInfo:
    return RuleInfo(
        id=rule_id,
        title=title,
        description=f"{title}. Checked before cutover from the source to the target Region.",
        service=service,
        kind=kind,
        severity=severity,
        path=f"rules/{service}/{rule_id}.yaml",
        references=[f"seed 000: {title}"],
        remediation_text=remediation_text,
        remediation_action=action,
        help_uri=help_uri,
    )


RULES = [
    rule(
        "ACM-001",
        "Source certificate has no twin in the target",
        "acm",
        "parity",
        Severity.HIGH,
        remediation_text="Request or import a matching certificate in the target.",
        action="request-certificate",
    ),
    rule(
        "ACM-003",
        "Imported certificate in the target expires soon",
        "acm",
        "readiness",
        Severity.HIGH,
        remediation_text="Re-import the renewed certificate into the target.",
    ),
    rule(
        "ACM-014",
        "CloudFront-only certificate needs no migration",
        "acm",
        "readiness",
        Severity.NOTE,
    ),
    rule(
        "KMS-002",
        "Multi-Region primary key has no replica in the target",
        "kms",
        "parity",
        Severity.HIGH,
        remediation_text="Replicate the key into the target.",
        action="replicate-key",
    ),
    rule(
        "KMS-004",
        "Rotation is off for the target counterpart",
        "kms",
        "parity",
        Severity.MEDIUM,
        remediation_text="Enable automatic rotation on the target key.",
        action="enable-key-rotation",
    ),
    rule(
        "KMS-007",
        "Target key policy allows everyone",
        "kms",
        "hygiene",
        Severity.CRITICAL,
        remediation_text="Restrict the key policy with a condition.",
        help_uri="https://example.com/regionready/KMS-007",
    ),
    rule("KMS-008", "Orphaned grant on a target key", "kms", "hygiene", Severity.LOW),
    rule("GEN-002", "No CloudTrail trail logs the target", "gen", "readiness", Severity.HIGH),
    rule("GEN-005", "Collection was incomplete", "gen", "readiness", Severity.HIGH),
    rule(
        "IAC-002",
        "Template hard-codes the source Region",
        "iac",
        "readiness",
        Severity.MEDIUM,
        remediation_text="Use a parameter or AWS::Region instead of a literal Region.",
    ),
]


def _result(
    rule_id: str,
    status: Status,
    severity: Severity,
    resource_id: str,
    message: str,
    *,
    account: str = ACCOUNT,
    region: str | None = None,
    source: str = SOURCE,
    target: str = TARGET,
    resource_type: str = "",
    correlation_key: str = "",
    location: Location | None = None,
    blocked_by: list[str] | None = None,
    suppression: dict[str, str] | None = None,
    details: dict[str, Any] | None = None,
    resource_name: str | None = None,
) -> Result:
    service = rule_id.split("-")[0].lower()
    kinds = {r.id: r.kind for r in RULES}
    return Result(
        rule_id=rule_id,
        status=status,
        severity=severity,
        service=service,
        kind=kinds.get(rule_id, "readiness"),
        message=message,
        account=account,
        region=target if region is None else region,
        resource_type=resource_type or f"{service}.resource",
        resource_id=resource_id,
        correlation_key=correlation_key or resource_id,
        source_region=source,
        target_region=target,
        location=location,
        resource_name=resource_name,
        blocked_by=blocked_by or [],
        suppression=suppression,
        details=details or {},
    )


def build_report(source: str = SOURCE, target: str = TARGET) -> Report:
    """The fixed report; every call builds new objects from scratch."""
    arn = f"arn:aws:acm:{target}:{ACCOUNT}:certificate"
    key = f"arn:aws:kms:{target}:{ACCOUNT}:key"
    result = functools.partial(_result, source=source, target=target)
    results = [
        result(
            "ACM-001",
            Status.FAIL,
            Severity.HIGH,
            f"{arn}/1111-api",
            f"api.example.com has no certificate in {target}",
            correlation_key="api.example.com|RSA_2048",
            resource_type="acm.certificate",
            resource_name="api.example.com",
        ),
        result("ACM-001", Status.PASS, Severity.HIGH, f"{arn}/2222-www", "ok"),
        result(
            "ACM-003",
            Status.SUPPRESSED,
            Severity.HIGH,
            f"{arn}/3333-legacy",
            f"legacy.example.com expires 2025-07-01 in {target}",
            suppression={
                "reason": "Legacy endpoint retired | before <cutover>",
                "owner": "platform-team",
                "expires": "2025-12-31",
            },
        ),
        result(
            "ACM-003",
            Status.FAIL,
            Severity.MEDIUM,
            f"{arn}/4444-shop",
            f"shop.example.com expires in 45 days in {target}; ACM will not renew it",
        ),
        result(
            "ACM-014",
            Status.FAIL,
            Severity.NOTE,
            "arn:aws:acm:us-east-1:123456789012:certificate/5555-cdn",
            "cdn.example.com is used only by CloudFront and needs no migration",
            account=ACCOUNT,
            region="us-east-1",
        ),
        result(
            "ACM-014",
            Status.NOT_APPLICABLE,
            Severity.NOTE,
            f"{arn}/6666-int",
            "not a CloudFront certificate",
        ),
        result(
            "KMS-002",
            Status.FAIL,
            Severity.HIGH,
            f"arn:aws:kms:{source}:{ACCOUNT}:key/mrk-1234",
            f"multi-Region primary mrk-1234 (alias/app) has no replica in {target}",
            correlation_key="mrk-1234",
            resource_type="kms.key",
            resource_name="alias/app",
            account=ACCOUNT,
            region=source,
        ),
        result(
            "KMS-004",
            Status.FAIL,
            Severity.MEDIUM,
            f"{key}/mrk-1234",
            "rotation is on for the source key and off in the target",
            blocked_by=["KMS-002 alias/app"],
        ),
        result(
            "KMS-007",
            Status.FAIL,
            Severity.CRITICAL,
            HOSTILE_RESOURCE,
            HOSTILE_MESSAGE,
            details={"policy": {"Principal": "*", "Action": "kms:*"}, "note": "<b>x</b>"},
        ),
        result(
            "KMS-008",
            Status.PASS,
            Severity.LOW,
            f"{key}/0000-grants",
            "no orphaned grants",
            account=OTHER_ACCOUNT,
            region=target,
        ),
        result(
            "KMS-008",
            Status.FAIL,
            Severity.LOW,
            f"{key}/9999-old",
            "grant g-1 names a deleted role",
        ),
        result("GEN-002", Status.PASS, Severity.HIGH, "trail/org-trail", "logs the target"),
        result(
            "GEN-005",
            Status.ERROR,
            Severity.HIGH,
            "kms.key",
            "AccessDenied on kms:ListAliases; KMS-001 left unevaluated",
            details={"missing_action": "kms:ListAliases"},
        ),
        result(
            "IAC-002",
            Status.FAIL,
            Severity.MEDIUM,
            "templates/app.yaml#Resources.Bucket",
            f"the template hard-codes {source} in an ARN",
            location=Location(path="templates/app.yaml", line=12, column=3),
            resource_type="iac.cloudformation",
            account="",
            region="",
        ),
    ]
    return Report(
        scan=ScanInfo(
            source_region=source,
            target_region=target,
            accounts=[ACCOUNT, OTHER_ACCOUNT],
            now="2025-06-01T12:00:00+00:00",
            cutover_date="2025-06-15",
            started_at="2025-06-01T11:58:30+00:00",
            finished_at="2025-06-01T11:59:45+00:00",
            tool_version="0.1.0",
        ),
        rules={r.id: r for r in RULES},
        results=results,
    )


def reporter(name: str) -> ModuleType:
    return importlib.import_module(REPORTER_MODULES[name])


def golden_path(name: str, redact: bool) -> Path:
    module = reporter(name)
    return GOLDEN / f"report{'.redacted' if redact else ''}{module.EXTENSION}"


def render_golden(name: str, redact: bool) -> str:
    rendered: str = reporter(name).render(build_report(), redact=redact)
    return rendered


@pytest.fixture
def report() -> Report:
    return build_report()


@pytest.fixture
def make_report() -> Callable[..., Report]:
    return build_report


@pytest.fixture
def shared_schemas() -> Path:
    return SHARED_SCHEMAS


@pytest.fixture
def check_golden() -> Callable[[str, bool], None]:
    def check(name: str, redact: bool) -> None:
        path = golden_path(name, redact)
        expected = path.read_bytes()
        actual = render_golden(name, redact).encode("utf-8")
        assert actual == expected, (
            f"{name} output differs from {path.relative_to(REPO)}; if the change is "
            "intended, run `python tests/reporters/regenerate_golden.py` and review the diff"
        )

    return check
