"""The one error hierarchy: every problem with user input carries a code and a location."""

from __future__ import annotations

from dataclasses import dataclass

from tcmcheck.text import visible


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None

    @property
    def location(self) -> str:
        parts = [visible(self.file)] if self.file else []
        if self.file and self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        text = ":".join(parts)
        if self.field:
            text = f"{text}: {visible(self.field)}" if text else visible(self.field)
        return text

    def __str__(self) -> str:
        location = self.location
        message = visible(self.message)
        return f"{location}: {self.code}: {message}" if location else f"{self.code}: {message}"


class TcmcheckError(Exception):
    """Input that can't be used. Holds one or more located problems."""

    def __init__(self, *problems: Problem, omitted: int = 0):
        if not problems:
            raise ValueError("TcmcheckError needs at least one problem")
        self.problems = problems
        self.omitted = omitted
        super().__init__(str(problems[0]))

    def __reduce__(self):
        return self.__class__, self.problems, {"omitted": self.omitted}

    def __str__(self) -> str:
        lines = [str(p) for p in self.problems]
        if self.omitted:
            lines.append(f"... and {self.omitted} more problems")
        return "\n".join(lines)


class PlanError(TcmcheckError):
    """A plan spec can't be found, read or validated."""


class ActualsError(TcmcheckError):
    """A submission CSV can't be read."""


class UsageError(TcmcheckError):
    """A command-line value can't be used."""


class InvalidValue(ValueError):
    """A single value (a number, grade, yes/no or period) that can't be read; the reader adds its location."""
