"""Axis ticks: "nice" 1-2-5 steps, decades for log axes, clock and duration steps for time."""

from __future__ import annotations

import math
import sys
import time

_FLOAT_MAX = sys.float_info.max

_SECOND = 1000
_MINUTE = 60 * _SECOND
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR

#: Tick steps for time axes, in milliseconds.
TIME_STEPS: tuple[int, ...] = (
    1,
    2,
    5,
    10,
    20,
    50,
    100,
    200,
    500,
    _SECOND,
    2 * _SECOND,
    5 * _SECOND,
    10 * _SECOND,
    15 * _SECOND,
    30 * _SECOND,
    _MINUTE,
    2 * _MINUTE,
    5 * _MINUTE,
    10 * _MINUTE,
    15 * _MINUTE,
    30 * _MINUTE,
    _HOUR,
    2 * _HOUR,
    3 * _HOUR,
    6 * _HOUR,
    12 * _HOUR,
    _DAY,
    2 * _DAY,
    7 * _DAY,
    14 * _DAY,
    30 * _DAY,
)


def nice_step(span: float, max_ticks: int) -> float:
    """Smallest step of the form 1, 2 or 5 times a power of ten giving at most ``max_ticks``."""
    max_ticks = max(1, max_ticks)
    if not math.isfinite(span) or span <= 0:
        return 1.0
    raw = span / max_ticks
    return _nice_at_least(raw)


def _nice_at_least(raw: float) -> float:
    """Smallest 1, 2 or 5 times a power of ten at or above ``raw`` (finite, > 0)."""
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 5.0, 10.0):
        step = factor * magnitude
        if step >= raw * (1 - 1e-9):
            return step
    return 10.0 * magnitude  # pragma: no cover - the loop always returns


def nice_ticks(lo: float, hi: float, max_ticks: int = 5, *, cover: bool = True) -> list[float]:
    """Ticks at multiples of a nice step.

    Args:
        lo: Lower end of the data.
        hi: Upper end of the data.
        max_ticks: Upper bound on the number of intervals.
        cover: Extend to the multiples just outside ``[lo, hi]`` (so the first tick is at or
            below ``lo`` and the last at or above ``hi``); otherwise keep ticks inside.

    Returns:
        Increasing tick values (at least two when ``lo < hi``).
    """
    if math.isnan(lo) or math.isnan(hi):
        return []
    lo = min(_FLOAT_MAX, max(-_FLOAT_MAX, lo))  # an infinite end is drawn at the float limit
    hi = min(_FLOAT_MAX, max(-_FLOAT_MAX, hi))
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        return [lo]
    max_ticks = max(1, max_ticks)
    if math.isfinite(hi - lo):
        step = nice_step(hi - lo, max_ticks)
    else:  # a span beyond the float range: size the step on halved values
        raw = (hi * 0.5 - lo * 0.5) / max_ticks * 2
        if not math.isfinite(raw):
            return [lo, hi]  # a single interval wider than the float range
        step = _nice_at_least(raw)
    while True:
        if cover:
            first = math.floor(lo / step + 1e-12)
            last = math.ceil(hi / step - 1e-12)
        else:
            first = math.ceil(lo / step - 1e-12)
            last = math.floor(hi / step + 1e-12)
        # Covering adds up to a step at each end: take the next nice step when it overflows
        # (a range straddling zero always needs two intervals).
        if not cover or last - first <= max(2, max_ticks):
            break
        step = _next_nice(step)
    if last - first > 1000 or not math.isfinite(step):
        return [lo, hi]
    # A covering tick past the float range (``ceil(hi / step) * step`` near 1.8e308) is
    # drawn at the float limit instead of ``inf``.
    return [
        min(_FLOAT_MAX, max(-_FLOAT_MAX, _clean(index * step, step)))
        for index in range(first, last + 1)
    ]


def _next_nice(step: float) -> float:
    magnitude = 10.0 ** math.floor(math.log10(step) + 1e-9)
    mantissa = round(step / magnitude)
    return {1: 2.0, 2: 5.0}.get(mantissa, 10.0) * magnitude


def _clean(value: float, step: float) -> float:
    """Round away binary noise (``0.30000000000000004``) relative to the step."""
    digits = max(0, -math.floor(math.log10(step)) + 2)
    return round(value, digits) + 0.0


def log_ticks(lo_exp: float, hi_exp: float, max_ticks: int = 5) -> list[float]:
    """Ticks of a log axis, as base-10 exponents, covering ``[lo_exp, hi_exp]``.

    Whole decades (every k-th) when the range spans a decade or more; otherwise 1-2-5
    mantissas, and linear nice ticks when even those are too sparse.
    """
    if not (math.isfinite(lo_exp) and math.isfinite(hi_exp)):
        return []
    if hi_exp < lo_exp:
        lo_exp, hi_exp = hi_exp, lo_exp
    first = math.floor(lo_exp + 1e-9)
    last = math.ceil(hi_exp - 1e-9)
    if hi_exp - lo_exp >= 1 or last - first >= 2:
        every = max(1, math.ceil((last - first) / max(1, max_ticks)))
        first = every * math.floor(first / every)
        last = every * math.ceil(last / every)
        return [float(exponent) for exponent in range(first, last + 1, every)]
    candidates = [
        math.log10(mantissa) + exponent
        for exponent in range(first - 1, last + 1)
        for mantissa in (1, 2, 5)
    ]
    below = [c for c in candidates if c <= lo_exp + 1e-9]
    above = [c for c in candidates if c >= hi_exp - 1e-9]
    inner = [c for c in candidates if lo_exp + 1e-9 < c < hi_exp - 1e-9]
    ticks = ([below[-1]] if below else []) + inner + ([above[0]] if above else [])
    if len(ticks) - 1 <= max_ticks and len(inner) >= 1:
        return ticks
    linear = nice_ticks(10.0**lo_exp, 10.0**hi_exp, max_ticks)
    return [math.log10(value) for value in linear if value > 0]


def time_ticks(lo_ms: float, hi_ms: float, max_ticks: int = 5, *, wall: bool = True) -> list[float]:
    """Ticks for a time axis in milliseconds, inside ``[lo_ms, hi_ms]``.

    Args:
        lo_ms: Start of the axis (epoch ms for wall time, elapsed ms otherwise).
        hi_ms: End of the axis.
        max_ticks: Upper bound on the number of intervals.
        wall: Align to the local clock (epoch times) rather than to zero (durations).
    """
    if not (math.isfinite(lo_ms) and math.isfinite(hi_ms)) or hi_ms <= lo_ms:
        return [] if not math.isfinite(lo_ms) else [lo_ms]
    step = time_step(hi_ms - lo_ms, max_ticks)
    offset = 0
    if wall:
        offset = _utc_offset_ms(lo_ms) if step >= _HOUR else 0
    first = math.ceil((lo_ms + offset) / step)
    last = math.floor((hi_ms + offset) / step)
    return [float(index * step - offset) for index in range(first, last + 1)]


def time_step(span_ms: float, max_ticks: int) -> int:
    """Smallest step of :data:`TIME_STEPS` giving at most ``max_ticks`` intervals."""
    raw = span_ms / max(1, max_ticks)
    for step in TIME_STEPS:
        if step >= raw:
            return step
    return TIME_STEPS[-1] * math.ceil(raw / TIME_STEPS[-1])


def _utc_offset_ms(epoch_ms: float) -> int:
    return int(time.localtime(epoch_ms / 1000).tm_gmtoff) * 1000


def format_clock(epoch_ms: float, step_ms: float) -> str:
    """Local wall-clock label for a tick (``14:05``, ``14:05:30``, ``11-26``)."""
    moment = time.localtime(epoch_ms / 1000)
    if step_ms >= _DAY:
        return time.strftime("%m-%d", moment)
    if step_ms >= _MINUTE:
        return time.strftime("%H:%M", moment)
    if step_ms >= _SECOND:
        return time.strftime("%H:%M:%S", moment)
    return time.strftime("%M:%S", moment) + f".{int(epoch_ms % 1000):03d}"


def format_duration(ms: float, step_ms: float = 0.0) -> str:
    """Compact elapsed-time label (``0``, ``45s``, ``1m30s``, ``2h``, ``1d6h``)."""
    if not math.isfinite(ms):
        return "?"
    sign = "-" if ms < 0 else ""
    ms = abs(ms)
    if ms == 0:
        return "0"
    if step_ms and step_ms < _SECOND:
        return f"{sign}{ms / 1000:g}s"
    total = round(ms / 1000)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "m"), (seconds, "s")]
    shown = [f"{amount}{unit}" for amount, unit in parts if amount]
    return sign + "".join(shown[:2]) if shown else "0"


_SI = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))


def format_number(value: float, step: float | None = None) -> str:
    """Short tick label: enough decimals for ``step``, SI suffixes for big values.

    Args:
        value: The tick value.
        step: Distance between neighbouring ticks (``None``: 4 significant digits).
    """
    if not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if value == 0:
        return "0"
    if step is None or step <= 0 or not math.isfinite(step):
        return format_value(value)
    magnitude = abs(value)
    if magnitude >= 1e15 or step >= 1e15:
        return f"{value:.3g}".replace("e+", "e")
    for scale, suffix in _SI:
        if magnitude >= scale and step >= scale / 1000:
            decimals = max(0, -math.floor(math.log10(step / scale) + 1e-9))
            return f"{value / scale:.{min(decimals, 3)}f}{suffix}"
    if step < 1e-3 and magnitude < 1e-2:
        decimals = max(0, -math.floor(math.log10(step / 10 ** math.floor(math.log10(magnitude)))))
        return f"{value:.{min(decimals, 3)}e}".replace("e-0", "e-")
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return f"{value:.{min(decimals, 6)}f}"


def format_value(value: float) -> str:
    """A value for legends and tables: 4 significant digits, no trailing noise."""
    if not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    magnitude = abs(value)
    if magnitude != 0 and (magnitude >= 1e6 or magnitude < 1e-4):
        return f"{value:.3e}".replace("e+0", "e+").replace("e-0", "e-")
    return f"{value:.4g}"


def format_log_tick(exponent: float) -> str:
    """Label of a log-axis tick given as a base-10 exponent (``0.01``, ``1``, ``1e6``)."""
    if abs(exponent - round(exponent)) < 1e-9:
        whole = round(exponent)
        return f"{10.0**whole:g}" if -3 <= whole <= 4 else f"1e{whole}"
    try:
        return f"{10.0**exponent:.3g}"
    except OverflowError:
        return f"1e{exponent:.1f}"
