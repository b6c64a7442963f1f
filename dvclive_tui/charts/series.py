"""Chart input data and the colour-blind-safe palette with stable colour assignment."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dvclive_writer.plotting.palette import PALETTE


@dataclass(frozen=True, eq=False)
class SeriesData:
    """One line of a chart: a metric of one run.

    Equality is identity (arrays do not compare as booleans); the chart compares
    ``(key, version, len(steps))`` to decide whether to redraw.
    """

    key: str
    """Stable identity, e.g. ``"<run name>::<metric>"``."""
    label: str
    """Legend text."""
    steps: npt.NDArray[np.int64]
    """Step of each point."""
    values: npt.NDArray[np.float64]
    """Value of each point (NaN/inf allowed: drawn as gaps)."""
    timestamps: npt.NDArray[np.int64] | None = None
    """Epoch milliseconds of each point (for wall/relative x axes); negative means unknown."""
    color: int | None = None
    """Palette index; ``None`` picks a stable index derived from :attr:`key`."""
    version: int = 0
    """Bumped by the caller when the data changed (cache key)."""


def preferred_color(key: str) -> int:
    """Palette index preferred for ``key``: derived from its run part (before ``::``).

    Every chart therefore shows the same run in the same colour unless two series of one
    chart want the same slot.
    """
    run = key.split("::", 1)[0]
    return zlib.crc32(run.encode("utf-8")) % len(PALETTE)


class ColorAssigner:
    """Assigns palette indices to series keys, stably for the assigner's lifetime.

    Explicit colours are honoured. A key without one gets :func:`preferred_color`, or the
    next free slot when another key of the assigner already holds it; once given, a key keeps
    its colour.
    """

    def __init__(self) -> None:
        self._assigned: dict[str, int] = {}

    def assign(self, series: list[SeriesData] | tuple[SeriesData, ...]) -> list[int]:
        """Return the palette index of each series (in order)."""
        live_keys = {item.key for item in series}
        used = {
            color
            for key, color in self._assigned.items()
            if key in live_keys and not any(s.key == key and s.color is not None for s in series)
        }
        used.update(item.color % len(PALETTE) for item in series if item.color is not None)
        result: list[int] = []
        for item in series:
            if item.color is not None:
                result.append(item.color % len(PALETTE))
                continue
            color = self._assigned.get(item.key)
            if color is None:
                color = preferred_color(item.key)
                for offset in range(len(PALETTE)):
                    candidate = (color + offset) % len(PALETTE)
                    if candidate not in used:
                        color = candidate
                        break
                self._assigned[item.key] = color
                used.add(color)
            result.append(color)
        return result
