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

    with moto_gaps.everywhere():
        return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
