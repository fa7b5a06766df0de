"""The one error hierarchy: every problem with user input carries a code and a location, and its
message as a variant of the catalogue (tcmcheck.messages) with its parameters, said in English or
Chinese when it is shown."""

from __future__ import annotations

from dataclasses import dataclass

from tcmcheck.messages import Phrase, check_problem, problem_templates, render
from tcmcheck.text import visible


@dataclass(frozen=True, init=False)
class Problem:
    """`Problem(code, variant, file, line, column, field, **params)`: the message is the catalogue's
    `variant` of `code`, with `params` (strings, numbers, Phrases, tuples of them)."""

    code: str
    variant: str
    params: tuple[tuple[str, object], ...]
    file: str | None
    line: int | None
    column: int | None
    field: str | None

    def __init__(self, code: str, variant: str, /, file: str | None = None, line: int | None = None,
                 column: int | None = None, field: str | None = None, **params: object):
        check_problem(code, variant, params)
        for name, value in (("code", code), ("variant", variant), ("params", tuple(params.items())), ("file", file),
                            ("line", line), ("column", column), ("field", field)):
            object.__setattr__(self, name, value)

    def __reduce__(self):
        return _problem, (self.code, self.variant, self.params, self.file, self.line, self.column, self.field)

    def text(self, lang: str = "en") -> str:
        """The message alone, in `lang`, as the file gave its text (control characters included)."""
        return render(problem_templates(self.code, self.variant), self.params, lang)

    @property
    def message(self) -> str:
        """The message in English."""
        return self.text("en")

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

    def located(self, lang: str = "en") -> str:
        """`file:line:column: field: code: message`, the message in `lang`, with no control character."""
        location = self.location
        message = visible(self.text(lang))
        return f"{location}: {self.code}: {message}" if location else f"{self.code}: {message}"

    def __str__(self) -> str:
        return self.located("en")


def _problem(code, variant, params, file, line, column, field) -> Problem:
    return Problem(code, variant, file, line, column, field, **dict(params))


class TcmcheckError(Exception):
    """Input that can't be used. Holds one or more located problems."""

    def __init__(self, *problems: Problem, omitted: int = 0):
        if not problems:
            raise ValueError("TcmcheckError needs at least one problem")
        self.problems = problems
        self.omitted = omitted
        super().__init__(problems[0])

    def __reduce__(self):
        return self.__class__, self.problems, {"omitted": self.omitted}

    def text(self, lang: str = "en") -> str:
        """Each problem on a line of its own, in `lang`, then how many more there were."""
        lines = [p.located(lang) for p in self.problems]
        if self.omitted:
            lines.append(Phrase.of("more-problems", count=self.omitted).text(lang))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text("en")


class PlanError(TcmcheckError):
    """A plan spec can't be found, read or validated."""


class ActualsError(TcmcheckError):
    """A submission CSV can't be read."""


class UsageError(TcmcheckError):
    """A command-line value can't be used."""


class InvalidValue(ValueError):
    """A single value (a number, grade, yes/no or period) that can't be read, and why: `reason`, a Phrase;
    the reader adds its location."""

    def __init__(self, key: str, /, **params: object):
        self.reason = Phrase.of(key, **params)
        super().__init__(key)

    def __reduce__(self):
        return _invalid_value, (type(self), self.reason)

    def __str__(self) -> str:
        return self.reason.text("en")


def _invalid_value(cls, reason: Phrase) -> InvalidValue:
    return cls(reason.key, **dict(reason.params))
