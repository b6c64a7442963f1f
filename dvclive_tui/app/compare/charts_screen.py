"""Selected experiments' metric curves overlaid, one chart per metric (the watch grid).

Committed experiments are read once from git objects; running ones (workspace, DVC temp
workspaces, directories) are tailed with the data layer's :class:`RunReader`, so their
curves grow live. Both happen in workers: one reads the curves behind a loading indicator,
then one keeps tailing the running experiments; each posts new curves as a message. Every
experiment keeps one colour across charts; there is no cap on how many are overlaid: past
the palette's 8 colours, experiments also carry a mark (◆, ▲...) in the legend and the
table.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from dvclive_tui.app.compare.cells import color_of
from dvclive_tui.app.widgets.chart import Chart
from dvclive_tui.app.widgets.chart_grid import ChartGrid
from dvclive_tui.app.workers import LOOP_GROUP, ticks
from dvclive_tui.charts.series import SeriesData
from dvclive_tui.experiments.model import Experiment, ExpStatus
from dvclive_tui.experiments.series import dvclive_dirs, load_metrics
from dvclive_tui.experiments.sources import DirSource
from dvclive_tui.text import sanitize
from dvclive_writer.read.reader import RunReader

LIVE_POLL_S = 0.5
"""Seconds between two reads of running experiments' metric files."""

Curves = dict[str, SeriesData]
"""One experiment's series by metric name."""


class _Track:
    """The curves of one experiment: fixed (from git) or tailed (:class:`RunReader`).

    Only ever used by one worker thread at a time: the loading worker, then the live one.
    """

    def __init__(self, exp: Experiment, color: int) -> None:
        self.exp = exp
        self.color = color
        self.version = 0
        self.readers: list[tuple[str, RunReader]] = []

    @property
    def live(self) -> bool:
        """Whether the experiment runs from files on disk (so its curves can grow)."""
        return self.exp.status is ExpStatus.RUNNING and isinstance(self.exp.source, DirSource)

    def load(self) -> Curves:
        """Read every curve (git objects, or the files of a running experiment)."""
        source = self.exp.source
        if self.live and isinstance(source, DirSource):
            dirs = dvclive_dirs(self.exp) or ["dvclive"]
            for base in dirs:
                path = Path(source.root) / base if base else Path(source.root)
                self.readers.append((base if len(dirs) > 1 else "", RunReader(path)))
            return self.poll()
        return {
            name: self._series(
                name, history.table.steps, history.table.values, history.table.timestamps
            )
            for name, history in load_metrics(self.exp).items()
        }

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

    def poll(self) -> Curves:
        """Read new points of a running experiment; returns the curves that changed."""
        changed: Curves = {}
        for prefix, reader in self.readers:
            changes = reader.poll()
            if not changes:
                continue
            self.version += 1
            for name, series in reader.run.metrics.items():
                metric = f"{prefix}:{name}" if prefix else name
                changed[metric] = self._series(
                    metric, series.steps.copy(), series.values.copy(), series.timestamps
                )
        return changed


class ChartsScreen(Screen[None]):
    """A grid of charts, one per metric, each overlaying every selected experiment.

    Args:
        experiments: The experiments overlaid, in legend order.
        colors: Chart colour of each experiment, by key.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Back", tooltip="Back to the table"),
        Binding("n,pagedown", "page(1)", "Next page"),
        Binding("p,pageup", "page(-1)", "Prev page"),
        Binding("1", "per_page(1)", "Charts per page", show=False),
        Binding("2", "per_page(2)", "Charts per page", show=False),
        Binding("4", "per_page(4)", "Charts per page", show=False),
        Binding("6", "per_page(6)", "Charts per page", show=False),
        Binding("9", "per_page(9)", "Charts per page", show=False),
        Binding("tab", "app.focus_next", "Next chart", show=False, tooltip="Focus the next chart"),
    ]

    @dataclass
    class CurvesRead(Message):
        """Curves read by a worker: every curve at first, then those that grew."""

        curves: dict[str, Curves]
        """New curves by experiment key."""
        initial: bool = False
        """The first read (every curve): the loading indicator goes."""
        live: list[_Track] = field(default_factory=list)
        """Running experiments to keep tailing (handed over by the loading worker)."""

    def __init__(self, experiments: list[Experiment], colors: dict[str, int]) -> None:
        super().__init__()
        self.experiments = experiments
        self.exp_colors = colors
        self.curves: dict[str, Curves] = {exp.key: {} for exp in experiments}
        """Every experiment's curves, by key, in legend order."""
        self._stop = threading.Event()

    def compose(self) -> ComposeResult:
        """A title naming the experiments, the chart grid and the key footer."""
        names = ", ".join(sanitize(exp.label) for exp in self.experiments)
        yield Static(f"{len(self.experiments)} experiment(s): {names}", id="charts-title")
        yield ChartGrid(per_page=4, empty_message="No metric histories in the selection")
        yield Footer()

    def on_mount(self) -> None:
        """Read the curves behind a loading indicator."""
        self.query_one(ChartGrid).loading = True
        self._load()

    def on_unmount(self) -> None:
        """Stop tailing running experiments."""
        self._stop.set()

    @work(thread=True, exclusive=True, group="curves", description="read the curves")
    def _load(self) -> None:
        tracks = [_Track(exp, self.exp_colors.get(exp.key, 0)) for exp in self.experiments]
        curves = {track.exp.key: track.load() for track in tracks}
        live = [track for track in tracks if track.live]
        self.post_message(self.CurvesRead(curves, initial=True, live=live))

    @work(thread=True, exclusive=True, group=f"{LOOP_GROUP}curves", description="tail curves")
    def _follow(self, tracks: Sequence[_Track]) -> None:
        for _ in ticks(LIVE_POLL_S, self._stop):
            grown = {track.exp.key: track.poll() for track in tracks}
            if any(grown.values()):
                self.post_message(self.CurvesRead(grown))

    @on(CurvesRead)
    def _curves_read(self, message: CurvesRead) -> None:
        if not self.is_attached:
            return  # read for a screen that was closed meanwhile
        dirty: set[str] = set()
        for key, curves in message.curves.items():
            self.curves[key].update(curves)
            dirty.update(curves)
        if message.initial:
            self.query_one(ChartGrid).loading = False
            self._show(None)
            # The screen's auto focus ran before there was a chart: focus the first one.
            self.call_after_refresh(self._focus_first_chart)
        elif dirty:
            self._show(dirty)
        if message.live:
            self._follow(message.live)

    def _focus_first_chart(self) -> None:
        if self.focused is None:
            self.focus_next(Chart)

    @property
    def metrics(self) -> list[str]:
        """Every metric of any experiment, sorted."""
        return sorted({name for curves in self.curves.values() for name in curves})

    def series_for(self, metric: str) -> list[SeriesData]:
        """Every selected experiment's curve of ``metric``."""
        return [curves[metric] for curves in self.curves.values() if metric in curves]

    def _show(self, dirty: set[str] | None) -> None:
        self.query_one(ChartGrid).show(self.metrics, self.series_for, dirty)

    def action_page(self, delta: int) -> None:
        """Turn the page of charts."""
        self.query_one(ChartGrid).next_page(delta)

    def action_per_page(self, count: int) -> None:
        """Show ``count`` charts per page."""
        self.query_one(ChartGrid).per_page = count
