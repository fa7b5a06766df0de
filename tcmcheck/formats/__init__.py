"""Output formats: one module each, every one a `render(result, options) -> str`, chosen by --format."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from tcmcheck import describe
from tcmcheck.result import STATUSES, IndicatorResult, Result, Status

FORMATS = ("table", "plain", "markdown", "json", "csv", "junit")


@dataclass(frozen=True)
class RenderOptions:
    lang: str = "en"
    color: bool = False
    width: int = 160
    fail_on: frozenset[Status] = field(default=frozenset({Status.FAIL}))


def render(name: str, result: Result, options: RenderOptions) -> str:
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    return importlib.import_module(f"tcmcheck.formats.{name}_format").render(result, options)


HEADERS = {
    "en": ("id", "indicator", "target", "actual", "period", "progress", "status", "detail"),
    "zh": ("编号", "指标", "目标", "实际值", "期间", "进度", "状态", "说明"),
}


def row(item: IndicatorResult, lang: str) -> tuple[str, ...]:
    """The cells every tabular format shows for one indicator."""
    return (
        item.indicator.id,
        item.indicator.name(lang),
        describe.target_text(item.indicator, lang),
        describe.actual_text(item, lang),
        describe.period_text(item.actual),
        describe.progress_text(item.progress),
        item.status.label(lang),
        describe.detail_text(item, lang),
    )


def title(result: Result, lang: str) -> str:
    plan = result.plan
    if lang == "zh":
        return f"{plan.city_zh} {plan.title}（截至{result.as_of.isoformat()}）"
    return f"{plan.city_en} ({plan.city_zh}) {plan.title}, as of {result.as_of.isoformat()}"


def summary_line(result: Result, lang: str) -> str:
    counts = result.summary
    separator = "，" if lang == "zh" else ", "
    parts = [f"{status.label(lang)} {counts[status]}" for status in STATUSES]
    total = f"共{len(result.indicators)}项" if lang == "zh" else f"{len(result.indicators)} indicators"
    return f"{total}: " + separator.join(parts)
