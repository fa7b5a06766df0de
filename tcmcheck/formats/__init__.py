"""Output formats: one module each, behind the Formatter interface, chosen by name with --format."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tcmcheck.formats.interface import Formatter, RenderOptions

_FORMATTERS = {
    "table": "table_format:TableFormatter",
    "plain": "plain_format:PlainFormatter",
    "markdown": "markdown_format:MarkdownFormatter",
    "json": "json_format:JsonFormatter",
    "csv": "csv_format:CsvFormatter",
    "junit": "junit_format:JunitFormatter",
    "github": "github_format:GithubFormatter",
    "xlsx": "xlsx_format:XlsxFormatter",
    "html": "html_format:HtmlFormatter",
}
FORMATS = tuple(_FORMATTERS)


def formatter(name: str, options: RenderOptions) -> Formatter:
    """A new writer for one run in format `name`."""
    try:
        module, cls = _FORMATTERS[name].split(":")
    except KeyError:
        raise ValueError(f"unknown format {name!r}") from None
    return getattr(importlib.import_module(f"tcmcheck.formats.{module}"), cls)(options)
