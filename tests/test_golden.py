"""Every output format, pinned: `status` and `summary` on the shipped examples, in English and Chinese.

After a deliberate change to an output, refresh the files and review the diff:

    TCMCHECK_UPDATE_GOLDEN=1 pytest tests/test_golden.py && git diff tests/golden/
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tcmcheck.cli import main
from tcmcheck.formats import FORMATS

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
SUFFIX = {"markdown": "md", "json": "json", "csv": "csv", "junit": "xml", "xlsx": "json", "html": "html"}
BINARY = {"xlsx"}
"""Formats written only with -o. A workbook is pinned by its cells as python-calamine reads them."""
COMMANDS = {
    "status": ("status", "jiangmen", "examples/jiangmen-2024.csv"),
    "summary": ("summary", "examples/"),
    "regions": ("status", "jiangmen", "examples/jiangmen-regions-2024.csv", "--targets",
                "examples/jiangmen-targets-2025.txt"),
}
REGION_FORMATS = ("table", "plain", "markdown", "json", "csv", "junit", "github", "xlsx", "html")
"""The formats pinned on the regional example."""
CASES = [(fmt, command) for command in COMMANDS for fmt in FORMATS if command != "regions" or fmt in REGION_FORMATS]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt,command", sorted(CASES, key=lambda case: FORMATS.index(case[0])))
def test_output_matches_golden_file(monkeypatch, tmp_path, fmt, command, lang):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    report = tmp_path / f"report.{fmt}"
    output = ["-o", str(report)] if fmt in BINARY else []
    result = CliRunner().invoke(main, [*COMMANDS[command], "--as-of", "2024-12-31", "--format", fmt, "--lang", lang,
                                       *output])
    assert result.exit_code == 1, result.stderr
    path = GOLDEN / f"{command}-{lang}-{fmt}.{SUFFIX.get(fmt, 'txt')}"
    produced = workbook_cells(report) if fmt in BINARY else result.stdout_bytes
    if os.environ.get("TCMCHECK_UPDATE_GOLDEN"):
        path.write_bytes(produced)
    assert path.exists(), f"no golden file {path.name}: run with TCMCHECK_UPDATE_GOLDEN=1 to write it"
    assert produced.decode("utf-8") == path.read_bytes().decode("utf-8"), (
        f"{path.name} differs; if the change is deliberate, refresh with TCMCHECK_UPDATE_GOLDEN=1")


def workbook_cells(path: Path) -> bytes:
    """Each sheet's rows of cells, one row a line, as JSON."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    sheets = []
    for name in book.sheet_names:
        cells = book.get_sheet_by_name(name).to_python()
        rows = ",\n".join("  " + json.dumps(row, ensure_ascii=False) for row in cells)
        sheets.append(f" {json.dumps(name, ensure_ascii=False)}: [\n{rows}\n ]")
    return ("{\n" + ",\n".join(sheets) + "\n}\n").encode("utf-8")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("command", ["status", "regions"])
def test_the_table_on_an_80_column_terminal_matches_golden_file(monkeypatch, command, lang):
    """As on a terminal: fitted to 80 columns, worst first (colour off, so that the file reads as text)."""
    from tcmcheck import cli

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(cli, "_to_terminal", lambda output: output is None)
    env = {"COLUMNS": "80", "NO_COLOR": "1", "GITHUB_STEP_SUMMARY": None}
    result = CliRunner().invoke(main, [*COMMANDS[command], "--as-of", "2024-12-31", "--lang", lang], env=env)
    assert result.exit_code == 1, result.stderr
    path = GOLDEN / f"{command}-{lang}-table-80.txt"
    if os.environ.get("TCMCHECK_UPDATE_GOLDEN"):
        path.write_bytes(result.stdout_bytes)
    assert path.exists(), f"no golden file {path.name}: run with TCMCHECK_UPDATE_GOLDEN=1 to write it"
    assert result.stdout_bytes.decode("utf-8") == path.read_bytes().decode("utf-8"), (
        f"{path.name} differs; if the change is deliberate, refresh with TCMCHECK_UPDATE_GOLDEN=1")
