"""The plan model: frozen dataclasses built from a validated plan spec."""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from typing import Callable

from tcmcheck.periods import Period

LOWER_IS_BETTER = ("<=", "<")
DEFAULT_TOLERANCE = 0.05
DERIVED_LIMIT = 10_000


@dataclass(frozen=True)
class Scale:
    name: str
    levels: tuple[str, ...]
    aliases: tuple[tuple[str, str], ...] = ()

    def canonical(self, text: str) -> str | None:
        """The level a reported grade names, or None when it is not on this scale."""
        wanted = _fold(text)
        for level in self.levels:
            if _fold(level) == wanted:
                return level
        for alias, level in self.aliases:
            if _fold(alias) == wanted:
                return level
        return None

    @functools.cached_property
    def places(self) -> dict[str, int]:
        """Each level's place on the scale, worst first from 0."""
        return {level: place for place, level in enumerate(self.levels)}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().replace(" ", "").upper()


SUMMED_UNITS = frozenset({"count", "person_times", "yuan", "yuan_10k", "yuan_100m", "mu", "mu_10k", "hectare",
                          "hectare_10k", "tonne"})
"""Units whose regional values add up to the city's (the default `rollup: sum`)."""


@dataclass(frozen=True)
class Region:
    """A county-level division: its full name, English name and the short forms that name it too."""

    zh: str
    en: str
    short: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.zh, *self.short)


@dataclass(frozen=True)
class Milestone:
    due: Period
    value: float | None = None
    low: float | None = None
    high: float | None = None
    factor: float | None = None
    grade: str | None = None
    quote: str | None = None
    note: str | None = None
    approx: bool = False
    tolerance: float = DEFAULT_TOLERANCE
    """For an approximate target: the share of it a value may fall short (for <=, exceed) by."""


@dataclass(frozen=True)
class Baseline:
    period: Period
    value: float | str | None = None


@dataclass(frozen=True)
class Indicator:
    id: str
    name_zh: str
    name_en: str
    section: str
    quote: str
    kind: str
    unit: str
    milestones: tuple[Milestone, ...]
    responsible: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    unit_label: str | None = None
    nature: str | None = None
    op: str | None = None
    scale: Scale | None = None
    since: Period | None = None
    baseline: Baseline | None = None
    deadline_inferred: bool = False
    tags: tuple[str, ...] = ()
    note: str | None = None
    report_zh: str | None = None
    report_en: str | None = None
    years_named: bool = False
    scope: str = "city"
    rollup: str | None = None
    """sum or none; None means the default for the unit (see `sums`)."""
    first_year: int | None = None
    """annual: the first year assessed (the first full year after the issue date), unless the
    document names the years; None when every listed year is assessed."""

    @property
    def final(self) -> Milestone:
        return self.milestones[-1]

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en

    @functools.cached_property
    def assessed(self) -> tuple[Milestone, ...]:
        """The milestones that are judged: for an annual target, those from `first_year` on."""
        if self.first_year is None:
            return self.milestones
        return tuple(m for m in self.milestones if m.due.end.year >= self.first_year)

    @property
    def sums(self) -> bool:
        """Whether the regions' values add up to the city's."""
        return self.rollup == "sum" if self.rollup is not None else self.unit in SUMMED_UNITS

    def report(self, lang: str) -> str | None:
        """Which figure to submit, in one sentence."""
        return self.report_zh if lang == "zh" else self.report_en

    @property
    def lower_is_better(self) -> bool:
        return self.op in LOWER_IS_BETTER

    @property
    def value_type(self) -> str:
        """What a reported value must be: number, grade or yes/no."""
        if self.kind == "grade":
            return "grade"
        if self.kind == "milestone":
            return "yes_no"
        return "number"


@dataclass(frozen=True)
class Plan:
    id: str
    city_zh: str
    city_en: str
    province_zh: str
    province_en: str
    title: str
    start_year: int
    end_year: int
    indicators: tuple[Indicator, ...]
    number: str | None = None
    issued: str | None = None
    status: str | None = None
    title_en: str | None = None
    source: str = ""
    regions: tuple[Region, ...] = ()
    regions_source: str | None = None

    def indicator(self, indicator_id: str) -> Indicator | None:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        return None

    @functools.cached_property
    def names(self) -> frozenset[str]:
        """What a user may call the plan: id, Chinese city name with or without 市, English city name."""
        return frozenset({self.id, self.city_zh, self.city_zh.removesuffix("市"), self.city_en.lower()})

    def is_named(self, reference: str) -> bool:
        reference = reference.strip()
        return reference in self.names or reference.lower() in self.names

    @functools.cached_property
    def earliest_year(self) -> int:
        """The plan's start year, or an earlier baseline year."""
        years = [i.baseline.period.end.year for i in self.indicators if i.baseline]
        return min([self.start_year, *years])

    def city(self, lang: str) -> str:
        return self.city_zh if lang == "zh" else self.city_en

    @property
    def period_label(self) -> str:
        return f"{self.start_year}–{self.end_year}"


def derived(cache: dict[int, tuple], thing, build: Callable):
    """build(thing), worked out once per object. Plans and indicators are frozen, so what is derived
    from one stays true; they are looked up by identity, as hashing one hashes all it holds. At most
    DERIVED_LIMIT objects are remembered."""
    known = cache.get(id(thing))
    if known is None or known[0] is not thing:
        if len(cache) >= DERIVED_LIMIT:
            cache.clear()
        known = cache[id(thing)] = (thing, build(thing))
    return known[1]


def first_full_year(issued: str | None) -> int | None:
    """The first calendar year wholly after an issue date (YYYY-MM-DD), where annual targets start
    unless the document names their years; None when the date is unknown."""
    if not issued:
        return None
    year, month, day = (int(part) for part in issued.split("-"))
    return year if (month, day) == (1, 1) else year + 1
