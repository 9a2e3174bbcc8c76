"""Plain English for what regionready prints: counts and days.

Every count printed beside a noun goes through :func:`plural` ("1 finding", "2
findings"), and every time left or past through :func:`expiry_in_words` ("expires in
10 days", "expired 1 day ago"): days are whole numbers, never "10.0 days" or "in -1.1
days". Rule messages reach both through the ``plural`` and ``expiry_in_words``
JMESPath functions (:mod:`regionready.engine.functions`).
"""

from __future__ import annotations

import math


def plural(count: int | float, singular: str, plural_form: str | None = None) -> str:
    """``count`` and the noun, singular for exactly one: ``1 finding``, ``2 findings``,
    ``0 findings`` (``plural_form`` when adding "s" is wrong: ``2 policies``)."""
    number = int(count) if isinstance(count, float) and count.is_integer() else count
    word = singular if number == 1 else (plural_form or singular + "s")
    return f"{number} {word}"


def expiry_in_words(days_left: float) -> str:
    """When something expires, ``days_left`` days from now, in whole days: ``expires in
    10 days``, ``expires in less than a day``, ``expired less than a day ago``,
    ``expired 1 day ago``.

    Days still to come are counted up (9.2 days left is "in 10 days"), so "expires in N
    days" holds exactly when ``days_until`` is at most N, as the rules' thresholds
    compare it; days gone by are counted down (1.9 days ago is "1 day ago").
    """
    if days_left > 0:
        if days_left < 1:
            return "expires in less than a day"
        return f"expires in {plural(math.ceil(days_left), 'day')}"
    elapsed = math.floor(-days_left)
    if elapsed < 1:
        return "expired less than a day ago"
    return f"expired {plural(elapsed, 'day')} ago"
