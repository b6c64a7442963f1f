"""Chart frames as rich text, for one-shot printing (``dvclive-tui snap``)."""

from __future__ import annotations

from rich.color import Color
from rich.style import Style
from rich.text import Text

from dvclive_tui.charts.frame import ChartFrame, Role
from dvclive_tui.charts.plots import HEAT, HEAT_LEVELS
from dvclive_writer.plotting.palette import PALETTE

_FIXED: dict[int, Style] = {
    int(Role.BLANK): Style.null(),
    int(Role.AXIS): Style(color="bright_black"),
    int(Role.LABEL): Style(color="grey70"),
    int(Role.TITLE): Style(bold=True),
    int(Role.VALUE): Style(bold=True),
    int(Role.CURSOR): Style(color="yellow"),
    int(Role.REFERENCE): Style(color="bright_black"),
}
_HEAT_COLD = (40, 44, 52)
_HEAT_HOT = (0, 114, 178)  # Okabe-Ito blue


def role_style(role: int) -> Style:
    """The rich style of a frame role (palette colours for series, a blue ramp for heat)."""
    fixed = _FIXED.get(role)
    if fixed is not None:
        return fixed
    if HEAT <= role < HEAT + HEAT_LEVELS:
        share = (role - HEAT) / (HEAT_LEVELS - 1)
        red, green, blue = (
            round(cold + (hot - cold) * share)
            for cold, hot in zip(_HEAT_COLD, _HEAT_HOT, strict=True)
        )
        return Style(color="white", bgcolor=Color.from_rgb(red, green, blue))
    if role >= int(Role.DIM_SERIES):
        return Style(color=PALETTE[(role - int(Role.DIM_SERIES)) % len(PALETTE)], dim=True)
    return Style(color=PALETTE[(role - int(Role.SERIES)) % len(PALETTE)])


def frame_lines(frame: ChartFrame) -> list[Text]:
    """One rich text per frame row (exactly ``frame.width`` cells each)."""
    lines: list[Text] = []
    for row in frame.rows:
        line = Text(no_wrap=True, overflow="crop", end="")
        for text, role in row:
            line.append(text, role_style(role))
        lines.append(line)
    return lines
