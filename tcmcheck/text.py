"""Text that came from a file, made harmless before it reaches a terminal, a log or a report."""

from __future__ import annotations

import re

QUOTED_LENGTH = 60
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""What XML 1.0 leaves out of its Char production, listed: its complement takes milliseconds to compile."""


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """C0 and C1 control characters and DEL written as `\\x1b`; a line break included."""
    return _CONTROL.sub(_escape, text) if _CONTROL.search(text) else text


def xml_safe(text: str) -> str:
    """Only characters XML 1.0 allows; others written as `\\x01` or `\\ufffe`."""
    return _NOT_XML.sub(_escape, text) if _NOT_XML.search(text) else text


def quoted(text: str) -> str:
    """Text from a cell, quoted for a message: a long one cut to its start, then its length."""
    if len(text) <= QUOTED_LENGTH:
        return repr(text)
    return f"{text[:QUOTED_LENGTH]!r}… ({len(text):,} characters)"
