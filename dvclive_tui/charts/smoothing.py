"""TensorBoard-style debiased exponential moving average, vectorised with numpy."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

MAX_WEIGHT = 0.99
"""Largest smoothing weight the charts accept."""


def ema(values: FloatArray, weight: float) -> FloatArray:
    """Debiased EMA of ``values`` with smoothing ``weight`` in ``[0, 0.99]``.

    Matches TensorBoard: ``last = last * w + (1 - w) * v`` over finite values only, each
    divided by ``1 - w ** n`` (``n`` = finite values so far); non-finite values pass through
    unchanged and do not advance the average. ``weight == 0`` returns a copy.
    """
    values = np.asarray(values, dtype=np.float64)
    weight = min(max(float(weight), 0.0), MAX_WEIGHT)
    if weight == 0.0 or len(values) == 0:
        return values.copy()
    finite = np.isfinite(values)
    data = values[finite]
    smoothed = _ema_finite(data, weight)
    result = values.copy()
    result[finite] = smoothed
    return result


def _ema_finite(data: FloatArray, weight: float) -> FloatArray:
    """Debiased EMA of finite data, in chunks short enough for ``weight ** -k`` to stay finite.

    Within a chunk, ``s_t = w**t * (s_0 + (1 - w) * sum_{i<=t} w**-i x_i)``; each chunk
    starts from the previous chunk's last raw (biased) average.
    """
    count = len(data)
    if count == 0:
        return data.copy()
    chunk = max(1, min(count, int(250 / -math.log10(weight))))
    out = np.empty(count, dtype=np.float64)
    carry = 0.0
    exponents = np.arange(1, chunk + 1, dtype=np.float64)
    grow = weight ** (-exponents)
    shrink = weight**exponents
    for start in range(0, count, chunk):
        block = data[start : start + chunk]
        size = len(block)
        partial = np.cumsum(block * grow[:size]) * (1.0 - weight)
        raw = shrink[:size] * (carry + partial)
        out[start : start + size] = raw
        carry = float(raw[-1])
    seen = np.arange(1, count + 1, dtype=np.float64)
    debias = -np.expm1(seen * math.log(weight))
    result: FloatArray = out / debias
    return result


def ema_reference(values: list[float], weight: float) -> list[float]:
    """Plain-Python TensorBoard smoothing, the specification :func:`ema` is tested against."""
    last = 0.0
    seen = 0
    result: list[float] = []
    for value in values:
        if not math.isfinite(value):
            result.append(value)
            continue
        last = last * weight + (1 - weight) * value
        seen += 1
        result.append(last / (1 - weight**seen) if weight else value)
    return result
