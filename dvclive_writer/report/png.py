"""Offline PNG charts for ``report.md``, drawn with Pillow (no matplotlib, no network).

Covers every dvc-render template family: lines (``linear``, ``smooth``, ``simple``),
points (``scatter``, ``scatter_jitter``), confusion matrices (``confusion``,
``confusion_normalized``, one panel per experiment) and horizontal bars. Axis ticks come
from :mod:`dvclive_writer.plotting.ticks`; long lines are M4-decimated to the plot width.
"""

from __future__ import annotations

import io
import math
import struct
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont
from PIL.PngImagePlugin import PngInfo

from dvclive_writer.plotting.confusion import Confusion, count_pairs, label_order
from dvclive_writer.plotting.decimate import m4_decimate
from dvclive_writer.plotting.ticks import format_number, nice_ticks
from dvclive_writer.read.files import read_head
from dvclive_writer.report.model import REV_COLORS, Chart

WIDTH = 640
HEIGHT = 400
DIGEST_KEY = "dvclive-tui-digest"
"""PNG text chunk holding the chart's content digest (lets a later run skip redrawing)."""
DIGEST_SCAN_BYTES = 64 * 1024
"""How much of a PNG file is read to find its digest (it follows the 33-byte header)."""
_DIGEST_KEY_BYTES = DIGEST_KEY.encode("latin-1")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

MAX_PANEL = 2000
"""Widest confusion panel in pixels (14-pixel cells up to 142 classes, smaller beyond)."""
_LABELLED_CELL = 10
"""Smallest cell that gets its class label."""

_BG = (255, 255, 255)
_FG = (40, 40, 40)
_GRID = (228, 228, 228)
_MUTED = (110, 110, 110)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def _font(size: int) -> Font:
    return ImageFont.load_default(size=size)


def render_png(chart: Chart) -> bytes:
    """The chart as PNG bytes, tagged with :attr:`Chart.digest`."""
    template = chart.config.template
    if template.startswith("confusion"):
        image = _confusion(chart, normalized=template == "confusion_normalized")
    elif template.startswith("bar_horizontal"):
        image = _bars(chart, sort=template == "bar_horizontal_sorted")
    else:
        image = _xy(chart, points=template.startswith("scatter"))
    info = PngInfo()
    info.add_text(DIGEST_KEY, chart.digest)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info, optimize=False)
    return out.getvalue()


def png_digest(data: bytes | str) -> str | None:
    """The digest in a PNG (bytes or file path) by :func:`render_png`; ``None`` if absent.

    Read from the text chunks before the image data, without decoding the image (a file is
    read only up to :data:`DIGEST_SCAN_BYTES`): a huge chart (a 1,000-class confusion
    matrix) is never decompressed, and a file that is no PNG costs one small read.
    """
    if isinstance(data, str):
        data = read_head(data, DIGEST_SCAN_BYTES).data or b""
    if not data.startswith(_PNG_SIGNATURE):
        return None
    position = len(_PNG_SIGNATURE)
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        if kind in (b"IDAT", b"IEND") or len(body) < length:
            return None
        if kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            if key == _DIGEST_KEY_BYTES:
                return value.decode("latin-1")
        position += 12 + length
    return None


def _color(index: int) -> str:
    return REV_COLORS[index % len(REV_COLORS)]


def _numbers(column: Sequence[Any]) -> npt.NDArray[np.float64]:
    out = np.full(len(column), np.nan)
    for i, value in enumerate(column):
        try:
            out[i] = float(value)
        except (TypeError, ValueError):
            continue
    return out


class _Canvas:
    """An image with a title, optional legend, and a plot rectangle."""

    def __init__(self, chart: Chart, width: int = WIDTH, height: int = HEIGHT) -> None:
        self.image = Image.new("RGB", (width, height), _BG)
        self.draw = ImageDraw.Draw(self.image)
        self.width = width
        self.height = height
        title = chart.config.title or chart.name
        self.text((width // 2, 8), title, size=15, anchor="ma")
        top = 34
        revs = [b.rev for b in chart.blocks]
        if len(revs) > 1:
            top = self._legend(revs, top)
        self.left, self.top, self.right, self.bottom = 72, top + 18, width - 20, height - 48

    def text(
        self,
        xy: tuple[float, float],
        value: str,
        *,
        size: int = 12,
        fill: tuple[int, int, int] | str = _FG,
        anchor: str = "la",
    ) -> None:
        self.draw.text(xy, value, font=_font(size), fill=fill, anchor=anchor)

    def _legend(self, revs: list[str], top: int) -> int:
        x = 12
        for index, rev in enumerate(revs):
            label = rev if len(rev) <= 40 else rev[:39] + "…"
            width = int(self.draw.textlength(label, font=_font(12))) + 28
            if x + width > self.width - 12:
                x = 12
                top += 18
            self.draw.line([(x, top + 8), (x + 16, top + 8)], fill=_color(index), width=3)
            self.text((x + 20, top + 1), label)
            x += width
        return top + 20

    def axes(self, xs: list[float], ys: list[float], x_label: str, y_label: str) -> None:
        """Grid, ticks and labels for the given tick values (plot coordinates are set)."""
        for value in ys:
            py = self.map_y(value)
            self.draw.line([(self.left, py), (self.right, py)], fill=_GRID)
            step = ys[1] - ys[0] if len(ys) > 1 else None
            self.text((self.left - 6, py), format_number(value, step), anchor="rm", fill=_MUTED)
        for value in xs:
            px = self.map_x(value)
            self.draw.line([(px, self.top), (px, self.bottom)], fill=_GRID)
            step = xs[1] - xs[0] if len(xs) > 1 else None
            self.text((px, self.bottom + 6), format_number(value, step), anchor="ma", fill=_MUTED)
        self.draw.rectangle([self.left, self.top, self.right, self.bottom], outline=_MUTED)
        self.text(((self.left + self.right) / 2, self.height - 8), x_label, anchor="md")
        self.text((6, self.top - 4), y_label, anchor="ld", fill=_MUTED)

    def set_range(self, x0: float, x1: float, y0: float, y1: float) -> None:
        self.x0, self.x1 = x0, (x1 if x1 > x0 else x0 + 1)
        self.y0, self.y1 = y0, (y1 if y1 > y0 else y0 + 1)

    def map_x(self, value: float) -> float:
        return self.left + _fraction(value, self.x0, self.x1) * (self.right - self.left)

    def map_y(self, value: float) -> float:
        return self.bottom - _fraction(value, self.y0, self.y1) * (self.bottom - self.top)


def _around(value: float) -> list[float]:
    """Two ticks around a constant ``value``, apart by more than its float precision (``1e20 + 1``
    is ``1e20``), and finite."""
    pad = max(1.0, abs(value) / 4)
    low, high = value - pad, value + pad
    return [low if math.isfinite(low) else value, high if math.isfinite(high) else value]


def _fraction(value: float, low: float, high: float) -> float:
    """Where ``value`` lies in ``[low, high]`` (0 to 1); halved first, so that a range as wide
    as ``[-1e308, 1e308]`` does not overflow to ``inf`` (and the fraction to NaN)."""
    return (value / 2 - low / 2) / (high / 2 - low / 2)


def _xy(chart: Chart, *, points: bool) -> Image.Image:
    canvas = _Canvas(chart)
    x_key = chart.config.x or "step"
    y_key = chart.config.y if isinstance(chart.config.y, str) else ""
    series = []
    for index, block in enumerate(chart.blocks):
        xs = _numbers(block.columns.get(x_key, []))
        ys = _numbers(block.columns.get(y_key, []))
        ok = np.isfinite(xs)
        series.append((index, xs[ok], ys[ok]))
    finite_x = [s[1] for s in series if len(s[1])]
    finite_y = [s[2][np.isfinite(s[2])] for s in series]
    finite_y = [y for y in finite_y if len(y)]
    if not finite_x or not finite_y:
        canvas.text((WIDTH // 2, HEIGHT // 2), "no numeric data", anchor="mm", fill=_MUTED)
        return canvas.image
    x_ticks = nice_ticks(
        min(float(x.min()) for x in finite_x), max(float(x.max()) for x in finite_x), 6
    )
    y_min = min(float(y.min()) for y in finite_y)
    y_max = max(float(y.max()) for y in finite_y)
    # A tick past 1.8e308 is inf: dropped.
    y_ticks = [tick for tick in nice_ticks(y_min, y_max, 5) if math.isfinite(tick)] or [y_min]
    x_ticks = x_ticks if len(x_ticks) > 1 else [x_ticks[0] - 1, x_ticks[0] + 1]
    if x_key == "step" and x_ticks[1] - x_ticks[0] < 1:
        x_ticks = [float(v) for v in range(math.floor(x_ticks[0]), math.ceil(x_ticks[-1]) + 1)]
    y_ticks = y_ticks if len(y_ticks) > 1 else _around(y_ticks[0])
    canvas.set_range(x_ticks[0], x_ticks[-1], y_ticks[0], y_ticks[-1])
    canvas.axes(x_ticks, y_ticks, chart.config.x_label or x_key, chart.config.y_label or y_key)
    width = int(canvas.right - canvas.left)
    for index, xs, ys in series:
        color = _color(index)
        if points:
            for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
                if math.isfinite(y):
                    px, py = canvas.map_x(x), canvas.map_y(y)
                    canvas.draw.ellipse([px - 2.5, py - 2.5, px + 2.5, py + 2.5], outline=color)
            continue
        dx, dy = m4_decimate(xs, ys, canvas.x0, canvas.x1, width)
        _polyline(canvas, dx, dy, color)
    return canvas.image


def _polyline(
    canvas: _Canvas, xs: npt.NDArray[np.float64], ys: npt.NDArray[np.float64], color: str
) -> None:
    """Draw the finite runs of a line (a NaN breaks it)."""
    run: list[tuple[float, float]] = []
    for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
        if math.isfinite(y):
            run.append((canvas.map_x(x), canvas.map_y(y)))
            continue
        _flush(canvas, run, color)
        run = []
    _flush(canvas, run, color)


def _flush(canvas: _Canvas, run: list[tuple[float, float]], color: str) -> None:
    if len(run) == 1:
        x, y = run[0]
        canvas.draw.ellipse([x - 2, y - 2, x + 2, y + 2], fill=color)
    elif run:
        canvas.draw.line(run, fill=color, width=2, joint="curve")


def _confusion(chart: Chart, *, normalized: bool) -> Image.Image:
    x_key = chart.config.x or "actual"
    y_key = chart.config.y if isinstance(chart.config.y, str) else "predicted"
    pairs = [
        list(zip(block.columns.get(x_key, []), block.columns.get(y_key, []), strict=False))
        for block in chart.blocks
    ]
    ordered = label_order(str(label) for block in pairs for pair in block for label in pair)
    grids = [count_pairs(block, ordered) for block in pairs]
    panels = max(1, len(chart.blocks))
    cells = max(1, len(ordered))
    cell = max(14, min(90, 300 // cells))
    if cell * cells > MAX_PANEL:  # hundreds of classes: smaller cells, a bounded image
        cell = max(1, MAX_PANEL // cells)
    panel = cell * cells
    width = max(WIDTH, 90 + panels * (panel + 60))
    canvas = _Canvas(chart, width=width, height=canvas_height(panel))
    for index, (block, grid) in enumerate(zip(chart.blocks, grids, strict=True)):
        left = 80 + index * (panel + 60)
        top = canvas.top + 16
        if panels > 1:
            canvas.text((left + panel / 2, top - 14), block.rev, anchor="ma", fill=_color(index))
        _heatmap(canvas, grid, left, top, cell, normalized)
    x_label = chart.config.x_label or x_key
    y_label = chart.config.y_label or y_key
    canvas.text(
        (80, canvas.top + 16 + panel + 24), f"rows: {x_label} · columns: {y_label}", fill=_MUTED
    )
    return canvas.image


def canvas_height(panel: int) -> int:
    """Image height that fits a confusion panel of ``panel`` pixels."""
    return panel + 130


def _heatmap(
    canvas: _Canvas, grid: Confusion, left: int, top: int, cell: int, normalized: bool
) -> None:
    """One panel: a row per x label (actual), a column per y label (predicted)."""
    labels = grid.x_labels
    by_x = grid.counts.T
    row_totals = by_x.sum(axis=1).tolist()
    peak = max(int(by_x.max(initial=0)), 1)
    if cell < _LABELLED_CELL:  # hundreds of classes: the cells as one image, no labels
        levels = _levels(by_x, normalized, peak)
        shades = (255 - 190 * levels).astype(np.uint8)
        pixels = np.stack((shades, shades, np.full_like(shades, 255)), axis=-1)
        pixels = pixels.repeat(cell, axis=0).repeat(cell, axis=1)
        canvas.image.paste(Image.fromarray(pixels, "RGB"), (left, top))
        return
    for row, actual in enumerate(labels):
        y = top + row * cell + cell / 2
        canvas.text((left - 6, y), actual[:10], anchor="rm", fill=_MUTED)
        total = row_totals[row]
        for column, count in enumerate(by_x[row].tolist()):
            share = count / total if normalized and total else 0.0
            level = share if normalized else count / peak
            shade = int(255 - 190 * level)
            box = [
                left + column * cell,
                top + row * cell,
                left + (column + 1) * cell - 1,
                top + (row + 1) * cell - 1,
            ]
            canvas.draw.rectangle(box, fill=(shade, shade, 255), outline=_GRID)
            if cell >= 24:
                value = f"{share:.2f}" if normalized else str(count)
                ink = (255, 255, 255) if level > 0.6 else _FG
                canvas.text(
                    (box[0] + cell / 2, box[1] + cell / 2), value, anchor="mm", fill=ink, size=11
                )
    for column, predicted in enumerate(labels):
        canvas.text(
            (left + column * cell + cell / 2, top + len(labels) * cell + 4),
            predicted[:6],
            anchor="ma",
            fill=_MUTED,
        )


def _levels(by_x: npt.NDArray[np.int64], normalized: bool, peak: int) -> npt.NDArray[np.float64]:
    """Shade levels 0..1 of a panel: shares of each row's total, or counts over the peak."""
    if not normalized:
        return by_x / peak
    totals = by_x.sum(axis=1, keepdims=True)
    return np.where(totals > 0, by_x / np.maximum(totals, 1), 0.0)


def _bars(chart: Chart, *, sort: bool) -> Image.Image:
    canvas = _Canvas(chart)
    x_key = chart.config.x or "x"
    y_key = chart.config.y if isinstance(chart.config.y, str) else "y"
    bars: list[tuple[str, float, int]] = []
    for index, block in enumerate(chart.blocks):
        values = _numbers(block.columns.get(x_key, []))
        for label, value in zip(block.columns.get(y_key, []), values.tolist(), strict=False):
            if math.isfinite(value):
                bars.append((str(label), value, index))
    if not bars:
        canvas.text((WIDTH // 2, HEIGHT // 2), "no numeric data", anchor="mm", fill=_MUTED)
        return canvas.image
    if sort:
        bars.sort(key=lambda bar: -bar[1])
    bars = bars[:40]
    low = min(0.0, min(b[1] for b in bars))
    high = max(0.0, max(b[1] for b in bars))
    ticks = nice_ticks(low, high, 5)
    ticks = ticks if len(ticks) > 1 else [low - 1, high + 1]
    canvas.left = 140
    canvas.set_range(ticks[0], ticks[-1], 0, len(bars))
    canvas.axes(ticks, [], chart.config.x_label or x_key, "")
    slot = (canvas.bottom - canvas.top) / len(bars)
    for row, (label, value, index) in enumerate(bars):
        y0 = canvas.top + row * slot + slot * 0.15
        y1 = canvas.top + (row + 1) * slot - slot * 0.15
        x0, x1 = sorted((canvas.map_x(0.0), canvas.map_x(value)))
        canvas.draw.rectangle([x0, y0, x1, y1], fill=_color(index))
        canvas.text((canvas.left - 6, (y0 + y1) / 2), label[:20], anchor="rm", fill=_MUTED, size=11)
    return canvas.image
