# Written for the regionready corpus: hazards and non-hazards in one module.
variable "queue_arn" {
  description = "Queue the app reads (us-east-1 in production)"
  type        = string
  default     = "arn:aws:sqs:us-east-1:111122223333:orders"
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "openid_connect_audiences" {
  type    = list(string)
  default = ["sts.amazonaws.com"]
}

provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "us-east-1"
  region = "us-east-1"
}

module "cdn_cert" {
  source    = "./cert"
  providers = { aws = aws.us-east-1 }
}

resource "aws_acm_certificate" "cdn" {
  provider    = aws.us-east-1
  domain_name = "example.com"
}

resource "aws_cloudwatch_log_group" "edge" {
  name = "/aws/lambda/us-east-1.edge-rewrite"
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs-us-east-1-example"
}

resource "aws_iam_policy" "read" {
  name   = "read"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "kms:Decrypt", Resource = "arn:aws:kms:us-east-1:111122223333:key/1234abcd" }]
  })
}

resource "aws_iam_openid_connect_provider" "eks" {
  url             = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE"
  client_id_list  = distinct(compact(concat(["sts.amazonaws.com"], var.openid_connect_audiences)))
  thumbprint_list = []
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    condition {
      test     = "StringEquals"
      variable = "${replace(aws_iam_openid_connect_provider.eks.url, "https://", "")}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

locals {
  is_primary = data.aws_region.current.name == "us-east-1"
  sts_url    = "https://sts.amazonaws.com"
}

resource "aws_sns_topic_subscription" "ip_ranges" {
  topic_arn = "arn:aws:sns:us-east-1:806199016981:AmazonIpSpaceChanged"
  protocol  = "lambda"
  endpoint  = "arn:aws:lambda:eu-central-1:111122223333:function:update-sg"
}
