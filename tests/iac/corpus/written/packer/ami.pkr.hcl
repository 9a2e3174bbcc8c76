# Written for the regionready corpus.
source "amazon-ebs" "base" {
  region          = "us-east-1"
  ami_name        = "base-us-east-1"
  custom_endpoint_ec2 = "https://ec2.us-east-1.amazonaws.com"
}
