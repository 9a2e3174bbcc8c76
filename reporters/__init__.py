"""Reporters: one module per output format, listed in ``regionready.registry.REPORTERS``
under its ``--format`` name and imported only when needed (never statically).

A reporter module declares (contract: ``regionready.plugins.Reporter``) ``FORMAT`` (its
name), ``EXTENSION`` (file suffix) and a pure ``render(report, *, redact=False,
fail_on=...) -> str``. It never calls AWS or the engine.

It may also declare ``write(report, handle, *, redact=False, fail_on=...)``
(``regionready.plugins.StreamingReporter``), writing exactly ``render``'s text to a text
file handle in pieces: ``runner.write_reports`` then streams the report into the atomic
temporary file instead of holding the whole text (``jsonreport`` and ``junit`` do).
"""
