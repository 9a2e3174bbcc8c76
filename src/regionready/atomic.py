"""Atomic file writes: a reader sees the old file or the new one, never half of either.

Each write goes to a temp file in the target's folder, named like
``.<target name>.<8 characters>.tmp`` (:func:`tempfile.mkstemp` with that prefix and
suffix, :data:`TEMP_PATTERN`), which is fsynced and then renamed over the target. An
exception removes the temp file; a run that is killed (SIGKILL, power loss) cannot, and
leaves it behind.

Such leftovers are swept by the next write of the same target (:func:`sweep_temps`):
before writing ``<folder>/<name>``, the files of that folder named exactly
``.<name>.<8 characters>.tmp`` that are regular files (not symlinks, folders or
anything else) and were last modified more than :data:`STALE_TEMP_SECONDS` (one hour)
ago are removed. Nothing else is ever removed: not a temp file of another target (that
target's own next write sweeps it), not a name that only looks similar, and not a temp
file of a write that may still be running (another process writing the same file keeps
its temp file's modification time current while it writes, and a write takes seconds,
not an hour). A snapshot folder needs no sweep: ``snapshot_write.write_scan`` replaces it as a
whole, temp files included.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

#: The name of a temp file of :func:`write_stream` for a target named ``name`` is
#: ``.<name>.`` + 8 characters of :func:`tempfile.mkstemp`'s alphabet + ``.tmp``.
TEMP_PATTERN = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp")

#: A temp file last modified longer ago than this is a leftover of a killed run.
STALE_TEMP_SECONDS = 3600


@dataclass(frozen=True)
class Written:
    """A file written by :func:`write_json_digest`: its size and SHA-256, as written."""

    path: Path
    size: int
    sha256: str


def is_temp_name(name: str, target: str | None = None) -> bool:
    """Whether ``name`` is a temp file name of this module (for ``target``, if given)."""
    match = TEMP_PATTERN.fullmatch(name)
    return match is not None and (target is None or match["name"] == target)


def sweep_temps(target: str | os.PathLike[str], *, now: float | None = None) -> list[Path]:
    """Remove the stale temp files an earlier, killed write of ``target`` left beside it
    (see the module's docstring for exactly which); returns the paths removed."""
    path = Path(target)
    folder = path.parent
    now = time.time() if now is None else now
    removed: list[Path] = []
    prefix = f".{path.name}."
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(prefix) or not is_temp_name(entry.name, path.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or now - info.st_mtime <= STALE_TEMP_SECONDS:
                continue
            os.unlink(entry.path)
        except OSError:
            continue  # gone already, or not ours to remove: the write goes on
        removed.append(Path(entry.path))
    return removed


@contextlib.contextmanager
def _replacing(path: str | os.PathLike[str], binary: bool) -> Iterator[IO[Any]]:
    """A handle on a fresh temp file beside ``path``, renamed over it on success."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_temps(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        handle: IO[Any] = (
            os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        )
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` through a temp file in the same folder, then rename."""
    return write_stream(path, lambda handle: handle.write(text))


def write_stream(path: str | os.PathLike[str], writer: Callable[[IO[str]], Any]) -> Path:
    """Like :func:`write_text`, but ``writer(handle)`` writes the text (in pieces, so a
    large document need not exist whole in memory); an exception leaves ``path`` as it was.
    """
    with _replacing(path, binary=False) as handle:
        writer(handle)
    return Path(path)


def write_json(path: str | os.PathLike[str], data: Any) -> Path:
    """``json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\\n"``, streamed.

    The same bytes, written in pieces as the standard library's encoder makes them
    (``JSONEncoder.iterencode``): a snapshot document of tens of MiB is never held whole
    as text, nor as the list of tokens ``json.dumps`` joins.
    """
    return _write_json(path, data, None).path


def write_json_digest(path: str | os.PathLike[str], data: Any) -> Written:
    """:func:`write_json`, with the size and SHA-256 of the bytes written, hashed as they
    are written (the file is not read back)."""
    return _write_json(path, data, hashlib.sha256())


#: Tokens of the encoder joined into one write (each token is a few bytes).
_TOKENS_PER_WRITE = 4096


def _write_json(path: str | os.PathLike[str], data: Any, hasher: Any) -> Written:
    encoder = json.JSONEncoder(indent=2, sort_keys=True, ensure_ascii=False)
    size = 0
    with _replacing(path, binary=True) as handle:

        def write(text: str) -> None:
            nonlocal size
            encoded = text.encode("utf-8")
            if hasher is not None:
                hasher.update(encoded)
            handle.write(encoded)
            size += len(encoded)

        tokens: list[str] = []
        for token in encoder.iterencode(data):
            tokens.append(token)
            if len(tokens) >= _TOKENS_PER_WRITE:
                write("".join(tokens))
                tokens.clear()
        tokens.append("\n")
        write("".join(tokens))
    return Written(Path(path), size, hasher.hexdigest() if hasher is not None else "")


def append_line(path: str | os.PathLike[str], line: str) -> None:
    """Append one line durably (audit logs): the line is written whole or not at all.

    A failure part-way (a short write, a full disk, an interrupt) truncates the file back
    to its previous length, so earlier lines stay intact and no torn line is left.

    Only a regular file is appended to: a symlink at ``path`` is refused (``O_NOFOLLOW``:
    a log must not be redirected into another file), and so is a FIFO, device or socket
    (opened without blocking, then checked); each with an :class:`OSError` naming the
    path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = (line.rstrip("\n") + "\n").encode("utf-8")
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(target, flags | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP or (exc.errno == errno.EMLINK and target.is_symlink()):
            raise OSError(
                errno.ELOOP,
                "a symlink: refusing to append to it (give the file itself)",
                str(target),
            ) from None
        if exc.errno == errno.ENXIO:  # a FIFO nobody reads
            raise OSError(
                exc.errno, "not a regular file: refusing to append to it", str(target)
            ) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file: refusing to append to it", str(target))
        os.set_blocking(fd, True)
        before = info.st_size
        try:
            written = 0
            while written < len(data):
                count = os.write(fd, data[written:])
                if count <= 0:
                    raise OSError(f"{target}: could not append to the file")
                written += count
            os.fsync(fd)
        except BaseException:
            os.ftruncate(fd, before)
            raise
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange_paths(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False where that
    is not available (another OS or C library, an old kernel, a file system without it)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def fsync_folder(path: Path) -> None:
    """Make a folder's entries durable (where the OS and file system allow)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
