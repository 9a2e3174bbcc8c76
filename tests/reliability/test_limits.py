"""regionready.engine.limits: the pure checks that keep one rule from hanging the engine.

The tests assert the *decisions* (accepted or refused) plus one property: every pattern
the check accepts runs in bounded time on adversarial subjects of the maximum length.
That property found a hole in a first version of the cost model (a possessive
quantifier after a lazy one, ``(a*?|aa)\\w++$``: 59 s) and CI found another
(``\\w*.?(.|\\w{3})++!``: 1,166 s, a possessive repeat of an ambiguous group); both are
kept in the lists below.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

import jmespath
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from regionready.engine import limits
from regionready.engine.rules import builtin_rules_dir, rule_expressions, rule_files, substitute
from regionready.yamlsafe import load as load_yaml

# -- regular expressions ------------------------------------------------------------------

EXPONENTIAL = [
    r"(a+)+$",
    r"(a*)*b",
    r"(a|aa)+$",
    r"^(\w+\s?)*$",
    r"(x+x+)+y",
    r"(.*a){12}",
    r"(?>a+)+",  # conservative: atomic inside a quantifier is refused too
    r"\w*.?(.|\w{3})++!",  # found by CI: possessive repeat of an ambiguous group
]
POLYNOMIAL = [
    r".*.*x",
    r".*a.*b",
    r"^.*.*.*x",
    r"(?m)^.*.*x",
    r"x{1,1000}x{1,1000}y",
    r"(a*?|aa)\w++$",  # found by the property below: possessive still scans
    r"(a*)\1x",
]
FINE = [
    r"^arn:aws:kms:[a-z0-9-]+:\d{12}:key/.*$",
    r"[a-z]{1,63}\.[a-z]{2,10}$",
    r"^(prod|staging)-[a-z]+$",
    r"\w+@\w+\.\w+",
    r"[^@]+@[^@]+",
    r"a++b",
    r"(\d{12})+",
    r"^.*.*x",
    r".*x",
    r"^alias/aws/",
]


@pytest.mark.parametrize("pattern", EXPONENTIAL)
def test_nested_quantifiers_are_refused(pattern: str) -> None:
    (problem,) = limits.regex_problems(pattern)
    assert "nests quantifiers" in problem
    assert limits.regex_cost(pattern) is None


@pytest.mark.parametrize("pattern", POLYNOMIAL)
def test_overlapping_quantifiers_over_the_budget_are_refused(pattern: str) -> None:
    (problem,) = limits.regex_problems(pattern)
    assert "backtrack" in problem
    cost = limits.regex_cost(pattern)
    assert cost is not None and cost > limits.MAX_REGEX_COST


@pytest.mark.parametrize("pattern", FINE)
def test_ordinary_patterns_are_accepted(pattern: str) -> None:
    assert limits.regex_problems(pattern) == []


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        ("(", "invalid regular expression"),
        ("a{2,1}", "invalid regular expression"),
        ("(?P<x>a)(?P<x>b)", "invalid regular expression"),
        ("x" * (limits.MAX_REGEX_CHARS + 1), "characters long"),
        (5, "must be a string"),
        (["a"], "must be a string"),
        (None, "must be a string"),
    ],
)
def test_invalid_or_oversized_patterns_are_refused(pattern: object, words: str) -> None:
    (problem,) = limits.regex_problems(pattern)
    assert words in problem


def test_deeply_nested_groups_are_refused_not_a_crash() -> None:
    assert limits.regex_problems("(" * 200 + "a" + ")" * 200)  # over the length limit
    deep = "(" * 100 + "a" + ")" * 100
    assert limits.regex_problems(deep) in ([], [f"regex {deep!r} is nested too deeply"])


def test_refused_patterns_really_are_slow() -> None:
    """The reason for the check, measured: (a+)+$ doubles per character."""
    started = time.perf_counter()
    re.search(r"(a+)+$", "a" * 20 + "!")
    small = time.perf_counter() - started
    started = time.perf_counter()
    re.search(r"(a+)+$", "a" * 22 + "!")
    larger = time.perf_counter() - started
    assert larger > 2 * small


def test_regex_subject_limit() -> None:
    value = "a" * limits.MAX_REGEX_SUBJECT_CHARS
    assert limits.check_regex_subject(".*x", value) is value
    long = "a" * (10 * limits.MAX_REGEX_SUBJECT_CHARS)
    assert limits.check_regex_subject("^arn:aws:", long) is long  # cost does not grow
    assert limits.check_regex_subject("^ab*c", long) is long  # linear
    with pytest.raises(limits.LimitError, match="could take too long"):
        limits.check_regex_subject(".*x", long)  # quadratic
    with pytest.raises(limits.LimitError):
        limits.check_regex_subject("(a+)+$", long)


def test_item_limit() -> None:
    limits.check_items(limits.MAX_ITEMS_PER_RESOURCE_TYPE, "kms.key")
    with pytest.raises(limits.LimitError, match=r"kms\.key holds"):
        limits.check_items(limits.MAX_ITEMS_PER_RESOURCE_TYPE + 1, "kms.key")


_ATOMS = st.sampled_from(["a", "b", ".", r"\w", r"\d", "[ab]", "[^b]", "x", r"\.", "@"])
_QUANT = st.sampled_from(["", "", "*", "+", "?", "{2,5}", "{3}", "*?", "++", "*+"])


@st.composite
def patterns(draw: st.DrawFn) -> str:
    """Small regexes over an alphabet that makes backtracking likely."""

    def piece(depth: int) -> str:
        if depth < 2 and draw(st.integers(0, 4)) == 0:
            inner = "".join(piece(depth + 1) for _ in range(draw(st.integers(1, 3))))
            if draw(st.booleans()):
                inner += "|" + "".join(piece(depth + 1) for _ in range(draw(st.integers(1, 2))))
            return f"({inner})" + draw(_QUANT)
        return draw(_ATOMS) + draw(_QUANT)

    anchor = draw(st.sampled_from(["", "^"]))
    body = "".join(piece(0) for _ in range(draw(st.integers(1, 5))))
    return anchor + body + draw(st.sampled_from(["", "$", "!", "x$"]))


ADVERSARIAL = [
    "a" * limits.MAX_REGEX_SUBJECT_CHARS,
    "a" * (limits.MAX_REGEX_SUBJECT_CHARS - 1) + "!",
    "ab" * (limits.MAX_REGEX_SUBJECT_CHARS // 2),
    "a@" * (limits.MAX_REGEX_SUBJECT_CHARS // 2),
    "1." * (limits.MAX_REGEX_SUBJECT_CHARS // 2),
]


_SEARCH_ALL = """
import re, sys, time
compiled = re.compile(sys.argv[1])
started = time.perf_counter()
for subject in {subjects!r}:
    compiled.search(subject)
print(time.perf_counter() - started)
"""


def _search_time(pattern: str, timeout: float) -> float:
    """Seconds the adversarial searches take, in a child process: a pattern the cost
    model wrongly accepts fails this test after `timeout` seconds instead of hanging
    the suite (re cannot be interrupted in-process)."""
    script = _SEARCH_ALL.format(subjects=ADVERSARIAL)
    try:
        done = subprocess.run(
            [sys.executable, "-c", script, pattern],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return float("inf")
    return float(done.stdout)


# derandomize: CI runs the same 60 patterns every time; explore more with
# `pytest --hypothesis-seed=random` locally. No shrinking: a pattern that times out
# would cost `timeout` seconds per shrink step, and the failing pattern is already short.
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
@given(patterns())
def test_every_accepted_pattern_is_fast_on_the_longest_subjects(pattern: str) -> None:
    if limits.regex_problems(pattern):
        return
    # Accepted patterns take at most a few tenths of a second for all subjects
    # (measured); refused ones take minutes to hours. The bound is generous for slow CI.
    elapsed = _search_time(pattern, timeout=10.0)
    assert elapsed < 10.0, (pattern, elapsed, limits.regex_cost(pattern))


# -- JMESPath -----------------------------------------------------------------------------


def _doubling(stages: int) -> str:
    return "@" + " | [@, @]" * stages


def test_doubling_multiselect_chains_are_refused() -> None:
    assert limits.expression_problems(_doubling(6)) == []  # 64 copies
    (problem,) = limits.expression_problems(_doubling(9) + " | to_string(@)")  # 512
    assert "copy its input" in problem
    eight = "[" + ", ".join(["@"] * 8) + "]"
    (problem,) = limits.expression_problems(f"a[*].{eight}[*].{eight}[*].{eight}")  # 512
    assert "copy its input" in problem
    (problem,) = limits.expression_problems(
        "{" + ", ".join(f"k{i}: {eight}" for i in range(40)) + "}"
    )
    assert "copy its input" in problem


def test_the_refused_chain_really_explodes() -> None:
    """Why: each stage doubles the serialised size (shared references, copied output)."""
    sizes = [len(jmespath.search(_doubling(n) + " | to_string(@)", {"k": "v"})) for n in (4, 8)]
    assert sizes[1] > 15 * sizes[0]


def test_deep_and_long_expressions_are_refused_not_a_crash() -> None:
    deep = "(" * 5000 + "a" + ")" * 5000
    assert limits.expression_problems(deep)  # longer than the limit
    nested = "(" * 1500 + "a" + ")" * 1500
    (problem,) = limits.expression_problems(nested)
    assert "nested" in problem
    chain = "length(" * 60 + "a" + ")" * 60
    (problem,) = limits.expression_problems(chain)
    assert "levels deep" in problem
    assert limits.expression_problems("x" * (limits.MAX_EXPRESSION_CHARS + 1))


def test_syntax_errors_are_left_to_the_caller() -> None:
    assert limits.expression_problems("a[?") == []


def test_every_shipped_rule_is_within_the_limits() -> None:
    """The limits must not refuse the catalogue (or any message template in it)."""
    template = re.compile(r"\{([^{}]+)\}")
    for path in rule_files(builtin_rules_dir()):
        data, _ = load_yaml(path)
        values = {
            "params": {k: 0 for k in (data.get("params") or {})},
            "source_region": "us-east-1",
            "target_region": "us-east-2",
            "account": "000000000000",
        }
        texts = [text for _, text in rule_expressions(data)]
        for key in ("message", "unpaired_message"):
            texts += template.findall(str(data.get(key) or ""))
        for text in texts:
            assert limits.expression_problems(substitute(text, values)) == [], (path, text)
        for key in ("where", "target_where", "fail_when", "compare"):
            for cond in data.get(key) or []:
                if cond.get("op") == "regex" and isinstance(cond.get("value"), str):
                    assert limits.regex_problems(cond["value"]) == [], (path, cond)
