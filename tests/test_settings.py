"""Numeric environment settings: defaults, accepted values, one-line refusals."""

from __future__ import annotations

import pytest

from regionready.settings import number_setting, whole_setting


def test_unset_or_blank_gives_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RR_TEST_SETTING", raising=False)
    assert whole_setting("RR_TEST_SETTING", 7, high=10) == 7
    monkeypatch.setenv("RR_TEST_SETTING", "  ")
    assert number_setting("RR_TEST_SETTING", 2.5, high=10, whole=False) == 2.5


def test_fractions_only_where_allowed() -> None:
    assert number_setting("X", 1, high=10, whole=False, raw="0.5") == 0.5
    with pytest.raises(ValueError, match=r"^X='0\.5': expected a whole number from 1 to 10$"):
        whole_setting("X", 1, high=10, raw="0.5")


@pytest.mark.parametrize("raw", ["0", "-2", "11", "ten", "nan"])
def test_out_of_range_or_not_a_number_is_refused_naming_the_variable(raw: str) -> None:
    with pytest.raises(ValueError, match=r"^X="):
        number_setting("X", 1, high=10, whole=False, raw=raw)
