"""Colours of overlaid runs: distinct while the palette lasts, marks beyond, stable."""

from __future__ import annotations

from dvclive_tui.charts.marks import ColorSlots, color_of, marked
from dvclive_writer.plotting.palette import PALETTE


def test_colours_wrap_with_marks() -> None:
    assert color_of(0) == (PALETTE[0], "")
    assert color_of(9) == (PALETTE[1], "◆")
    assert color_of(8 * 6 + 2) == (PALETTE[2], "7")
    assert marked("run", 3) == "run" and marked("run", 17) == "▲ run"


def test_slots_are_distinct_then_marked_and_stable() -> None:
    slots = ColorSlots()
    keys = [f"r{i}" for i in range(12)]
    first = slots.assign(keys)
    assert sorted(first.values()) == list(range(12))
    # r3 leaves: the first marked run moves into its palette colour, the others keep theirs.
    second = slots.assign([*keys[:3], *keys[4:], "new"])
    assert second["r8"] == first["r3"]
    assert all(second[key] == first[key] for key in keys if key not in ("r3", "r8"))
    assert second["new"] == first["r8"]
    # Fewer runs than colours: a run past the palette moves into a free palette colour.
    third = slots.assign(["r10", "r1"])
    assert third["r1"] == first["r1"] and third["r10"] < len(PALETTE)
    # A key shown again gets its former colour back when it is free.
    assert slots.assign(["r5"]) == {"r5": first["r5"]}
