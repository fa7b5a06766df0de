"""JSON for machines; described by schema/result.schema.json."""

from __future__ import annotations

import json

from tcmcheck import __version__, describe
from tcmcheck.errors import Problem
from tcmcheck.formats import RenderOptions
from tcmcheck.result import STATUSES, IndicatorResult, Outcome, Result, Summary


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


def prepare_outcome(outcome: Outcome) -> None:
    """Write one file's entry of a summary ahead of render_summary, while other files are being checked."""
    _PREPARED[id(outcome)] = (outcome, _outcome(outcome))


_PREPARED: dict[int, tuple[Outcome, str]] = {}


def _prepared(outcome: Outcome) -> str:
    known = _PREPARED.pop(id(outcome), None)
    return known[1] if known is not None and known[0] is outcome else _outcome(outcome)


def _outcome(outcome: Outcome) -> str:
    """One file's entry in the summary, compact. Its indicator records, thousands in a big summary,
    are written directly: the same text json.dumps gives, in a fraction of the time."""
    plan = "null" if outcome.plan_id is None else _string(outcome.plan_id)
    head = f'{{"file":{_compact(outcome.source)},"plan":{plan}'
    if outcome.error is not None:
        error = {"problems": [
            {"code": p.code, "message": p.message, "file": p.file, "line": p.line, "column": p.column, "field": p.field}
            for p in outcome.error.problems], "omitted": outcome.error.omitted}
        return f'{head},"worst":null,"summary":null,"indicators":[],"warnings":[],"error":{_compact(error)}}}'
    result = outcome.result
    counts = result.summary
    worst = outcome.worst
    summary = ",".join(f'"{status._value_}":{counts[status]}' for status in STATUSES)
    warnings = _compact([_warning(w) for w in result.warnings]) if result.warnings else "[]"
    return (f'{head},"worst":{"null" if worst is None else _string(worst._value_)},"summary":{{{summary}}},'
            f'"indicators":[{_records(result.indicators)}],"warnings":{warnings},"error":null}}')


def _records(items: tuple[IndicatorResult, ...]) -> str:
    records = []
    for item in items:
        ident = _string(item.indicator.id)
        status = item.status._value_
        report = item.actual
        if report is None:
            records.append(f'{{"id":{ident},"status":"{status}","actual":null,"period":null,"line":null}}')
            continue
        _, period, value, line = report
        label = _string(period.label)
        actual = value if value.__class__ is float else _scalar(value)
        records.append(f'{{"id":{ident},"status":"{status}","actual":{actual},"period":{label},"line":{line}}}')
    return ",".join(records)


def _scalar(value) -> str:
    """What json.dumps writes for a reported value other than a float."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value.__class__ is int:
        return int.__repr__(value)
    return _string(value)


_STRINGS: dict[str, str] = {}
"""Indicator ids, period labels and grades as JSON strings."""


def _string(text: str) -> str:
    known = _STRINGS.get(text)
    if known is None:
        known = _STRINGS[text] = json.dumps(text, ensure_ascii=False)
    return known


def _compact(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def render_summary(summary: Summary, options: RenderOptions) -> str:
    totals = summary.totals
    head = _compact({"tool": {"name": "tcmcheck", "version": __version__}, "as_of": summary.as_of.isoformat()})
    total = _compact({status.value: totals[status] for status in STATUSES})
    parts = [f'{head[:-1]},"files":[']
    for index, outcome in enumerate(summary.outcomes):
        if index:
            parts.append(",")
        parts.append(_prepared(outcome))
    _PREPARED.clear()
    parts.append(f'],"total":{total},"errors":{summary.error_count}}}\n')
    return "".join(parts)
