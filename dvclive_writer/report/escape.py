"""Escaping for text taken from a run: HTML text, Markdown, and JSON inside a ``<script>``.

Each function first makes the text terminal-safe with
:func:`dvclive_writer.text_safety.terminal_text` (controls, bidi overrides and invisible
characters become visible escapes), then escapes for its format: a report shows a metric
name the way every other view does.
"""

from __future__ import annotations

import html
import json
from typing import Any

from dvclive_writer.text_safety import terminal_text

#: Characters that could end or confuse a ``<script>`` element, or JavaScript string
#: literals, when a JSON document is placed inline. ``json.dumps`` escapes U+2028/U+2029
#: itself (``ensure_ascii``); ``<`` covers ``</script>`` and ``<!--``.
_SCRIPT_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def html_text(value: object) -> str:
    """``str(value)`` escaped for HTML text and attribute values (quotes included)."""
    return html.escape(terminal_text(value), quote=True)


def script_json(value: Any) -> str:
    """``value`` as a JavaScript literal that is safe inside an inline ``<script>``.

    Non-finite floats stay ``NaN``/``Infinity`` (valid JavaScript, as in dvclive's report);
    every ``<``, ``>`` and ``&`` becomes a ``\\u`` escape, so no run-supplied string can
    close the script element or open an HTML comment.
    """
    text = json.dumps(value, ensure_ascii=True, allow_nan=True, separators=(",", ":"))
    return text.translate(_SCRIPT_UNSAFE)


def markdown_text(value: object) -> str:
    """``str(value)`` for Markdown link text: one line, brackets neutralised, escaped."""
    text = " ".join(str(value).splitlines())
    text = terminal_text(text).replace("\\", "\\\\")
    return text.replace("[", "\\[").replace("]", "\\]")
