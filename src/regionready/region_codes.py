"""Region codes given on the command line, checked before anything else is done.

A typo (``eu-centrl-1``) must be named at once, with the code that was probably meant,
not found out minutes later as missing credentials, an STS connection error or an odd
lint message. A code is judged against every Region of every partition botocore ships
(aws, aws-cn, aws-us-gov, the ISO partitions, aws-eusc), read through its public data
loader:

``known``       in botocore's data: accepted
``unknown``     well formed (``^[a-z]{2}(-[a-z]+)+-\\d+$``) but not in botocore's data:
                refused unless the user says ``--allow-unknown-region`` (AWS opens new
                Regions before the installed botocore knows them)
``malformed``   anything else: always refused

A refusal is one line naming the flag, the code and, where one is close enough, the
known code it resembles (``did you mean eu-central-1?``). Pure functions; the set of
known codes can be passed in, so tests do not depend on the installed botocore.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from regionready.errors import RegionReadyError

REGION_RE = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
ALLOW_FLAG = "--allow-unknown-region"
KNOWN = "known"
UNKNOWN = "unknown"
MALFORMED = "malformed"
#: difflib ratio from which a known code is offered as "did you mean": high enough that
#: ``mars-1`` suggests nothing, low enough for one or two wrong letters.
CUTOFF = 0.75


class RegionCodeError(RegionReadyError):
    """A Region code that is refused: one line, exit 2."""


@dataclass(frozen=True)
class Verdict:
    code: str
    status: str  # KNOWN, UNKNOWN or MALFORMED
    suggestion: str | None = None


@cache
def known_regions() -> frozenset[str]:
    """Every Region code of every partition in the installed botocore's data: the
    endpoints data (what ``Session.get_available_regions`` reads) and the partitions
    data (the endpoint rule sets'), which can list a Region the other does not yet.
    Pseudo-Regions such as ``aws-global`` are left out. The files are read through the
    run's one data loader, so the collection that follows does not parse them again."""
    import botocore.session

    from regionready.collect import botocore_data

    session = botocore.session.get_session()
    loader = botocore_data.shared_loader()
    session.register_component("data_loader", loader)
    codes: set[str] = set()
    for name in ("endpoints", "partitions"):
        try:
            data = loader.load_data(name)
        except Exception:  # an older botocore without one of the two files
            continue
        for part in data.get("partitions", []):
            codes.update(part.get("regions", {}))
    for partition in session.get_available_partitions():
        codes.update(session.get_available_regions("sts", partition_name=partition))
    return frozenset(code for code in codes if REGION_RE.fullmatch(code))


def well_formed(code: str) -> bool:
    return REGION_RE.fullmatch(code) is not None


def suggest(code: str, known: Iterable[str]) -> str | None:
    """The known code closest to ``code`` (spelt in any case, with stray spaces), if
    one is close enough to be what was meant."""
    candidate = "".join(code.split()).lower()
    pool = sorted(known)
    if candidate in pool:
        return candidate
    matches = difflib.get_close_matches(candidate, pool, n=5, cutoff=CUTOFF)
    if not matches:
        return None
    # Equally close codes (eu-central -> eu-central-1 or -2): the first, not the last.
    ratio = {m: difflib.SequenceMatcher(None, candidate, m).ratio() for m in matches}
    return min(matches, key=lambda m: (-ratio[m], m))


def classify(code: str, known: Iterable[str] | None = None) -> Verdict:
    pool = frozenset(known_regions() if known is None else known)
    if code in pool:
        return Verdict(code, KNOWN)
    status = UNKNOWN if well_formed(code) else MALFORMED
    return Verdict(code, status, suggest(code, pool))


def problem(
    flag: str, code: str, *, allow_unknown: bool = False, known: Iterable[str] | None = None
) -> str | None:
    """Why ``code``, given as ``flag``, is refused (one line), or None when it is not."""
    return _reason(flag, classify(code, known), allow_unknown)


def _reason(flag: str, verdict: Verdict, allow_unknown: bool) -> str | None:
    code = verdict.code
    hint = f": did you mean {verdict.suggestion}?" if verdict.suggestion else ""
    if verdict.status == MALFORMED:
        example = "" if verdict.suggestion else " (e.g. eu-central-1)"
        return f"{flag} {code!r} is not an AWS Region code{example}{hint}"
    if verdict.status == UNKNOWN and not allow_unknown:
        return (
            f"{flag} {code!r} is not a known AWS Region{hint} (for a Region newer than "
            f"botocore {botocore_version()}, add {ALLOW_FLAG})"
        )
    return None


def botocore_version() -> str:
    import botocore

    return str(botocore.__version__)


def warning(flag: str, verdict: Verdict) -> str | None:
    """The one-line warning for a code accepted with ``--allow-unknown-region``."""
    if verdict.status != UNKNOWN:
        return None
    return (
        f"{flag} {verdict.code!r} is not a Region botocore {botocore_version()} knows; "
        f"going on ({ALLOW_FLAG})"
    )


def check(
    flag: str, code: str, *, allow_unknown: bool = False, known: Iterable[str] | None = None
) -> Verdict:
    """The verdict on ``code``; :class:`RegionCodeError` when it is refused."""
    verdict = classify(code, known)
    reason = _reason(flag, verdict, allow_unknown)
    if reason is not None:
        raise RegionCodeError(reason)
    return verdict
