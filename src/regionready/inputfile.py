"""The one way regionready reads a file it is given: rules, snapshots, suppressions,
baselines, account lists and IaC inputs all come through :func:`read_bytes` or
:func:`read_text`.

A file given to regionready is input, and may be anything: a FIFO that never ends, a
device such as ``/dev/zero`` that never stops giving, a symlink pointing out of the
folder it was found in, or a file far larger than any real rule or snapshot. Each of
these is refused with one line naming the path (:class:`InputFileError`, exit 2), before
a byte is read:

- only regular files are read (a FIFO, device, socket or directory is refused);
- symlinks are resolved, and with ``within`` the resolved path must stay inside that
  folder (a loop or a dangling link is refused);
- the size is checked against a limit before reading, and the read itself stops at the
  limit (a file that grows while it is read is refused too).

The limits (:data:`LIMITS`, listed in docs/architecture.md, "Limits") can be raised
with environment variables (``REGIONREADY_MAX_<KIND>_BYTES``), for the rare real file that needs it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from regionready.errors import RegionReadyError
from regionready.settings import whole_setting

MiB = 1024 * 1024

#: Largest file of each kind, in bytes, and the variable that overrides it.
LIMITS: dict[str, tuple[int, str]] = {
    "rule": (1 * MiB, "REGIONREADY_MAX_RULE_BYTES"),
    "snapshot": (512 * MiB, "REGIONREADY_MAX_SNAPSHOT_BYTES"),
    "suppressions": (4 * MiB, "REGIONREADY_MAX_SUPPRESSIONS_BYTES"),
    "baseline": (512 * MiB, "REGIONREADY_MAX_BASELINE_BYTES"),
    "accounts": (4 * MiB, "REGIONREADY_MAX_ACCOUNTS_BYTES"),
    "iac": (2 * MiB, "REGIONREADY_MAX_IAC_BYTES"),
    "material": (1 * MiB, "REGIONREADY_MAX_MATERIAL_BYTES"),
}


class InputFileError(RegionReadyError):
    """A file regionready was given that it cannot read; the message names the path."""


def limit(kind: str) -> int:
    """The byte limit for files of ``kind`` (its environment variable, else the default)."""
    default, variable = LIMITS[kind]
    try:
        return whole_setting(variable, default, high=1024 * 1024 * MiB)
    except ValueError as exc:
        raise InputFileError(str(exc)) from exc


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def resolve(path: Path, within: Path | None = None) -> Path:
    """``path`` with its symlinks resolved; refused if it loops, dangles or (with
    ``within``) leaves that folder."""
    try:
        resolved = Path(path).resolve(strict=True)
    except FileNotFoundError as exc:
        if Path(path).is_symlink():
            raise InputFileError(f"{path}: a symlink to a file that does not exist") from exc
        raise InputFileError(f"{path}: no such file") from exc
    except RuntimeError as exc:  # Python 3.11-3.12: a symlink loop
        raise InputFileError(f"{path}: a symlink loop") from exc
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if within is not None:
        try:
            root = Path(within).resolve(strict=True)
        except (OSError, RuntimeError) as exc:
            raise InputFileError(f"{within}: cannot read the folder: {exc}") from exc
        if resolved != root and root not in resolved.parents:
            raise InputFileError(f"{path}: a symlink that leads outside {within} (to {resolved})")
    return resolved


def read_bytes(path: Path, kind: str, within: Path | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit(kind)`` bytes, or InputFileError."""
    resolved = resolve(path, within)
    maximum = limit(kind)
    try:
        # O_NONBLOCK: a FIFO swapped in after the check must not block the open.
        fd = os.open(resolved, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputFileError(f"{path}: {_kind_of(info.st_mode)}, not a regular file")
        if info.st_size > maximum:
            raise InputFileError(_too_large(path, kind, maximum))
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 * MiB, maximum + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > maximum:
                raise InputFileError(_too_large(path, kind, maximum))
        return b"".join(chunks)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)


def read_text(path: Path, kind: str, within: Path | None = None) -> str:
    """Like :func:`read_bytes`, decoded as UTF-8 (a leading BOM is dropped)."""
    data = read_bytes(path, kind, within)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{path}: not UTF-8 text (byte {exc.start}: {data[exc.start : exc.start + 1]!r})"
        ) from exc


def _too_large(path: Path, kind: str, maximum: int) -> str:
    variable = LIMITS[kind][1]
    return (
        f"{path}: larger than the {kind} file limit of {maximum} bytes "
        f"(raise it with {variable}=BYTES if the file is genuine)"
    )
