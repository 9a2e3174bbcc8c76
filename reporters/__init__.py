"""Reporters: one module per output format, resolved by name (never imported statically).

A reporter module declares ``FORMAT`` (its name), ``EXTENSION`` (file suffix) and a pure
``render(report: regionready.model.Report) -> str``. It never calls AWS or the engine.

It may also declare ``write(report, handle, **options)``, writing exactly ``render``'s text
to a text file handle in pieces: ``runner.write_reports`` then streams the report into the
atomic temporary file instead of holding the whole text (``jsonreport`` and ``junit`` do).
"""
