"""Run-time settings of the dashboard, built once from CLI flags and the environment.

A frozen :class:`Settings` is passed into the App (``WatchApp(settings)``): there are no
global singletons, so tests build one directly with fixed paths, theme and clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

#: Poll interval bounds (seconds) accepted by ``--interval``.
MIN_INTERVAL = 0.1
MAX_INTERVAL = 5.0
DEFAULT_INTERVAL = 0.25
#: Seconds between two re-discoveries of runs under the watched folders.
DEFAULT_HEARTBEAT = 15.0
#: Textual theme used when none is given.
DEFAULT_THEME = "textual-dark"
#: Colour systems accepted by ``--color-system`` (Textual's ``TEXTUAL_COLOR_SYSTEM`` values).
COLOR_SYSTEMS = ("auto", "standard", "256", "truecolor", "windows")
#: Values of ``--notify``: how alerts reach the terminal besides the toast.
NOTIFY_MODES = ("off", "bell", "osc9", "osc777", "auto")


@dataclass(frozen=True)
class Settings:
    """Everything the dashboard needs to know before it starts.

    Attributes:
        paths: Folders to watch: each is a dvclive directory or a folder to discover
            dvclive directories in (re-discovered every ``heartbeat`` seconds).
        remote: Folders on other machines, as typed (``[user@]host:path`` or
            ``ssh://[user@]host[:port]/path``), watched beside ``paths``.
        interval: Seconds between two polls of the files.
        heartbeat: Seconds between two re-discoveries of runs.
        theme: Textual theme name.
        color_system: ``TEXTUAL_COLOR_SYSTEM`` value, or ``None`` to let Textual decide.
        clock: Wall clock (seconds since the epoch); injected by tests.
        watch: Keep polling every ``interval``. ``False`` loads the runs once (snapshot
            tests; ``r`` polls again).
        charts_per_page: Charts shown at once in a grid (1-9).
        rules: User alert rules (texts ``parse_rule`` accepts), checked besides the
            built-in alerts.
        notify: Terminal notifications of alerts: ``off``, ``bell``, ``osc9``, ``osc777``
            or ``auto``.
    """

    paths: tuple[Path, ...] = (Path("."),)
    remote: tuple[str, ...] = ()
    interval: float = DEFAULT_INTERVAL
    heartbeat: float = DEFAULT_HEARTBEAT
    theme: str = DEFAULT_THEME
    color_system: str | None = None
    clock: Callable[[], float] = field(default=time.time, compare=False)
    watch: bool = True
    charts_per_page: int = 4
    rules: tuple[str, ...] = ()
    notify: str = "off"

    def __post_init__(self) -> None:
        if not MIN_INTERVAL <= self.interval <= MAX_INTERVAL:
            raise ValueError(
                f"interval must be between {MIN_INTERVAL} and {MAX_INTERVAL} seconds, "
                f"not {self.interval}"
            )
        if not 1 <= self.charts_per_page <= 9:
            raise ValueError(f"charts_per_page must be 1-9, not {self.charts_per_page}")
        if self.notify not in NOTIFY_MODES:
            raise ValueError(f"unknown notification mode {self.notify!r}")
        if self.color_system is not None and self.color_system not in COLOR_SYSTEMS:
            raise ValueError(f"unknown colour system {self.color_system!r}")
