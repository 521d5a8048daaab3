"""Small calendar helpers for the time-based rules (terms, retirement, windows, restrictions).

Month arithmetic needs one convention for days that a shorter month lacks. We clamp to the
month's last day, the way payroll and personnel offices count "one month later": 31 January
plus one month is 28 (or 29) February, and 29 February plus one year is 28 February. Working
days belong to the postings module, not here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import sys


def parse_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def iso(day: dt.date | None) -> str | None:
    """A date as results text. One string object per distinct date (`sys.intern`): a
    province's results name the same few hundred days in a million places."""
    return sys.intern(day.isoformat()) if day else None


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier); a day the target month lacks becomes its last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def month_index(day: dt.date) -> int:
    """Months since year 0: lets birth months be compared and subtracted as integers."""
    return day.year * 12 + day.month - 1


def parse_month(text: str) -> int:
    """'YYYY-MM' as a month index (see `month_index`)."""
    year, month = text.split("-")
    return int(year) * 12 + int(month) - 1


def first_of_next_month(day: dt.date) -> dt.date:
    return add_months(day.replace(day=1), 1)


def age(birth: dt.date, on: dt.date) -> int:
    """Completed years of age on a day; someone born on 29 February turns a year older on 28 February."""
    years = on.year - birth.year
    return years if add_years(birth, years) <= on else years - 1


def days_between(start: dt.date, end: dt.date) -> int:
    """Days from start to end: a step taken the day after `start` is 1 day later."""
    return (end - start).days


def end_of_year(year: int) -> dt.date:
    return dt.date(year, 12, 31)
