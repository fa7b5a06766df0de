"""The console script. It is a module of its own so that Ctrl-C is handled from the first moment the
script runs: until the command starts, an interrupt ends the process at once with exit 130; while
it runs, the first interrupt raises KeyboardInterrupt, so that temporary files are removed and
worker processes stopped, and any further one ends the process at once.

Standard output and error are wrapped so that a failed write can't be mistaken for a finding: a
closed pipe ends the run quietly with 141 (as SIGPIPE would), any other write error exits 2, said in
one line on stderr when that can be written. Text the encoding of standard output can't hold is
written as backslash escapes (‱ as \\u2031)."""

import os
import signal

EXIT_INPUT = 2
EXIT_INTERRUPTED = 130
EXIT_CLOSED_PIPE = 141


def _end(signum, frame):
    os._exit(EXIT_INTERRUPTED)


signal.signal(signal.SIGINT, _end)

import io  # noqa: E402 (the handler comes first)
import sys  # noqa: E402


def _interrupt_once(signum, frame):
    signal.signal(signal.SIGINT, _end)
    raise KeyboardInterrupt


class OutputFailed(Exception):
    """Standard output or error could not be written. Not an OSError, so that click passes it on
    rather than ending the run with its own exit code."""

    def __init__(self, error: OSError, stream: str):
        super().__init__(error)
        self.error, self.stream = error, stream


class _Stream:
    """sys.stdout or sys.stderr, with write errors raised as OutputFailed. Its binary buffer is not
    offered, so that everything written passes through here."""

    def __init__(self, stream, name: str):
        self._stream, self._name = stream, name

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise OutputFailed(exc, self._name) from None

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise OutputFailed(exc, self._name) from None

    def __getattr__(self, name: str):
        if name == "buffer":
            raise AttributeError(name)
        return getattr(self._stream, name)


class _Closed:
    """Stands in for a standard stream the process was started without (`>&-`): what is written to
    standard output fails, what is written to standard error is lost."""

    encoding = "utf-8"
    errors = "backslashreplace"
    closed = False

    def __init__(self, name: str):
        self._name = name

    def write(self, text: str) -> int:
        if text and self._name == "<stdout>":
            import errno

            raise OutputFailed(OSError(errno.EBADF, "standard output is closed"), self._name)
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True


_kept: list[BaseException] = []
"""How the command ended: its SystemExit holds its frames, so their data is not freed before the exit."""


def run() -> None:
    """Run the command line and end the process with its exit code, once output is flushed, without
    the interpreter's teardown, which would free every object one by one. One run is short and its
    data holds no reference cycles, so Python's cycle collector would only spend time: it is off."""
    import gc

    gc.disable()
    from tcmcheck.cli import main

    _wrap_streams()
    signal.signal(signal.SIGINT, _interrupt_once)
    try:
        code = _invoke(main)
    except KeyboardInterrupt:
        code = EXIT_INTERRUPTED
    signal.signal(signal.SIGINT, _end)
    code = _flushed(code)
    os._exit(code)


def _wrap_streams() -> None:
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            setattr(sys, name, _Closed(f"<{name}>"))
            continue
        if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
        if isinstance(stream, io.TextIOWrapper) and isinstance(stream.buffer, io.RawIOBase):
            # Unbuffered (PYTHONUNBUFFERED, -u): a text write is one raw write, and what a partial write
            # leaves over, as when the reader of a pipe goes away, would be dropped without an error.
            stream = io.TextIOWrapper(io.BufferedWriter(stream.buffer), encoding=stream.encoding,
                                      errors=stream.errors, line_buffering=stream.line_buffering, write_through=True)
        setattr(sys, name, _Stream(stream, f"<{name}>"))


def _invoke(main) -> int:
    import click

    try:
        returned = main(standalone_mode=False)
    except SystemExit as exc:
        _kept.append(exc)
        code = exc.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        _say(str(code))
        return EXIT_INPUT
    except click.exceptions.Abort as exc:
        return EXIT_INTERRUPTED if isinstance(exc.__cause__, KeyboardInterrupt) else EXIT_INPUT
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except OutputFailed as exc:
        _kept.append(exc)
        return _output_failed(exc)
    except Exception:
        import traceback

        from tcmcheck.messages import Phrase

        _say(traceback.format_exc().rstrip("\n"))
        _say(Phrase.of("crashed").text(_lang()))
        return EXIT_INPUT
    return returned if isinstance(returned, int) else 0


def _flushed(code: int) -> int:
    failed = _kept[-1] if _kept and isinstance(_kept[-1], OutputFailed) else None
    for name in ("<stdout>", "<stderr>"):
        if failed is not None and failed.stream == name:
            continue  # a failed write is said once
        try:
            (sys.stdout if name == "<stdout>" else sys.stderr).flush()
        except OutputFailed as exc:
            failed = exc
            code = _output_failed(exc)
    return code


def _output_failed(failure: OutputFailed) -> int:
    """A closed pipe ends the run quietly; any other failed write is said on stderr, if it can be."""
    if isinstance(failure.error, BrokenPipeError):
        return EXIT_CLOSED_PIPE
    if failure.stream == "<stdout>":
        from tcmcheck.errors import Problem
        from tcmcheck.messages import os_reason

        _say(Problem("output-unwritable", "os", "<stdout>", reason=os_reason(failure.error)).located(_lang()))
    return EXIT_INPUT


def _lang() -> str:
    """The language of the run's messages: its --lang, else the locale's."""
    from tcmcheck.cli import last_run_lang

    return last_run_lang()


def _say(line: str) -> None:
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, OutputFailed):
        pass
