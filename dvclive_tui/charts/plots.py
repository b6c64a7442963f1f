"""Plots drawn by their dvc template: confusion grids, bar lists and x/y charts.

:func:`render_plot` turns a :class:`~dvclive_writer.read.model.PlotData` (an sklearn or custom
plot) into a :class:`~dvclive_tui.charts.frame.ChartFrame`:

- ``confusion`` / ``confusion_normalized``: counts of (x, y) pairs as a heat grid;
- ``bar_horizontal`` / ``bar_horizontal_sorted``: one bar per row (y is the category);
- ``linear``, ``simple``, ``smooth``, ``scatter``, ``scatter_jitter`` and anything else: the
  chart renderer, with one curve per y field. Known sklearn pairs get fixed 0..1 axes, a
  diagonal reference (ROC, calibration) and AUC / average precision in the legend.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from dvclive_tui.charts.frame import (
    ChartFrame,
    Curve,
    Role,
    render_chart,
    series_role,
)
from dvclive_writer.plotting.confusion import Confusion, confusion_counts
from dvclive_writer.plotting.ticks import format_value
from dvclive_writer.read.model import PlotData
from dvclive_writer.text_safety import terminal_text

FloatArray = npt.NDArray[np.float64]

HEAT_LEVELS = 8
"""Number of heat roles (``HEAT + 0`` coolest ... ``HEAT + 7`` hottest)."""
HEAT = 32
"""Role of the coolest heat level in a confusion grid."""

CONFUSION_TEMPLATES = frozenset({"confusion", "confusion_normalized"})
BAR_TEMPLATES = frozenset({"bar_horizontal", "bar_horizontal_sorted"})
SCATTER_TEMPLATES = frozenset({"scatter", "scatter_jitter"})
CURVE_X_FIELDS = frozenset({"fpr", "recall", "prob_pred"})
"""x fields of dvclive's sklearn curves (ROC and DET, precision-recall, calibration)."""


def heat_role(level: int) -> int:
    """Role of heat ``level`` (clamped to ``0 .. HEAT_LEVELS - 1``)."""
    return HEAT + min(max(level, 0), HEAT_LEVELS - 1)


def is_confusion(plot: PlotData) -> bool:
    """Whether ``plot`` is drawn as a confusion grid."""
    return plot.config.template in CONFUSION_TEMPLATES


def roc_auc(fpr: FloatArray, tpr: FloatArray) -> float:
    """Area under the ROC curve by the trapezoid rule (points sorted by fpr)."""
    order = np.lexsort((tpr, fpr))
    return float(np.trapezoid(tpr[order], fpr[order]))


def average_precision(recall: FloatArray, precision: FloatArray) -> float:
    """Average precision as scikit-learn defines it: ``sum((R_n - R_{n-1}) * P_n)``.

    Expects the points in ``precision_recall_curve`` order (recall falling; reversed input
    is accepted). dvclive drops sklearn's final (recall 0, precision 1) point; it is put back.
    """
    if len(recall) and recall[0] < recall[-1]:
        recall, precision = recall[::-1], precision[::-1]
    recall = np.concatenate((recall, [0.0]))
    precision = np.concatenate((precision, [1.0]))
    return float(-np.sum(np.diff(recall) * precision[:-1]))


def _numbers(rows: Sequence[Any], field: str) -> FloatArray | None:
    values: list[float] = []
    for row in rows:
        value = row.get(field) if isinstance(row, dict) else None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            values.append(math.nan)
            continue
        try:
            values.append(float(value))
        except ValueError:
            return None
    return np.asarray(values, dtype=np.float64)


def _y_fields(plot: PlotData) -> list[str]:
    y = plot.config.y
    if isinstance(y, list):
        return [str(field) for field in y]
    if y:
        return [str(y)]
    first = next((row for row in plot.rows if isinstance(row, dict)), {})
    return [key for key in first if key != plot.config.x][-1:]


def _first_y(plot: PlotData) -> str | None:
    fields = _y_fields(plot)
    return fields[0] if fields else None


def confusion_of(plot: PlotData) -> Confusion:
    """The confusion counts of a confusion-template plot, by its x and y fields."""
    return confusion_counts(plot.rows, plot.config.x or "actual", _first_y(plot) or "predicted")


def render_plot(
    plot: PlotData, width: int, height: int, *, normalized: bool | None = None
) -> ChartFrame:
    """Draw ``plot`` by its template in ``width`` x ``height`` cells.

    Args:
        plot: The plot and its dvc.yaml properties.
        width: Cells across.
        height: Cells down.
        normalized: For confusion grids, override the template's normalisation.
    """
    config = plot.config
    title = config.title or plot.name
    if config.template in CONFUSION_TEMPLATES:
        norm = config.template == "confusion_normalized" if normalized is None else normalized
        grid = confusion_of(plot)
        return render_confusion(
            grid,
            width,
            height,
            title=title + (" (normalized)" if norm else ""),
            normalized=norm,
            x_label=config.x_label or config.x or "",
            y_label=config.y_label or _first_y(plot) or "",
        )
    if config.template in BAR_TEMPLATES:
        return _render_bars(plot, width, height, title)
    return _render_xy(plot, width, height, title)


def _render_xy(plot: PlotData, width: int, height: int, title: str) -> ChartFrame:
    config = plot.config
    rows = [row for row in plot.rows if isinstance(row, dict)]
    x_field = config.x or "step"
    x = _numbers(rows, x_field)
    categories: list[str] = []
    if x is None:  # categorical x: positions in order of appearance
        categories = list(dict.fromkeys(str(row.get(x_field)) for row in rows))
        position = {label: index for index, label in enumerate(categories)}
        x = np.asarray([position[str(row.get(x_field))] for row in rows], dtype=np.float64)
    fields = _y_fields(plot)
    scatter = config.template in SCATTER_TEMPLATES
    curves: list[Curve] = []
    fixed = _unit_axes(x_field, fields)
    if fixed:
        curves.append(Curve("", np.array([0.0, 1.0]), np.array([0.0, 1.0]), color=-1))
    for index, field in enumerate(fields):
        y = _numbers(rows, field)
        if y is None:
            continue
        xs, ys = x, y
        metric = _curve_metric(x_field, field, xs, ys)
        if not scatter:
            order = np.argsort(xs, kind="stable")
            xs, ys = xs[order], ys[order]
        # A curve over a classifier's thresholds (ROC, PR, DET, calibration) has no
        # "latest" value: its legend is the AUC / AP, or the name alone.
        legend: str | None = metric or ("" if x_field in CURVE_X_FIELDS else _latest(ys))
        curves.append(Curve(field, xs, ys, color=index, lines=not scatter, legend=legend))
    if fixed and len(curves) == 1:
        curves = []
    y_title = config.y_label or ", ".join(fields)
    axes = f"{y_title} vs {config.x_label or x_field}" if y_title else ""
    if len(title) + 2 + len(axes) > width:
        axes = ""
    return render_chart(
        curves,
        width,
        height,
        title=title,
        status=axes,
        x_range=(0.0, 1.0) if fixed else None,
        y_range=(0.0, 1.0) if fixed else None,
    )


def _unit_axes(x_field: str, y_fields: list[str]) -> bool:
    unit = {"fpr", "tpr", "fnr", "recall", "precision", "prob_pred", "prob_true"}
    diagonal = {("fpr", "tpr"), ("prob_pred", "prob_true")}
    return (
        x_field in unit
        and all(field in unit for field in y_fields)
        and any((x_field, field) in diagonal for field in y_fields)
    )


def _curve_metric(x_field: str, y_field: str, x: FloatArray, y: FloatArray) -> str:
    finite = np.isfinite(x) & np.isfinite(y)
    if finite.sum() < 2:
        return ""
    if (x_field, y_field) == ("fpr", "tpr"):
        return f"AUC {roc_auc(x[finite], y[finite]):.3f}"
    if (x_field, y_field) == ("recall", "precision"):
        return f"AP {average_precision(x[finite], y[finite]):.3f}"
    return ""


def _latest(values: FloatArray) -> str:
    finite = values[np.isfinite(values)]
    return format_value(float(finite[-1])) if len(finite) else "–"


class _Grid:
    """A tiny cell canvas for the text-based plots."""

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self.rows: list[list[tuple[str, int]]] = [[] for _ in range(height)]
        self.used = [0] * height

    def add(self, row: int, text: str, role: int) -> None:
        text = terminal_text(text)
        if not 0 <= row < self.height or not text:
            return
        room = self.width - self.used[row]
        if room <= 0:
            return
        if len(text) > room:
            text = text[: max(0, room - 1)] + "…"
        self.rows[row].append((text, role))
        self.used[row] += len(text)

    def frame(self) -> ChartFrame:
        rows = []
        for runs, used in zip(self.rows, self.used, strict=True):
            pad = [(" " * (self.width - used), int(Role.BLANK))] if used < self.width else []
            rows.append(tuple(runs + pad))
        return ChartFrame(self.width, self.height, tuple(rows))


def render_confusion(
    grid: Confusion,
    width: int,
    height: int,
    *,
    title: str = "Confusion Matrix",
    normalized: bool = False,
    x_label: str = "",
    y_label: str = "",
) -> ChartFrame:
    """A heat grid: one row per y label, one column per x label, counts or rates inside."""
    canvas = _Grid(max(0, width), max(0, height))
    canvas.add(0, title, int(Role.TITLE))
    if not grid.x_labels:
        canvas.add(min(2, max(0, height - 1)), "no data", int(Role.LABEL))
        return canvas.frame()
    values: FloatArray = grid.normalized() if normalized else grid.counts.astype(np.float64)
    texts = [[f"{v:.2f}" if normalized else f"{int(v)}" for v in row] for row in values]
    # Like dvc: rates on a fixed 0..1 colour scale, counts on the observed range.
    peak = 1.0 if normalized else (float(values.max()) if values.size else 0.0)
    cell = max(
        max(len(label) for label in grid.x_labels), max(len(t) for row in texts for t in row)
    )
    cell += 2
    side = max(len(y_label), max(len(label) for label in grid.y_labels)) + 1
    canvas.add(1, " " * side + f"{x_label} →" if x_label else "", int(Role.LABEL))
    canvas.add(2, (f"{y_label} ↓" if y_label else "").ljust(side), int(Role.LABEL))
    for label in grid.x_labels:
        canvas.add(2, label.rjust(cell - 1) + " ", int(Role.LABEL))
    for row_index, label in enumerate(grid.y_labels):
        line = 3 + row_index
        if line >= height:
            break
        canvas.add(line, label.rjust(side - 1) + " ", int(Role.LABEL))
        for column, text in enumerate(texts[row_index]):
            share = values[row_index, column] / peak if peak > 0 else 0.0
            level = math.ceil(share * (HEAT_LEVELS - 1)) if share > 0 else 0
            canvas.add(line, text.rjust(cell - 1) + " ", heat_role(level))
    return canvas.frame()


def _render_bars(plot: PlotData, width: int, height: int, title: str) -> ChartFrame:
    config = plot.config
    rows = [row for row in plot.rows if isinstance(row, dict)]
    value_field = config.x or "x"
    fields = _y_fields(plot)
    label_field = fields[0] if fields else "y"
    values = _numbers(rows, value_field)
    canvas = _Grid(max(0, width), max(0, height))
    canvas.add(0, title, int(Role.TITLE))
    if values is None or not rows:
        canvas.add(min(1, max(0, height - 1)), "no data", int(Role.LABEL))
        return canvas.frame()
    items = [
        (str(row.get(label_field, "")), float(value))
        for row, value in zip(rows, values, strict=True)
        if math.isfinite(value)
    ]
    if config.template == "bar_horizontal_sorted":
        items.sort(key=lambda item: item[1], reverse=True)
    label_width = min(max((len(label) for label, _ in items), default=0), max(4, width // 3))
    texts = [format_value(value) for _, value in items]
    value_width = max((len(text) for text in texts), default=0)
    bar_room = max(1, width - label_width - value_width - 3)
    peak = max((abs(value) for _, value in items), default=0.0)
    for index, ((label, value), text) in enumerate(zip(items, texts, strict=True)):
        line = 1 + index
        if line >= height:
            break
        length = round(abs(value) / peak * bar_room) if peak > 0 else 0
        shown = label if len(label) <= label_width else label[: label_width - 1] + "…"
        canvas.add(line, shown.rjust(label_width) + " │", int(Role.LABEL))
        canvas.add(line, "█" * length, series_role(0))
        canvas.add(line, " " + text, int(Role.VALUE))
    return canvas.frame()
