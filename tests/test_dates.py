"""Calendar helpers: month arithmetic clamps to the month's last day."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.dates import (
    add_months,
    add_years,
    age,
    days_between,
    first_of_next_month,
    month_index,
    parse_month,
)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize(
    "start, months, expected",
    [
        ("2025-01-15", 1, "2025-02-15"),
        ("2025-12-15", 1, "2026-01-15"),  # across the year end
        ("2025-01-31", 1, "2025-02-28"),  # February lacks the 31st: its last day
        ("2024-01-31", 1, "2024-02-29"),  # leap year
        ("2025-08-31", 6, "2026-02-28"),
        ("2025-03-31", -1, "2025-02-28"),  # backwards too
        ("2025-01-15", -13, "2023-12-15"),
        ("2025-05-20", 0, "2025-05-20"),
    ],
)
def test_add_months_clamps_to_the_last_day(start, months, expected):
    assert add_months(d(start), months) == d(expected)


def test_add_years_from_29_february():
    assert add_years(d("2024-02-29"), 1) == d("2025-02-28")
    assert add_years(d("2024-02-29"), 4) == d("2028-02-29")


@pytest.mark.parametrize(
    "birth, on, years",
    [
        ("1980-06-15", "2025-06-14", 44),
        ("1980-06-15", "2025-06-15", 45),  # a year older on the birthday
        ("1980-02-29", "2021-02-27", 40),
        ("1980-02-29", "2021-02-28", 41),  # born on 29 February: a year older on 28 February
    ],
)
def test_age_in_completed_years(birth, on, years):
    assert age(d(birth), d(on)) == years


@pytest.mark.parametrize(
    "day, expected",
    [("2025-12-15", "2026-01-01"), ("2025-02-01", "2025-03-01"), ("2024-02-29", "2024-03-01")],
)
def test_first_of_next_month(day, expected):
    assert first_of_next_month(d(day)) == d(expected)


def test_month_index_counts_months_between_birth_months():
    assert month_index(d("1965-05-20")) - parse_month("1965-01") == 4
    assert month_index(d("1976-09-01")) - parse_month("1965-01") == 11 * 12 + 8
    assert month_index(d("1964-12-31")) - parse_month("1965-01") == -1


def test_days_between_counts_the_day_after_as_one():
    assert days_between(d("2025-03-01"), d("2025-03-31")) == 30
    assert days_between(d("2025-03-01"), d("2025-04-01")) == 31
