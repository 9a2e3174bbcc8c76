"""The base of regionready's own errors.

An error regionready raises for bad input or an impossible request (a rule file, a
snapshot, a baseline, a flag) is reported by :func:`regionready.cli.main` as one line,
``regionready: error: <message>``, with exit 2, never a traceback. New error classes
derive from :class:`RegionReadyError`; the older ones (``RuleError``, ``SnapshotError``,
...) are listed beside it in ``regionready.cli.USER_ERRORS`` until they do too.
"""

from __future__ import annotations


class RegionReadyError(Exception):
    """Bad input or an impossible request: one line naming the problem, exit 2."""
