"""set-sts-regional (STS-001): set ``sts_regional_endpoints = regional`` in the AWS shared
config file for the profiles the findings name. A change to this machine
(``Change.region == "local"``), no AWS call.

Which file: the one the local collector read the profile from (the profile item's
``SetIn``, when it names a file), else ``ctx.options["aws_config_file"]``, else the file
another profile item names, else ``AWS_CONFIG_FILE``, else ``~/.aws/config``. The
shared *credentials* file is never written (apply refuses a path named like one).

How: the file is edited line by line, never round-tripped through configparser, so every
other line, comment, blank line, key order and line ending stays exactly as it was:

- in each section of the profile (``[default]``, ``[profile NAME]``) an existing
  ``sts_regional_endpoints`` line gets the value ``regional`` (its continuation lines,
  if any, are part of the old value and go with it);
- a section without the setting gets the line right after its header;
- a profile without a section (known only from the credentials file, or the implicit
  ``default``) gets a new section at the end of the file.

The file is read through ``regionready.inputfile`` (a regular file of at most
``REGIONREADY_MAX_MATERIAL_BYTES``; a FIFO or a device is refused, never waited on).
Before writing, the file is copied to ``<name>.regionready-backup-<UTC timestamp>`` next
to it (a new name each time, never overwritten), then replaced atomically
(``regionready.atomic.write_text``) with its permission bits kept.

Idempotent: when the edit would not change the file, nothing is written (no backup).
A file that does not exist is never created (the snapshot may come from another
machine): the change is ``blocked`` with the file it expected, and apply refuses it.

Not fixable by a file: ``AWS_STS_REGIONAL_ENDPOINTS`` in the environment overrides every
profile (the item's ``SetIn`` is ``environment``). That finding plans no change; the
reason goes to the plan's notes (``ctx.notes``) and is returned by
:func:`environment_reason`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shlex
from pathlib import Path
from typing import Any

from regionready import atomic, inputfile
from regionready.model import Result
from regionready.remediation import Change, PlanContext, TargetClients
from regionready.remediation.actions.errors import NeedsInput, RemediationError
from regionready.snapshot import LOCAL

ACTION = "set-sts-regional"
PERMISSIONS: tuple[str, ...] = ()  # no AWS call

OPTION = "sts_regional_endpoints"
VALUE = "regional"
ENVIRONMENT = "environment"
DEFAULT_CONFIG = "~/.aws/config"
_HEADER = re.compile(r"\[(?P<name>.+)\]")
_OPTION_LINE = re.compile(
    r"^(?P<prefix>(?P<key>[^=:\s][^=:]*?)\s*[=:][ \t]*)(?P<value>.*?)(?P<eol>\r?\n)?$"
)


# --------------------------------------------------------------------------- the edit


def section_profile(header: str) -> str | None:
    """The profile a section header names (as botocore reads it), or None."""
    if header == "default":
        return "default"
    if not header.startswith("profile"):
        return None
    try:
        parts = shlex.split(header)
    except ValueError:
        return None
    return parts[1] if len(parts) == 2 and parts[0] == "profile" else None


def _header_of(line: str) -> str | None:
    if line[:1].isspace():
        return None  # an indented line is a value (continuation), never a header
    match = _HEADER.match(line.strip())
    return match.group("name").strip() if match else None


def _new_section(profile: str) -> str:
    if profile == "default":
        return "default"
    quoted = shlex.quote(profile)
    return f"profile {quoted}"


def _set_in_body(body: list[str]) -> tuple[list[str], bool]:
    """A section's lines with the option set; whether the section had the option."""
    out: list[str] = []
    found = False
    index = 0
    while index < len(body):
        line = body[index]
        index += 1
        match = None if line[:1].isspace() else _OPTION_LINE.match(line)
        if not match or match.group("key").strip().lower() != OPTION:
            out.append(line)
            continue
        found = True
        continued = index
        while continued < len(body) and body[continued].strip() and body[continued][:1].isspace():
            continued += 1  # continuation lines belong to the old value
        if match.group("value").strip() == VALUE and continued == index:
            out.append(line)
            continue
        prefix = match.group("prefix")
        if not match.group("value") and not prefix[-1:].isspace():
            prefix += " "
        out.append(f"{prefix}{VALUE}{match.group('eol') or ''}")
        index = continued
    return out, found


def set_regional(text: str, profile: str) -> str:
    """``text`` with ``sts_regional_endpoints = regional`` for ``profile``; nothing else
    changes. Returns ``text`` unchanged when it already says so."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    headers = [(i, h) for i, line in enumerate(lines) if (h := _header_of(line)) is not None]
    bounds = [
        (start, headers[k + 1][0] if k + 1 < len(headers) else len(lines))
        for k, (start, header) in enumerate(headers)
        if section_profile(header) == profile
    ]
    setting = f"{OPTION} = {VALUE}{newline}"
    if not bounds:
        edited = text
        if edited and not edited.endswith("\n"):
            edited += newline
        if edited.strip():
            edited += newline
        return f"{edited}[{_new_section(profile)}]{newline}{setting}"
    for start, end in reversed(bounds):  # from the end: earlier indices stay valid
        body, found = _set_in_body(lines[start + 1 : end])
        if not found:
            if not lines[start].endswith("\n"):
                lines[start] += newline
            body = [setting, *body]
        lines[start + 1 : end] = body
    return "".join(lines)


# --------------------------------------------------------------------------- plan


def _is_file(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and value != ENVIRONMENT


def config_file(item: dict[str, Any], ctx: PlanContext) -> Path:
    """The config file the collector read this profile from (see the module docstring)."""
    chosen: Any = item.get("SetIn") if _is_file(item.get("SetIn")) else None
    chosen = chosen or ctx.options.get("aws_config_file")
    if not chosen:
        others = (p.get("SetIn") for p in ctx.items(LOCAL, "local", "profile"))
        chosen = next((s for s in others if _is_file(s)), None)
    chosen = chosen or os.environ.get("AWS_CONFIG_FILE") or DEFAULT_CONFIG
    return Path(os.path.expanduser(os.path.expandvars(str(chosen)))).absolute()


def environment_reason(finding: Result, ctx: PlanContext) -> str | None:
    """Why no file change can fix this finding (the environment variable), or None."""
    item = ctx.find(LOCAL, "local", "profile", "Name", finding.resource_id)
    if item is None or item.get("SetIn") != ENVIRONMENT:
        return None
    return (
        f"{finding.rule_id} profile {finding.resource_id}: AWS_STS_REGIONAL_ENDPOINTS="
        f"{item.get('sts_regional_endpoints') or '(empty)'} in the environment overrides every "
        "profile; rewriting the config file cannot fix it: unset the variable, or set it to "
        "regional, where it is set (shell profile, CI variables, container environment)"
    )


def plan(finding: Result, ctx: PlanContext) -> list[Change]:
    item = ctx.find(LOCAL, "local", "profile", "Name", finding.resource_id)
    if item is None:
        return []
    reason = environment_reason(finding, ctx)
    if reason:
        ctx.notes.append(reason)
        return []
    path = config_file(item, ctx)
    how = "set" if item.get("FileValue") else "add"
    blocked = None if os.path.lexists(path) else _missing(path)
    return [
        Change.fixing(
            finding,
            ACTION,
            region=LOCAL,
            resource=str(item["Name"]),
            summary=f"{how} {OPTION} = {VALUE} for profile {item['Name']} in {path} "
            f"(a backup copy is kept next to it)",
            params={"Profile": str(item["Name"]), "ConfigFile": str(path)},
            blocked=blocked,
        )
    ]


# --------------------------------------------------------------------------- apply


def _credentials_file(path: Path) -> bool:
    named = os.environ.get("AWS_SHARED_CREDENTIALS_FILE")
    candidates = {Path(os.path.expanduser("~/.aws/credentials")).absolute()}
    if named:
        candidates.add(Path(os.path.expanduser(named)).absolute())
    return path.name == "credentials" or path.absolute() in candidates


def _missing(path: Path) -> str:
    return (
        f"{path} does not exist on this machine (was the snapshot taken elsewhere?): "
        "create it, or pass --aws-config-file"
    )


def _backup_path(path: Path) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = path.with_name(f"{path.name}.regionready-backup-{stamp}")
    counter = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.regionready-backup-{stamp}-{counter}")
        counter += 1
    return candidate


def apply(change: Change, clients: TargetClients) -> str:
    del clients  # a local change: no AWS call
    profile = str(change.params["Profile"])
    path = Path(change.params["ConfigFile"])
    if _credentials_file(path):
        raise RemediationError(f"refused: {path} is a credentials file, which is never written")
    if not os.path.lexists(path):
        raise NeedsInput(f"{_missing(path)}; nothing was changed")
    try:  # a FIFO, a device, a dangling link or a file over the limit is refused
        data = inputfile.read_bytes(path, "material")
    except inputfile.InputFileError as exc:
        raise RemediationError(f"{exc}; nothing was changed") from None
    try:
        text = data.decode("utf-8")  # as it is: CRLF and a BOM are kept
    except UnicodeDecodeError:
        raise RemediationError(f"cannot read {path}: not UTF-8 text; nothing was changed") from None
    edited = set_regional(text, profile)
    if edited == text:
        return f"already present: profile {profile} has {OPTION} = {VALUE} in {path}"
    mode = path.stat().st_mode & 0o7777
    backup = _backup_path(path)
    atomic.write_text(backup, text)
    os.chmod(backup, mode)
    atomic.write_text(path, edited)
    os.chmod(path, mode)
    return f"set {OPTION} = {VALUE} for profile {profile} in {path} (backup: {backup})"
