"""Security Hub: answer the finding calls ``--security-hub`` makes the way AWS does.

moto (5.2.x) stores imported findings but diverges from AWS where regionready's import
depends on it; these ``before-call`` hooks answer the three finding calls in full, from
moto's own (in-process) store of findings, with the real response shapes (botocore
service model ``securityhub``):

* GetFindings: moto ignores ``Filters`` and ``SortCriteria`` (every finding of the
  account and Region comes back). The hook applies the string filters (EQUALS, PREFIX,
  CONTAINS, and their negations NOT_EQUALS, PREFIX_NOT_EQUALS, NOT_CONTAINS) of the
  fields :data:`STRING_FIELDS` names and the map filters of ProductFields and
  UserDefinedFields, as AWS combines them: the positive filters of a field are ORed, its
  negative ones ANDed, the fields ANDed. A filter on any other field is refused
  (InvalidInputException naming it) rather than ignored. SortCriteria sorts by the
  fields named; ``MaxResults`` (1-100, default 100) and ``NextToken`` page the answer.
* BatchImportFindings: moto replaces a finding it holds with whatever is sent. AWS keeps
  ``Note``, ``UserDefinedFields``, ``VerificationState`` and ``Workflow`` of a finding
  that exists (those belong to BatchUpdateFindings) and sets ``Workflow`` back to NEW
  from NOTIFIED or RESOLVED when RecordState goes from ARCHIVED to ACTIVE or
  Compliance.Status from PASSED to anything else. A new finding gets what AWS adds:
  ``Region`` (the endpoint's), ``Workflow`` NEW and ``WorkflowState`` NEW unless given,
  ``RecordState`` ACTIVE unless given, ``FindingProviderFields`` from the top-level
  Severity and Types, ``ProductName`` Default and ``CompanyName`` Personal unless given,
  ``ProcessedAt``. moto also takes findings while Security Hub is not enabled; AWS
  returns each in ``FailedFindings`` with ErrorCode ``InvalidAccess``.
* BatchUpdateFindings: moto has no such operation. The hook updates Note (``UpdatedAt``
  the time of the call), Workflow (and WorkflowState), VerificationState, Severity
  Label, Confidence, Criticality, Types and UserDefinedFields (merged) of each finding
  named by Id and ProductArn, leaves ``UpdatedAt`` alone as AWS does, and lists an
  unknown finding in ``UnprocessedFindings`` (ErrorCode ``FindingNotFound``).
* GetFindings and BatchUpdateFindings while Security Hub is not enabled in the account
  and Region (EnableSecurityHub was not called): InvalidAccessException, as AWS answers.

Not corrected: AWS refuses a finding whose ``AwsAccountId`` or ProductArn is not the
caller's (default product); moto takes it. regionready never sends one.

The hooks need moto's backend in this process (``mock_aws``, or a ThreadedMotoServer,
which serves this process's backends); without it they leave the call to moto.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

from regionready.demo.moto_gaps import _serial
from regionready.demo.moto_gaps._common import (
    Handler,
    moto_backend,
    remember_params,
    remembered_params,
)
from regionready.demo.moto_gaps.accessanalyzer import Reply, error, moto_account, reply

#: GetFindings string filter name -> how to read the value(s) from a finding.
STRING_FIELDS: dict[str, Callable[[dict[str, Any]], list[Any]]] = {
    "Id": lambda f: [f.get("Id")],
    "ProductArn": lambda f: [f.get("ProductArn")],
    "GeneratorId": lambda f: [f.get("GeneratorId")],
    "AwsAccountId": lambda f: [f.get("AwsAccountId")],
    "Region": lambda f: [f.get("Region")],
    "Title": lambda f: [f.get("Title")],
    "Description": lambda f: [f.get("Description")],
    "ProductName": lambda f: [f.get("ProductName")],
    "CompanyName": lambda f: [f.get("CompanyName")],
    "RecordState": lambda f: [f.get("RecordState")],
    "Type": lambda f: list(f.get("Types") or []),
    "SeverityLabel": lambda f: [(f.get("Severity") or {}).get("Label")],
    "ComplianceStatus": lambda f: [(f.get("Compliance") or {}).get("Status")],
    "WorkflowStatus": lambda f: [(f.get("Workflow") or {}).get("Status")],
    "WorkflowState": lambda f: [f.get("WorkflowState")],
    "VerificationState": lambda f: [f.get("VerificationState")],
    "ResourceType": lambda f: [r.get("Type") for r in f.get("Resources") or []],
    "ResourceId": lambda f: [r.get("Id") for r in f.get("Resources") or []],
    "ResourceRegion": lambda f: [r.get("Region") for r in f.get("Resources") or []],
}
#: GetFindings map filter name -> the finding's map.
MAP_FIELDS = ("ProductFields", "UserDefinedFields")
POSITIVE = frozenset({"EQUALS", "PREFIX", "CONTAINS"})
NEGATIVE = frozenset({"NOT_EQUALS", "PREFIX_NOT_EQUALS", "NOT_CONTAINS"})
#: Fields BatchImportFindings does not change on a finding that exists.
CUSTOMER_FIELDS = ("Note", "UserDefinedFields", "VerificationState", "Workflow", "WorkflowState")
MAX_PAGE = 100
_TOKEN = "moto-gaps-securityhub:"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _where(request_signer: Any, context: dict[str, Any]) -> tuple[str, str]:
    return moto_account(request_signer), str((context or {}).get("client_region") or "")


def _backend(request_signer: Any, context: dict[str, Any]) -> Any | None:
    account, region = _where(request_signer, context)
    return moto_backend("securityhub", account, region)


def _not_enabled(account: str) -> Reply:
    return error(
        401,
        "InvalidAccessException",
        f"Account {account} is not subscribed to AWS Security Hub",
    )


def _invalid_input(message: str) -> Reply:
    return error(400, "InvalidInputException", message)


# ------------------------------------------------------------------------- GetFindings


def _compare(comparison: str, actual: Any, wanted: str) -> bool:
    """Whether ``actual`` satisfies the *positive* form of ``comparison``."""
    if actual is None:
        return False
    text = str(actual)
    if comparison in {"EQUALS", "NOT_EQUALS"}:
        return text == wanted
    if comparison in {"PREFIX", "PREFIX_NOT_EQUALS"}:
        return text.startswith(wanted)
    return wanted in text  # CONTAINS, NOT_CONTAINS


def _field_matches(values: list[Any], filters: list[tuple[str, str]]) -> bool:
    """AWS's rule for one field: any positive filter matches (if there are any), and no
    negative one's positive form matches."""
    positives = [(c, v) for c, v in filters if c in POSITIVE]
    negatives = [(c, v) for c, v in filters if c in NEGATIVE]
    if positives and not any(_compare(c, a, v) for c, v in positives for a in values):
        return False
    return not any(_compare(c, a, v) for c, v in negatives for a in values)


def _matches(finding: dict[str, Any], filters: dict[str, Any]) -> bool:
    for name, entries in filters.items():
        if name in STRING_FIELDS:
            pairs = [(str(e.get("Comparison")), str(e.get("Value"))) for e in entries]
            if not _field_matches(STRING_FIELDS[name](finding), pairs):
                return False
        else:  # a map field (checked by the caller)
            found = finding.get(name) or {}
            keys: dict[str, list[tuple[str, str]]] = {}
            for entry in entries:
                keys.setdefault(str(entry.get("Key")), []).append(
                    (str(entry.get("Comparison")), str(entry.get("Value")))
                )
            for key, pairs in keys.items():
                if not _field_matches([found.get(key)], pairs):
                    return False
    return True


def _sort_key(name: str) -> Callable[[dict[str, Any]], str]:
    def key(finding: dict[str, Any]) -> str:
        return str(finding.get(name) or "")

    return key


def _get_findings(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply | None:
    backend = _backend(request_signer, context)
    if backend is None:
        return None
    request = remembered_params(context)
    filters = dict(request.get("Filters") or {})
    unknown = sorted(set(filters) - set(STRING_FIELDS) - set(MAP_FIELDS))
    if unknown:
        return _invalid_input(
            f"moto_gaps does not answer GetFindings filters on {', '.join(unknown)}"
        )
    size = int(request.get("MaxResults") or MAX_PAGE)
    if not 1 <= size <= MAX_PAGE:
        return _invalid_input("MaxResults must be a number between 1 and 100")
    token = request.get("NextToken")
    if token is not None and not str(token).startswith(_TOKEN):
        return _invalid_input("Invalid NextToken")
    start = int(str(token)[len(_TOKEN) :]) if token else 0
    with _serial.MOTO_LOCK:
        if not backend.enabled:
            return _not_enabled(backend.account_id)
        found = [copy.deepcopy(f.data) for f in backend.findings if _matches(f.data, filters)]
    for criterion in reversed(request.get("SortCriteria") or []):
        found.sort(
            key=_sort_key(str(criterion.get("Field"))),
            reverse=str(criterion.get("SortOrder")) == "desc",
        )
    body: dict[str, Any] = {"Findings": found[start : start + size]}
    if start + size < len(found):
        body["NextToken"] = f"{_TOKEN}{start + size}"
    return reply(body)


# ------------------------------------------------------------------ BatchImportFindings


def _created(data: dict[str, Any], region: str) -> dict[str, Any]:
    """A new finding as AWS stores it."""
    stored = copy.deepcopy(data)
    stored["Region"] = region
    stored.setdefault("Workflow", {"Status": "NEW"})
    stored["WorkflowState"] = str(stored["Workflow"].get("Status") or "NEW")
    stored.setdefault("RecordState", "ACTIVE")
    stored.setdefault("ProductName", "Default")
    stored.setdefault("CompanyName", "Personal")
    provider = stored.setdefault("FindingProviderFields", {})
    if "Severity" in stored:
        provider.setdefault("Severity", copy.deepcopy(stored["Severity"]))
    if "Types" in stored:
        provider.setdefault("Types", list(stored["Types"]))
    stored["ProcessedAt"] = _now()
    return stored


def _updated(old: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """An existing finding after a BatchImportFindings update, as AWS keeps it."""
    stored = copy.deepcopy(data)
    stored["Region"] = old.get("Region")
    for name in CUSTOMER_FIELDS:
        stored.pop(name, None)
        if name in old:
            stored[name] = copy.deepcopy(old[name])
    stored.setdefault("RecordState", old.get("RecordState", "ACTIVE"))
    for name in ("ProductName", "CompanyName"):
        stored.setdefault(name, old.get(name))
    provider = stored.setdefault("FindingProviderFields", {})
    if "Severity" in stored:
        provider.setdefault("Severity", copy.deepcopy(stored["Severity"]))
    if "Types" in stored:
        provider.setdefault("Types", list(stored["Types"]))
    rearmed = old.get("RecordState") == "ARCHIVED" and stored["RecordState"] == "ACTIVE"
    was = (old.get("Compliance") or {}).get("Status")
    now = (stored.get("Compliance") or {}).get("Status")
    refailed = was == "PASSED" and now in {"WARNING", "FAILED", "NOT_AVAILABLE"}
    workflow = (stored.get("Workflow") or {}).get("Status")
    if (rearmed or refailed) and workflow in {"NOTIFIED", "RESOLVED"}:
        stored["Workflow"] = {"Status": "NEW"}
        stored["WorkflowState"] = "NEW"
    stored["ProcessedAt"] = _now()
    return stored


def _batch_import_findings(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply | None:
    backend = _backend(request_signer, context)
    if backend is None:
        return None
    from moto.securityhub.models import Finding

    request = remembered_params(context)
    findings = list(request.get("Findings") or [])
    if not 1 <= len(findings) <= 100:
        return _invalid_input("Findings must hold 1 to 100 findings")
    region = str((context or {}).get("client_region") or "")
    failed: list[dict[str, Any]] = []
    with _serial.MOTO_LOCK:
        for data in findings:
            finding_id = str(data.get("Id") or "")
            if not backend.enabled:
                failed.append(
                    {
                        "Id": finding_id,
                        "ErrorCode": "InvalidAccess",
                        "ErrorMessage": f"Account {backend.account_id} is not subscribed "
                        "to AWS Security Hub",
                    }
                )
                continue
            if not data.get("Resources"):
                failed.append(
                    {
                        "Id": finding_id,
                        "ErrorCode": "InvalidInput",
                        "ErrorMessage": "Finding must contain at least one resource",
                    }
                )
                continue
            old = next(
                (
                    f
                    for f in backend.findings
                    if f.id == finding_id and f.data.get("ProductArn") == data.get("ProductArn")
                ),
                None,
            )
            if old is None:
                backend.findings.append(Finding(finding_id, _created(data, region)))
            else:
                old.data = _updated(old.data, data)
    return reply(
        {
            "FailedCount": len(failed),
            "SuccessCount": len(findings) - len(failed),
            "FailedFindings": failed,
        }
    )


# ------------------------------------------------------------------ BatchUpdateFindings


def _apply_update(data: dict[str, Any], request: dict[str, Any], when: str) -> None:
    note = request.get("Note")
    if note:
        data["Note"] = {"Text": note["Text"], "UpdatedBy": note["UpdatedBy"], "UpdatedAt": when}
    workflow = request.get("Workflow")
    if workflow and workflow.get("Status"):
        data["Workflow"] = {"Status": workflow["Status"]}
        data["WorkflowState"] = workflow["Status"]
    for name in ("VerificationState", "Confidence", "Criticality"):
        if name in request:
            data[name] = request[name]
    if request.get("Types"):
        data["Types"] = list(request["Types"])
    severity = request.get("Severity") or {}
    if severity.get("Label"):
        data["Severity"] = {**(data.get("Severity") or {}), "Label": severity["Label"]}
    if request.get("UserDefinedFields"):
        data["UserDefinedFields"] = {
            **(data.get("UserDefinedFields") or {}),
            **request["UserDefinedFields"],
        }


def _batch_update_findings(request_signer: Any, context: dict[str, Any], **_: Any) -> Reply | None:
    backend = _backend(request_signer, context)
    if backend is None:
        return None
    request = remembered_params(context)
    identifiers = list(request.get("FindingIdentifiers") or [])
    if not 1 <= len(identifiers) <= 100:
        return _invalid_input("FindingIdentifiers must hold 1 to 100 identifiers")
    processed: list[dict[str, str]] = []
    unprocessed: list[dict[str, Any]] = []
    when = _now()
    with _serial.MOTO_LOCK:
        if not backend.enabled:
            return _not_enabled(backend.account_id)
        for identifier in identifiers:
            wanted = {"Id": str(identifier["Id"]), "ProductArn": str(identifier["ProductArn"])}
            finding = next(
                (
                    f
                    for f in backend.findings
                    if f.id == wanted["Id"] and f.data.get("ProductArn") == wanted["ProductArn"]
                ),
                None,
            )
            if finding is None:
                unprocessed.append(
                    {
                        "FindingIdentifier": wanted,
                        "ErrorCode": "FindingNotFound",
                        "ErrorMessage": "Finding Not Found",
                    }
                )
                continue
            _apply_update(finding.data, request, when)
            processed.append(wanted)
    return reply({"ProcessedFindings": processed, "UnprocessedFindings": unprocessed})


_ANSWERS: dict[str, Handler] = {
    "GetFindings": _get_findings,
    "BatchImportFindings": _batch_import_findings,
    "BatchUpdateFindings": _batch_update_findings,
}

HANDLERS: tuple[tuple[str, Handler], ...] = tuple(
    pair
    for operation, answer in _ANSWERS.items()
    for pair in (
        (f"before-parameter-build.securityhub.{operation}", remember_params),
        (f"before-call.securityhub.{operation}", answer),
    )
)

__all__ = ["HANDLERS", "MAP_FIELDS", "STRING_FIELDS"]
