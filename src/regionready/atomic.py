"""Atomic file writes: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from regionready import jsonout


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` through a temp file in the same folder, then rename."""
    return write_stream(path, lambda handle: handle.write(text))


def write_stream(path: str | os.PathLike[str], writer: Callable[[IO[str]], Any]) -> Path:
    """Like :func:`write_text`, but ``writer(handle)`` writes the text (in pieces, so a
    large document need not exist whole in memory); an exception leaves ``path`` as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return target


def write_json(path: str | os.PathLike[str], data: Any) -> Path:
    """``json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\\n"``, streamed.

    The same bytes, written in chunks by :mod:`regionready.jsonout`: a snapshot document
    of tens of MiB is never held whole as text (nor as the encoder's list of tokens).
    """

    def write(handle: IO[str]) -> None:
        for chunk in jsonout.iterencode(data, sort_keys=True, ensure_ascii=False):
            handle.write(chunk)
        handle.write("\n")

    return write_stream(path, write)


def append_line(path: str | os.PathLike[str], line: str) -> None:
    """Append one line durably (audit logs): the line is written whole or not at all.

    A failure part-way (a short write, a full disk, an interrupt) truncates the file back
    to its previous length, so earlier lines stay intact and no torn line is left."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    data = (line.rstrip("\n") + "\n").encode("utf-8")
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        before = os.fstat(fd).st_size
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
