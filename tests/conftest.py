from __future__ import annotations

from pathlib import Path

import pytest

from tcmcheck.spec import load_plan

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def sample_plan():
    return load_plan(DATA / "sample.yaml")
