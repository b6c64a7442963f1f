"""``dvclive-tui demo``: simulate a training run through dvclive_writer and watch it live."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import click

from dvclive_tui.commands.watch import (
    color_system_option,
    interval_option,
    run_dashboard,
    theme_option,
)
from dvclive_tui.settings import Settings

#: Seconds a stopped trainer gets to exit before it is killed.
STOP_TIMEOUT = 5.0


def start_trainer(directory: Path, steps: int, delay: float, log: Path) -> subprocess.Popen[bytes]:
    """Start ``python -m dvclive_tui.demo_training`` writing to ``directory``."""
    with log.open("wb") as output:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "dvclive_tui.demo_training",
                str(directory),
                "--steps",
                str(steps),
                "--delay",
                str(delay),
            ],
            cwd=directory.parent,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def stop_trainer(process: subprocess.Popen[bytes]) -> None:
    """Terminate the trainer if it still runs, killing it if it does not exit."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@click.command(help="Simulate a training run through dvclive_writer and watch it.")
@click.option(
    "--steps",
    type=click.IntRange(1, 1_000_000),
    default=300,
    show_default=True,
    help="Steps to simulate.",
)
@click.option(
    "--delay",
    type=click.FloatRange(0.0, 60.0),
    default=0.2,
    show_default=True,
    help="Seconds between two steps.",
)
@click.option("--keep", is_flag=True, help="Keep the run's folder after quitting.")
@interval_option
@color_system_option
@theme_option
def demo(
    steps: int,
    delay: float,
    keep: bool,
    interval: float,
    color_system: str | None,
    theme: str,
) -> None:
    """Run the simulated trainer in a temporary folder and open the dashboard on it."""
    folder = Path(tempfile.mkdtemp(prefix="dvclive-tui-demo-"))
    run_dir = folder / "dvclive"
    process = start_trainer(run_dir, steps, delay, folder / "trainer.log")
    try:
        run_dashboard(
            Settings(paths=(folder,), interval=interval, theme=theme, color_system=color_system)
        )
    finally:
        failed = process.poll() not in (None, 0)
        stop_trainer(process)
        if failed:
            log = (folder / "trainer.log").read_text(errors="replace").strip().splitlines()
            click.echo(f"The simulated trainer failed: {log[-1] if log else 'no output'}", err=True)
        if keep:
            click.echo(f"The demo run is kept in {run_dir}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
