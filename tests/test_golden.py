"""Every output format, pinned: `status` and `summary` on the shipped examples, in English and Chinese.

After a deliberate change to an output, refresh the files and review the diff:

    TCMCHECK_UPDATE_GOLDEN=1 pytest tests/test_golden.py && git diff tests/golden/
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from tcmcheck.cli import main
from tcmcheck.formats import FORMATS

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
SUFFIX = {"markdown": "md", "json": "json", "csv": "csv", "junit": "xml"}
COMMANDS = {
    "status": ("status", "jiangmen", "examples/jiangmen-2024.csv"),
    "summary": ("summary", "examples/"),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_output_matches_golden_file(monkeypatch, fmt, command, lang):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    result = CliRunner().invoke(main, [*COMMANDS[command], "--as-of", "2024-12-31", "--format", fmt, "--lang", lang])
    assert result.exit_code == 1, result.stderr
    path = GOLDEN / f"{command}-{lang}-{fmt}.{SUFFIX.get(fmt, 'txt')}"
    produced = result.stdout_bytes
    if os.environ.get("TCMCHECK_UPDATE_GOLDEN"):
        path.write_bytes(produced)
    assert path.exists(), f"no golden file {path.name}: run with TCMCHECK_UPDATE_GOLDEN=1 to write it"
    assert produced.decode("utf-8") == path.read_bytes().decode("utf-8"), (
        f"{path.name} differs; if the change is deliberate, refresh with TCMCHECK_UPDATE_GOLDEN=1")
