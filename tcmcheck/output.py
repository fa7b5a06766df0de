"""Write a report without losing anything: atomic replacement, never over an input file, and no
temporary file left behind when the write fails or is interrupted."""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path

from tcmcheck.errors import Problem, UsageError
from tcmcheck.messages import os_reason


def identity(path: str) -> tuple[int, int] | None:
    """The device and inode of the file at `path` (links followed), or None when there is none."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def refuse_inputs(path: str, inputs: tuple[str, ...]) -> None:
    """Refuse to write `path` when it is one of `inputs`: the same file, however it is spelt."""
    target = identity(path)
    if target is None:
        return
    for given in inputs:
        if given != "-" and identity(given) == target:
            raise UsageError(Problem("output-is-input", "input", path, field="-o", path=given))


def write_atomic(path: str, text: str | bytes, inputs: tuple[str, ...] = (), overwrite: bool = True) -> None:
    """Write `text` as UTF-8 (bytes as they are) to a temporary file beside `path`, then rename it into
    place. A new file gets the mode the umask gives; a replaced one keeps its mode."""
    import tempfile

    refuse_inputs(path, inputs)
    target = Path(path)
    if not overwrite and target.exists():
        raise UsageError(Problem("output-exists", "exists", path, field="-o"))
    directory = target.parent if str(target.parent) else Path(".")
    temporary = None
    try:
        mode = _mode(path)
        with interrupts_held():
            handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
        binary = isinstance(text, bytes)
        with os.fdopen(handle, "wb") if binary else os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            os.chmod(stream.fileno() if os.chmod in os.supports_fd else temporary, mode)
            stream.write(text)
        with interrupts_held():
            os.replace(temporary, target)
            temporary = None
    except OSError as exc:
        raise UsageError(Problem("output-unwritable", "os", path, field="-o", reason=os_reason(exc))) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _mode(path: str) -> int:
    try:
        return os.stat(path).st_mode & 0o7777
    except (OSError, ValueError):
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def interrupts_held():
    """Ctrl-C (SIGINT) waits until the step inside is done: a temporary file is made or renamed, a
    worker process forked, with what knows of it kept up to date."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
