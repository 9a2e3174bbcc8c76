"""``regionready diff OLD NEW``: new, fixed and unchanged findings between two JSON reports.

A finding of OLD whose check is ERROR (or did not run) in NEW is "not evaluated", never
"fixed"; one SUPPRESSED in NEW is "suppressed" (see :mod:`regionready.baseline`).
Findings match by fingerprint, which includes the Region pair: when the reports judge more
than one pair between them, each line names its pair ("source -> target: ", the prefix a
scan of several pairs gives every message already).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from regionready import baseline, sanitize
from regionready.cli.parser import add_fail_on_option, add_table_or_json_option
from regionready.errors import EXIT_FINDINGS, EXIT_OK
from regionready.model import Severity, pair_label, pair_title

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


def pairs_of(*reports: dict[str, Any]) -> set[str]:
    """``source:target`` of every pair the reports judge: their ``scan.pairs`` (or
    ``scan`` pair) and the pairs their results name."""
    found: set[str] = set()
    for report in reports:
        scan = report.get("scan")
        if isinstance(scan, dict):
            listed = scan.get("pairs")
            if isinstance(listed, list):
                found |= {
                    pair_label(p["source"], p["target"])
                    for p in listed
                    if isinstance(p, dict)
                    and isinstance(p.get("source"), str)
                    and isinstance(p.get("target"), str)
                }
            elif scan.get("source_region") and scan.get("target_region"):
                found.add(pair_label(str(scan["source_region"]), str(scan["target_region"])))
        for r in report["results"]:
            if r.get("source_region") and r.get("target_region"):
                found.add(pair_label(r["source_region"], r["target_region"]))
    return found


def message(item: dict[str, Any], several_pairs: bool) -> str:
    """The item's message; with ``several_pairs``, led by its pair when it is not already
    (a finding of a report of one pair, diffed against one of several)."""
    text = str(item.get("message") or "")
    if not several_pairs or not item.get("source_region") or not item.get("target_region"):
        return text
    lead = pair_title(pair_label(item["source_region"], item["target_region"])) + ": "
    return text if text.startswith(lead) else lead + text


def run(args: argparse.Namespace) -> int:
    old, new = baseline.load_report(args.old), baseline.load_report(args.new)
    changes = baseline.diff(old, new)
    several_pairs = len(pairs_of(old, new)) > 1
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
                severity, rule_id, region = (
                    sanitize.text(item.get(key) or "") for key in ("severity", "rule_id", "region")
                )
                text = sanitize.text(message(item, several_pairs))
                print(f"{label:13} {severity:8} {rule_id} {region}: {text}")
        print(changes.summary())
    if args.fail_on == "none":
        return EXIT_OK
    threshold = Severity(args.fail_on)
    gating = [r for r in changes.new if Severity(r.get("severity", "note")).at_least(threshold)]
    return EXIT_FINDINGS if gating else EXIT_OK
