"""Small text helpers for the views: sanitising, number and duration formats, sparklines.

Everything a view shows that came from a file goes through :func:`sanitize` first, so a
metric name or value holding control or escape characters cannot move the cursor, change
colours, reorder or hide text; views show it as plain ``Text``, never as Rich markup.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from dvclive_writer.text_safety import terminal_text

_SPARK_BLOCKS = "▁▂▃▄▅▆▇█"


sanitize = terminal_text
"""``str(text)`` as a printable string: control, bidi and invisible characters become escapes
(the one escaping function, :func:`dvclive_writer.text_safety.terminal_text`)."""


def format_value(value: object) -> str:
    """Format a metric, param or summary value compactly (``0.2314``, ``1.2e+06``, ``nan``)."""
    if isinstance(value, bool) or value is None:
        return sanitize(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        magnitude = abs(value)
        if magnitude != 0 and (magnitude >= 1e6 or magnitude < 1e-3):
            return f"{value:.3e}"
        return f"{value:.4g}" if magnitude >= 1 else f"{value:.4f}".rstrip("0").rstrip(".")
    if isinstance(value, np.generic):
        return format_value(value.item())
    return sanitize(value)


def format_duration(seconds: float | None) -> str:
    """Format a duration as ``42s``, ``3m05s``, ``2h07m`` or ``3d04h`` (``–`` when unknown)."""
    if seconds is None or not math.isfinite(seconds):
        return "–"
    total = max(0, int(seconds))
    if total < 60:
        return f"{total}s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours:02d}h"


def sparkline(values: npt.NDArray[np.float64], width: int = 8) -> str:
    """Draw the last values as a block sparkline ``width`` cells wide (mean per cell).

    Non-finite values are skipped; an empty or flat series draws a baseline.
    """
    if width <= 0:
        return ""
    tail = values[-width * 8 :]
    tail = tail[np.isfinite(tail)]
    if len(tail) == 0:
        return ""
    cells = min(width, len(tail))
    chunks = np.array_split(tail, cells)
    means = np.array([chunk.mean() for chunk in chunks])
    low, high = float(means.min()), float(means.max())
    if high - low <= 0:
        return _SPARK_BLOCKS[0] * cells
    scaled = (means - low) / (high - low) * (len(_SPARK_BLOCKS) - 1)
    return "".join(_SPARK_BLOCKS[round(level)] for level in scaled)


def matches(text: str, query: str) -> bool:
    """Whether ``text`` contains every whitespace-separated word of ``query`` (any case)."""
    lowered = text.lower()
    return all(word in lowered for word in query.lower().split())


def shorten_middle(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with ``…`` in the middle (keeps both ends).

    Run names differ at their ends (``runs/a/dvclive``, ``…/b/dvclive``), so the middle
    is what goes.
    """
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    tail = (width - 1) // 2
    return text[: width - 1 - tail] + "…" + (text[-tail:] if tail else "")


def join_nonempty(parts: Sequence[str], separator: str = "  ") -> str:
    """Join the non-empty strings of ``parts``."""
    return separator.join(part for part in parts if part)
