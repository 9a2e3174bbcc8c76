"""Reporters: one module per output format, resolved by name (never imported statically).

A reporter module declares ``FORMAT`` (its name), ``EXTENSION`` (file suffix) and a pure
``render(report: regionready.model.Report) -> str``. It never calls AWS or the engine.
"""
