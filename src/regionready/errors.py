"""regionready's errors, and the exit codes the command line maps them to.

Exit codes (``regionready --help`` prints :data:`EXIT_CODES`; the gate's own are computed
by :func:`regionready.gate.exit_code`):

=====  ====================  ===================================================
code   name                  meaning
=====  ====================  ===================================================
0      ``EXIT_OK``           ready: no finding at or above ``--fail-on``
1      ``EXIT_FINDINGS``     findings at or above ``--fail-on``
2      ``EXIT_USAGE``        usage or input error: a bad flag, rule file, snapshot,
                             suppressions or baseline file, or an output that
                             cannot be written
3      ``EXIT_INCOMPLETE``   something could not be read (ERROR results) and
                             ``--allow-incomplete`` was not given
130    ``EXIT_INTERRUPTED``  interrupted (Ctrl-C): 128 + SIGINT, as a shell reports it
=====  ====================  ===================================================

How :func:`regionready.cli.main` maps what a command raises (``regionready.cli.app``):

- :class:`RegionReadyError` and every subclass: ``regionready: error: <message>`` on one
  line, exit :attr:`RegionReadyError.exit_code` (2), never a traceback. Raise
  :class:`UsageError` for a flag or a combination of flags that cannot work; a module's
  own error class derives from :class:`RegionReadyError` (``RuleError``,
  ``SnapshotError``, ``CollectError``, ``InputFileError``, ...).
- ``BrokenPipeError``: exit 0, silently (the reader went away: ``regionready ... | head``).
- any other ``OSError`` (a file that cannot be read or written): one line
  ``regionready: error: <path>: <reason>``, exit 2.
- ``KeyboardInterrupt``: ``regionready: interrupted``, exit 130.

Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from typing import ClassVar

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3
EXIT_INTERRUPTED = 130

#: (code, meaning) for ``regionready --help``: what a CI script may test for.
EXIT_CODES: tuple[tuple[int, str], ...] = (
    (EXIT_OK, "ready: no finding at or above --fail-on"),
    (EXIT_FINDINGS, "findings at or above --fail-on (default: high)"),
    (
        EXIT_USAGE,
        "usage or configuration error (bad flag, rule file or snapshot), or an output "
        "that cannot be written (the line names the path)",
    ),
    (
        EXIT_INCOMPLETE,
        "incomplete: something could not be read (ERROR results); see --allow-incomplete",
    ),
    (EXIT_INTERRUPTED, "interrupted (Ctrl-C)"),
)


class RegionReadyError(Exception):
    """Bad input or an impossible request: one line naming the problem, exit 2."""

    #: The exit code :func:`regionready.cli.main` returns for this error.
    exit_code: ClassVar[int] = EXIT_USAGE


class UsageError(RegionReadyError):
    """Flags that cannot work as given (``--shard`` without ``--accounts``, an unknown
    ``--only`` rule, the same ``--source`` and ``--target``): one line, exit 2."""
