"""Selected experiments' metric curves overlaid, one chart per metric (the watch grid).

Committed experiments are read once from git objects; running ones (workspace, DVC temp
workspaces, directories) are tailed with the data layer's :class:`RunReader`, so their
curves grow live. Every experiment keeps one colour across charts; there is no cap on how
many are overlaid: past the palette's 8 colours, experiments also carry a mark (◆, ▲...)
in the legend and the table.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import numpy as np
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from dvclive_tui.app.compare.cells import color_of
from dvclive_tui.app.widgets.chart_grid import ChartGrid
from dvclive_tui.charts.series import SeriesData
from dvclive_tui.experiments.model import Experiment, ExpStatus
from dvclive_tui.experiments.series import dvclive_dirs, load_metrics
from dvclive_tui.experiments.sources import DirSource
from dvclive_tui.text import sanitize
from dvclive_writer.read.reader import RunReader

LIVE_POLL_S = 0.5


class _Track:
    """The curves of one experiment: fixed (from git) or tailed (RunReader)."""

    def __init__(self, exp: Experiment, color: int) -> None:
        self.exp = exp
        self.color = color
        self.version = 0
        self.readers: list[tuple[str, RunReader]] = []
        self.series: dict[str, SeriesData] = {}
        source = exp.source
        live = exp.status is ExpStatus.RUNNING and isinstance(source, DirSource)
        if live and isinstance(source, DirSource):
            dirs = dvclive_dirs(exp) or ["dvclive"]
            for base in dirs:
                path = Path(source.root) / base if base else Path(source.root)
                self.readers.append((base if len(dirs) > 1 else "", RunReader(path)))
            self.poll()
        else:
            for name, history in load_metrics(exp).items():
                table = history.table
                self.series[name] = self._series(name, table.steps, table.values, table.timestamps)

    def _series(
        self,
        name: str,
        steps: np.ndarray,
        values: np.ndarray,
        timestamps: np.ndarray | None,
    ) -> SeriesData:
        _hex, mark = color_of(self.color)
        label = sanitize(self.exp.label)
        return SeriesData(
            key=f"{self.exp.key}::{name}",
            label=f"{mark} {label}" if mark else label,
            steps=steps,
            values=values,
            timestamps=timestamps,
            color=self.color,
            version=self.version,
        )

    def poll(self) -> set[str]:
        """Read new points of a running experiment; returns the metrics that changed."""
        changed: set[str] = set()
        for prefix, reader in self.readers:
            changes = reader.poll()
            if not changes:
                continue
            self.version += 1
            for name, series in reader.run.metrics.items():
                metric = f"{prefix}:{name}" if prefix else name
                self.series[metric] = self._series(
                    metric, series.steps.copy(), series.values.copy(), series.timestamps
                )
                changed.add(metric)
        return changed


class ChartsScreen(Screen[None]):
    """A grid of charts, one per metric, each overlaying every selected experiment."""

    DEFAULT_CSS = """
    ChartsScreen > #charts-title { height: 1; padding: 0 1; background: $panel; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding("n,pagedown", "page(1)", "Next page"),
        Binding("p,pageup", "page(-1)", "Prev page"),
        Binding("1", "per_page(1)", "1 chart", show=False),
        Binding("2", "per_page(2)", "2 charts", show=False),
        Binding("4", "per_page(4)", "4 charts", show=False),
        Binding("6", "per_page(6)", "6 charts", show=False),
        Binding("9", "per_page(9)", "9 charts", show=False),
        Binding("tab", "app.focus_next", "Next chart", show=False),
    ]

    def __init__(self, experiments: list[Experiment], colors: dict[str, int]) -> None:
        super().__init__()
        self.experiments = experiments
        self.exp_colors = colors
        self.tracks: list[_Track] = []

    def compose(self) -> ComposeResult:
        names = ", ".join(sanitize(exp.label) for exp in self.experiments)
        yield Static(f"{len(self.experiments)} experiment(s): {names}", id="charts-title")
        yield ChartGrid(per_page=4, empty_message="No metric histories in the selection")
        yield Footer()

    def on_mount(self) -> None:
        self.tracks = [_Track(exp, self.exp_colors.get(exp.key, 0)) for exp in self.experiments]
        self._show(None)
        if any(track.readers for track in self.tracks):
            self.set_interval(LIVE_POLL_S, self._poll_live)

    @property
    def metrics(self) -> list[str]:
        names: set[str] = set()
        for track in self.tracks:
            names.update(track.series)
        return sorted(names)

    def series_for(self, metric: str) -> list[SeriesData]:
        """Every selected experiment's curve of ``metric``."""
        return [track.series[metric] for track in self.tracks if metric in track.series]

    def _show(self, dirty: set[str] | None) -> None:
        self.query_one(ChartGrid).show(self.metrics, self.series_for, dirty)

    def _poll_live(self) -> None:
        dirty: set[str] = set()
        for track in self.tracks:
            dirty |= track.poll()
        if dirty:
            self._show(dirty)

    def action_page(self, delta: int) -> None:
        self.query_one(ChartGrid).next_page(delta)

    def action_per_page(self, count: int) -> None:
        self.query_one(ChartGrid).per_page = count
