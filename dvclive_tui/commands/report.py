"""``dvclive-tui report [PATH]... [--html | --md] [-o OUT] [--rev REV]... [--view]``.

Regenerates ``report.html`` (default) or ``report.md`` from a run's files, written by
dvclive or by ``dvclive_writer``. One PATH writes ``PATH/report.<ext>`` unless ``-o`` says
otherwise. Several PATHs and/or ``--rev`` revisions (commits, branches, tags or DVC
experiment names, read from git objects) put several experiments into one report, with one
overlaid series per experiment; it goes to ``-o`` or ``./report.<ext>``. With ``--rev``, the
PATHs (default ``dvclive``) name the run directory inside each revision, and their current
contents on disk are included as ``workspace``.

``-o -`` prints the report on stdout (a Markdown report then embeds its charts as base64
PNGs). An output path holding a FIFO, device, socket, directory or symbolic link is refused
(exit 2); a report is written to a temporary file in the target's folder and renamed over
the target, so a reader never sees half a report.

``--view`` shows the Markdown report in a terminal viewer. Without it, Textual is never
imported.

A PATH on another machine (``[user@]host:path``, ``ssh://[user@]host[:port]/path``) is read
over ssh, every run under it an experiment; the report is always written on this machine:
to ``-o``, else ``./report.<ext>`` in the current folder (never into the remote run). Only
the image frames the report shows are fetched. A host that does not answer: one line,
exit status 1; ``--rev`` takes local paths only.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from dvclive_tui.commands.errors import (
    InputError,
    WorkError,
    require_directory,
    runs_at,
    shown,
)
from dvclive_tui.commands.output import write_stdout
from dvclive_tui.commands.remote_paths import (
    check_reached,
    localize_images,
    read_remote,
    remote_location,
    remote_pool,
)
from dvclive_tui.experiments.revisions import RevisionError, load_run_at, open_repository
from dvclive_tui.remote.fetch import FetchCache
from dvclive_tui.remote.location import RemoteLocation
from dvclive_writer.read.discovery import is_dvclive_dir, legacy_layout
from dvclive_writer.read.reader import load_run
from dvclive_writer.report.builder import WORKSPACE, Mode, write_report
from dvclive_writer.report.content import (
    DEFAULT_MAX_FRAMES,
    DEFAULT_MAX_POINTS,
    Experiment,
    spread_frames,
)
from dvclive_writer.report.files import output_problem
from dvclive_writer.text_safety import terminal_text

DEFAULT_DIR = "dvclive"


@click.command(name="report")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--html", "html", is_flag=True, help="Write report.html (default).")
@click.option("--md", "md", is_flag=True, help="Write report.md with PNG charts.")
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Report file, - for stdout (default: PATH/report.<ext>, or ./report.<ext> for "
    "several runs or a remote PATH).",
)
@click.option(
    "--rev",
    "revs",
    multiple=True,
    metavar="REV",
    help="Also include the run as of this git revision or DVC experiment (repeatable).",
)
@click.option(
    "--max-points",
    type=click.IntRange(min=16),
    default=DEFAULT_MAX_POINTS,
    show_default=True,
    help="Points drawn per series (M4 decimation); the TSVs keep all.",
)
@click.option(
    "--view", is_flag=True, help="Show the Markdown report in the terminal (implies --md)."
)
def report(
    paths: tuple[str, ...],
    html: bool,
    md: bool,
    output: str | None,
    revs: tuple[str, ...],
    max_points: int,
    view: bool,
) -> None:
    """Regenerate report.html / report.md from a run's files."""
    if html and (md or view):
        raise click.UsageError("--html and --md (or --view) exclude each other: give one")
    mode = "md" if md else "html"
    if view:
        mode = "md"
        if output == "-":
            raise click.BadParameter("--view shows a report file; - is stdout", param_hint="-o")
    located = [(text, remote_location(text)) for text in paths]
    remote = [location for _, location in located if location is not None]
    run_dirs = [Path(text) for text, location in located if location is None]
    if not paths:
        run_dirs = [Path(DEFAULT_DIR)]
    if remote and revs:
        raise InputError("--rev reads a local repository's history: give local PATHs only")
    for run_dir in run_dirs:
        require_directory(run_dir)
    run_dirs = _runs_named(run_dirs)
    to_stdout = output == "-"
    target = None if to_stdout else _target(output, run_dirs, revs, mode, remote=bool(remote))
    with (
        tempfile.TemporaryDirectory(prefix="dvclive-tui-report-") as scratch,
        remote_pool() as pool,
    ):
        experiments = _experiments(run_dirs, revs, Path(scratch))
        cache = FetchCache(pool, Path(scratch) / "remote")
        experiments += _remote_experiments(remote, cache, several=len(paths) > 1)
        try:
            # Runs read from git live in the scratch folder: embed their images in a md report.
            text = write_report(
                experiments,
                _mode(mode),
                target,
                max_points=max_points,
                inline_images=bool(revs),
                snapshot=True,
            )
        except OSError as error:
            where = shown(error.filename if error.filename else target)
            raise WorkError(f"cannot write {where}: {error.strerror or error}") from None
    if target is None:
        write_stdout(text)
        return
    click.echo(f"Wrote {terminal_text(target)}", err=True)
    if view:
        from dvclive_tui.app.report_viewer.app import run_report_viewer

        run_report_viewer(target)


def _remote_experiments(
    roots: list[RemoteLocation], cache: FetchCache, *, several: bool
) -> list[Experiment]:
    """The runs under remote ``roots``, read once, the images the report shows fetched."""
    experiments = []
    for root in roots:
        read = read_remote(cache.pool, root)
        check_reached([run for _, run in read])
        for location, run in read:
            label = run.name if several or len(read) > 1 else WORKSPACE
            localize_images(
                cache, location, run, lambda count: spread_frames(count, DEFAULT_MAX_FRAMES)
            )
            experiments.append(Experiment(label, run))
    return experiments


def _runs_named(paths: list[Path]) -> list[Path]:
    """Each PATH that is a run, else the runs found under it, as every command finds them
    (none: :class:`InputError`, exit 2). A folder in DVCLive's 0.x layout is refused."""
    run_dirs: list[Path] = []
    for path in paths:
        legacy = None if is_dvclive_dir(path) else legacy_layout(path)
        if legacy is not None:
            raise InputError(legacy)
        run_dirs += [path] if is_dvclive_dir(path) else runs_at(str(path))
    return run_dirs


def _mode(mode: str) -> Mode:
    return "md" if mode == "md" else "html"


def _experiments(run_dirs: list[Path], revs: tuple[str, ...], scratch: Path) -> list[Experiment]:
    experiments = []
    for run_dir in run_dirs:
        label = _label(run_dir, run_dirs, revs)
        experiments.append(Experiment(label, load_run(run_dir, name=label)))
    if revs:
        try:
            reader = open_repository(run_dirs[0].resolve())
            for index, rev in enumerate(revs):
                for number, run_dir in enumerate(run_dirs):
                    folder = scratch / f"{index}-{number}"
                    run = load_run_at(reader, rev, run_dir, folder)
                    name = rev if len(run_dirs) == 1 else f"{rev}:{run_dir.as_posix()}"
                    experiments.append(Experiment(name, run))
        except RevisionError as error:
            raise InputError(str(error)) from error
    return experiments


def _label(run_dir: Path, run_dirs: list[Path], revs: tuple[str, ...]) -> str:
    if len(run_dirs) == 1:
        return WORKSPACE
    name = run_dir.as_posix()
    return f"{WORKSPACE}:{name}" if revs else name


def _target(
    output: str | None, run_dirs: list[Path], revs: tuple[str, ...], mode: str, *, remote: bool
) -> Path:
    """The report file, checked before any work: never a FIFO, device, socket, folder or link
    (never on another machine: a remote PATH's report goes to the current folder)."""
    count = len(run_dirs) * (1 + len(revs))
    if output is not None:
        target = Path(output)
    elif count == 1 and not remote:
        target = run_dirs[0] / f"report.{_mode(mode)}"
    else:
        target = Path(f"report.{_mode(mode)}")
    problem = output_problem(target, allow_symlink=False)
    if problem is not None:
        raise InputError(f"output {shown(target)} {problem}")
    return target
