"""Text for the plan-level commands: plans, show and template."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from tabulate import tabulate

from tcmcheck import describe
from tcmcheck.model import Indicator, Plan
from tcmcheck.periods import Period

TEMPLATE_COLUMNS = {
    "en": ("indicator", "name", "unit", "target", "report", "period", "value", "note"),
    "zh": ("指标", "指标名称", "单位", "目标", "填报说明", "期间", "数值", "备注"),
}


def _title(plan: Plan) -> str:
    """The document title, with its draft status unless the title already says it."""
    if plan.status and plan.status not in plan.title:
        return f"{plan.title}（{plan.status}）"
    return plan.title


def plans_listing(plans: list[Plan], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([{
            "id": p.id, "city_zh": p.city_zh, "city_en": p.city_en, "province_zh": p.province_zh,
            "province_en": p.province_en, "title": p.title, "title_en": p.title_en, "number": p.number,
            "issued": p.issued,
            "status": p.status, "period": {"start": p.start_year, "end": p.end_year},
            "indicators": len(p.indicators),
        } for p in plans], ensure_ascii=False, indent=2) + "\n"
    rows = [(p.id, f"{p.city_zh} {p.city_en}", f"{p.province_zh} {p.province_en}",
             p.number or _title(p), p.issued or "—",
             p.period_label, len(p.indicators)) for p in plans]
    return tabulate(rows, headers=("id", "city", "province", "document", "issued", "period", "indicators"),
                    tablefmt="simple", disable_numparse=True) + "\n"


_LISTING_WORDS = {
    "en": {"issued": ", issued {date}", "count": ", {count} indicators", "columns": ("id", "indicator", "kind",
           "target", "nature", "report"), "kind": "kind", "unit": "unit", "nature": "nature",
           "inferred": ", deadline inferred", "target": "target", "report": "report", "years": "years",
           "baseline": "baseline", "from_data": "from the data", "section": "section", "quote": "quote",
           "responsible": "responsible", "lead": "lead", "tags": "tags", "note": "note", "sep": ": ", "comma": ", ",
           "aside": " ({})"},
    "zh": {"issued": "，{date}印发", "count": "，共{count}项指标", "columns": ("编号", "指标", "类别", "目标", "性质",
           "填报口径"), "kind": "类别", "unit": "单位", "nature": "性质", "inferred": "，期限为推定",
           "target": "目标", "report": "填报口径", "years": "年份", "baseline": "基期", "from_data": "取自报送数据",
           "section": "章节", "quote": "原文", "responsible": "责任单位", "lead": "牵头", "tags": "标签",
           "note": "备注（英文）", "sep": "：", "comma": "，", "aside": "（{}）"},
}
"""The words of `show`; a plan's notes are written in English in its YAML file, and stay so."""


def plan_listing(plan: Plan, lang: str, verbose: bool) -> str:
    words = _LISTING_WORDS[lang]
    sep, comma = words["sep"], words["comma"]
    header = (f"{plan.id}: {plan.city_zh} {plan.city_en}{comma}{plan.province_zh} {plan.province_en}\n"
              f"{_title(plan)}" + (f" ({plan.title_en})" if plan.title_en else "")
              + (f"{comma}{plan.number}" if plan.number else "")
              + (words["issued"].format(date=plan.issued) if plan.issued else "")
              + f"{comma}{plan.period_label}" + words["count"].format(count=len(plan.indicators)) + "\n")
    if not verbose:
        rows = [(i.id, i.name(lang), i.kind, describe.target_text(i, lang), i.nature or "", i.report(lang) or "—")
                for i in plan.indicators]
        table = tabulate(rows, headers=words["columns"], tablefmt="simple", disable_numparse=True)
        return f"{header}\n{table}\n"
    blocks = []
    for number, i in enumerate(plan.indicators, 1):
        lines = [f"{number}. {i.id}  {i.name_zh} / {i.name_en}",
                 f"   {words['kind']}{sep}{i.kind}{comma}{words['unit']}{sep}{describe.unit_text(i, lang)}"
                 + (f"{comma}{words['nature']}{sep}{i.nature}" if i.nature else "")
                 + (words["inferred"] if i.deadline_inferred else ""),
                 f"   {words['target']}{sep}{describe.target_text(i, lang)}",
                 f"   {words['report']}{sep}{i.report(lang) or '—'}"]
        if i.kind == "annual":
            lines.append(f"   {words['years']}{sep}{describe.annual_window_text(i, lang)}")
        if i.baseline:
            value = words["from_data"] if i.baseline.value is None else describe.value_text(i.baseline.value, i,
                                                                                               lang)
            lines.append(f"   {words['baseline']}{sep}{value}{words['aside'].format(i.baseline.period)}")
        lines.append(f"   {words['section']}{sep}{i.section}")
        lines.append(f"   {words['quote']}{sep}{i.quote}")
        for m in i.milestones:
            if m.quote:
                lines.append(f"   {words['quote']}{words['aside'].format(m.due)}{sep}{m.quote}")
        lines.append(f"   {words['responsible']}{sep}{'、'.join(i.responsible) or '—'}"
                     + (words["aside"].format(f"{words['lead']}{sep}{'、'.join(i.lead)}") if i.lead else ""))
        if i.tags:
            lines.append(f"   {words['tags']}{sep}{', '.join(i.tags)}")
        if i.note:
            lines.append(f"   {words['note']}{sep}{i.note}")
        blocks.append("\n".join(lines))
    return header + "\n" + "\n\n".join(blocks) + "\n"


@dataclass(frozen=True)
class TemplateRow:
    """One row of a submission template: an indicator to report for a period, or the baseline period
    that one of its targets is reckoned from."""

    indicator: Indicator
    cells: tuple[str, ...]
    """The row's cells, in the order of `template_header`."""
    baseline: bool = False


def template_header(lang: str, with_plan: bool = False) -> tuple[str, ...]:
    plan_header = ("规划",) if lang == "zh" else ("plan",)
    return (plan_header if with_plan else ()) + TEMPLATE_COLUMNS[lang]


def baseline_from_data(indicator: Indicator) -> Period | None:
    """The baseline period a `relative` or `increase` target reads from the submission (the plan gives
    no baseline value), else None."""
    base = indicator.baseline
    if indicator.kind in ("relative", "increase") and base is not None and base.value is None:
        return base.period
    return None


def template_rows(plan: Plan, lang: str, period: str | None = None, with_plan: bool = False) -> list[TemplateRow]:
    """One row per indicator, with `period` filled in; before it, for a target whose baseline is read
    from the data, a row for the baseline period, unless that is `period` itself."""
    rows = []
    for i in plan.indicators:
        first = (plan.id,) if with_plan else ()
        target = describe.target_text(i, lang)
        report = i.report(lang) or ""
        unit = describe.unit_text(i, lang)
        base = baseline_from_data(i)
        if base is not None and base.label != period:
            if lang == "zh":
                base_target = f"基期 {base.label}"
                base_report = f"基期行：填报{base.label}的数值，作为目标（{target}）的基数。{report}"
            else:
                base_target = f"baseline {base.label}"
                base_report = f"Baseline row: the value for {base.label}, the base of the target ({target}). {report}"
            rows.append(TemplateRow(i, first + (i.id, i.name(lang), unit, base_target, base_report.rstrip(),
                                                base.label, "", ""), baseline=True))
        rows.append(TemplateRow(i, first + (i.id, i.name(lang), unit, target, report, period or "", "", "")))
    return rows


def template_csv(plan: Plan, lang: str, period: str | None = None, with_plan: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(template_header(lang, with_plan))
    writer.writerows(row.cells for row in template_rows(plan, lang, period, with_plan))
    return buffer.getvalue()
