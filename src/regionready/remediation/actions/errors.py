"""The errors of remediation, shared by every action and by ``regionready.remediation``.

An action raises :class:`RemediationError` (or :class:`NeedsInput`) from ``plan`` or
``apply``; the runner (``remediation.apply``) turns it into a ``failed`` outcome naming
the reason and stops the run. :class:`UnsafeCall` is raised by the safety guard, never by
an action.
"""

from __future__ import annotations

from regionready.errors import RegionReadyError


class RemediationError(RegionReadyError):
    """A plan that cannot be made or a change that cannot be applied safely."""


class UnsafeCall(RemediationError):
    """A call the safety guard refuses (delete-like, or aimed outside the target)."""


class NeedsInput(RemediationError):
    """The change needs something only the user can supply (certificate material, a
    bucket name, a config file): nothing was called."""
