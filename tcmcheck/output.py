"""Write a report without losing anything: atomic replacement, and never over an input file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from tcmcheck.errors import Problem, UsageError


def write_atomic(path: str, text: str, inputs: tuple[str, ...] = (), overwrite: bool = True) -> None:
    target = Path(path)
    for given in inputs:
        if given != "-" and Path(given).exists() and target.exists() and target.resolve() == Path(given).resolve():
            raise UsageError(Problem("output-is-input", f"refusing to overwrite the input file {given}", path, field="-o"))
    if not overwrite and target.exists():
        raise UsageError(Problem("output-exists", "already exists; pass --force to replace it", path, field="-o"))
    directory = target.parent if str(target.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except OSError as exc:
        if "temporary" in locals() and os.path.exists(temporary):
            os.unlink(temporary)
        raise UsageError(Problem("output-unwritable", exc.strerror or str(exc), path, field="-o")) from None
