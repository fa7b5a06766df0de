from __future__ import annotations

import os
from pathlib import Path

import pytest

from tcmcheck.spec import load_plan

DATA = Path(__file__).parent / "data"

# tcmcheck speaks the locale's language unless --lang says otherwise; the tests expect English unless they
# set a Chinese locale themselves, whatever the machine's locale is.
for _name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"


@pytest.fixture(scope="session")
def sample_plan():
    return load_plan(DATA / "sample.yaml")
