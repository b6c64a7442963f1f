"""Names and titles Vega reads literally: field keys without path syntax, one-line titles.

Vega(-Lite) reads a field name with dots or brackets as a path into the datum, and copies
titles into tooltip expressions whose string literals cannot hold line terminators; the
report renames such fields and flattens such titles here (the original names stay as axis
labels).
"""

from __future__ import annotations

import re
from typing import Any

from dvclive_writer.text_safety import terminal_text

_UNSAFE_FIELD = re.compile(r"[^\w\- ]")
_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def plain_text(text: str) -> str:
    """``text`` on one line: C0 controls and U+2028/U+2029 become spaces, then every other
    control, bidi or invisible character an escape (:func:`terminal_text`).

    Vega-Lite copies titles into tooltip expressions, whose string literals cannot hold
    line terminators.
    """
    return terminal_text(_LINE_BREAKING.sub(" ", text))


def label_text(text: str | None) -> str | None:
    """An axis label on one line (:func:`plain_text`), or ``None``."""
    return None if text is None else plain_text(text)


def field_key(name: str) -> str:
    """A field name Vega reads literally: characters other than word characters, ``-`` and
    spaces (``.``, brackets, quotes, line separators...) become ``_``."""
    return _UNSAFE_FIELD.sub("_", name) or "_"


def safe_keys(keys: dict[Any, None]) -> dict[Any, str]:
    """Vega-safe, distinct field names for a plot's columns."""
    mapping: dict[Any, str] = {}
    used: set[str] = set()
    for key in keys:
        candidate = field_key(str(key))
        base, number = candidate, 1
        while candidate in used:
            number += 1
            candidate = f"{base}_{number}"
        used.add(candidate)
        mapping[key] = candidate
    return mapping
