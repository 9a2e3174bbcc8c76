"""Demo infrastructure-as-code tree: a small repository with one hazard per IaC check.

The IaC checks read files, not the simulated account, so this seed writes a tree of
templates, a policy and code with ``write_tree(root, source, target)`` and returns the
exact result ids each check should flag. ``seed(session, plan)`` writes it only when the
demo gives it a place (``plan.code_root``; the demo runner must then pass
``code_paths=[plan.code_root]`` to the collector): without one it plants nothing and
records nothing, so the demo stays consistent until the runner is wired.

What is planted (source ``S`` -> target ``T``, the demo's me-central-1 -> eu-central-1):

``templates/devices.yaml``   a resource type the target lacks (IAC-001), a KMS key ARN
                             in ``S`` (IAC-002) and a key without rotation (IAC-003,
                             when checkov runs)
``templates/saml-role.yaml`` a role trusting only ``https://signin.aws.amazon.com/saml``
                             (IAC-004)
``templates/portable.yaml``  the clean twin: ``${AWS::Region}``, rotation on
``policies/reader.json``     a Secrets Manager ARN in ``S`` (IAC-002)
``app/identity.py``          ``boto3.client("sts")`` without a Region (STS-002)
``app/identity_regional.py`` the clean twin
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

DEVICES = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Locker:
    Type: AWS::IoTManagedIntegrations::CredentialLocker
    Properties:
      Name: devices
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: false
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub "arn:aws:iam::${{AWS::AccountId}}:root"
            Action: "kms:*"
            Resource: "*"
  Reader:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: kms:Decrypt
            Resource: "arn:aws:kms:{source}:111111111111:key/1234abcd"
"""

SAML_ROLE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  FederatedAdmin:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: !Sub "arn:aws:iam::${{AWS::AccountId}}:saml-provider/corp"
            Action: sts:AssumeRoleWithSAML
            Condition:
              StringEquals:
                SAML:aud: https://signin.aws.amazon.com/saml
"""

PORTABLE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DataKey:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: !Sub "arn:aws:iam::${{AWS::AccountId}}:root"
            Action: "kms:*"
            Resource: "*"
  Reader:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: kms:Decrypt
            Resource: !Sub "arn:aws:kms:${{AWS::Region}}:${{AWS::AccountId}}:key/1234abcd"
"""

POLICY = """\
{{
  "Version": "2012-10-17",
  "Statement": [
    {{
      "Effect": "Allow",
      "Action": "secretsmanager:GetSecretValue",
      "Resource": "arn:aws:secretsmanager:{source}:111111111111:secret:app-*"
    }}
  ]
}}
"""

IDENTITY = """\
import boto3


def account() -> str:
    sts = boto3.client("sts")
    return str(sts.get_caller_identity()["Account"])
"""

IDENTITY_REGIONAL = """\
import boto3


def account(region: str) -> str:
    sts = boto3.client("sts", region_name=region)
    return str(sts.get_caller_identity()["Account"])
"""

FILES = {
    "templates/devices.yaml": DEVICES,
    "templates/saml-role.yaml": SAML_ROLE,
    "templates/portable.yaml": PORTABLE,
    "policies/reader.json": POLICY,
    "app/identity.py": IDENTITY,
    "app/identity_regional.py": IDENTITY_REGIONAL,
}


def write_tree(root: Path, source: str, target: str) -> dict[str, list[str]]:
    """Write the tree under ``root``; return check id -> the result ids it must flag
    (``healthy`` lists the clean files). Result ids are relative to ``root``."""
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.format(source=source, target=target), encoding="utf-8")
    arn_column = len('            Resource: "arn:aws:kms:') + 1
    policy_column = len('      "Resource": "arn:aws:secretsmanager:') + 1
    return {
        "IAC-001": ["templates/devices.yaml:4:5:E3006"],
        "IAC-002": [
            f"templates/devices.yaml:27:{arn_column}:source-region-literal",
            f"policies/reader.json:7:{policy_column}:source-region-literal",
        ],
        "IAC-003": ["templates/devices.yaml:7:3:CKV_AWS_7"],
        "IAC-004": ["templates/saml-role.yaml:15:35:signin-us-east-1-endpoint"],
        "STS-002": ["app/identity.py:5:11:sts-client-no-region"],
        "healthy": ["templates/portable.yaml", "app/identity_regional.py"],
    }


def seed(session: Any, plan: Any) -> None:
    """Write the tree at ``plan.code_root`` when the demo provides one (see module doc)."""
    root = getattr(plan, "code_root", None)
    if root is None:
        return
    expected = write_tree(Path(root), plan.source, plan.target)
    plan.healthy.extend(expected.pop("healthy"))
    for check, ids in expected.items():
        plan.failing.setdefault(check, []).extend(ids)


def scan_options(plan: Any) -> dict[str, Any]:
    """Point the iac collector at the demo's tree; checkov is not run by the demo."""
    root = Path(plan.code_root)
    return {
        "code_paths": [str(root)],
        "code_base": str(root),
        "source_region": plan.source,
        "target_region": plan.target,
        "skip_checkov": "the demo does not run checkov (regionready iac PATH runs it if installed)",
    }
