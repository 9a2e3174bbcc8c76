#!/bin/sh
# Written for the regionready corpus.
# kubeconfig for the us-east-1 cluster (a comment: not a finding)
EKS_ENDPOINT=https://ABCDEF0123456789.gr7.us-east-1.eks.amazonaws.com
aws ecr get-login-password | docker login --username AWS --password-stdin 111122223333.dkr.ecr.us-east-1.amazonaws.com
aws sts get-caller-identity --endpoint-url https://sts.amazonaws.com
export AWS_REGION=us-east-1
