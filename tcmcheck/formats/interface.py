"""The contract every output format keeps: one writer object per run, built with the run's options."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field

from tcmcheck.result import SEVERITY, IndicatorResult, Outcome, Result, Status, Summary

SORTS = ("status", "document")
_RANK = {status: rank for rank, status in enumerate(reversed(SEVERITY))}
"""Worst first: fail, lag, no-data, on-track, pass."""


@dataclass(frozen=True)
class RenderOptions:
    """`only`: the statuses whose rows are shown (None: every row); counts always cover every row.
    `sort`: "document" keeps the plan's (or the search's) order, "status" puts the worst first."""

    lang: str = "en"
    color: bool = False
    width: int = 160
    fail_on: frozenset[Status] = field(default=frozenset({Status.FAIL}))
    only: frozenset[Status] | None = None
    sort: str = "document"


def worst_first(status: Status) -> int:
    """A sort key: fail before lag before no-data before on-track before pass."""
    return _RANK[status]


class Formatter(abc.ABC):
    """Renders one run: a `status` result or a `summary`. It keeps state for that run only."""

    binary = False
    """True for a format whose `status` and `summary` return bytes, written only to a file (-o)."""

    def __init__(self, options: RenderOptions):
        self.options = options

    @abc.abstractmethod
    def status(self, result: Result) -> str:
        """The report of one plan checked against one submission."""

    @abc.abstractmethod
    def summary(self, summary: Summary) -> str:
        """The report of many submissions."""

    def file_entry(self, outcome: Outcome) -> object:
        """A format's part of a summary for one (file, plan), worked out in the process that checked
        the file, as soon as it is checked: it must pickle, and depend only on the outcome and the
        options. None (the default): the format works from the outcomes in `summary`."""
        return None

    def file_checked(self, outcome: Outcome, entry: object) -> None:
        """Called in the main process for each (file, plan) of a summary, with its `file_entry`,
        before `summary`."""

    def rows(self, indicators: tuple[IndicatorResult, ...]) -> tuple[IndicatorResult, ...]:
        """The indicators to show, as `only` and `sort` ask."""
        only = self.options.only
        if only is not None:
            indicators = tuple(item for item in indicators if item.status in only)
        if self.options.sort == "status":
            indicators = tuple(sorted(indicators, key=lambda item: _RANK[item.status]))
        return indicators

    def files(self, summary: Summary) -> tuple[Outcome, ...]:
        """The (file, plan) pairs to show: with `only`, those holding an indicator of a chosen status
        and those that could not be checked; with sort "status", those that could not be checked
        first, then by worst status and by the number of fail, then lag, rows."""
        outcomes = summary.outcomes
        only = self.options.only
        if only is not None:
            outcomes = tuple(o for o in outcomes if o.error is not None or o.result.has_any(only))
        if self.options.sort == "status":
            outcomes = tuple(sorted(outcomes, key=_file_rank))
        return outcomes


def _file_rank(outcome: Outcome) -> tuple[int, ...]:
    if outcome.error is not None:
        return (-1, 0, 0)
    counts = outcome.result.summary
    return (_RANK[outcome.worst] if outcome.worst else len(_RANK), -counts[Status.FAIL], -counts[Status.LAG])
