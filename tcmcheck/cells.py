"""Workbook cells as the text a CSV would hold, and error cells; light enough for every run to import."""

from __future__ import annotations

from datetime import date, datetime


class ErrorCell(str):
    """A cell holding a spreadsheet error (#DIV/0!, #N/A, #REF!): text that is not a value."""


def cell_name(line: int, column: int) -> str:
    """'C7' for line 7, column 3 (both from 1)."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{line}"


def _number_text(number: float) -> str:
    """The shortest text that reads back as `number`; 2021.0 is '2021'."""
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def as_text(value) -> str:
    """A cell's value as the text a CSV would hold (see cell_text)."""
    return value if value.__class__ is str or value.__class__ is ErrorCell else cell_text(value, None)


def cell_text(value, style: str | None) -> str:
    """A cell's value as the text a CSV would hold: numbers exactly, a percent-formatted number as '25%',
    a date as the period it shows (a day, or a month or year when formatted so), a date-time at midnight
    as its day, true/false for a logical cell."""
    cls = value.__class__
    if cls is float:
        if style == "percent":
            return _number_text(round(value * 100, 10)) + "%"
        return _number_text(value)
    if cls is bool:
        return "true" if value else "false"
    if cls is int:
        return f"{value * 100}%" if style == "percent" else str(value)
    if cls is datetime:
        if value.time() != datetime.min.time():
            return value.isoformat(" ")
        value = value.date()
        cls = date
    if cls is date:
        if style == "month":
            return f"{value.year}-{value.month:02d}"
        if style == "year":
            return str(value.year)
        return value.isoformat()
    return value if cls is str or cls is ErrorCell else str(value)
