"""The result model every output format consumes."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from tcmcheck.actuals import Report
from tcmcheck.errors import ActualsError, Problem
from tcmcheck.model import Indicator, Plan


class Status(str, Enum):
    PASS = "pass"
    ON_TRACK = "on-track"
    LAG = "lag"
    FAIL = "fail"
    NO_DATA = "no-data"

    __hash__ = str.__hash__  # Enum's own hash runs in Python; a status is hashed for every indicator counted

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


@dataclass(frozen=True, slots=True)
class Message:
    """A detail sentence, kept as a key and parameters so each format can render it in zh or en."""

    key: str
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, key: str, **params: object) -> "Message":
        return cls(key, tuple(params.items()))


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    indicator: Indicator
    status: Status
    detail: Message
    actual: Report | None = None
    progress: float | None = None


@dataclass(frozen=True)
class Result:
    plan: Plan
    as_of: date
    source: str
    indicators: tuple[IndicatorResult, ...]
    warnings: tuple[Problem, ...] = field(default=())

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
