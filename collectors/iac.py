"""Infrastructure as code on disk: templates, policies, configuration and code (LOCAL).

No AWS call. Reads ``clients.options``:

``code_paths``       files or directories to scan; absent or empty: nothing is collected
                     (every list empty, status ok)
``source_region``    the Region being left (IAC-002 looks for it)
``target_region``    the Region cfn-lint lints for (IAC-001)
``checkov``          path of the checkov executable (else ``$REGIONREADY_CHECKOV``, else
                     ``PATH``); checkov missing or failing is an error against ``checkov``
``skip_checkov``     true: IAC-003 is not run (its rule reads NOT_APPLICABLE, "no
                     resources to check"); an explicit opt-out, never a silent pass
``code_base``        the repository root paths are relative to (default: the current
                     directory)
``checkov_timeout``  seconds (default 900)

Items (see ``regionready.iac.model``):

``file`` (id ``Path``)
    every scanned file: {Path, Kind (cloudformation|terraform|policy|config|code),
    Language, Checks (the check ids that apply), Findings (how many)}
``cfn_lint`` (IAC-001), ``region_literal`` (IAC-002), ``checkov`` (IAC-003),
``global_endpoint`` (IAC-004), ``sts_client`` (STS-002) (id ``Id``)
    one item per finding {Id "<path>:<line>:<column>:<code>", Check, Path, Line, Column,
    Code, Message, Severity, Clean: false} and one per clean (file, check)
    {Id "<path>", ..., Clean: true}

A check that cannot run (checkov absent, cfn-lint without the target Region, a missing
``--source``) records an error against its own resource type only, so its rule reads
ERROR and the other checks are still evaluated.
"""

from __future__ import annotations

from typing import Any

from regionready.clients import Clients, CollectionError
from regionready.iac.model import CHECK_TYPES, ScanError
from regionready.iac.scan import empty_items, options_from, scan

SERVICE = "iac"
GLOBAL = False
LOCAL = True
RESOURCE_TYPES = {"file": "Path", **{rtype: "Id" for rtype in CHECK_TYPES.values()}}
PERMISSIONS: tuple[str, ...] = ()


def _collection_error(error: ScanError) -> CollectionError:
    return CollectionError(
        api=f"{error.tool}:{error.check}",
        code=error.code,
        message=error.message,
        action=error.action,
        resource_types=[CHECK_TYPES[error.check]],
    )


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    options = options_from(clients.options)
    if not options.paths:
        return empty_items()
    outcome = scan(options)
    clients.errors.extend(_collection_error(e) for e in outcome.errors)
    return outcome.items
