"""``dvclive-tui watch [PATH ...]``: the live terminal dashboard, or headless alerts.

``--headless`` prints one JSON line per alert event on stdout instead of drawing (schema in
:mod:`dvclive_tui.monitor.events`), runs ``--on-alert CMD`` for each event and stops cleanly
on SIGINT / SIGTERM (exit status 0). ``--resume`` / ``-c`` restores the session saved for
the same watched paths (:mod:`dvclive_tui.monitor.session`).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import click

from dvclive_tui.commands.errors import InputError, require_directory
from dvclive_tui.commands.remote_paths import check_remote_folder, connect, split_paths
from dvclive_tui.monitor.rules import Rule, RuleError, parse_rules
from dvclive_tui.monitor.session import SessionStart, SessionStore
from dvclive_tui.remote.location import RemoteLocation
from dvclive_tui.remote.transport import RemotePool
from dvclive_tui.settings import (
    COLOR_SYSTEMS,
    DEFAULT_INTERVAL,
    DEFAULT_THEME,
    MAX_INTERVAL,
    MIN_INTERVAL,
    NOTIFY_MODES,
    Settings,
)
from dvclive_writer.read.discovery import discover_runs, legacy_layout


def check_paths(paths: Sequence[str]) -> tuple[tuple[Path, ...], tuple[RemoteLocation, ...]]:
    """The local paths to watch (the current folder when none is given at all) and the
    remote ones (only their syntax checked here); raise :class:`InputError`."""
    local, remote = split_paths(paths)
    chosen = tuple(local) or (() if remote else (Path("."),))
    for path in chosen:
        require_directory(path)
        legacy = legacy_layout(path)
        if legacy is not None and not discover_runs(path):
            raise InputError(legacy)
    return chosen, tuple(remote)


def open_remote(remote: Sequence[RemoteLocation]) -> RemotePool | None:
    """Connect to the remote paths' hosts before any screen (ssh may ask for a password
    there) and check the folders exist; ``None`` without remote paths."""
    if not remote:
        return None
    pool = RemotePool()
    try:
        connect(pool, remote)
        for location in remote:
            check_remote_folder(pool, location)
    except BaseException:
        pool.close()
        raise
    return pool


def session_paths(local: Sequence[Path], remote: Sequence[RemoteLocation]) -> list[Path]:
    """What a saved session is keyed by: the local and the remote paths."""
    return [*local, *(Path(str(location)) for location in remote)]


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


def run_dashboard(
    settings: Settings, session: SessionStart | None = None, pool: RemotePool | None = None
) -> None:
    """Run the dashboard until the user quits.

    The App restores ``session.restored`` (when ``--resume`` found one) and saves its state
    to ``session.store`` within 2 s of every change.
    """
    prepare_environment(settings.color_system)
    check_theme(settings.theme)
    from dvclive_tui.app.watch.app import WatchApp

    try:
        WatchApp(settings, session, pool).run()
    finally:
        if pool is not None:
            pool.close()


def load_session(paths: Sequence[Path], *, resume: bool) -> SessionStart:
    """The session store of ``paths``, with the saved state when ``resume`` (a corrupt or
    newer file is ignored with one warning on stderr; none saved: one note)."""
    store = SessionStore(paths)
    restored = store.load(warn=warn) if resume else None
    note = ""
    if resume and restored is None and not store.path.exists():
        note = "no saved session for these paths; starting afresh"
        click.echo(f"dvclive-tui: {note}", err=True)
    return SessionStart(store, restored, note)


def check_rules(texts: Sequence[str]) -> list[Rule]:
    """Parse ``--rule`` / ``--check`` values; a bad one is a one-line usage error."""
    try:
        return parse_rules(tuple(texts))
    except RuleError as error:
        raise click.BadParameter(str(error)) from None


def warn(message: str) -> None:
    """One ``dvclive-tui: warning: ...`` line on stderr."""
    click.echo(f"dvclive-tui: warning: {message}", err=True)


def run_headless(
    paths: Sequence[Path],
    rules: Sequence[Rule],
    *,
    interval: float,
    on_alert: str | None,
    skip_existing: bool,
    remote: Sequence[RemoteLocation] = (),
    pool: RemotePool | None = None,
) -> None:
    """Print alert events as JSON lines until SIGINT or SIGTERM."""
    from dvclive_tui.monitor.engine import AlertEngine
    from dvclive_tui.monitor.headless import HeadlessMonitor, JsonLines, Sink, stop_on_signals
    from dvclive_tui.monitor.hooks import AlertCommand
    from dvclive_tui.monitor.watcher import RunWatcher

    hook = AlertCommand(on_alert, warn=warn) if on_alert else None
    sinks: list[Sink] = [JsonLines(sys.stdout)]
    if hook is not None:
        sinks.append(hook)
    watcher = RunWatcher(paths, remote=remote, pool=pool)
    monitor = HeadlessMonitor(
        watcher, AlertEngine(rules), sinks, warn=warn, skip_existing=skip_existing
    )
    stop = threading.Event()
    try:
        with stop_on_signals(stop):
            monitor.run(interval, stop)
    except BrokenPipeError:
        # The reader went away (``| head -1``): stop quietly, as a filter does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        if hook is not None:
            hook.close()
        watcher.close()
        if pool is not None:
            pool.close()


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
@click.argument("paths", nargs=-1)
@interval_option
@color_system_option
@theme_option
@click.option(
    "--headless",
    is_flag=True,
    help="No screen: print one JSON line per alert event (NaN/inf, stalled, finished, rules).",
)
@click.option(
    "--rule",
    "rule_texts",
    multiple=True,
    metavar="RULE",
    help="Alert rule (repeatable): 'eval/loss > 2', 'plateau(val/acc, 500)', 'nan'.",
)
@click.option(
    "--on-alert",
    metavar="CMD",
    default=None,
    help="With --headless: run CMD with /bin/sh for each event (event in DVCLIVE_TUI_* vars).",
)
@click.option(
    "--skip-existing",
    is_flag=True,
    help="With --headless: take what holds when a run is first seen as known.",
)
@click.option(
    "--notify",
    type=click.Choice(NOTIFY_MODES),
    default="off",
    show_default=True,
    help="Dashboard alerts through the terminal: bell, OSC 9 / OSC 777 notifications.",
)
@click.option("-c", "--resume", is_flag=True, help="Restore the session saved for these paths.")
def watch(
    paths: tuple[str, ...],
    interval: float,
    color_system: str | None,
    theme: str,
    headless: bool,
    rule_texts: tuple[str, ...],
    on_alert: str | None,
    skip_existing: bool,
    notify: str,
    resume: bool,
) -> None:
    """PATHS are dvclive directories or folders to discover them in (default: here), on
    this machine or on another one over ssh: ``[user@]host:path``, ``ssh://host:port/path``."""
    chosen, remote = check_paths(paths)
    rules = check_rules(rule_texts)
    if not headless and (on_alert is not None or skip_existing):
        flag = "--on-alert" if on_alert is not None else "--skip-existing"
        raise click.UsageError(f"{flag} needs --headless")
    if headless:
        if resume:
            raise click.UsageError("--resume restores the dashboard; it has no --headless use")
        run_headless(
            chosen,
            rules,
            interval=interval,
            on_alert=on_alert,
            skip_existing=skip_existing,
            remote=remote,
            pool=open_remote(remote),
        )
        return
    session = load_session(session_paths(chosen, remote), resume=resume)
    pool = open_remote(remote)
    settings = Settings(
        paths=chosen,
        remote=tuple(str(location) for location in remote),
        interval=interval,
        theme=theme,
        color_system=color_system,
        rules=tuple(rule.text for rule in rules),
        notify=notify,
    )
    run_dashboard(settings, session, pool)
