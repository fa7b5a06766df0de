"""JUnit XML for CI servers: one testcase per indicator, each with a name unique in the report."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tcmcheck import describe
from tcmcheck.formats import RenderOptions
from tcmcheck.result import Outcome, Result, Status, Summary


def render(result: Result, options: RenderOptions) -> str:
    root = ET.Element("testsuites", name="tcmcheck")
    _suite(root, result, options, prefix="")
    return _finish(root)


def render_summary(summary: Summary, options: RenderOptions) -> str:
    root = ET.Element("testsuites", name="tcmcheck")
    for outcome in summary.outcomes:
        if outcome.error is not None:
            _error_suite(root, outcome)
        else:
            _suite(root, outcome.result, options, prefix=f"{outcome.source}: ")
    return _finish(root)


def _finish(root: ET.Element) -> str:
    for total in ("tests", "failures", "errors", "skipped"):
        root.set(total, str(sum(int(suite.get(total)) for suite in root)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(root: ET.Element, result: Result, options: RenderOptions, prefix: str) -> None:
    plan = result.plan
    lang = options.lang
    failures = sum(1 for item in result.indicators if item.status in options.fail_on)
    skipped = sum(1 for item in result.indicators
                  if item.status is Status.NO_DATA and item.status not in options.fail_on)
    suite = ET.SubElement(root, "testsuite", name=f"{prefix}{plan.id}", tests=str(len(result.indicators)),
                          failures=str(failures), errors="0", skipped=str(skipped),
                          timestamp=f"{result.as_of.isoformat()}T00:00:00")
    for item in result.indicators:
        indicator = item.indicator
        report = item.actual
        case = ET.SubElement(suite, "testcase", classname=f"tcmcheck.{plan.id}",
                             name=f"{prefix}{plan.id}.{indicator.id}", time="0")
        facts = {
            "name": indicator.name(lang),
            "target": describe.target_text(indicator, lang),
            "actual": describe.actual_text(item, lang),
            "period": describe.period_text(report),
            "line": str(report.line) if report else "",
            "status": item.status.value,
            "detail": describe.detail_text(item, lang),
        }
        properties = ET.SubElement(case, "properties")
        for key, value in facts.items():
            ET.SubElement(properties, "property", name=key, value=value)
        message = f"{item.status.value}: {facts['detail']}"
        text = "".join(f"{key}: {value or '-'}\n" for key, value in facts.items())
        if item.status in options.fail_on:
            ET.SubElement(case, "failure", message=message, type=item.status.value).text = text
        elif item.status is Status.NO_DATA:
            ET.SubElement(case, "skipped", message=message)
        ET.SubElement(case, "system-out").text = text


def _error_suite(root: ET.Element, outcome: Outcome) -> None:
    suite = ET.SubElement(root, "testsuite", name=f"{outcome.source}: {outcome.plan_id or 'unknown plan'}",
                          tests="1", failures="0", errors="1", skipped="0")
    case = ET.SubElement(suite, "testcase", classname="tcmcheck", name=f"{outcome.source}: readable", time="0")
    first = outcome.error.problems[0]
    ET.SubElement(case, "error", message=f"{first.code}: {first.message}", type=first.code).text = str(outcome.error)
