"""Output formats: one module each, every one a `render(result, options) -> str`, chosen by --format."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable

from tcmcheck.result import Outcome, Result, Status, Summary

FORMATS = ("table", "plain", "markdown", "json", "csv", "junit", "github")


@dataclass(frozen=True)
class RenderOptions:
    lang: str = "en"
    color: bool = False
    width: int = 160
    fail_on: frozenset[Status] = field(default=frozenset({Status.FAIL}))


def _module(name: str):
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    return importlib.import_module(f"tcmcheck.formats.{name}_format")


def render(name: str, result: Result, options: RenderOptions) -> str:
    """A `status` report."""
    return _module(name).render(result, options)


def outcome_preparer(name: str) -> Callable[[Outcome], None] | None:
    """The format's way to start on a summary's files while others are still being checked, if it has one."""
    return getattr(_module(name), "prepare_outcome", None)


def render_summary(name: str, summary: Summary, options: RenderOptions) -> str:
    """A `summary` report over many submissions."""
    return _module(name).render_summary(summary, options)
