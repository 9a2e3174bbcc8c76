"""``regionready trend REPORT|DIR...``: how readiness moved over periodic scans.

Reads JSON reports (files, or every ``*.json`` of a folder that is a regionready JSON
report; anything else in the folder is named on stderr as skipped, with the reason) and
renders :mod:`regionready.trend` as Markdown or one HTML page
(:mod:`regionready.trend_render`). docs/trend.md has the weekly-workflow recipe.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from regionready import atomic, inputfile, sanitize, trend, trend_html, trend_render
from regionready.cli import options, output
from regionready.errors import EXIT_OK, UsageError
from regionready.snapshot import parse_json
from regionready.wording import plural

NAME = "trend"
HELP = "the readiness trend of periodic scans: scores, new and fixed findings (JSON reports)"
FORMATS = ("markdown", "html")


def epilog() -> str:
    return """\
Scans are ordered by scan time (scan.finished_at, else started_at, else now), ties by
file name. For each scan: its score (overall, per service, per Region pair), and its
findings against the previous scan by fingerprint: new, fixed, still open, not evaluated
(its check is ERROR now, or did not run: never counted as fixed), suppressed, and its
new ERRORs. Then the oldest open findings: first seen in the earliest scan from which
the finding is open in every scan up to the latest.

Reports of different accounts or Region pairs are refused (one line naming both files)
unless --allow-mixed: then scores are shown per pair too, and a scan whose scope
changed is marked.

exit codes:
  0  the trend was written
  2  usage or input error: a file that is not a regionready JSON report (or of another
     schema_version), a damaged report, reports of different scopes, an --output that
     cannot be written

examples:
  regionready trend history/ > trend.md
  regionready trend week1.json week2.json week3.json --top 20
  regionready trend history/ --format html --output trend.html --step-summary
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = epilog()
    parser.add_argument(
        "reports",
        nargs="+",
        type=Path,
        metavar="REPORT|DIR",
        help="JSON reports (regionready.json of each scan), or folders of them",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="markdown",
        help="markdown (with a mermaid chart GitHub renders) or html (one self-contained "
        "page with an SVG chart); default: markdown",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the trend to FILE (replaced whole, never half-written); default: stdout",
    )
    parser.add_argument(
        "--top",
        type=options.positive_int,
        default=trend.DEFAULT_TOP,
        metavar="N",
        help=f"show the N oldest open findings, and at most N findings of each change of "
        f"the latest scan (default {trend.DEFAULT_TOP})",
    )
    parser.add_argument(
        "--allow-mixed",
        action="store_true",
        help="trend reports of different accounts or Region pairs together (default: "
        "refused); scores are then shown per pair too",
    )
    parser.add_argument(
        "--redact", action="store_true", help="mask account ids (fingerprints are kept)"
    )
    parser.add_argument(
        "--step-summary",
        action="store_true",
        help="also append the Markdown trend to $GITHUB_STEP_SUMMARY (GitHub Actions)",
    )


def run(args: argparse.Namespace) -> int:
    points = [
        trend.parse(str(path), data, redact=args.redact)
        for path, data in read_reports(args.reports)
    ]
    if not points:
        raise UsageError(
            "no regionready JSON report to trend in " + ", ".join(map(str, args.reports))
        )
    built = trend.build(points, allow_mixed=args.allow_mixed)
    if args.format == "html":
        text = trend_html.html(built, top=args.top)
    else:
        text = trend_render.markdown(built, top=args.top)
    if args.output is None:
        sys.stdout.write(text)
    else:
        atomic.write_text(args.output, text)
        print(
            f"wrote {sanitize.text(args.output)}: {plural(len(built.steps), 'scan')}",
            file=sys.stderr,
        )
    if args.step_summary:
        append_step_summary(
            text if args.format == "markdown" else trend_render.markdown(built, top=args.top)
        )
    return EXIT_OK


def read_reports(given: list[Path]) -> list[tuple[Path, object]]:
    """(path, parsed JSON) of every report: each file given, and each ``*.json`` of each
    folder given that is shaped like a regionready report. A file given by name must be
    one (else one line, exit 2); a folder's other entries are named on stderr as skipped,
    with the reason."""
    found: list[tuple[Path, object]] = []
    seen: set[Path] = set()
    for path in given:
        if not path.is_dir():
            if _first_time(path, seen):
                found.append((path, _read(path)))
            continue
        for entry in sorted(path.iterdir(), key=lambda p: p.name):
            if entry.is_dir():
                output.warn(f"skipped {entry}: a folder (folders are not searched)")
                continue
            if not entry.name.endswith(".json"):
                output.warn(f"skipped {entry}: not a .json file")
                continue
            try:
                data = _read(entry, within=path)
            except trend.NotAReport as exc:
                output.warn(f"skipped {exc}")
                continue
            if not trend.is_report_shaped(data):
                output.warn(f"skipped {entry}: {trend.NOT_A_REPORT}")
                continue
            if _first_time(entry, seen):
                found.append((entry, data))
    return found


def _read(path: Path, within: Path | None = None) -> object:
    """The parsed JSON of ``path``: :class:`regionready.trend.NotAReport` when it is not
    JSON, :class:`regionready.trend.TrendError` when it cannot be read (a FIFO, a file
    too large, a symlink out of ``within``)."""
    try:
        text = inputfile.read_text(path, "baseline", within)
    except inputfile.InputFileError as exc:
        raise trend.TrendError(str(exc)) from exc
    return parse_json(path, text, trend.NotAReport)


def _first_time(path: Path, seen: set[Path]) -> bool:
    """Whether ``path`` is read for the first time (a file given twice counts once)."""
    key = path.resolve()
    if key in seen:
        output.warn(f"{path}: given more than once: read once")
        return False
    seen.add(key)
    return True


def append_step_summary(markdown: str) -> None:
    """``--step-summary``: the Markdown appended to ``$GITHUB_STEP_SUMMARY``, as
    :func:`regionready.cli.output.append_step_summary` does for a report."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        output.warn("--step-summary: GITHUB_STEP_SUMMARY is not set")
        return
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(markdown if markdown.endswith("\n") else markdown + "\n")
