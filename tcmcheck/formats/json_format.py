"""JSON for machines; described by schema/result.schema.json."""

from __future__ import annotations

import json

from tcmcheck import __version__, describe
from tcmcheck.batch import Outcome, Summary
from tcmcheck.errors import Problem
from tcmcheck.formats import RenderOptions
from tcmcheck.result import STATUSES, IndicatorResult, Result


def _warning(warning: Problem) -> dict:
    return {"code": warning.code, "message": warning.message, "file": warning.file, "line": warning.line}


def _milestone(milestone) -> dict:
    data = {"due": milestone.due.end.isoformat()}
    for name in ("value", "low", "high", "factor", "grade"):
        value = getattr(milestone, name)
        if value is not None:
            data[name] = value
    return data


def _indicator(item: IndicatorResult, lang: str) -> dict:
    indicator = item.indicator
    report = item.actual
    return {
        "id": indicator.id,
        "name": indicator.name(lang),
        "name_zh": indicator.name_zh,
        "name_en": indicator.name_en,
        "kind": indicator.kind,
        "unit": indicator.unit,
        "op": indicator.op,
        "status": item.status.value,
        "target": describe.target_text(indicator, lang),
        "milestones": [_milestone(m) for m in indicator.milestones],
        "actual": report.value if report else None,
        "period": report.period.label if report else None,
        "line": report.line if report else None,
        "progress": item.progress,
        "detail": describe.detail_text(item, lang),
        "responsible": list(indicator.responsible),
    }


def to_dict(result: Result, lang: str) -> dict:
    plan = result.plan
    counts = result.summary
    return {
        "tool": {"name": "tcmcheck", "version": __version__},
        "plan": {
            "id": plan.id,
            "city": plan.city(lang),
            "city_zh": plan.city_zh,
            "city_en": plan.city_en,
            "province": plan.province_zh if lang == "zh" else plan.province_en,
            "title": plan.title,
            "number": plan.number,
            "issued": plan.issued,
            "period": {"start": plan.start_year, "end": plan.end_year},
        },
        "as_of": result.as_of.isoformat(),
        "actuals": result.source,
        "summary": {status.value: counts[status] for status in STATUSES},
        "indicators": [_indicator(item, lang) for item in result.indicators],
        "warnings": [_warning(w) for w in result.warnings],
    }


def render(result: Result, options: RenderOptions) -> str:
    return json.dumps(to_dict(result, options.lang), ensure_ascii=False, indent=2) + "\n"


def _outcome(outcome: Outcome, lang: str) -> dict:
    data = {"file": outcome.source, "plan": outcome.plan_id, "worst": None, "summary": None,
            "indicators": [], "warnings": [], "error": None}
    if outcome.error is not None:
        data["error"] = {"problems": [
            {"code": p.code, "message": p.message, "file": p.file, "line": p.line, "column": p.column, "field": p.field}
            for p in outcome.error.problems], "omitted": outcome.error.omitted}
        return data
    result = outcome.result
    counts = result.summary
    data.update(
        worst=outcome.worst.value if outcome.worst else None,
        summary={status.value: counts[status] for status in STATUSES},
        indicators=[{"id": item.indicator.id, "status": item.status.value,
                     "actual": item.actual.value if item.actual else None,
                     "period": item.actual.period.label if item.actual else None,
                     "line": item.actual.line if item.actual else None} for item in result.indicators],
        warnings=[_warning(w) for w in result.warnings],
    )
    return data


def render_summary(summary: Summary, options: RenderOptions) -> str:
    totals = summary.totals
    document = {
        "tool": {"name": "tcmcheck", "version": __version__},
        "as_of": summary.as_of.isoformat(),
        "files": [_outcome(o, options.lang) for o in summary.outcomes],
        "total": {status.value: totals[status] for status in STATUSES},
        "errors": summary.error_count,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
