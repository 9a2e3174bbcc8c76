"""``regionready``'s entry point: parse, run one command, map what it raises to an exit
code (the table is in :mod:`regionready.errors`)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence

from regionready import sanitize
from regionready.cli import output, parser
from regionready.cli.commands import (
    collect,
    demo,
    diff,
    evaluate,
    iac,
    iam_policy,
    merge,
    plan,
    remediate,
    rules,
    scan,
    trend,
)
from regionready.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, RegionReadyError

#: The commands, in the order ``regionready --help`` lists them.
COMMANDS: tuple[parser.Command, ...] = (
    collect,
    evaluate,
    scan,
    demo,
    iac,
    merge,
    diff,
    trend,
    plan,
    iam_policy,
    remediate,
    rules,
)


def build_parser() -> argparse.ArgumentParser:
    """The ``regionready`` parser with every command."""
    return parser.build_parser(COMMANDS)


def os_error_text(exc: OSError) -> str:
    """``<path>: <strerror>`` for an OSError about a path, else its own text."""
    if exc.filename is not None and exc.strerror:
        where = os.fsdecode(exc.filename)
        if exc.filename2 is not None:
            where += f" -> {os.fsdecode(exc.filename2)}"
        return f"{where}: {exc.strerror}"
    return str(exc) or type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit code. Bad input, and any file that cannot be read or
    written (an OSError), is one ``regionready: error: ...`` line on stderr and exit 2,
    never a traceback. Everything printed goes through a :class:`sanitize.LineGuard`: no
    line of output can be taken for a GitHub Actions workflow command."""
    with _guarded_output():
        args = build_parser().parse_args(argv)
        return run(args)


def run(args: argparse.Namespace) -> int:
    """Run the command ``args`` names; exceptions mapped as :mod:`regionready.errors`
    lists them."""
    try:
        code: int = args.func(args)
        return code
    except KeyboardInterrupt:
        print("regionready: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (| head): nothing left to say
        return EXIT_OK
    except OSError as exc:  # an output (or input) that cannot be written or read
        output.error(os_error_text(exc))
        return EXIT_USAGE
    except RegionReadyError as exc:
        output.error(exc)
        return exc.exit_code
    # Anything else is a bug: its traceback is the report.


@contextlib.contextmanager
def _guarded_output() -> Iterator[None]:
    """``sys.stdout`` and ``sys.stderr`` through a :class:`sanitize.LineGuard` while the
    command runs (not when there is none, as under ``pythonw``)."""
    originals = (sys.stdout, sys.stderr)
    if originals[0] is None or originals[1] is None:
        yield
        return
    sys.stdout = sanitize.LineGuard(originals[0])
    sys.stderr = sanitize.LineGuard(originals[1])
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            if isinstance(stream, sanitize.LineGuard):
                with contextlib.suppress(OSError, ValueError):  # a closed pipe
                    stream.release()
        sys.stdout, sys.stderr = originals
