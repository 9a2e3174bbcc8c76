"""What the IaC scanners produce: findings with exact locations, and the item shapes.

Every check has its own resource type in the snapshot (``iac.<type>``). Collection errors
are recorded per resource type, so a missing checkov turns IAC-003 into ERROR and leaves
the other checks evaluated.

Items of a check's type (id ``Id``):

- one per file the check could not read (too large, binary, not UTF-8, unreadable, a
  symlink loop): ``{Id: "<path>", ..., Code: "<reason code>", Message: "not scanned:
  <reason>", Clean: false}`` with an error about that item alone, so it is ERROR with
  its reason and the rest of the scan is judged

- one per finding: ``{Id: "<path>:<line>:<column>:<code>", Check, Path, Line, Column,
  Code, Message, Severity, Clean: false}``
- one per scanned file the check applies to and found nothing in: ``{Id: "<path>",
  Check, Path, Line: null, Column: null, Code: null, Message, Severity: null,
  Clean: true}``, so a clean file is a visible PASS rather than silence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

IAC_001 = "IAC-001"
IAC_002 = "IAC-002"
IAC_003 = "IAC-003"
IAC_004 = "IAC-004"
STS_002 = "STS-002"

#: check id -> the resource type (under the ``iac`` service) holding its items.
CHECK_TYPES: dict[str, str] = {
    IAC_001: "cfn_lint",
    IAC_002: "region_literal",
    IAC_003: "checkov",
    IAC_004: "global_endpoint",
    STS_002: "sts_client",
}
FILE_TYPE = "file"

CLOUDFORMATION = "cloudformation"
TERRAFORM = "terraform"
POLICY = "policy"
CONFIG = "config"
CODE = "code"

#: file kind -> the checks that apply to it.
KIND_CHECKS: dict[str, tuple[str, ...]] = {
    CLOUDFORMATION: (IAC_001, IAC_002, IAC_003, IAC_004),
    TERRAFORM: (IAC_002, IAC_003, IAC_004),
    POLICY: (IAC_002, IAC_004),
    CONFIG: (IAC_002, IAC_004, STS_002),
    CODE: (IAC_002, IAC_004, STS_002),
}


@dataclass(frozen=True)
class Finding:
    """One hazard at a place in a file (1-based line and column)."""

    check: str
    path: str
    line: int
    column: int
    code: str
    message: str
    severity: str | None = None

    @property
    def id(self) -> str:
        return f"{self.path}:{self.line}:{self.column}:{self.code}"

    def item(self) -> dict[str, Any]:
        return {
            "Id": self.id,
            "Check": self.check,
            "Path": self.path,
            "Line": self.line,
            "Column": self.column,
            "Code": self.code,
            "Message": self.message,
            "Severity": self.severity,
            "Clean": False,
        }


def clean_item(check: str, path: str) -> dict[str, Any]:
    """The PASS item of a file a check looked at and found nothing in."""
    return {
        "Id": path,
        "Check": check,
        "Path": path,
        "Line": None,
        "Column": None,
        "Code": None,
        "Message": "no findings",
        "Severity": None,
        "Clean": True,
    }


@dataclass(frozen=True)
class ScanError:
    """A check that could not run (its rules become ERROR, never a silent PASS).

    With ``item``, only that item (a file the check could not read: its id is the path)
    is ERROR; the check's other items are judged as usual."""

    check: str
    tool: str
    code: str
    message: str
    action: str
    item: str | None = None


def unreadable_item(check: str, path: str, code: str, reason: str) -> dict[str, Any]:
    """The item of a file a check could not read; a per-item error makes it ERROR (it
    would FAIL, not PASS, if the error were ever lost)."""
    return {
        "Id": path,
        "Check": check,
        "Path": path,
        "Line": None,
        "Column": None,
        "Code": code,
        "Message": f"not scanned: {reason}",
        "Severity": None,
        "Clean": False,
    }
