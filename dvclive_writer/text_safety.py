"""The one escaping function for text taken from a run and shown to a person.

Metric names, param keys and values, image and plot names, file paths and error messages
come from files other processes wrote. Printed raw, they could move the cursor, clear the
screen, set the window title, write the clipboard (OSC 52), reorder a line (bidi overrides)
or hide characters (zero-width joiners). :func:`terminal_text` makes any of them harmless and
visible: every control character becomes a ``\\xNN`` / ``\\uNNNN`` / ``\\UNNNNNNNN`` escape,
which also breaks every ESC/CSI/OSC/DCS sequence (their introducers are controls). Every
human-readable output of both packages (listings, snapshots, the dashboard, tables, CSV
and Markdown output, ``report.md``, one-line errors) goes through it; HTML goes through
:func:`dvclive_writer.report.escape.html_text`, which calls it too.

Escaped: Unicode categories Cc (C0, DEL, C1), Cf (bidi embeddings, overrides and isolates,
zero-width spaces and joiners, the BOM, invisible operators, tag characters), Zl and Zp
(line and paragraph separators) and Cs (lone surrogates, e.g. undecodable file-name bytes),
plus invisible fillers of other categories (Hangul fillers, the combining grapheme joiner,
Khmer inherent vowels). Rich markup (``[bold]``) is not this function's business: views
print escaped text as plain ``Text``, never as markup.
"""

from __future__ import annotations

import re

#: Every code point escaped by :func:`terminal_text` (``tests/hostile`` checks it against
#: the running Python's Unicode database).
UNSAFE_CHARACTERS = (
    "\x00-\x1f\x7f-\x9f\xad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u3164\uffa0"
    "\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f"
    "\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_UNSAFE = re.compile(f"[{UNSAFE_CHARACTERS}]")
ELLIPSIS = "…"


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def terminal_text(value: object, *, limit: int | None = None) -> str:
    """``str(value)`` safe to print: every control, format and invisible character escaped.

    Args:
        value: Anything; non-strings go through ``str()``.
        limit: Show at most this many characters of the original text, then ``…``
            (a 50 MB string in a metrics file prints as one short cell).
    """
    text = value if isinstance(value, str) else str(value)
    clipped = limit is not None and len(text) > limit
    if clipped:
        text = text[: max(0, limit or 0)]
    if not (text.isascii() and text.isprintable()):
        text = _UNSAFE.sub(_escape, text)
    return text + ELLIPSIS if clipped else text


def terminal_lines(text: str) -> str:
    """:func:`terminal_text` for a multi-line block: line ends (``\\n``, ``\\r\\n``) stay,
    everything else is escaped (a lone ``\\r`` too)."""
    return "\n".join(_line(line) for line in text.split("\n"))


def _line(line: str) -> str:
    if line.endswith("\r"):
        return terminal_text(line[:-1]) + "\r"
    return terminal_text(line)


def is_terminal_safe(text: str) -> bool:
    """Whether ``text`` holds no character :func:`terminal_text` would escape."""
    return _UNSAFE.search(text) is None
