"""The contract every output format keeps: one writer object per run, built with the run's options."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field

from tcmcheck.result import Outcome, Result, Status, Summary


@dataclass(frozen=True)
class RenderOptions:
    lang: str = "en"
    color: bool = False
    width: int = 160
    fail_on: frozenset[Status] = field(default=frozenset({Status.FAIL}))


class Formatter(abc.ABC):
    """Renders one run: a `status` result or a `summary`. It keeps state for that run only."""

    def __init__(self, options: RenderOptions):
        self.options = options

    @abc.abstractmethod
    def status(self, result: Result) -> str:
        """The report of one plan checked against one submission."""

    @abc.abstractmethod
    def summary(self, summary: Summary) -> str:
        """The report of many submissions."""

    def file_checked(self, outcome: Outcome) -> None:
        """Called for each (file, plan) of a summary as soon as it is checked, before `summary`;
        a format may start on its part of the report here."""
