"""The result model every output format consumes."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import NamedTuple

from tcmcheck.errors import ActualsError, Problem, TcmcheckError
from tcmcheck.model import Indicator, Plan
from tcmcheck.periods import Period


class Status(str, Enum):
    PASS = "pass"
    ON_TRACK = "on-track"
    LAG = "lag"
    FAIL = "fail"
    NO_DATA = "no-data"

    @property
    def zh(self) -> str:
        return _ZH[self]

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.value


_ZH = {
    Status.PASS: "达标",
    Status.ON_TRACK: "序时推进",
    Status.LAG: "滞后",
    Status.FAIL: "未达标",
    Status.NO_DATA: "未报送",
}
STATUSES = (Status.PASS, Status.ON_TRACK, Status.LAG, Status.FAIL, Status.NO_DATA)
SEVERITY = (Status.PASS, Status.ON_TRACK, Status.NO_DATA, Status.LAG, Status.FAIL)


class Report(NamedTuple):
    """One reported value: immutable, and cheap to build for the thousands a big file holds."""

    indicator_id: str
    period: Period
    value: float | str | bool
    line: int | None
    source: str | None = None
    """The file, when a submission is read from several."""


@dataclass(frozen=True, slots=True)
class Message:
    """A detail sentence, kept as a key and parameters so each format can render it in zh or en."""

    key: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, key: str, **params: object) -> "Message":
        return cls(key, tuple(params.items()))


@dataclass(frozen=True, slots=True)
class RegionResult:
    """One region's view of an indicator: its status against the target it is judged on (the plan's for
    scope `each`, its allocation otherwise), or None when it has a value but no target."""

    region: str
    status: Status | None
    detail: Message | None = None
    actual: Report | None = None
    progress: float | None = None
    late: bool = False
    indicator: Indicator | None = None
    """The indicator as the region is judged on it (with its allocated targets), when it has a status."""


@dataclass(frozen=True)
class RegionSummary:
    """A region's counts over every indicator where it has a status, and its rank (1 = best)."""

    region: str
    counts: dict[Status, int]
    rank: int
    untargeted: int = 0
    """Indicators the region reported on without a target of its own."""


class IndicatorResult(NamedTuple):
    """One indicator's verdict: immutable, and a named tuple because a summary builds one per indicator of
    every file."""

    indicator: Indicator
    status: Status
    detail: Message
    actual: Report | None = None
    progress: float | None = None
    late: bool = False
    """Judged on a report after the deadline, as nothing was reported by then."""
    regions: tuple[RegionResult, ...] = ()
    """Each region's view, when the submission has region rows or the indicator has allocations."""
    history: Sequence[Report] = ()
    """Every report of the indicator up to the as-of date, in date order, when `evaluate` was asked for
    them (for charts); else empty."""


@dataclass(frozen=True)
class Result:
    plan: Plan
    as_of: date
    source: str
    indicators: tuple[IndicatorResult, ...]
    warnings: tuple[Problem, ...] = field(default=())
    placeholders: int = 0
    """Values that said "no figure" (/, -, 无, N/A …), read as not reported."""
    regions: tuple[RegionSummary, ...] = ()
    """Every region's counts and rank, when the submission has region rows."""

    @functools.cached_property
    def summary(self) -> dict[Status, int]:
        counts = {status: 0 for status in STATUSES}
        for item in self.indicators:
            counts[item.status] += 1
        return counts

    def raise_warnings(self) -> None:
        """For --strict: the warnings, as an error."""
        if self.warnings:
            raise ActualsError(*self.warnings)

    def has_any(self, statuses: frozenset[Status]) -> bool:
        counts = self.summary
        return any(counts[status] for status in statuses)


@dataclass(frozen=True)
class Outcome:
    """One (file, plan) pair: its result, or the error that kept it from being checked."""

    source: str
    plan_id: str | None
    result: Result | None = None
    error: TcmcheckError | None = None

    @property
    def worst(self) -> Status | None:
        if self.result is None:
            return None
        counts = self.result.summary
        return next((status for status in reversed(SEVERITY) if counts[status]), None)


@dataclass(frozen=True)
class Summary:
    as_of: date
    outcomes: tuple[Outcome, ...]

    @property
    def totals(self) -> dict[Status, int]:
        counts = {status: 0 for status in STATUSES}
        for outcome in self.outcomes:
            if outcome.result is not None:
                for status, count in outcome.result.summary.items():
                    counts[status] += count
        return counts

    @property
    def error_count(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.error is not None)

    def has_any(self, statuses: frozenset[Status]) -> bool:
        return any(o.result is not None and o.result.has_any(statuses) for o in self.outcomes)
