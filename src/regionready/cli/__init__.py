"""regionready's command line: collect, scan, evaluate, demo, iac, merge, diff,
iam-policy, remediate and rules.

The CLI owns files, flags and exit codes; it wires collectors, the engine and the
reporters together and never lets a traceback reach the user for bad input.

Modules (each depends only on those above it):

``output``     warnings, errors, the report files, the verdict line, the step summary
``options``    argument types and checks (Regions, formats, rules, the clock)
``parser``     the top-level parser, the command contract, shared option groups
``commands/``  one module per command: ``NAME``, ``HELP``, ``add_arguments``, ``run``
``app``        :func:`main`: the commands, and exceptions mapped to exit codes
               (:mod:`regionready.errors` has the table)
"""

from __future__ import annotations

from regionready.cli.app import COMMANDS, build_parser, main
from regionready.cli.parser import add_region_options
from regionready.errors import UsageError

__all__ = ["COMMANDS", "UsageError", "add_region_options", "build_parser", "main"]
