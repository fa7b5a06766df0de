"""GitHub Actions workflow commands: annotations on the CSV lines the findings concern, within what
GitHub shows of a step (10 of each kind), the most serious first, and a final notice that counts
everything and says how many findings were left out."""

from __future__ import annotations

from tcmcheck import describe
from tcmcheck.errors import Problem
from tcmcheck.formats import shared
from tcmcheck.formats.interface import Formatter, worst_first
from tcmcheck.result import IndicatorResult, Outcome, Result, Status, Summary
from tcmcheck.text import visible

LIMIT = 10
"""Annotations of each kind (error, warning, notice) GitHub shows for one step; it drops the rest."""


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


def _warning(warning: Problem, source: str, lang: str) -> str:
    return command("warning", warning.text(lang), _file(warning.file or source), warning.line,
                   f"tcmcheck {warning.code}")


class GithubFormatter(Formatter):
    """Errors are the unusable files' problems, then the indicators whose status is in --fail-on, worst
    first; warnings the other fail indicators, the submissions' warnings, then lag indicators; the no-data
    indicators of each file are one notice (an error when --fail-on names no-data). A region's fail or lag
    (`status` only) follows the city's findings of its status. Within a kind, files keep their order."""

    def __init__(self, options):
        super().__init__(options)
        self._errors: list[tuple[float, str]] = []
        self._warnings: list[tuple[float, str]] = []
        self._notices: list[str] = []

    def status(self, result: Result) -> str:
        self._annotate(result)
        self._annotate_regions(result)
        return self._finish(shared.summary_line(result, self.options.lang), f"tcmcheck {result.plan.id}")

    def summary(self, summary: Summary) -> str:
        lang = self.options.lang
        for outcome in self.files(summary):
            if outcome.error is not None:
                self._problems(outcome)
            else:
                self._annotate(outcome.result)
        count = len(summary.outcomes)
        counts = shared.counts_text(summary.totals, lang)
        if lang == "zh":
            text = f"{count}个文件：{counts}；出错 {summary.error_count}"
        else:
            text = f"{count} submissions: {counts}; errors {summary.error_count}"
        return self._finish(text, "tcmcheck summary")

    def _problems(self, outcome: Outcome) -> None:
        for problem in outcome.error.problems:
            self._errors.append((-1, command("error", problem.text(self.options.lang),
                                             _file(problem.file or outcome.source),
                                             problem.line, problem.code)))

    def _annotate(self, result: Result) -> None:
        fail_on = self.options.fail_on
        only = self.options.only
        shown = [item for item in result.indicators if only is None or item.status in only]
        for item in shown:
            if item.status is Status.NO_DATA:
                continue
            if item.status in fail_on:
                self._errors.append((worst_first(item.status), self._finding("error", item, result)))
            elif item.status in (Status.FAIL, Status.LAG):
                rank = 0 if item.status is Status.FAIL else 2
                self._warnings.append((rank, self._finding("warning", item, result)))
        missing = [item.indicator.id for item in shown if item.status is Status.NO_DATA]
        if missing:
            notice = self._no_data(missing, result)
            if Status.NO_DATA in fail_on:
                self._errors.append((worst_first(Status.NO_DATA), notice))
            else:
                self._notices.append(notice)
        self._warnings.extend((1, _warning(warning, result.source, self.options.lang)) for warning in result.warnings)

    def _annotate_regions(self, result: Result) -> None:
        """Each region's fail and lag, after the city's findings of the same status."""
        fail_on = self.options.fail_on
        for row in shared.region_rows(result, self.options):
            item = row.item
            if item.status in fail_on:
                self._errors.append((worst_first(item.status) + 0.5, self._finding("error", item, result, row.region)))
            elif item.status in (Status.FAIL, Status.LAG):
                rank = 0.5 if item.status is Status.FAIL else 2.5
                self._warnings.append((rank, self._finding("warning", item, result, row.region)))

    def _finding(self, level: str, item: IndicatorResult, result: Result, region: str | None = None) -> str:
        """`region`: the finding is that region's, on its own target."""
        lang = self.options.lang
        indicator = item.indicator
        detail = describe.detail_text(item, lang)
        target = describe.target_text(indicator, lang)
        where = "" if region is None else region + ("：" if lang == "zh" else ": ")
        if lang == "zh":
            message = f"{item.status.zh}：{where}{indicator.name(lang)}：{detail}（目标 {target}"
            if item.actual is not None:
                message += f"；报送 {describe.actual_text(item, lang)}（{item.actual.period}）"
            message += "）"
        else:
            message = f"{item.status.value}: {where}{indicator.name(lang)}: {detail} (target {target}"
            if item.actual is not None:
                message += f"; reported {describe.actual_text(item, lang)} for {item.actual.period}"
            message += ")"
        report = item.actual
        return command(level, message, _file(report.source if report and report.source else result.source),
                       report.line if report else None,
                       f"{result.plan.id}.{indicator.id}" + ("" if region is None else f"[{region}]"))

    def _no_data(self, ids: list[str], result: Result) -> str:
        lang = self.options.lang
        level = "error" if Status.NO_DATA in self.options.fail_on else "notice"
        as_of = result.as_of.isoformat()
        if lang == "zh":
            message = f"{len(ids)}项指标截至{as_of}未报送：{'、'.join(ids)}"
        else:
            message = f"{len(ids)} indicator(s) with no report by {as_of}: {', '.join(ids)}"
        return command(level, message, _file(result.source), None,
                       f"{result.plan.id} {Status.NO_DATA.label(lang)}")

    def _finish(self, counts: str, title: str) -> str:
        """The annotations GitHub shows, then the notice that counts everything, naming what was left out."""
        errors = [text for _, text in sorted(self._errors, key=lambda entry: entry[0])]
        warnings = [text for _, text in sorted(self._warnings, key=lambda entry: entry[0])]
        kept = (errors[:LIMIT], warnings[:LIMIT], self._notices[:LIMIT - 1])
        left = (len(errors) - len(kept[0]), len(warnings) - len(kept[1]), len(self._notices) - len(kept[2]))
        if any(left):
            if self.options.lang == "zh":
                parts = "、".join(f"{kind}{count}条" for kind, count in zip(("错误", "警告", "提示"), left) if count)
                counts += f"；GitHub每步每类最多显示{LIMIT}条标注，未标注：{parts}"
            else:
                parts = ", ".join(f"{count} {kind}(s)" for kind, count in zip(("error", "warning", "notice"), left)
                                  if count)
                counts += f"; not annotated, as GitHub shows {LIMIT} of each kind per step: {parts}"
        return "".join(kept[0] + kept[1] + kept[2]) + command("notice", counts, title=title)
