"""The ``dvclive-tui compare`` application: the table screen plus live refreshing.

The experiments shown first were read by the command before the app started; from then on
a worker re-reads the repository (git objects, running workspaces) every few seconds and
posts the rows back, so the table follows running experiments without blocking a key.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, ClassVar

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message

from dvclive_tui.app.compare.charts_screen import ChartsScreen
from dvclive_tui.app.compare.diff_screen import DiffScreen
from dvclive_tui.app.compare.media_screen import MediaScreen
from dvclive_tui.app.compare.table_screen import CompareScreen
from dvclive_tui.app.screens.help import FOCUS_KEYS, HelpScreen, HelpSection
from dvclive_tui.app.widgets.chart import Chart
from dvclive_tui.app.widgets.image_view import ImageView
from dvclive_tui.app.widgets.plot_view import PlotView
from dvclive_tui.experiments.model import ExperimentSet
from dvclive_tui.experiments.refs import Selection
from dvclive_tui.experiments.view import TableView

#: Shortest time between two background re-reads of the repository.
MIN_REFRESH_S = 2.0
#: Least time between two read-cache writes caused only by workspace changes.
CACHE_SAVE_S = 60.0

Loader = Callable[[], ExperimentSet]
"""Reads every row of the comparison again."""


class CompareApp(App[None]):
    """Experiments side by side; rows refresh in the background while anything runs.

    Args:
        experiments: The rows read by the command.
        selection: Which revisions to read again (``-a``, ``-T``, ``--rev``...).
        dirs: dvclive directories compared beside the repository's experiments.
        view: The table as the command line set it up (``--filter``, ``--sort-by``).
        loader: Reads the rows again (default: the repository and ``dirs``).
        live: Re-read the rows every few seconds.
        **kwargs: Textual's App keywords.
    """

    CSS_PATH: ClassVar[list[str | PurePath]] = ["../styles/compare.tcss"]
    TITLE = "dvclive-tui compare"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", show=False),
        Binding("question_mark", "help", "Help", show=False, tooltip="List every key"),
    ]

    @dataclass
    class Reloaded(Message):
        """A re-read finished (posted by the reload worker)."""

        experiments: ExperimentSet | None
        """The rows read, or ``None`` when reading failed (the next re-read retries)."""
        took: float
        """Seconds the re-read took."""

    def __init__(
        self,
        experiments: ExperimentSet,
        *,
        selection: Selection | None = None,
        dirs: Sequence[Path] = (),
        view: TableView | None = None,
        loader: Loader | None = None,
        live: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.experiments = experiments
        self.exp_colors: dict[str, int] = {}
        """Chart colour of every experiment selected so far (kept while it stays selected)."""
        self._loader = loader
        self._make_loader: Callable[[], Loader] | None = (
            None if loader is not None or not live else _default_loader(selection, dirs)
        )
        self._view = view
        """The table as the command line set it up (filter, sort), else a plain one."""
        self._refresh_every = MIN_REFRESH_S
        self._loading = False

    @property
    def live(self) -> bool:
        """Whether the rows are re-read in the background."""
        return self._loader is not None or self._make_loader is not None

    def on_mount(self) -> None:
        """Show the table (as ``--filter``/``--sort-by`` set it up), report read warnings,
        start refreshing."""
        view = self._view or TableView.build(self.experiments.experiments)
        self.push_screen(CompareScreen(view))
        for warning in self.experiments.warnings:
            self.notify(warning, severity="warning")
        if self.live:
            self.set_timer(self._refresh_every, self.action_reload)

    @property
    def table_screen(self) -> CompareScreen | None:
        """The table screen, wherever it is in the stack."""
        for screen in self.screen_stack:
            if isinstance(screen, CompareScreen):
                return screen
        return None

    def action_reload(self) -> None:
        """Re-read the repository in a worker thread; the rows are applied when it is done."""
        if self.live and not self._loading:
            self._loading = True
            self._reload()

    @work(thread=True, exclusive=True, group="reload", description="re-read experiments")
    def _reload(self) -> None:
        started = time.perf_counter()
        try:
            if self._loader is None and self._make_loader is not None:
                self._loader = self._make_loader()
            assert self._loader is not None
            fresh: ExperimentSet | None = self._loader()
        except Exception:  # a repository mid-rewrite: the next re-read retries
            fresh = None
        self.post_message(self.Reloaded(fresh, time.perf_counter() - started))

    @on(Reloaded)
    def _reloaded(self, message: Reloaded) -> None:
        if not self.is_running:
            return  # a re-read that ended while the App shuts down
        self._loading = False
        fresh = message.experiments
        if fresh is not None:
            self._refresh_every = max(MIN_REFRESH_S, message.took * 10)
            if _signature(fresh) != _signature(self.experiments):
                self.experiments = fresh
                screen = self.table_screen
                if screen is not None:
                    screen.replace_experiments(fresh.experiments)
        self.set_timer(self._refresh_every, self.action_reload)

    def action_help(self) -> None:
        """List every key, by screen."""
        self.push_screen(HelpScreen(self.help_sections()))

    def help_sections(self) -> list[HelpSection]:
        """The bindings listed by the help overlay, by where they apply."""
        return [
            ("Table", CompareScreen.BINDINGS),
            ("Charts", ChartsScreen.BINDINGS),
            ("Focused chart", Chart.BINDINGS),
            ("Diff", DiffScreen.BINDINGS),
            ("Images and plots", MediaScreen.BINDINGS),
            ("Image", ImageView.BINDINGS),
            ("Plot", PlotView.BINDINGS),
            ("App", self.BINDINGS),
            ("Moving around", FOCUS_KEYS),
        ]


def _default_loader(selection: Selection | None, dirs: Sequence[Path]) -> Callable[[], Loader]:
    """Opens the repository of the current folder (in the reload worker, not on the loop)."""
    cwd = Path.cwd()

    def make() -> Loader:
        from dvclive_tui.experiments.load import ExperimentLoader

        return ExperimentLoader(cwd, dirs, selection, save_interval=CACHE_SAVE_S)

    return make


def _signature(exps: ExperimentSet) -> list[tuple[Any, ...]]:
    return [
        (exp.key, exp.name, exp.status, repr(exp.data.params), repr(exp.data.metrics))
        for exp in exps.experiments
    ]
