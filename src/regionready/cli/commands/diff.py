"""``regionready diff OLD NEW``: new, fixed and unchanged findings between two JSON reports.

A finding of OLD whose check is ERROR (or did not run) in NEW is "not evaluated", never
"fixed"; one SUPPRESSED in NEW is "suppressed" (see :mod:`regionready.baseline`).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from regionready import baseline, sanitize
from regionready.cli.parser import add_fail_on_option, add_table_or_json_option
from regionready.errors import EXIT_FINDINGS, EXIT_OK
from regionready.model import Severity

NAME = "diff"
HELP = "new, fixed and unchanged findings between two JSON reports"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", type=Path, help="the earlier JSON report")
    parser.add_argument("new", type=Path, help="the later JSON report")
    add_table_or_json_option(parser)
    add_fail_on_option(
        parser,
        help_text="exit 1 when a NEW finding is at or above this severity (default: high)",
    )


def run(args: argparse.Namespace) -> int:
    changes = baseline.diff(baseline.load_report(args.old), baseline.load_report(args.new))
    if args.format == "json":
        print(json.dumps(changes.to_dict(), indent=2, sort_keys=True))
    else:
        for label, items in (
            ("new", changes.new),
            ("fixed", changes.fixed),
            ("unchanged", changes.unchanged),
            ("not evaluated", changes.not_evaluated),
            ("suppressed", changes.suppressed),
        ):
            for item in items:
                # Report text is untrusted: names and messages leave here made inert.
                severity, rule_id, region, message = (
                    sanitize.text(item.get(key) or "")
                    for key in ("severity", "rule_id", "region", "message")
                )
                print(f"{label:13} {severity:8} {rule_id} {region}: {message}")
        print(changes.summary())
    if args.fail_on == "none":
        return EXIT_OK
    threshold = Severity(args.fail_on)
    gating = [r for r in changes.new if Severity(r.get("severity", "note")).at_least(threshold)]
    return EXIT_FINDINGS if gating else EXIT_OK
