"""The README's tables and commands say what tcmcheck really does."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tcmcheck.cli import main
from tcmcheck.spec import builtin_ids, load_builtin

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end]


def table_rows(text: str) -> list[list[str]]:
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in text.splitlines() if line.startswith("|")]
    return [row for row in rows[2:]]


def test_built_in_plans_table_lists_every_plan_with_its_indicator_count():
    rows = {row[0].strip("`"): row for row in table_rows(section("Built-in plans"))}
    assert sorted(rows) == builtin_ids()
    for plan_id, row in rows.items():
        plan = load_builtin(plan_id)
        assert int(row[-1]) == len(plan.indicators), plan_id
        assert plan.city_zh in row[1]


EXAMPLE_ROWS = table_rows(section("Examples"))


@pytest.mark.parametrize("row", EXAMPLE_ROWS, ids=[f"{r[0]}@{r[2]}" for r in EXAMPLE_ROWS])
def test_examples_table_gives_the_counts_tcmcheck_reports(monkeypatch, row):
    monkeypatch.chdir(ROOT)
    path = re.match(r"`([^`]+)`", row[0]).group(1)
    result = CliRunner().invoke(main, ["status", row[1], path, "--as-of", row[2], "--format", "json"])
    counts = json.loads(result.stdout)["summary"]
    assert [counts[s] for s in ("pass", "on-track", "lag", "fail", "no-data")] == [int(c) for c in row[3:8]]
