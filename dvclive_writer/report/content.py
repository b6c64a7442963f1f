"""What a report shows, gathered from one or more runs in dvclive's order.

Sections follow ``dvclive.report.make_report``: params table, summary table, one chart per
metric, images, sklearn plots, custom plots. Several runs ("experiments") share a section:
tables get one row per experiment and charts overlay one series per experiment.

Long metric series are decimated with M4 to about ``max_points`` per series (through a
:class:`~dvclive_writer.report.decimation.Decimator`, which a regenerated report keeps so only
new points are decimated); the TSV files keep the full data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from dvclive_writer.read.model import PlotConfig, Run
from dvclive_writer.read.naming import flatten
from dvclive_writer.report.compact import compact
from dvclive_writer.report.decimation import Decimator
from dvclive_writer.report.fields import field_key, label_text, plain_text, safe_keys
from dvclive_writer.report.model import Block, Chart, Frame, ImageGroup, ReportContent, Table
from dvclive_writer.text_safety import terminal_text

#: Default bound on the points drawn per series: 4 per pixel column of a 300 px chart
#: (dvc-render's plot width), which M4 draws pixel-exactly.
DEFAULT_MAX_POINTS = 1200

#: Metric charts drawn in one report (in name order); the tables and TSVs keep every metric.
#: A run of 10,000 metric files would otherwise take minutes to draw and a browser to its knees.
MAX_METRIC_CHARTS = 200

#: Frames of one image series embedded in a report (evenly spread, the newest always kept).
DEFAULT_MAX_FRAMES = 8

EXPERIMENT_COLUMN = "Experiment"


@dataclass(frozen=True)
class Experiment:
    """One run as it appears in a report: a label and its data."""

    name: str
    run: Run


def collect(
    experiments: Sequence[Experiment],
    *,
    max_points: int = DEFAULT_MAX_POINTS,
    max_frames: int = DEFAULT_MAX_FRAMES,
    decimator: Decimator | None = None,
) -> ReportContent:
    """Gather the report's sections from ``experiments`` (at least one); ``decimator`` is
    the one of the previous regeneration, if any."""
    multi = len(experiments) > 1
    tables = [
        table
        for table in (
            _table("params.yaml", [(e.name, e.run.params) for e in experiments], multi),
            _table("metrics.json", [(e.name, e.run.summary) for e in experiments], multi),
        )
        if table is not None
    ]
    names = sorted({name for e in experiments for name in e.run.metrics})
    return ReportContent(
        experiments=[e.name for e in experiments],
        tables=tables,
        metrics=_metric_charts(
            experiments, names[:MAX_METRIC_CHARTS], max_points, decimator or Decimator()
        ),
        images=_image_groups(experiments, max_frames),
        sklearn=_plot_charts(experiments, "sklearn"),
        custom=_plot_charts(experiments, "custom"),
        undrawn_metrics=max(0, len(names) - MAX_METRIC_CHARTS),
    )


def _table(title: str, rows: list[tuple[str, dict[str, Any]]], multi: bool) -> Table | None:
    flat_rows = [(name, flatten(data)) for name, data in rows if data]
    if not flat_rows:
        return None
    keys: dict[str, None] = {}
    for _, data in flat_rows:
        keys.update(dict.fromkeys(data))
    table_rows = []
    for name, data in flat_rows:
        row: dict[str, Any] = {EXPERIMENT_COLUMN: terminal_text(name)} if multi else {}
        row.update({terminal_text(key): _visible(data.get(key, "")) for key in keys})
        table_rows.append(row)
    return Table(title=title, rows=table_rows)


def _visible(value: Any) -> Any:
    """A table cell: numbers as they are, anything else as escaped text."""
    if isinstance(value, bool | int | float) or value is None:
        return value
    return terminal_text(value)


def _metric_charts(
    experiments: Sequence[Experiment], names: list[str], max_points: int, decimator: Decimator
) -> list[Chart]:
    width = max(1, max_points // 4)
    charts = []
    for name in names:
        label = name.rsplit("/", 1)[-1]
        y = field_key(label)
        if y == "step":  # a metric named "step" must not overwrite the x column
            y = MULTI_Y_FIELD
        present = [(e.name, e.run.metrics[name]) for e in experiments if name in e.run.metrics]
        series = [
            (rev, m.generation, m.steps.astype(np.float64), m.values)
            for rev, m in present
            if len(m)
        ]
        blocks = []
        total = 0
        if series:
            x_min = min(float(s[2].min()) for s in series)
            x_max = max(float(s[2].max()) for s in series)
            for rev, generation, steps, values in series:
                total += len(steps)
                xs, ys = decimator.decimate(
                    (name, rev), generation, steps, values, x_min, x_max, width
                )
                blocks.append(
                    Block(rev=rev, columns={"step": xs.astype(np.int64).tolist(), y: compact(ys)})
                )
        config = PlotConfig(
            template="linear",
            x="step",
            y=y,
            title=plain_text(name),
            y_label=plain_text(label) if label != y else None,
        )
        charts.append(
            Chart(
                name=f"static/{name}",
                kind="metric",
                config=config,
                blocks=blocks,
                total_points=total,
            )
        )
    return charts


def _plot_charts(experiments: Sequence[Experiment], kind: str) -> list[Chart]:
    names = sorted({p.name for e in experiments for p in e.run.plots.values() if p.kind == kind})
    charts = []
    for name in names:
        config: PlotConfig | None = None
        blocks = []
        total = 0
        for experiment in experiments:
            plot = next(
                (p for p in experiment.run.plots.values() if p.kind == kind and p.name == name),
                None,
            )
            if plot is None:
                continue
            rows = [row for row in plot.rows if isinstance(row, dict)]
            keys: dict[str, None] = {}
            for row in rows:
                keys.update(dict.fromkeys(k for k in row if k != "rev"))
            safe = safe_keys(keys)
            ys = _y_list(plot.config)
            if len(ys) > 1:  # several y columns: one series per column, as dvc plots them
                config = config or _multi_y_config(plot.config, rows, name, ys)
                x = plot.config.x or next(iter(keys), "x")
                for y in ys:
                    label = y if len(experiments) == 1 else f"{experiment.name}::{y}"
                    blocks.append(
                        Block(
                            rev=label,
                            columns={
                                field_key(x): [_plain(row.get(x)) for row in rows],
                                MULTI_Y_FIELD: [_plain(row.get(y)) for row in rows],
                            },
                        )
                    )
                total += len(rows) * len(ys)
                continue
            config = config or _resolved_config(plot.config, rows, name, safe)
            total += len(rows)
            blocks.append(
                Block(
                    rev=experiment.name,
                    columns={safe[key]: [_plain(row.get(key)) for row in rows] for key in keys},
                )
            )
        assert config is not None
        charts.append(
            Chart(
                name=f"{kind}/{name}", kind=kind, config=config, blocks=blocks, total_points=total
            )
        )
    return charts


MULTI_Y_FIELD = "value"
"""Field holding the y values of a plot with several y columns (one block per column)."""


def _y_list(config: PlotConfig) -> list[str]:
    if isinstance(config.y, list):
        return [str(y) for y in config.y]
    return [config.y] if config.y else []


def _multi_y_config(
    config: PlotConfig, rows: list[dict[str, Any]], name: str, ys: list[str]
) -> PlotConfig:
    x = config.x or next((k for k in (rows[0] if rows else {}) if k != "rev"), "x")
    return PlotConfig(
        template=config.template or "linear",
        x=field_key(x),
        y=MULTI_Y_FIELD,
        title=plain_text(config.title or name),
        x_label=label_text(config.x_label or (x if x != field_key(x) else None)),
        y_label=label_text(config.y_label or ", ".join(ys)),
    )


def _resolved_config(
    config: PlotConfig, rows: list[dict[str, Any]], name: str, safe: dict[str, str]
) -> PlotConfig:
    """Fill x/y (first/last column, as dvc does without them) and the title; map x/y to
    their Vega-safe keys, keeping the original names as axis labels."""
    keys = [k for k in rows[0] if k != "rev"] if rows else []
    y = config.y[0] if isinstance(config.y, list) and config.y else config.y
    x = config.x or (keys[0] if keys else None)
    if not y and keys:
        y = keys[-1]
    y = y if isinstance(y, str) else None
    x_key = safe.get(x, field_key(x)) if x is not None else None
    y_key = safe.get(y, field_key(y)) if y is not None else None
    return PlotConfig(
        template=config.template or "linear",
        x=x_key,
        y=y_key,
        title=plain_text(config.title or name),
        x_label=label_text(config.x_label or (x if x != x_key else None)),
        y_label=label_text(config.y_label or (y if y != y_key else None)),
    )


def _plain(value: Any) -> Any:
    """JSON-ready scalar (numpy scalars become Python numbers)."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _image_groups(experiments: Sequence[Experiment], max_frames: int) -> list[ImageGroup]:
    groups = []
    for experiment in experiments:
        for name in sorted(experiment.run.images):
            series = experiment.run.images[name]
            frames = series.frames
            if not frames:
                continue
            picked = spread_frames(len(frames), max_frames)
            shown = [
                Frame(
                    caption=frames[i][1].name if frames[i][0] is None else f"step {frames[i][0]}",
                    path=frames[i][1],
                    root=experiment.run.path,
                )
                for i in picked
            ]
            groups.append(
                ImageGroup(name=name, rev=experiment.name, frames=shown, total_frames=len(frames))
            )
    return groups


def spread_frames(count: int, limit: int) -> list[int]:
    """At most ``limit`` indices of ``range(count)``, evenly spread, first and last kept."""
    if count <= limit:
        return list(range(count))
    if limit <= 1:
        return [count - 1]
    picks = {round(i * (count - 1) / (limit - 1)) for i in range(limit)}
    return sorted(picks)
