"""Amazon ECR: correct what moto (5.2.x) gets wrong for what regionready reads.

moto serves repositories (CreateRepository, DescribeRepositories with their
``encryptionConfiguration``) and the registry (DescribeRegistry,
PutReplicationConfiguration) as AWS does, except:

* CreateRepository with ``encryptionConfiguration {encryptionType: KMS}`` and no
  ``kmsKey``: moto makes up a ``kmsKey`` ARN with a random key id that exists nowhere.
  AWS encrypts the repository under the AWS managed key ``aws/ecr`` (created in the
  account on first use) and reports that key's ARN. The after-call hook gives moto's
  repository (and the CreateRepository answer) that key, created in moto's KMS with
  KeyManager AWS.
* DescribeRepositories ignores ``maxResults``/``nextToken``: the after-call hook pages
  it (opaque ``nextToken``), so paginators and small pages are exercised.

The key correction reaches into moto's in-process backends, so it needs moto in this
process (``mock_aws``); against a moto server only the paging applies.
"""

from __future__ import annotations

from typing import Any

from regionready.demo.moto_gaps._common import (
    Handler,
    is_error_answer,
    page_answer,
    remember_params,
    remembered_params,
)
from regionready.demo.moto_gaps._serial import MOTO_LOCK
from regionready.demo.moto_gaps.kms import aws_managed_key_arn

ECR_KEY_ALIAS = "alias/aws/ecr"


def _moto_repository(account: str, region: str, name: str) -> Any | None:
    try:
        from moto.ecr.models import ecr_backends
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return None
    with MOTO_LOCK:
        try:
            return ecr_backends[account][region].repositories.get(name)
        except KeyError:  # a Region moto's ECR does not serve
            return None


def _default_kms_key(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call CreateRepository: KMS encryption without a key means aws/ecr."""
    if is_error_answer(parsed):
        return
    config = remembered_params(context).get("encryptionConfiguration") or {}
    if config.get("encryptionType") != "KMS" or config.get("kmsKey"):
        return
    created = parsed.get("repository") or {}
    parts = str(created.get("repositoryArn")).split(":") + [""] * 6
    region, account = parts[3], parts[4]
    repository = _moto_repository(account, region, str(created.get("repositoryName")))
    if repository is None:
        return
    key = aws_managed_key_arn(account, region, ECR_KEY_ALIAS)
    if key is None:  # pragma: no cover - moto is in-process when a repository was found
        return
    with MOTO_LOCK:
        repository.encryption_configuration = {"encryptionType": "KMS", "kmsKey": key}
    created["encryptionConfiguration"] = {"encryptionType": "KMS", "kmsKey": key}


def _page_repositories(parsed: Any, context: dict[str, Any], **_: Any) -> None:
    """after-call DescribeRepositories: paging."""
    if not is_error_answer(parsed):
        page_answer(
            parsed,
            remembered_params(context),
            items="repositories",
            limit="maxResults",
            token_in="nextToken",
            token_out="nextToken",
        )


HANDLERS: tuple[tuple[str, Handler], ...] = (
    ("before-parameter-build.ecr.CreateRepository", remember_params),
    ("before-parameter-build.ecr.DescribeRepositories", remember_params),
    ("after-call.ecr.CreateRepository", _default_kms_key),
    ("after-call.ecr.DescribeRepositories", _page_repositories),
)
