"""Infrastructure as code on disk: templates, policies, configuration and code (LOCAL).

No AWS call. Reads ``clients.options``:

``code_paths``       files or directories to scan; absent or empty: nothing is collected
                     (every list empty, status ok)
``source_region``    the Region being left (IAC-002 looks for it)
``target_region``    the Region cfn-lint lints for (IAC-001)
``checkov``          path of the checkov executable (else ``$REGIONREADY_CHECKOV``, else
                     ``PATH``); checkov missing or failing is an error against ``checkov``
``skip_checkov``     true, or the reason as text: IAC-003 is not run (its rule reads
                     NOT_APPLICABLE, "not run: checkov was turned off (--no-checkov)" or
                     the reason); an explicit opt-out, never a silent pass
``code_base``        the repository root paths are relative to (default: the current
                     directory)
``checkov_timeout``  seconds (default 900)

Items (see ``regionready.iac.model``):

``file`` (id ``Path``)
    every scanned file: {Path, Kind (cloudformation|terraform|policy|config|code),
    Language, Checks (the check ids that apply), Findings (how many), Parsed (false:
    YAML/JSON that does not parse), Skipped (null, or why it was not read)}
``cfn_lint`` (IAC-001), ``region_literal`` (IAC-002), ``checkov`` (IAC-003),
``global_endpoint`` (IAC-004), ``sts_client`` (STS-002) (id ``Id``)
    one item per finding {Id "<path>:<line>:<column>:<code>", Check, Path, Line, Column,
    Code, Message, Severity, Clean: false} and one per clean (file, check)
    {Id "<path>", ..., Clean: true}

A file under the scanned paths that cannot be read (over ``REGIONREADY_MAX_IAC_BYTES``,
binary, not UTF-8, unreadable, a symlink loop) is an item of each check that would have
read it, with an error about that item alone: it is ERROR with its reason, never a
silent pass, and the rest of the scan is judged (see docs/iac.md).

checkov that nobody named (no ``checkov`` option, no ``$REGIONREADY_CHECKOV``) and that is
not on PATH is optional: ``checkov`` is recorded as not run (``not_run``, with how to
install it, and one note), so IAC-003 reads NOT_APPLICABLE with that text: never ERROR,
never a pass. A check that cannot run otherwise (a named checkov that is missing or fails,
cfn-lint without the target Region, a missing ``--source``) records an error against its
own resource type only, so its rule reads ERROR and the other checks are still evaluated.
"""

from __future__ import annotations

from typing import Any

from regionready.collect.clients import Clients
from regionready.iac.model import CHECK_TYPES, ScanError
from regionready.iac.scan import empty_items, options_from, scan
from regionready.snapshot import CollectionError

SERVICE = "iac"
GLOBAL = False
LOCAL = True
RESOURCE_TYPES = {"file": "Path", **{rtype: "Id" for rtype in CHECK_TYPES.values()}}
PERMISSIONS: tuple[str, ...] = ()
PERMISSION_RESOURCES: dict[str, str | tuple[str, ...]] = {}


def _collection_error(error: ScanError) -> CollectionError:
    rtype = CHECK_TYPES[error.check]
    return CollectionError(
        api=f"{error.tool}:{error.check}",
        code=error.code,
        message=error.message,
        action=error.action,
        resource_types=[rtype],
        resources={rtype: [error.item]} if error.item is not None else {},
    )


def collect(clients: Clients, region: str) -> dict[str, list[dict[str, Any]]]:
    options = options_from(clients.options)
    if not options.paths:
        return empty_items()
    outcome = scan(options)
    clients.errors.extend(_collection_error(e) for e in outcome.errors)
    for check, why in outcome.not_run.items():
        clients.not_run[CHECK_TYPES[check]] = why
        clients.notes.append(why)
    return outcome.items
