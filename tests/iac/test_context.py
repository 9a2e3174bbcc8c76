"""IAC-002 and IAC-004 judge each match in its context (issue 16)."""

from __future__ import annotations

from pathlib import Path

from regionready.iac import endpoints, files, regions


def _source(name: str, text: str) -> files.SourceFile:
    found = files.classify(Path(name), name, text)
    assert found is not None
    return found


def _codes(name: str, text: str, region: str = "us-east-1") -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in regions.scan(_source(name, text), region, "eu-central-1")]


def test_region_conditions_are_their_own_finding_with_their_own_advice() -> None:
    text = (
        "Conditions:\n  IsUsEast1: !Equals [!Ref 'AWS::Region', 'us-east-1']\n"
        "  Json: {'Fn::Equals': [{'Ref': 'AWS::Region'}, 'us-east-1']}\n"
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"
    )
    found = regions.scan(_source("t.yaml", text), "us-east-1", "eu-central-1")
    assert [(f.line, f.code) for f in found] == [
        (2, "source-region-condition"),
        (3, "source-region-condition"),
    ]
    assert "evaluates differently in eu-central-1" in found[0].message
    assert "hard-coded" not in found[0].message


def test_sub_with_partition_is_an_arn_and_metadata_and_names_are_not_hazards() -> None:
    text = (
        "Metadata:\n  cfn-lint:\n    config:\n      regions: [us-east-1]\n"
        "Parameters:\n  Api:\n    Type: String\n    Default: https://cloudformation.us-east-1.amazonaws.com\n"
        "  Home:\n    Type: String\n    Default: us-east-1\n"
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n"
        "    Properties:\n      BucketName: us-east-1\n"
        "  T:\n    Type: AWS::SNS::Subscription\n    Properties:\n"
        "      TopicArn: !Sub arn:${AWS::Partition}:sns:us-east-1:${AWS::AccountId}:t\n"
        "      Endpoint: arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged\n"
    )
    found = regions.scan(_source("t.yaml", text), "us-east-1", "eu-central-1")
    assert [(f.line, f.code) for f in found] == [
        (8, "source-region-default"),
        (20, "source-region-literal"),
    ]
    assert "in an ARN" in found[1].message


def test_terraform_aliases_edge_logs_and_fixed_resources_are_not_hazards() -> None:
    text = (
        'provider "aws" {\n  alias  = "us-east-1"\n  region = "us-east-1"\n}\n'
        'module "m" {\n  providers = { aws = aws.us-east-1 }\n}\n'
        'resource "aws_cloudwatch_log_group" "e" {\n  name = "/aws/lambda/us-east-1.fn"\n}\n'
        'variable "arn" {\n  default = "arn:aws:sqs:us-east-1:1:q"\n}\n'
        'locals {\n  primary = var.region == "us-east-1"\n}\n'
    )
    assert _codes("main.tf", text) == [
        (12, "source-region-default"),
        (15, "source-region-condition"),
    ]


def test_regional_endpoints_in_scripts_and_config_but_not_bare_region_names() -> None:
    shell = "EKS=https://X.gr7.us-east-1.eks.amazonaws.com\nexport AWS_REGION=us-east-1\n"
    assert _codes("deploy.sh", shell) == [(1, "source-region-literal")]
    toml = 'endpoint = "https://s3.us-east-1.amazonaws.com"\nregion = "us-east-1"\n'
    assert _codes("settings.toml", toml) == [(1, "source-region-literal")]
    packer = 'source "amazon-ebs" "b" {\n  region = "us-east-1"\n  ep = "https://ec2.us-east-1.amazonaws.com"\n}\n'
    assert _codes("ami.pkr.hcl", packer) == [(3, "source-region-literal")]


def test_oidc_audiences_in_terraform_are_not_endpoints() -> None:
    text = (
        'resource "aws_iam_openid_connect_provider" "p" {\n'
        '  client_id_list = distinct(compact(concat(["sts.amazonaws.com"], var.aud)))\n}\n'
        'data "aws_iam_policy_document" "d" {\n  statement {\n    condition {\n'
        '      test     = "StringEquals"\n'
        '      variable = "${replace(var.url, "https://", "")}:aud"\n'
        '      values   = ["sts.amazonaws.com"]\n    }\n  }\n}\n'
        'locals {\n  endpoint = "https://sts.amazonaws.com"\n}\n'
    )
    found = [f for f in endpoints.scan(_source("oidc.tf", text)) if f.check == "IAC-004"]
    assert [f.line for f in found] == [14]


def test_terraform_maps_by_region_are_lookup_tables_not_hazards() -> None:
    # terraform-aws-s3-bucket's ELB account map: the keys are Regions, like Mappings
    text = (
        "locals {\n  elb_service_accounts = {\n"
        '    us-east-1      = "127311923021"\n'
        '    "us-east-1"    = "127311923021"\n'
        "  }\n"
        '  inline = { us-east-1 = "a", eu-west-1 = "b" }\n'
        '  region = "us-east-1"\n'
        '  home   = var.region == "us-east-1"\n'
        '  pick   = lookup(local.elb_service_accounts, "us-east-1")\n'
        "}\n"
    )
    assert _codes("main.tf", text) == [
        (7, "source-region-literal"),
        (8, "source-region-condition"),
        (9, "source-region-literal"),
    ]
    assert _codes("main.tf", text, "eu-west-1") == []


def test_terraform_ecr_public_is_fixed_in_us_east_1() -> None:
    # terraform-aws-eks examples/karpenter: ECR Public's API is in us-east-1 alone
    text = (
        'data "aws_ecrpublic_authorization_token" "token" {\n  region = "us-east-1"\n}\n'
        'data "aws_ecr_authorization_token" "token" {\n  region = "us-east-1"\n}\n'
    )
    assert _codes("main.tf", text) == [(5, "source-region-literal")]
