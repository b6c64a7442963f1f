"""Short JSON numbers for chart data: values rounded to a few significant digits."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

#: Significant digits kept for chart values (tooltips show them; the TSVs keep all).
SIGNIFICANT_DIGITS = 8


def compact(
    values: npt.NDArray[np.float64], digits: int = SIGNIFICANT_DIGITS
) -> list[float | None]:
    """Values rounded to ``digits`` significant digits (short JSON), non-finite as ``None``.

    Rounding is ``round(v * 10**d) / 10**d`` with an exact power of ten, so the result is the
    double nearest the short decimal and ``repr`` prints it short.
    """
    out: list[float | None] = [None] * len(values)
    finite = np.isfinite(values)
    if not finite.any():
        return out
    vals = values[finite]
    nonzero = vals != 0
    exponents = np.zeros(len(vals), dtype=np.int64)
    exponents[nonzero] = np.floor(np.log10(np.abs(vals[nonzero]))).astype(np.int64)
    decimals = digits - 1 - exponents
    rounded = vals.copy()
    positive = (decimals >= 0) & (decimals <= 22)
    if positive.any():
        scale = 10.0 ** decimals[positive]
        rounded[positive] = np.round(vals[positive] * scale) / scale
    negative = (decimals < 0) & (decimals >= -22)
    if negative.any():
        scale = 10.0 ** (-decimals[negative])
        rounded[negative] = np.round(vals[negative] / scale) * scale
    rounded_list = rounded.tolist()
    if len(rounded_list) == len(out):
        return rounded_list  # type: ignore[no-any-return]
    for index, value in zip(np.flatnonzero(finite).tolist(), rounded_list, strict=True):
        out[index] = value if math.isfinite(value) else None
    return out
