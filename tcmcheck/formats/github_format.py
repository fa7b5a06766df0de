"""GitHub Actions workflow commands: an annotation per finding and per warning, on the CSV line it concerns."""

from __future__ import annotations

from tcmcheck import describe
from tcmcheck.errors import Problem
from tcmcheck.formats import shared
from tcmcheck.formats.interface import Formatter
from tcmcheck.result import Result, Status, Summary
from tcmcheck.text import visible


def _data(text: str) -> str:
    return visible(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, message: str, file: str | None = None, line: int | None = None,
            title: str | None = None) -> str:
    """One workflow command. Every value is escaped as GitHub documents (a line break is %0A, so no text
    can start a command of its own), and other control characters are written visibly."""
    properties = []
    if file:
        properties.append(f"file={_property(file)}")
    if line:
        properties.append(f"line={line}")
    if title:
        properties.append(f"title={_property(title)}")
    joined = " " + ",".join(properties) if properties else ""
    return f"::{level}{joined}::{_data(message)}\n"


def _file(source: str | None) -> str | None:
    return source if source and source != "<stdin>" else None


def _warning(warning: Problem, source: str) -> str:
    return command("warning", warning.message, _file(warning.file or source), warning.line, f"tcmcheck {warning.code}")


class GithubFormatter(Formatter):
    def status(self, result: Result) -> str:
        return self._annotations(result) + command("notice", shared.summary_line(result, self.options.lang),
                                                   title=f"tcmcheck {result.plan.id}")

    def summary(self, summary: Summary) -> str:
        lines = []
        for outcome in summary.outcomes:
            if outcome.error is not None:
                for problem in outcome.error.problems:
                    lines.append(command("error", problem.message, _file(problem.file or outcome.source),
                                         problem.line, problem.code))
            else:
                lines.append(self._annotations(outcome.result))
        totals = summary.totals
        counts = ", ".join(f"{status.value} {count}" for status, count in totals.items())
        lines.append(command("notice", f"{len(summary.outcomes)} submissions: {counts}; errors {summary.error_count}",
                             title="tcmcheck summary"))
        return "".join(lines)

    def _annotations(self, result: Result) -> str:
        lang = self.options.lang
        lines = []
        for item in result.indicators:
            if item.status in self.options.fail_on:
                level = "error"
            elif item.status in (Status.FAIL, Status.LAG, Status.NO_DATA):
                level = "warning"
            else:
                continue
            indicator = item.indicator
            message = (f"{item.status.value}: {indicator.name(lang)}: {describe.detail_text(item, lang)}"
                       f" (target {describe.target_text(indicator, lang)}")
            if item.actual is not None:
                message += f"; reported {describe.actual_text(item, lang)} for {item.actual.period}"
            message += ")"
            lines.append(command(level, message, _file(result.source), item.actual.line if item.actual else None,
                                 f"{result.plan.id}.{indicator.id}"))
        lines.extend(_warning(warning, result.source) for warning in result.warnings)
        return "".join(lines)
