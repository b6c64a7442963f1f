"""The ``dvclive-tui compare`` application: the table screen plus live refreshing."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import Worker, WorkerState

from dvclive_tui.app.compare.table_screen import CompareScreen
from dvclive_tui.experiments.model import ExperimentSet
from dvclive_tui.experiments.refs import Selection
from dvclive_tui.experiments.view import TableView

#: Shortest time between two background re-reads of the repository.
MIN_REFRESH_S = 2.0
#: Least time between two read-cache writes caused only by workspace changes.
CACHE_SAVE_S = 60.0

HELP_SECTIONS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Table",
        [
            ("↑ ↓ ← →", "Move between rows and columns"),
            ("/", 'Filter rows: lr >= 0.001 and opt == "adam", name ~ "exp-*", exp-*'),
            ("s (or click)", "Sort by the cursor's column; again for descending, then off"),
            ("c", "Only columns whose values differ"),
            ("h / H", "Hide the cursor's column / show every column"),
            ("space", "Select / unselect the experiment (its chart colour and mark shown)"),
            ("*", "Star: always shown, listed first"),
            ("a", "Clear the selection"),
            ("r", "Reload experiments now"),
        ],
    ),
    (
        "Views",
        [
            ("g / enter", "Overlay the selected experiments' metric curves"),
            ("d", "Params and metrics diff of two selected experiments"),
            ("i", "Images and plots of the selected experiments side by side"),
            ("n / p", "Images and plots: next / previous item"),
            ("← →", "Image: previous / next frame; plots: previous / next item"),
            ("n", "Confusion matrix: normalize (→ goes to the next item)"),
            ("c", "Diff: only the keys that differ"),
            ("escape", "Back to the table"),
        ],
    ),
    (
        "Charts",
        [
            ("n / p", "Next / previous page of charts"),
            ("1 2 4 6 9", "Charts per page"),
            ("tab", "Focus the next chart"),
            ("s l x", "Smoothing, log y, x axis (focused chart)"),
            ("z Z [ ]", "Zoom and pan (focused chart)"),
        ],
    ),
    ("App", [("?", "This help"), ("q", "Quit (or back)")]),
]


class CompareApp(App[None]):
    """Experiments side by side; rows refresh in the background while anything runs."""

    TITLE = "dvclive-tui compare"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", show=False),
        Binding("question_mark", "help", "Help", show=False, key_display="?"),
    ]

    def __init__(
        self,
        experiments: ExperimentSet,
        *,
        selection: Selection | None = None,
        dirs: Sequence[Path] = (),
        view: TableView | None = None,
        loader: Callable[[], ExperimentSet] | None = None,
        live: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.experiments = experiments
        self.exp_colors: dict[str, int] = {}
        self._loader = loader or (self._default_loader(selection, dirs) if live else None)
        self._view = view
        """The table as the command line set it up (filter, sort), else a plain one."""
        self._refresh_every = MIN_REFRESH_S
        self._loading = False

    @staticmethod
    def _default_loader(
        selection: Selection | None, dirs: Sequence[Path]
    ) -> Callable[[], ExperimentSet]:
        from dvclive_tui.experiments.load import ExperimentLoader

        return ExperimentLoader(Path.cwd(), dirs, selection, save_interval=CACHE_SAVE_S)

    def on_mount(self) -> None:
        view = self._view or TableView.build(self.experiments.experiments)
        screen = CompareScreen(view)
        self.push_screen(screen)
        for warning in self.experiments.warnings:
            self.notify(warning, severity="warning")
        if self._loader is not None:
            self.set_timer(self._refresh_every, self._schedule_reload)

    @property
    def table_screen(self) -> CompareScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, CompareScreen):
                return screen
        return None

    def _schedule_reload(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        """Re-read the repository in a worker thread; apply the rows when done."""
        if self._loader is None or self._loading:
            return
        self._loading = True
        loader = self._loader

        def work() -> tuple[ExperimentSet, float]:
            started = time.perf_counter()
            return loader(), time.perf_counter() - started

        self.run_worker(work, thread=True, name="reload", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "reload" or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            return
        self._loading = False
        if event.state is WorkerState.SUCCESS and event.worker.result is not None:
            fresh, took = event.worker.result
            self._refresh_every = max(MIN_REFRESH_S, took * 10)
            if _signature(fresh) != _signature(self.experiments):
                self.experiments = fresh
                screen = self.table_screen
                if screen is not None:
                    screen.replace_experiments(fresh.experiments)
        if self._loader is not None:
            self.set_timer(self._refresh_every, self._schedule_reload)

    def action_help(self) -> None:
        from dvclive_tui.app.screens.help import HelpScreen

        self.push_screen(HelpScreen(HELP_SECTIONS))


def _signature(exps: ExperimentSet) -> list[tuple[Any, ...]]:
    return [
        (exp.key, exp.name, exp.status, repr(exp.data.params), repr(exp.data.metrics))
        for exp in exps.experiments
    ]
