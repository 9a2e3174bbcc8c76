"""The phases of a cutover plan, and which phase a rule belongs to.

A rule's phase is that of its service (:data:`SERVICE_PHASES`), except the data rules
(:data:`DATA_RULE_IDS`, and any rule with ``needs_source`` over a data store,
:data:`DATA_STORE_SERVICES`), which are "data", and the rules of a catch-all service
(:data:`GENERIC_SERVICES`), which take the phase of the resource they judge (or
:data:`RULE_PHASES`).
"""

from __future__ import annotations

from regionready.engine.rules import Rule
from regionready.model import RuleInfo

#: The phases, in the order a cutover goes through them.
PHASES: tuple[str, ...] = (
    "keys",
    "data",
    "certificates",
    "secrets",
    "identity",
    "waf",
    "detection",
    "other",
)

#: What each phase is about, as the plan and ``regionready plan --help`` say it.
PHASE_TEXT: dict[str, str] = {
    "keys": "KMS keys, aliases and key policies in the target: what is encrypted waits for them",
    "data": "copy or re-encrypt data into the target under target keys (reads the source Region)",
    "certificates": "ACM certificates and private CAs",
    "secrets": "Secrets Manager secrets",
    "identity": "IAM Identity Center, IAM, STS, Cognito, Organizations",
    "waf": "WAF web ACLs and what they reference",
    "detection": "GuardDuty, IAM Access Analyzer, CloudTrail, EventBridge rules",
    "other": "everything else: infrastructure as code, quotas, the account and its Regions",
}

#: The rules whose fix is the data itself (copied or re-encrypted into the target), not
#: the key: phase "data" although their service is kms.
DATA_RULE_IDS: frozenset[str] = frozenset({"KMS-010", "KMS-011", "KMS-012", "KMS-013"})

#: Services (and collectors) that hold data: a rule over one of them with
#: ``needs_source`` is in phase "data".
DATA_STORE_SERVICES: frozenset[str] = frozenset(
    {
        "backup",
        "dlm",
        "dynamodb",
        "ebs",
        "ec2",
        "ecr",
        "efs",
        "lambda",
        "logs",
        "rds",
        "s3",
        "sns",
        "sqs",
    }
)

#: The phase of each rule service (``service:`` of rules/<service>/<ID>.yaml) and of the
#: collectors a catch-all rule judges. A service not listed is "other"; those listed as
#: "other" are deliberately so.
SERVICE_PHASES: dict[str, str] = {
    "kms": "keys",
    "acm": "certificates",
    "acm-pca": "certificates",
    "secretsmanager": "secrets",
    "idc": "identity",
    "sso": "identity",
    "iam": "identity",
    "sts": "identity",
    "cognito": "identity",
    "cognito-idp": "identity",
    "cognito-identity": "identity",
    "organizations": "identity",
    "wafv2": "waf",
    "waf": "waf",
    "guardduty": "detection",
    "accessanalyzer": "detection",
    "cloudtrail": "detection",
    "events": "detection",
    # deliberately other
    "gen": "other",
    "iac": "other",
    "quotas": "other",
    "servicequotas": "other",
    "account": "other",
    "ssm": "other",
    "regionready": "other",
}

#: Catch-all services whose rules are about several topics: such a rule takes the phase
#: of the collector of its resource (GEN-003, an EventBridge rule: detection), unless
#: :data:`RULE_PHASES` names it.
GENERIC_SERVICES: frozenset[str] = frozenset({"gen"})

#: Catch-all rules whose resource does not say their topic.
RULE_PHASES: dict[str, str] = {
    "GEN-002": "detection",  # a CloudTrail trail logs the target; judged on account.region
}


def phase_of(rule: Rule | RuleInfo) -> str:
    """The phase ``rule`` belongs to (see the module docstring). A :class:`RuleInfo` (a
    rule known only from a report) has no ``needs_source`` and no resource: its service
    decides."""
    if rule.id in RULE_PHASES:
        return RULE_PHASES[rule.id]
    if rule.id in DATA_RULE_IDS:
        return "data"
    collector = rule.collector if isinstance(rule, Rule) else None
    if (
        isinstance(rule, Rule)
        and rule.needs_source
        and (rule.service in DATA_STORE_SERVICES or collector in DATA_STORE_SERVICES)
    ):
        return "data"
    if rule.service in GENERIC_SERVICES and collector is not None:
        return SERVICE_PHASES.get(collector, SERVICE_PHASES.get(rule.service, "other"))
    return SERVICE_PHASES.get(rule.service, "other")
