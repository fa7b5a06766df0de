"""JSON for machines; described by schema/result.schema.json."""

from __future__ import annotations

import json
import re

from tcmcheck import __version__, describe
from tcmcheck.errors import Problem
from tcmcheck.formats.interface import Formatter
from tcmcheck.result import STATUSES, IndicatorResult, Outcome, RegionResult, RegionSummary, Result, Status, Summary


def _warning(warning: Problem, lang: str) -> dict:
    return {"code": warning.code, "message": warning.text(lang), "file": warning.file, "line": warning.line}


def _milestone(milestone) -> dict:
    data = {"due": milestone.due.end.isoformat()}
    for name in ("value", "low", "high", "factor", "grade"):
        value = getattr(milestone, name)
        if value is not None:
            data[name] = value
    if milestone.approx:
        data["approx"] = True
        data["tolerance"] = milestone.tolerance
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
        "late": item.late,
        "report": indicator.report(lang),
        "responsible": list(indicator.responsible),
        "scope": indicator.scope,
        "rollup": "sum" if indicator.sums else "none",
        "regions": [_region_view(view, lang) for view in item.regions],
    }


def _region_view(view: RegionResult, lang: str) -> dict:
    report = view.actual
    return {
        "region": view.region,
        "status": view.status.value if view.status is not None else None,
        "target": describe.target_text(view.indicator, lang) if view.indicator is not None else None,
        "actual": report.value if report else None,
        "period": report.period.label if report else None,
        "line": report.line if report else None,
        "detail": describe.message_text(view.detail, view.indicator, lang) if view.detail is not None else None,
    }


def _region_summary(summary: RegionSummary) -> dict:
    return {"region": summary.region, "summary": {status.value: summary.counts[status] for status in STATUSES},
            "rank": summary.rank, "without_target": summary.untargeted}


def to_dict(result: Result, lang: str, items: tuple[IndicatorResult, ...] | None = None) -> dict:
    """The report of `result`, its indicator records those of `items` (by default all of them)."""
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
        "placeholders": result.placeholders,
        "indicators": [_indicator(item, lang) for item in (result.indicators if items is None else items)],
        "warnings": [_warning(w, lang) for w in result.warnings],
        "regions": [_region_summary(summary) for summary in result.regions],
    }


_RAW_CONTROL = re.compile("[\x7f-\x9f]")


def _escaped(text: str) -> str:
    """JSON text with DEL and C1 controls escaped too (json.dumps escapes only C0), so that none reaches a
    terminal raw. Such characters can only stand inside strings, where the escape keeps their value."""
    return _RAW_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _RAW_CONTROL.search(text) else text


def _compact(value) -> str:
    return _escaped(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _scalar(value, string) -> str:
    """What json.dumps writes for a reported value other than a float."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value.__class__ is int:
        return int.__repr__(value)
    return string(value)


class JsonFormatter(Formatter):
    """A summary's file entries are written as each file is checked, in the process that checks it
    (`file_entry`), and joined once at the end."""

    def __init__(self, options):
        super().__init__(options)
        self._entries: dict[int, tuple[Outcome, str]] = {}
        self._strings: dict[str, str] = {}
        self._heads: dict[tuple[str, Status], str] = {}
        """(indicator id, status) -> the start of an indicator record, up to its actual value."""

    def status(self, result: Result) -> str:
        document = to_dict(result, self.options.lang, self.rows(result.indicators))
        return _escaped(json.dumps(document, ensure_ascii=False, indent=2)) + "\n"

    def file_entry(self, outcome: Outcome) -> str:
        return self._outcome(outcome)

    def file_checked(self, outcome: Outcome, entry: str) -> None:
        self._entries[id(outcome)] = (outcome, entry)

    def summary(self, summary: Summary) -> str:
        totals = summary.totals
        head = _compact({"tool": {"name": "tcmcheck", "version": __version__}, "as_of": summary.as_of.isoformat()})
        total = _compact({status.value: totals[status] for status in STATUSES})
        parts = [f'{head[:-1]},"files":[']
        entries = self._entries
        for index, outcome in enumerate(self.files(summary)):
            if index:
                parts.append(",")
            known = entries.pop(id(outcome), None)
            parts.append(known[1] if known is not None and known[0] is outcome else self._outcome(outcome))
        parts.append(f'],"total":{total},"errors":{summary.error_count}}}\n')
        return "".join(parts)

    def _string(self, text: str) -> str:
        """Indicator ids, period labels and grades as JSON strings, each worked out once a run."""
        known = self._strings.get(text)
        if known is None:
            known = self._strings[text] = _escaped(json.dumps(text, ensure_ascii=False))
        return known

    def _outcome(self, outcome: Outcome) -> str:
        """One file's entry in the summary, compact. Its indicator records are written directly: the
        same text json.dumps gives (a test checks it)."""
        plan = "null" if outcome.plan_id is None else self._string(outcome.plan_id)
        head = f'{{"file":{_compact(outcome.source)},"plan":{plan}'
        if outcome.error is not None:
            error = {"problems": [
                {"code": p.code, "message": p.text(self.options.lang), "file": p.file, "line": p.line,
                 "column": p.column,
                 "field": p.field}
                for p in outcome.error.problems], "omitted": outcome.error.omitted}
            return (f'{head},"worst":null,"summary":null,"indicators":[],"warnings":[],"regions":[],'
                    f'"error":{_compact(error)}}}')
        result = outcome.result
        counts = result.summary
        worst = outcome.worst
        summary = ",".join(f'"{status._value_}":{counts[status]}' for status in STATUSES)
        warnings = _compact([_warning(w, self.options.lang) for w in result.warnings]) if result.warnings else "[]"
        regions = _compact([region.region for region in result.regions]) if result.regions else "[]"
        return (f'{head},"worst":{"null" if worst is None else self._string(worst._value_)},"summary":{{{summary}}},'
                f'"indicators":[{self._records(self.rows(result.indicators))}],"warnings":{warnings},'
                f'"regions":{regions},"error":null}}')

    def _records(self, items: tuple[IndicatorResult, ...]) -> str:
        string, heads = self._string, self._heads
        records = []
        for indicator, status, _, report, _, late, _, _ in items:
            head = heads.get((indicator.id, status))
            if head is None:
                head = heads[indicator.id, status] = f'{{"id":{string(indicator.id)},"status":"{status._value_}",'
            if report is None:
                records.append(f'{head}"actual":null,"period":null,"line":null,"late":false}}')
                continue
            _, period, value, line, _ = report
            actual = value if value.__class__ is float else _scalar(value, string)
            records.append(f'{head}"actual":{actual},"period":{string(period.label)},'
                           f'"line":{"null" if line is None else line},"late":{"true" if late else "false"}}}')
        return ",".join(records)
