"""Builders for engine tests (indicators and reports without YAML or CSV), and the LibreOffice the spreadsheet
tests drive."""

from __future__ import annotations

import os
import shutil

import pytest

from tcmcheck.result import Report
from tcmcheck.model import Baseline, Indicator, Milestone, Scale
from tcmcheck.periods import parse_period

PERFORMANCE = Scale("performance", ("D", "C", "B", "B+", "A", "A+", "A++"))


def milestone(due, **fields) -> Milestone:
    return Milestone(due=parse_period(due), **fields)


def indicator(kind="threshold", op=">=", milestones=None, baseline=None, **fields) -> Indicator:
    if milestones is None:
        milestones = (milestone(2025, value=25),)
    if baseline is not None:
        baseline = Baseline(parse_period(baseline[0]), baseline[1])
    unit = {"grade": "grade", "milestone": "yes_no"}.get(kind, "percent")
    return Indicator(id="x", name_zh="指标", name_en="indicator", section="s", quote="q", kind=kind,
                     unit=fields.pop("unit", unit), milestones=tuple(milestones),
                     op=op if kind in ("threshold", "maintain", "annual", "increase") else None,
                     baseline=baseline, **fields)


def reports(*pairs) -> list[Report]:
    """reports(("2023", 20), ("2024", 22)) with line numbers 2, 3, ..."""
    return [Report("x", parse_period(p), v, line) for line, (p, v) in enumerate(pairs, start=2)]


def soffice() -> str:
    """LibreOffice's command: a test that needs it fails in CI without it, and is skipped elsewhere."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail("LibreOffice (soffice) is missing in CI; .ci/run installs libreoffice-calc-nogui")
    pytest.skip("LibreOffice (soffice) is not installed here; this test runs in CI, where .ci/run installs it")
