"""JUnit XML: one testcase per indicator, for CI servers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tcmcheck import describe
from tcmcheck.formats import RenderOptions
from tcmcheck.result import Result, Status


def render(result: Result, options: RenderOptions) -> str:
    plan = result.plan
    lang = options.lang
    failures = sum(1 for item in result.indicators if item.status in options.fail_on)
    skipped = sum(1 for item in result.indicators
                  if item.status is Status.NO_DATA and item.status not in options.fail_on)
    suites = ET.Element("testsuites", name="tcmcheck", tests=str(len(result.indicators)),
                        failures=str(failures), errors="0", skipped=str(skipped))
    suite = ET.SubElement(suites, "testsuite", name=f"{plan.id} ({result.source})",
                          tests=str(len(result.indicators)), failures=str(failures), errors="0",
                          skipped=str(skipped), timestamp=result.as_of.isoformat())
    for item in result.indicators:
        indicator = item.indicator
        case = ET.SubElement(suite, "testcase", classname=f"tcmcheck.{plan.id}",
                             name=f"{plan.id}.{indicator.id} {indicator.name(lang)}", time="0")
        report = item.actual
        message = f"{item.status.value}: {describe.detail_text(item, lang)}"
        facts = (f"target: {describe.target_text(indicator, lang)}\n"
                 f"actual: {describe.actual_text(item, lang) or '-'}"
                 f" ({describe.period_text(report) or '-'})\n"
                 f"status: {item.status.value}\n{message}\n")
        if item.status in options.fail_on:
            ET.SubElement(case, "failure", message=message, type=item.status.value).text = facts
        elif item.status is Status.NO_DATA:
            ET.SubElement(case, "skipped", message=message)
        ET.SubElement(case, "system-out").text = facts
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
