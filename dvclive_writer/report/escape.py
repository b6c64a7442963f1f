"""Escaping for text taken from a run: HTML text and JSON inside an inline ``<script>``."""

from __future__ import annotations

import html
import json
from typing import Any

#: Characters that could end or confuse a ``<script>`` element, or JavaScript string
#: literals, when a JSON document is placed inline. ``json.dumps`` escapes U+2028/U+2029
#: itself (``ensure_ascii``); ``<`` covers ``</script>`` and ``<!--``.
_SCRIPT_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def html_text(value: object) -> str:
    """``str(value)`` escaped for HTML text and attribute values (quotes included)."""
    return html.escape(str(value), quote=True)


def script_json(value: Any) -> str:
    """``value`` as a JavaScript literal that is safe inside an inline ``<script>``.

    Non-finite floats stay ``NaN``/``Infinity`` (valid JavaScript, as in dvclive's report);
    every ``<``, ``>`` and ``&`` becomes a ``\\u`` escape, so no run-supplied string can
    close the script element or open an HTML comment.
    """
    text = json.dumps(value, ensure_ascii=True, allow_nan=True, separators=(",", ":"))
    return text.translate(_SCRIPT_UNSAFE)


def markdown_text(value: object) -> str:
    """``str(value)`` for Markdown link text: brackets and newlines neutralised."""
    text = str(value).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return " ".join(text.splitlines())
