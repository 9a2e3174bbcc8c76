"""``regionready`` CLI with the moto_gaps hooks installed, for scans against a moto server.

moto answers some calls unlike AWS; ``regionready.demo.moto_gaps`` corrects that with
botocore hooks, which must live in the scanning process (see tests/e2e/test_scan_http.py).
Usage is the CLI's: ``python benchmarks/rr_scan.py scan --source ... --target ...``.

By default moto itself is kept out of this process (``REGIONREADY_BENCH_MOTO_IMPORT=1``
allows it): the hooks that repair moto's *stored* state reach into in-process moto
backends, which a scanner talking to a server over HTTP does not have, so importing moto
here would only add its import cost (tens of MiB) to the scanner's measured memory. The
response-only corrections (paging, key types, per-Region aliases, ...) still apply.
"""

from __future__ import annotations

import os
import sys


def main() -> int:
    if os.environ.get("REGIONREADY_BENCH_MOTO_IMPORT") != "1":
        sys.modules["moto"] = None  # type: ignore[assignment]  # ImportError on import
    from regionready.cli import main as cli_main
    from regionready.demo import moto_gaps

    try:
        with moto_gaps.everywhere():
            return cli_main(sys.argv[1:])
    finally:
        _record_peak_rss()


def _record_peak_rss() -> None:
    """With ``REGIONREADY_BENCH_PEAK_FILE``, this process's own peak RSS in KiB (VmHWM of
    /proc/self/status) written there. ``ru_maxrss`` is not enough on its own: a child's
    counts the parent's pages between fork and exec, so a large benchmark process would
    make every scanner it starts look as large."""
    target = os.environ.get("REGIONREADY_BENCH_PEAK_FILE")
    if not target:
        return
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                with open(target, "w", encoding="ascii") as out:
                    out.write(line.split()[1] + "\n")
                return


if __name__ == "__main__":
    sys.exit(main())
