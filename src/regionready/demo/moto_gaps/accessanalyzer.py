"""IAM Access Analyzer: moto 5.2.x has no Access Analyzer at all; answer it as AWS does.

Every call the accessanalyzer collector, the demo seed and the tests make is answered by
a ``before-call`` hook that returns the real response shape (botocore service model
``accessanalyzer``; parsed values, datetimes as timezone-aware ``datetime``) and never
reaches moto:

* CreateAnalyzer: ``{arn}``. The analyzer is ACTIVE at once (AWS goes CREATING -> ACTIVE
  within seconds). ``archiveRules`` given inline are created with it. Unused-access
  analyzers get ``configuration.unusedAccess.unusedAccessAge`` 90 unless given. A second
  analyzer of the same name: ConflictException (409); an unknown ``type``:
  ValidationException (400).
* CreateArchiveRule: no body. Unknown analyzer: ResourceNotFoundException (404); a rule
  of that name already on the analyzer: ConflictException (409).
* UpdateArchiveRule: no body; the rule's filter is replaced and ``updatedAt`` moves.
  Unknown analyzer or rule: ResourceNotFoundException (404).
* ListAnalyzers (optional ``type`` filter), GetAnalyzer: AnalyzerSummary entries
  (arn, name, type, createdAt, status, tags, configuration when there is one).
* ListArchiveRules, GetArchiveRule: ArchiveRuleSummary (ruleName, filter, createdAt,
  updatedAt). Unknown analyzer or rule: ResourceNotFoundException.
* List calls honour ``maxResults``/``nextToken`` (opaque tokens), so paginators and
  small pages are exercised.

State lives in a store keyed by (account, Region). The account is the one moto would
use for the request: ``MOTO_ACCOUNT_ID`` if set, else the account moto maps the
caller's access key to (assumed roles), else moto's default. With moto importable the
store is a moto ``BackendDict``, so ``mock_aws()`` resets it with every other backend;
without moto it is a plain dict.

``moto_account`` and ``regional_store`` are shared with the guardduty module.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from botocore.awsrequest import AWSResponse

from regionready.demo.moto_gaps._common import (
    Handler,
    page_answer,
    remember_params,
    remembered_params,
)

DEFAULT_ACCOUNT = "123456789012"
ANALYZER_TYPES = (
    "ACCOUNT",
    "ORGANIZATION",
    "ACCOUNT_UNUSED_ACCESS",
    "ORGANIZATION_UNUSED_ACCESS",
    "ACCOUNT_INTERNAL_ACCESS",
    "ORGANIZATION_INTERNAL_ACCESS",
)
UNUSED_ACCESS_TYPES = ("ACCOUNT_UNUSED_ACCESS", "ORGANIZATION_UNUSED_ACCESS")
ANALYZER_RESOURCE = "AWS::AccessAnalyzer::Analyzer"
ARCHIVE_RULE_RESOURCE = "AWS::AccessAnalyzer::ArchiveRule"

Reply = tuple[AWSResponse, dict[str, Any]]
T = TypeVar("T")

# --------------------------------------------------------------------- shared helpers


def moto_account(request_signer: Any) -> str:
    """The account moto would serve this request for (see the module docstring)."""
    if os.environ.get("MOTO_ACCOUNT_ID"):
        return os.environ["MOTO_ACCOUNT_ID"]
    credentials = getattr(request_signer, "_credentials", None)
    access_key = getattr(credentials, "access_key", None)
    if not access_key:
        return DEFAULT_ACCOUNT
    try:
        from moto.iam.models import get_account_id_from
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return DEFAULT_ACCOUNT
    return str(get_account_id_from(str(access_key)))


_stores: dict[str, Any] = {}
_fallback: dict[tuple[str, str, str], Any] = {}
_stores_lock = threading.Lock()


def regional_store(service: str, factory: Callable[[], T], account: str, region: str) -> T:
    """The state ``factory()`` made for (account, Region) of ``service`` (a botocore name).

    Kept in a moto ``BackendDict`` when moto is importable, so ``mock_aws()`` resets it
    with every other backend; in a plain dict otherwise (and for a Region botocore does
    not list for the service).
    """
    with _stores_lock:
        if service not in _stores:
            _stores[service] = _backend_dict(service, factory)
        store = _stores[service]
        if store is not None:
            try:
                state: T = store[account][region].state
                return state
            except KeyError:
                pass
        found: T = _fallback.setdefault((service, account, region), factory())
        return found


def _backend_dict(service: str, factory: Callable[[], Any]) -> Any:
    try:
        from moto.core.base_backend import BackendDict, BaseBackend
    except ImportError:  # pragma: no cover - moto is a test/demo dependency
        return None

    class _StateBackend(BaseBackend):
        def __init__(self, region_name: str, account_id: str) -> None:
            super().__init__(region_name, account_id)
            self.state = factory()

    return BackendDict(_StateBackend, service)


def reply(body: dict[str, Any], status: int = 200) -> Reply:
    """A before-call answer: botocore raises the modelled error when status >= 300."""
    parsed = dict(body)
    parsed["ResponseMetadata"] = {"HTTPStatusCode": status, "HTTPHeaders": {}, "RetryAttempts": 0}
    return AWSResponse("https://moto-gaps.invalid/", status, {}, None), parsed


def error(status: int, code: str, message: str, **fields: Any) -> Reply:
    return reply({"Error": {"Code": code, "Message": message}, **fields}, status)


def partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --------------------------------------------------------------------- Access Analyzer


class _Analyzers:
    """The analyzers and archive rules of one account and Region."""

    def __init__(self) -> None:
        self.analyzers: dict[str, dict[str, Any]] = {}
        self.rules: dict[str, dict[str, dict[str, Any]]] = {}
        self.lock = threading.Lock()


def _state(request_signer: Any, context: dict[str, Any]) -> _Analyzers:
    region = str((context or {}).get("client_region") or "us-east-1")
    return regional_store("accessanalyzer", _Analyzers, moto_account(request_signer), region)


def _not_found(kind: str, resource_id: str, resource_type: str) -> Reply:
    return error(
        404,
        "ResourceNotFoundException",
        f"{kind} {resource_id} not found",
        resourceId=resource_id,
        resourceType=resource_type,
    )


def _conflict(message: str, resource_id: str, resource_type: str) -> Reply:
    return error(
        409, "ConflictException", message, resourceId=resource_id, resourceType=resource_type
    )


def _rule(name: str, criteria: Any) -> dict[str, Any]:
    when = now()
    return {
        "ruleName": name,
        "filter": copy.deepcopy(criteria or {}),
        "createdAt": when,
        "updatedAt": when,
    }


def _create_analyzer(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply:
    request = remembered_params(context)
    name = str(request.get("analyzerName"))
    kind = str(request.get("type"))
    if kind not in ANALYZER_TYPES:
        return error(
            400,
            "ValidationException",
            f"Invalid analyzer type {kind}: must be one of {', '.join(ANALYZER_TYPES)}",
            reason="fieldValidationFailed",
        )
    region = str(context.get("client_region"))
    account = moto_account(request_signer)
    state = _state(request_signer, context)
    with state.lock:
        if name in state.analyzers:
            return _conflict(f"Analyzer {name} already exists", name, ANALYZER_RESOURCE)
        arn = f"arn:{partition(region)}:access-analyzer:{region}:{account}:analyzer/{name}"
        analyzer: dict[str, Any] = {
            "arn": arn,
            "name": name,
            "type": kind,
            "createdAt": now(),
            "tags": copy.deepcopy(request.get("tags") or {}),
            "status": "ACTIVE",
        }
        configuration = copy.deepcopy(request.get("configuration"))
        if kind in UNUSED_ACCESS_TYPES:
            configuration = dict(configuration or {})
            unused = dict(configuration.get("unusedAccess") or {})
            unused.setdefault("unusedAccessAge", 90)
            configuration["unusedAccess"] = unused
        if configuration:
            analyzer["configuration"] = configuration
        state.analyzers[name] = analyzer
        state.rules[name] = {
            str(r["ruleName"]): _rule(str(r["ruleName"]), r.get("filter"))
            for r in request.get("archiveRules") or []
        }
    return reply({"arn": arn})


def _create_archive_rule(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply:
    request = remembered_params(context)
    name = str(request.get("analyzerName"))
    rule_name = str(request.get("ruleName"))
    state = _state(request_signer, context)
    with state.lock:
        if name not in state.analyzers:
            return _not_found("Analyzer", name, ANALYZER_RESOURCE)
        rules = state.rules.setdefault(name, {})
        if rule_name in rules:
            return _conflict(
                f"An archive rule with name {rule_name} already exists for analyzer {name}",
                rule_name,
                ARCHIVE_RULE_RESOURCE,
            )
        rules[rule_name] = _rule(rule_name, request.get("filter"))
    return reply({})


def _update_archive_rule(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply:
    request = remembered_params(context)
    name = str(request.get("analyzerName"))
    rule_name = str(request.get("ruleName"))
    state = _state(request_signer, context)
    with state.lock:
        if name not in state.analyzers:
            return _not_found("Analyzer", name, ANALYZER_RESOURCE)
        rule = state.rules.get(name, {}).get(rule_name)
        if rule is None:
            return _not_found("Archive rule", rule_name, ARCHIVE_RULE_RESOURCE)
        rule["filter"] = copy.deepcopy(request.get("filter") or {})
        rule["updatedAt"] = now()
    return reply({})


def _list_analyzers(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply:
    request = remembered_params(context)
    wanted = request.get("type")
    state = _state(request_signer, context)
    with state.lock:
        found = [
            copy.deepcopy(a)
            for a in state.analyzers.values()
            if wanted is None or a["type"] == wanted
        ]
    parsed: dict[str, Any] = {"analyzers": found}
    page_answer(
        parsed,
        request,
        items="analyzers",
        limit="maxResults",
        token_in="nextToken",
        token_out="nextToken",
    )
    return reply(parsed)


def _get_analyzer(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply:
    name = str(remembered_params(context).get("analyzerName"))
    state = _state(request_signer, context)
    with state.lock:
        analyzer = state.analyzers.get(name)
        if analyzer is None:
            return _not_found("Analyzer", name, ANALYZER_RESOURCE)
        return reply({"analyzer": copy.deepcopy(analyzer)})


def _list_archive_rules(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply:
    request = remembered_params(context)
    name = str(request.get("analyzerName"))
    state = _state(request_signer, context)
    with state.lock:
        if name not in state.analyzers:
            return _not_found("Analyzer", name, ANALYZER_RESOURCE)
        found = [copy.deepcopy(r) for r in state.rules.get(name, {}).values()]
    parsed: dict[str, Any] = {"archiveRules": found}
    page_answer(
        parsed,
        request,
        items="archiveRules",
        limit="maxResults",
        token_in="nextToken",
        token_out="nextToken",
    )
    return reply(parsed)


def _get_archive_rule(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply:
    request = remembered_params(context)
    name = str(request.get("analyzerName"))
    rule_name = str(request.get("ruleName"))
    state = _state(request_signer, context)
    with state.lock:
        if name not in state.analyzers:
            return _not_found("Analyzer", name, ANALYZER_RESOURCE)
        rule = state.rules.get(name, {}).get(rule_name)
        if rule is None:
            return _not_found("Archive rule", rule_name, ARCHIVE_RULE_RESOURCE)
        return reply({"archiveRule": copy.deepcopy(rule)})


_ANSWERS: dict[str, Handler] = {
    "CreateAnalyzer": _create_analyzer,
    "CreateArchiveRule": _create_archive_rule,
    "UpdateArchiveRule": _update_archive_rule,
    "ListAnalyzers": _list_analyzers,
    "GetAnalyzer": _get_analyzer,
    "ListArchiveRules": _list_archive_rules,
    "GetArchiveRule": _get_archive_rule,
}

HANDLERS: tuple[tuple[str, Handler], ...] = tuple(
    pair
    for operation, answer in _ANSWERS.items()
    for pair in (
        (f"before-parameter-build.accessanalyzer.{operation}", remember_params),
        (f"before-call.accessanalyzer.{operation}", answer),
    )
)
