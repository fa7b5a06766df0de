"""Words for targets, values and details, in Chinese or English, shared by every output format."""

from __future__ import annotations

from tcmcheck.messages import DETAILS
from tcmcheck.model import Indicator, Milestone
from tcmcheck.result import IndicatorResult, Message, Report

OP_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}
_SUFFIX = {
    "en": {"percent": "%", "per_1000": "‰", "per_10000": "‱", "per_100000": " per 100k",
           "yuan": " yuan", "yuan_10k": " ×10k yuan", "yuan_100m": " ×100m yuan",
           "person_times": " person-times", "mu": " mu", "hectare": " ha", "tonne": " t",
           "hectare_10k": " ×10k ha", "mu_10k": " ×10k mu"},
    "zh": {"percent": "%", "per_1000": "‰", "per_10000": "‱", "per_100000": "/10万",
           "yuan": "元", "yuan_10k": "万元", "yuan_100m": "亿元", "person_times": "人次",
           "mu": "亩", "hectare": "公顷", "tonne": "吨", "rank": "名", "hectare_10k": "万公顷", "mu_10k": "万亩"},
}


def number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}" if abs(value) >= 10000 else str(int(value))
    return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.1f}"


_UNIT_WORDS_ZH = {"count": "个", "yes_no": "是/否", "grade": "等级", "ratio": "比值"}


def unit_text(indicator: Indicator, lang: str) -> str:
    """The unit as a template names it: the plan's word for it (percent, count, yes_no …) in English;
    in Chinese what a value is written in (%, 个 or the plan's measure word, 人次, 是/否, 等级 …)."""
    if lang != "zh":
        return indicator.unit
    if indicator.unit == "count" and indicator.unit_label:
        return indicator.unit_label
    return _SUFFIX["zh"].get(indicator.unit) or _UNIT_WORDS_ZH.get(indicator.unit, indicator.unit)


def value_text(value, indicator: Indicator, lang: str) -> str:
    if isinstance(value, bool):
        if lang == "zh":
            return "已完成" if value else "未完成"
        return "done" if value else "not done"
    if isinstance(value, str):
        return value
    suffix = _SUFFIX[lang].get(indicator.unit, "")
    if not suffix and lang == "zh" and indicator.unit_label and indicator.unit == "count":
        suffix = indicator.unit_label
    return number(value) + suffix


def condition_text(indicator: Indicator, milestone: Milestone, lang: str) -> str:
    """What one milestone asks, without its date: '≥ 25%', '3–5', '×2 baseline', 'A or better'."""
    if indicator.kind == "milestone":
        return "建成/完成" if lang == "zh" else "done"
    if indicator.kind == "grade":
        return f"{milestone.grade}{'及以上' if lang == 'zh' else ' or better'}"
    if milestone.low is not None:
        return f"{number(milestone.low)}–{value_text(milestone.high, indicator, lang)}"
    if indicator.kind == "relative":
        factor = number(milestone.factor)
        base = indicator.baseline
        if base.value is not None:
            return f"≥ ×{factor} ({value_text(base.value, indicator, lang)}, {base.period})"
        return f"≥ ×{factor} {'基期' if lang == 'zh' else 'of'} {base.period}"
    symbol = f"≈{OP_SYMBOLS[indicator.op]}" if milestone.approx and indicator.op == "==" else \
        "≈" if milestone.approx else OP_SYMBOLS[indicator.op]
    tolerance = f" (±{number(milestone.tolerance * 100)}%)" if milestone.approx else ""
    if indicator.kind == "increase":
        base = indicator.baseline
        stock = "" if base.value is None else value_text(base.value, indicator, lang)
        amount = f"+{value_text(milestone.value, indicator, lang)}"
        if lang == "zh":
            return f"较{base.period}{f'（{stock}）' if stock else ''}新增 {symbol} {amount}{tolerance}"
        stock = f" ({stock})" if stock else ""
        return f"{symbol} {amount} over {base.period}{stock}{tolerance}"
    if indicator.unit == "rank":
        return f"{'排名' if lang == 'zh' else 'rank'} {symbol} {number(milestone.value)}{tolerance}"
    return f"{symbol} {value_text(milestone.value, indicator, lang)}{tolerance}"


def due_text(indicator: Indicator, milestone: Milestone, lang: str) -> str:
    when = milestone.due.end.isoformat()
    if indicator.kind == "maintain":
        start = indicator.since.label if indicator.since else None
        if lang == "zh":
            return f"保持至{when}" if start is None else f"{start}起保持至{when}"
        return f"held through {when}" if start is None else f"held {start} to {when}"
    if indicator.kind == "annual":
        return f"{milestone.due.end.year}{'年' if lang == 'zh' else ''}"
    return f"{when}前" if lang == "zh" else f"by {when}"


def milestone_text(indicator: Indicator, milestone: Milestone, lang: str) -> str:
    if indicator.kind == "annual":
        return f"{due_text(indicator, milestone, lang)}: {condition_text(indicator, milestone, lang)}"
    return f"{condition_text(indicator, milestone, lang)} {due_text(indicator, milestone, lang)}"


def target_text(indicator: Indicator, lang: str) -> str:
    """The final target, then interim ones: '≥ 2000 by 2025-12-31 (≥ 1500 by 2024-12-31)'."""
    if indicator.kind == "annual":
        assessed = indicator.assessed
        values = {(m.value, m.low, m.high, m.approx) for m in assessed}
        years = ("、" if lang == "zh" else ", ").join(str(m.due.end.year) for m in assessed)
        if len(values) == 1:
            each = "每年" if lang == "zh" else "each year"
            return f"{condition_text(indicator, indicator.final, lang)} {each} ({years})"
        return "; ".join(milestone_text(indicator, m, lang) for m in assessed)
    text = milestone_text(indicator, indicator.final, lang)
    interim = indicator.milestones[:-1]
    if interim:
        text += " (" + "; ".join(milestone_text(indicator, m, lang) for m in interim) + ")"
    return text


def annual_window_text(indicator: Indicator, lang: str) -> str:
    """Which years of an annual target are assessed, and why."""
    years = [m.due.end.year for m in indicator.milestones]
    assessed = [m.due.end.year for m in indicator.assessed]
    span = f"{assessed[0]}–{assessed[-1]}" if len(assessed) > 1 else str(assessed[0])
    if indicator.years_named:
        return f"{span}（文件列明年份）" if lang == "zh" else f"{span}, the years the document names"
    if len(assessed) < len(years):
        skipped = "、".join(str(y) for y in years if y not in assessed)
        if lang == "zh":
            return f"{span}（自印发后首个完整年度起；{skipped}年不考核）"
        return f"{span}, from the first full year after the issue date ({skipped} not assessed)"
    if indicator.first_year is not None:
        return f"{span}（自印发后首个完整年度起）" if lang == "zh" else f"{span}, from the first full year after the issue date"
    return span


def actual_text(item: IndicatorResult, lang: str) -> str:
    return value_text(item.actual.value, item.indicator, lang) if item.actual else ""


def period_text(report: Report | None) -> str:
    return report.period.label if report else ""


def progress_text(progress: float | None) -> str:
    if progress is None:
        return "—"
    shown = max(0.0, min(progress, 1.0))
    return f"{shown * 100:.0f}%" + ("+" if progress > 1.0 else "")


def detail_text(item: IndicatorResult, lang: str) -> str:
    return message_text(item.detail, item.indicator, lang)


def message_text(message: Message, indicator: Indicator, lang: str) -> str:
    english, chinese = DETAILS[message.key]
    params = {}
    for name, value in message.params:
        if isinstance(value, Message):
            params[name] = message_text(value, indicator, lang)
        elif isinstance(value, Milestone):
            params[name] = milestone_text(indicator, value, lang)
        elif isinstance(value, float):
            params[name] = value_text(value, indicator, lang)
        elif isinstance(value, tuple):
            params[name] = ("、" if lang == "zh" else ", ").join(value)
        else:
            params[name] = value
    return (chinese if lang == "zh" else english).format(**params)
