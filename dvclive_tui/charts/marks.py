"""Telling overlaid runs apart: a palette colour each, then marks once the colours run out.

Chart colour index ``i`` is palette colour ``i % 8`` plus, from the second round of the
palette on, a mark (``◆``, ``▲``, ``■``, ``✚``, ``★``, then numbers) that the legend puts
before the label and tables show in place of the ``●`` swatch. :class:`ColorSlots` hands
out indices so that runs shown together have distinct colours whenever there are at most
eight of them, and keep their colour while they stay shown.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from dvclive_writer.plotting.palette import PALETTE

CYCLE_MARKS: tuple[str, ...] = ("", "◆", "▲", "■", "✚", "★")
"""Marks of the 1st, 2nd, 3rd... round of the palette."""


def color_of(index: int) -> tuple[str, str]:
    """``(palette colour, mark)`` of chart colour ``index`` (the mark is empty in the first
    round of the palette)."""
    cycle = index // len(PALETTE)
    mark = CYCLE_MARKS[cycle] if cycle < len(CYCLE_MARKS) else f"{cycle + 1}"
    return PALETTE[index % len(PALETTE)], mark


def marked(label: str, index: int) -> str:
    """``label`` with the mark of colour ``index`` before it (as legends show it)."""
    mark = color_of(index)[1]
    return f"{mark} {label}" if mark else label


class ColorSlots:
    """Chart colour indices for keys shown together, stable while a key stays shown.

    A key keeps its index while no other shown key holds it and, for an index past the
    palette, while every palette colour is taken; otherwise it gets the lowest free index.
    A key shown again gets its former index back when that one is free.
    """

    def __init__(self) -> None:
        self._slots: dict[str, int] = {}

    def assign(self, keys: Sequence[str]) -> dict[str, int]:
        """The index of each of ``keys`` (shown together, in legend order)."""
        palette = len(PALETTE)
        chosen: dict[str, int] = {}
        taken: set[int] = set()
        for key in keys:
            current = self._slots.get(key)
            if current is not None and current < palette and current not in taken:
                chosen[key] = current
                taken.add(current)
        free = (index for index in itertools.count() if index not in taken)
        lowest = next(free)
        for key in keys:
            if key in chosen:
                continue
            current = self._slots.get(key)
            if lowest >= palette and current is not None and current not in taken:
                chosen[key] = current
            else:
                chosen[key] = lowest
            taken.add(chosen[key])
            while lowest in taken:
                lowest = next(free)
        self._slots.update(chosen)
        return chosen
