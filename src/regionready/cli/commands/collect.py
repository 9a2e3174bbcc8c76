"""``regionready collect``: snapshot the source and target Regions into a folder.

:func:`collect_snapshot` is also the first half of ``scan``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from regionready import __version__, registry, snapshot, snapshot_folder, snapshot_write, topology
from regionready.cli import options
from regionready.cli.commands import iac
from regionready.cli.parser import add_collect_options, add_only_option, add_rules_dir_option
from regionready.collect import accounts
from regionready.errors import EXIT_OK, UsageError
from regionready.topology import Pair

if TYPE_CHECKING:
    from regionready.collect.driver import CollectResult
    from regionready.engine.rules import Rule

NAME = "collect"
HELP = "snapshot the source and target Regions into a directory"
DEFAULT_OUT = Path("regionready-scan")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_collect_options(parser)
    add_rules_dir_option(parser)
    add_only_option(
        parser,
        "collect only what these rule ids read (comma list); other checks evaluated on "
        "the snapshot later are ERROR where they need what was not read",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help=f"snapshot directory (default: {DEFAULT_OUT})"
    )


def run(args: argparse.Namespace) -> int:
    options.check_regions(args)
    only = options.selected_rules(args) if args.only else None
    out = args.out or DEFAULT_OUT
    collect_snapshot(args, out, only=only)
    print(f"snapshot written to {out}/ (next: regionready evaluate {out})", file=sys.stderr)
    return EXIT_OK


def collect_snapshot(
    args: argparse.Namespace, out: Path, only: Sequence[Rule] | None = None
) -> Path:
    """Collect what ``args`` asks for (one account, or ``--accounts``) into the snapshot
    folder ``out``, replacing it; ``out``. The Regions were checked already. ``only``:
    read just what these rules need (:mod:`regionready.collect.scope`)."""
    # Imported here: regionready.collect.driver imports boto3 (about 0.2 s and 10 MiB), which only
    # the commands that talk to AWS should pay for (not evaluate, diff, rules or --help).
    from regionready.collect import driver as collect
    from regionready.collect import organisation, scope, sessions

    if args.shard and not args.accounts:
        raise UsageError("--shard needs --accounts (it splits the account list)")
    pairs: list[Pair] = args.region_pairs
    if args.iac and len(pairs) > 1:
        raise UsageError(
            "--iac checks code for one Region pair: run 'regionready iac PATH --source S "
            "--target T' for each pair"
        )
    # Before minutes of collection: a folder that cannot be replaced fails now.
    snapshot_folder.check_replaceable(out)
    services = options.services(args)
    for name in services:
        registry.collector(name)
    collector_options: dict[str, Any] = {
        "cloudtrail_days": args.cloudtrail_days,
        "cloudtrail_max_events": args.cloudtrail_max_events,
    }
    if args.debug:
        # Appended to while collecting; the snapshot writer carries it into the new folder.
        collector_options[collect.DEBUG_LOG_OPTION] = str(out / snapshot.DEBUG_LOG)
    if args.iac:
        iac.check_checkov(args)
        collector_options |= iac.collect_options(args, args.iac)
        if iac.SERVICE not in services:
            services.append(iac.SERVICE)
    specs = _account_specs(args)
    if only is not None:
        every_pair = [*pairs, *(pair for spec in specs for pair in spec.pairs)]
        needed = scope.of_rules(only, every_pair)
        services = scope.services(needed, services)
        collector_options[scope.SCOPE_OPTION] = needed
    endpoint = args.endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
    started = dt.datetime.now(dt.UTC)
    spec = sessions.SessionSpec(args.profile, args.role_arn, args.external_id, endpoint)
    session = sessions.open_session(spec)

    def manifest(results: list[CollectResult], own: dict[str, list[Pair]]) -> dict[str, Any]:
        return collect.build_manifest(
            pairs=pairs,
            results=results,
            services=services,
            started_at=started,
            finished_at=dt.datetime.now(dt.UTC),
            rules_version=__version__,
            account_pairs=own,
        )

    if args.accounts:
        results = organisation.collect(
            session,
            specs,
            pairs=pairs,
            services=services,
            endpoint_url=endpoint,
            workers=args.workers,
            account_workers=args.account_workers,
            progress=not args.quiet,
            options=collector_options,
        )
        own_pairs = {s.id: list(s.pairs) for s in specs if s.pairs}
        _write_accounts(out, results, lambda done: manifest(done, own_pairs))
        return out
    account = sessions.AccountSession(session, endpoint, sessions.botocore_config())
    result = collect.collect_account(
        account,
        regions=topology.regions(pairs),
        services=services,
        workers=args.workers,
        progress=not args.quiet,
        options=collector_options,
    )
    snapshot_write.write_scan(out, manifest([result], {}), result.documents, result.local)
    return out


def _account_specs(args: argparse.Namespace) -> list[accounts.AccountSpec]:
    """The accounts of ``--accounts`` (of ``--shard``'s slice); none without it."""
    if not args.accounts:
        return []
    specs = accounts.load(args.accounts)
    if args.shard:
        specs = accounts.shard(specs, *accounts.parse_shard(args.shard))
    if not specs:
        raise UsageError(f"--shard {args.shard} selects no account")
    return specs


def _write_accounts(
    out: Path,
    results: Iterable[CollectResult],
    manifest: Callable[[list[CollectResult]], dict[str, Any]],
) -> None:
    """Each account's files written into the new snapshot as the account comes, then let
    go; the manifest, built from what is kept of each account (its id and API calls),
    last. local.json once: the organisation collects it with one account."""
    kept: list[CollectResult] = []
    local_written = False
    with snapshot_write.SnapshotWriter(out) as writer:
        for result in results:
            local = None if local_written else result.local
            writer.add_documents(result.documents, local)
            local_written = local_written or local is not None
            kept.append(replace(result, documents={}, local=None))
            del result, local  # before the next account is collected
        writer.finish(manifest(kept))
