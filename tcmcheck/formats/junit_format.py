"""JUnit XML for CI servers, valid against the Jenkins xunit `junit-10.xsd` that GitLab, Jenkins and
pytest read: one testsuite per (file, plan), one testcase per indicator (and for `status`, per
indicator and region with a status) with a name unique in the report, the case's facts in its `system-out`, and the submission's warnings in the suite's `system-err`."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tcmcheck import describe
from tcmcheck.formats import shared
from tcmcheck.formats.interface import Formatter
from tcmcheck.result import Outcome, Result, Status, Summary
from tcmcheck.text import visible, xml_safe


def _text(value: str) -> str:
    """Text from a file, with its control characters shown and only characters XML 1.0 allows."""
    return xml_safe(visible(value))


class JunitFormatter(Formatter):
    def status(self, result: Result) -> str:
        root = ET.Element("testsuites", name="tcmcheck")
        self._suite(root, result, prefix="", regional=True)
        return _finish(root)

    def summary(self, summary: Summary) -> str:
        root = ET.Element("testsuites", name="tcmcheck")
        for outcome in self.files(summary):
            if outcome.error is not None:
                _error_suite(root, outcome, self.options.lang)
            else:
                self._suite(root, outcome.result, prefix=f"{outcome.source}: ")
        return _finish(root)

    def _suite(self, root: ET.Element, result: Result, prefix: str, regional: bool = False) -> None:
        """`regional`: after the city's cases, one per (indicator, region) with a status, named
        `plan.indicator[region]`."""
        plan = result.plan
        lang = self.options.lang
        fail_on = self.options.fail_on
        cases = [(item, None) for item in self.rows(result.indicators)]
        if regional:
            cases += [(row.item, row.region) for row in shared.region_rows(result, self.options)]
        failures = sum(1 for item, _ in cases if item.status in fail_on)
        skipped = sum(1 for item, _ in cases if item.status is Status.NO_DATA and item.status not in fail_on)
        suite = ET.SubElement(root, "testsuite", name=_text(f"{prefix}{plan.id}"), tests=str(len(cases)),
                              failures=str(failures), errors="0", skipped=str(skipped), time="0",
                              timestamp=f"{result.as_of.isoformat()}T00:00:00")
        properties = ET.SubElement(suite, "properties")
        for name, value in (("plan", plan.id), ("city", plan.city(lang)), ("title", plan.title),
                            ("submission", result.source), ("as_of", result.as_of.isoformat())):
            ET.SubElement(properties, "property", name=name, value=_text(value))
        for item, region in cases:
            indicator = item.indicator
            report = item.actual
            where = "" if region is None else f"[{region}]"
            case = ET.SubElement(suite, "testcase", classname=_text(f"tcmcheck.{plan.id}"),
                                 name=_text(f"{prefix}{plan.id}.{indicator.id}{where}"), time="0")
            facts = {
                **({} if region is None else {"region": region}),
                "name": indicator.name(lang),
                "target": describe.target_text(indicator, lang),
                "actual": describe.actual_text(item, lang),
                "period": describe.period_text(report),
                "line": str(report.line) if report and report.line is not None else "",
                "status": item.status.value,
                "detail": describe.detail_text(item, lang),
                "late": "yes" if item.late else "no",
                "report": indicator.report(lang) or "",
            }
            message = _text(f"{item.status.value}: {'' if region is None else region + ': '}{facts['detail']}")
            text = "".join(f"{key}: {_text(value) or '-'}\n" for key, value in facts.items())
            if item.status in fail_on:
                ET.SubElement(case, "failure", message=message, type=item.status.value).text = text
            elif item.status is Status.NO_DATA:
                ET.SubElement(case, "skipped", message=message)
            ET.SubElement(case, "system-out").text = text
        if result.warnings:
            ET.SubElement(suite, "system-err").text = "".join(f"warning: {_text(w.located(lang))}\n"
                                                              for w in result.warnings)


def _error_suite(root: ET.Element, outcome: Outcome, lang: str) -> None:
    suite = ET.SubElement(root, "testsuite", name=_text(f"{outcome.source}: {outcome.plan_id or 'unknown plan'}"),
                          tests="1", failures="0", errors="1", skipped="0", time="0")
    case = ET.SubElement(suite, "testcase", classname="tcmcheck", name=_text(f"{outcome.source}: readable"), time="0")
    first = outcome.error.problems[0]
    ET.SubElement(case, "error", message=_text(f"{first.code}: {first.text(lang)}"), type=first.code).text = \
        "".join(_text(line) + "\n" for line in outcome.error.text(lang).splitlines())


def _finish(root: ET.Element) -> str:
    for total in ("tests", "failures", "errors"):
        root.set(total, str(sum(int(suite.get(total)) for suite in root)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
