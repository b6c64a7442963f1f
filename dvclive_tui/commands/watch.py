"""``dvclive-tui watch [PATH ...]``: the live terminal dashboard."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import click

from dvclive_tui.commands.errors import require_directory
from dvclive_tui.settings import (
    COLOR_SYSTEMS,
    DEFAULT_INTERVAL,
    DEFAULT_THEME,
    MAX_INTERVAL,
    MIN_INTERVAL,
    Settings,
)


def check_paths(paths: Sequence[Path]) -> tuple[Path, ...]:
    """The paths to watch (the current folder by default); raise :class:`InputError`."""
    chosen = tuple(paths) or (Path("."),)
    for path in chosen:
        require_directory(path)
    return chosen


def prepare_environment(color_system: str | None) -> None:
    """Set ``TEXTUAL_*`` variables; call before Textual is first imported."""
    if color_system is not None:
        os.environ["TEXTUAL_COLOR_SYSTEM"] = color_system


def check_theme(theme: str) -> None:
    """Raise :class:`click.BadParameter` for a theme Textual does not know."""
    from textual.theme import BUILTIN_THEMES

    if theme not in BUILTIN_THEMES:
        known = ", ".join(sorted(BUILTIN_THEMES))
        raise click.BadParameter(f"unknown theme {theme!r} (one of: {known})", param_hint="--theme")


def run_dashboard(settings: Settings) -> None:
    """Run the dashboard until the user quits."""
    prepare_environment(settings.color_system)
    check_theme(settings.theme)
    from dvclive_tui.app.watch.app import WatchApp

    WatchApp(settings).run()


interval_option = click.option(
    "--interval",
    type=click.FloatRange(MIN_INTERVAL, MAX_INTERVAL),
    default=DEFAULT_INTERVAL,
    show_default=True,
    help="Seconds between two polls of the files.",
)
color_system_option = click.option(
    "--color-system",
    type=click.Choice(COLOR_SYSTEMS),
    default=None,
    help="Force the colour system (e.g. truecolor over SSH, which drops COLORTERM).",
)
theme_option = click.option(
    "--theme", default=DEFAULT_THEME, show_default=True, help="Textual theme."
)


@click.command(help="Watch dvclive directories live in a terminal dashboard.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@interval_option
@color_system_option
@theme_option
def watch(paths: tuple[Path, ...], interval: float, color_system: str | None, theme: str) -> None:
    """PATHS are dvclive directories or folders to discover them in (default: here)."""
    settings = Settings(
        paths=check_paths(paths), interval=interval, theme=theme, color_system=color_system
    )
    run_dashboard(settings)
