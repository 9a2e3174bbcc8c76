"""HTML: one self-contained page to read a report in a browser.

The page needs nothing but its file: the CSS, the JavaScript and the charts (SVG) are
inline, and its Content-Security-Policy allows only its own script and style (by hash),
so it loads nothing, from ``file://`` or a web server alike. It shows the verdict (READY /
NOT READY at ``fail_on``) and overall score, the results by status and the findings by
severity, the score per service as a bar chart and a table (one of each per Region pair
when the scan has several), the root causes (``blocked_by``) with what each blocks, and
every result in a table: sorted by severity, status, rule, service or resource, filtered
by severity, service, status and pair, searched, each row expandable to its message,
resource, remediation, references, blocked_by, suppression and details. The table shows
FAIL, ERROR and SUPPRESSED results at first (every status when there are none of those)
and renders at most :data:`PAGE_ROWS` rows at a time ("show more"), so 25,000 results
stay responsive; a report of more embeds :data:`MAX_EMBEDDED` of them, problems first,
and says how many it left out.

Everything is rendered by the Jinja2 templates of ``templates/`` with autoescaping; the
report (``Report.to_dict()``) is embedded as JSON in a ``<script type="application/json">``
with ``<``, ``>``, ``&`` and ``'`` written as ``\\u`` escapes (Jinja's ``tojson``), and
``templates/report.js`` builds the table with ``createElement`` and ``textContent`` only.
The same report always renders to the same bytes. docs/html-report.md shows the page.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from regionready.model import SEVERITIES_DESCENDING, Report, Result, Severity, Status, pair_title
from regionready.results import select
from regionready.scoring import DEFAULT_FAIL_ON, for_reporter, pair_scorecards, several_pairs
from regionready.wording import plural

FORMAT = "html"
EXTENSION = ".html"

#: Rows the table renders at once; "show more" adds as many again.
PAGE_ROWS = 200
#: Most results the page embeds: an organisation's report can hold millions, which no
#: browser tab (nor the memory of the run writing it) should. Past it, the page holds
#: every FAIL, ERROR and SUPPRESSED result first (in that order), then the others, and
#: says how many it left out (the JSON report has them all).
MAX_EMBEDDED = 25_000
#: Root causes listed (most blocking first), and blocked results listed under each.
MAX_ROOT_CAUSES = 50
MAX_BLOCKED_SHOWN = 20
#: Longest untrusted value the server-rendered parts show (the table shows it whole).
MAX_VALUE_CHARS = 300

#: The table's status order (and its filter's), and the statuses it shows at first.
STATUS_ORDER = (Status.FAIL, Status.ERROR, Status.SUPPRESSED, Status.PASS, Status.NOT_APPLICABLE)
FIRST_SHOWN = frozenset({Status.FAIL, Status.ERROR, Status.SUPPRESSED})

_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def clean(value: object, limit: int = MAX_VALUE_CHARS) -> str:
    """Untrusted text on one line, at most ``limit`` characters, encodable as UTF-8 (the
    templates escape it): lone surrogates become U+FFFD, control characters spaces,
    bidirectional overrides and invisible characters go."""
    text = _INVISIBLE.sub("", _CONTROL.sub(" ", _SURROGATE.sub("\ufffd", str(value)))).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("regionready.reporters", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["clean"] = clean
    env.filters["plural"] = plural
    env.filters["pair_title"] = pair_title
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
    return env


def _inline(name: str) -> tuple[Markup, str]:
    """A static file of ``templates/`` (the page's own CSS or JavaScript, no data) and
    its Content-Security-Policy source (``'sha256-…'``)."""
    env = _environment()
    assert env.loader is not None
    text = env.loader.get_source(env, name)[0]
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return Markup(text), f"'sha256-{digest}'"


def render(
    report: Report, *, redact: bool = False, fail_on: Severity | None = DEFAULT_FAIL_ON
) -> str:
    """The report as one HTML page (deterministic, pure)."""
    report, card = for_reporter(report, redact=redact, fail_on=fail_on)
    counts = report.counts()
    shown = FIRST_SHOWN if any(counts[s.value] for s in FIRST_SHOWN) else frozenset(Status)
    style, style_source = _inline("report.css")
    script, script_source = _inline("report.js")
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        scan=report.scan,
        card=card,
        pairs=pair_scorecards(report, fail_on) if several_pairs(report) else {},
        counts=[(s.value, counts[s.value], s in shown) for s in STATUS_ORDER],
        failing=report.failing_severity_counts(),
        severities=[s.value for s in SEVERITIES_DESCENDING],
        findings=len(report.findings()),
        causes=_root_causes(report),
        page_rows=PAGE_ROWS,
        style=style,
        script=script,
        csp=f"default-src 'none'; script-src {script_source}; style-src {style_source}; "
        "img-src data:; base-uri 'none'; form-action 'none'",
        data=_data(report),
        omitted=max(0, len(report.results) - MAX_EMBEDDED),
    )


def _data(report: Report) -> dict[str, Any]:
    """``report.to_dict()``, its results cut to :data:`MAX_EMBEDDED` (module docstring),
    read from ``report.results`` one status at a time when cut."""
    data = report.to_dict(with_results=False)
    if len(report.results) <= MAX_EMBEDDED:
        data["results"] = [r.to_dict() for r in report.results]
        return data
    kept: list[dict[str, Any]] = []
    for status in STATUS_ORDER:
        for result in select(report.results, statuses=(status,)):
            if len(kept) == MAX_EMBEDDED:
                break
            kept.append(result.to_dict())
    data["results"] = kept
    return data


def _root_causes(report: Report) -> dict[str, Any]:
    """The dependency graph: each ``blocked_by`` entry (most blocking first, then by
    name) with the results it blocks, both lists cut to their maximum."""
    # Counts of every entry, but only the first few results of each: never every result.
    counts: dict[str, int] = {}
    shown: dict[str, list[Result]] = {}
    blocked_results = 0
    for result in report.results:
        if not result.blocked_by:
            continue
        blocked_results += 1
        for entry in result.blocked_by:
            counts[entry] = counts.get(entry, 0) + 1
            first = shown.setdefault(entry, [])
            if len(first) < MAX_BLOCKED_SHOWN:
                first.append(result)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    causes = []
    for entry, count in ordered[:MAX_ROOT_CAUSES]:
        rule_id, _, resource = entry.partition(" ")
        rule = report.rules.get(rule_id)
        causes.append(
            {
                "rule_id": rule_id,
                "resource": resource,
                "title": rule.title if rule else "",
                "count": count,
                "blocked": shown[entry],
                "more": max(0, count - MAX_BLOCKED_SHOWN),
            }
        )
    return {
        "list": causes,
        "more": max(0, len(ordered) - MAX_ROOT_CAUSES),
        "blocked": blocked_results,
        "total": len(ordered),
    }
