"""``regionready merge SHARD... --out DIR``: join the snapshots of ``--shard i/N`` runs.

The shards' manifests are checked first (one line, exit 2, for a shard that is not a
snapshot, pairs that differ, or an account in two shards), then their files are copied
one at a time (:func:`regionready.merge.merge_scans`): memory does not grow with the
number of shards. ``--out`` may be one of the shards; see docs/organisations.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from regionready.errors import EXIT_OK
from regionready.merge import merge_scans
from regionready.wording import plural

NAME = "merge"
HELP = "join snapshot shards (from --shard i/N) into one snapshot"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "shards",
        nargs="+",
        type=Path,
        help="snapshot directories to join (from collect --accounts FILE --shard i/N)",
    )
    parser.add_argument("--out", type=Path, required=True, help="the merged snapshot directory")


def run(args: argparse.Namespace) -> int:
    manifest = merge_scans(args.out, args.shards)
    print(
        f"merged {plural(len(args.shards), 'snapshot')} "
        f"({plural(len(manifest['accounts']), 'account')}) "
        f"into {args.out}/",
        file=sys.stderr,
    )
    return EXIT_OK
