"""Reporting periods. A period is named by its end: 2024, 2024-06, 2024-06-15, 2024Q2, 2024H1."""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from tcmcheck.errors import InvalidValue
from tcmcheck.messages import Phrase
from tcmcheck.text import quoted

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}

_PATTERNS = [
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), "day"),
    (re.compile(r"^(\d{4})-?Q([1-4])$", re.I), "quarter"),
    (re.compile(r"^(\d{4})-?H([12])$", re.I), "half"),
    (re.compile(r"^(\d{4})年(?:度|全年)?$"), "year"),
    (re.compile(r"^(\d{4})年(\d{1,2})月$"), "month"),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"), "day"),
    (re.compile(r"^(\d{4})年第?([1-4一二三四])季度?$"), "quarter"),
    (re.compile(r"^(\d{4})年(上|下)半年$"), "half"),
]


@dataclass(frozen=True, order=True)
class Period:
    end: date
    start: date
    label: str

    def __str__(self) -> str:
        return self.label


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _build(kind: str, groups: tuple[str, ...]) -> Period:
    year = int(groups[0])
    if kind == "year":
        return Period(date(year, 12, 31), date(year, 1, 1), f"{year}")
    if kind == "month":
        month = int(groups[1])
        return Period(_month_end(year, month), date(year, month, 1), f"{year}-{month:02d}")
    if kind == "day":
        day = date(year, int(groups[1]), int(groups[2]))
        return Period(day, day, day.isoformat())
    if kind == "quarter":
        quarter = _CN_DIGITS.get(groups[1]) or int(groups[1])
        return Period(_month_end(year, quarter * 3), date(year, quarter * 3 - 2, 1), f"{year}Q{quarter}")
    half = {"上": 1, "下": 2}.get(groups[1]) or int(groups[1])
    return Period(_month_end(year, half * 6), date(year, half * 6 - 5, 1), f"{year}H{half}")


def parse_period(text: object) -> Period:
    """Parse a period; raise InvalidValue with a short reason when it is not one."""
    return _parse_period(str(text))


@functools.lru_cache(maxsize=8192)
def _parse_period(text: str) -> Period:
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    timed = _DATE_AND_TIME.match(raw)
    if timed:
        if any(float(part) for part in timed.group(2, 3, 4) if part):
            raise InvalidValue("period-time-of-day", text=quoted(text))
        raw = timed.group(1)
    raw = raw.replace(" ", "")
    for pattern, kind in _PATTERNS:
        match = pattern.match(raw)
        if match:
            try:
                return _build(kind, match.groups())
            except ValueError as exc:
                raise InvalidValue("period-not-real", text=quoted(text), reason=_date_reason(exc)) from None
    raise InvalidValue("period-invalid", text=quoted(text))


def _date_reason(exc: ValueError) -> Phrase | str:
    """Why a day doesn't exist, as datetime and calendar say it, in words of the catalogue where it has them."""
    if isinstance(exc, calendar.IllegalMonthError):
        return Phrase.of("bad-month", month=exc.month)
    return _DATE_REASONS.get(str(exc), str(exc))


_DATE_REASONS = {"month must be in 1..12": Phrase.of("month-out-of-range"),
                 "day is out of range for month": Phrase.of("day-out-of-range")}


_DATE_AND_TIME = re.compile(r"^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2})(?:T| +)(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?$")
"""A date with a time of day, as spreadsheets export a date cell (2024-12-31 00:00:00): a day at midnight."""
SERIAL = re.compile(r"^\d{5}(\.0+)?$")
"""An Excel date serial as a text export writes a date cell: 45657 is 2024-12-31."""
SERIAL_RANGE = (20090, 73050)
"""The serials read as dates: 1955-01-01 to 2099-12-31."""


def serial_date(text: str) -> date | None:
    """The day an Excel date serial names (1900 date system), or None when `text` is not one in SERIAL_RANGE."""
    text = text.strip()
    if not SERIAL.match(text):
        return None
    number = int(float(text))
    if not SERIAL_RANGE[0] <= number <= SERIAL_RANGE[1]:
        return None
    return _EXCEL_EPOCH + timedelta(days=number)


_EXCEL_EPOCH = date(1899, 12, 30)


def parse_date(text: object) -> date:
    """A date for --as-of: a day, or any period (meaning its last day)."""
    return parse_period(text).end
