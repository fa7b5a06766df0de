"""GitHub Actions workflow commands: an annotation per finding, on the CSV line that decided it."""

from __future__ import annotations

from tcmcheck import describe
from tcmcheck.formats import RenderOptions, shared
from tcmcheck.result import Result, Status, Summary


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, file: str | None = None, line: int | None = None,
            title: str | None = None) -> str:
    properties = []
    if file:
        properties.append(f"file={_property(file)}")
    if line:
        properties.append(f"line={line}")
    if title:
        properties.append(f"title={_property(title)}")
    joined = " " + ",".join(properties) if properties else ""
    return f"::{level}{joined}::{_data(message)}\n"


def _annotations(result: Result, options: RenderOptions) -> str:
    lines = []
    for item in result.indicators:
        if item.status in options.fail_on:
            level = "error"
        elif item.status in (Status.FAIL, Status.LAG, Status.NO_DATA):
            level = "warning"
        else:
            continue
        indicator = item.indicator
        message = (f"{item.status.value}: {indicator.name(options.lang)}: {describe.detail_text(item, options.lang)}"
                   f" (target {describe.target_text(indicator, options.lang)}")
        if item.actual is not None:
            message += f"; reported {describe.actual_text(item, options.lang)} for {item.actual.period}"
        message += ")"
        lines.append(command(level, message, result.source if result.source != "<stdin>" else None,
                             item.actual.line if item.actual else None, f"{result.plan.id}.{indicator.id}"))
    return "".join(lines)


def render(result: Result, options: RenderOptions) -> str:
    return _annotations(result, options) + command("notice", shared.summary_line(result, options.lang),
                                                   title=f"tcmcheck {result.plan.id}")


def render_summary(summary: Summary, options: RenderOptions) -> str:
    lines = []
    for outcome in summary.outcomes:
        if outcome.error is not None:
            for problem in outcome.error.problems:
                lines.append(command("error", problem.message, problem.file or outcome.source, problem.line,
                                     problem.code))
        else:
            lines.append(_annotations(outcome.result, options))
    totals = summary.totals
    counts = ", ".join(f"{status.value} {count}" for status, count in totals.items())
    lines.append(command("notice", f"{len(summary.outcomes)} submissions: {counts}; errors {summary.error_count}",
                         title="tcmcheck summary"))
    return "".join(lines)
