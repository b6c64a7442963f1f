"""Exit statuses and the errors subcommands raise: one readable line, one status per cause.

``cli.main`` prints every error as one line on stderr (escaped: a path holding escape
sequences cannot reach the terminal raw) and exits with the status of its cause, the same
in every subcommand:

====  ==================================================================================
0     done (problems with single files are warnings in the output, not failures)
1     a failure while working: the output could not be written (disk full, permission
      denied), another I/O error, an internal error; and ``snap --check``: a rule held
2     bad usage or input: an unknown option, a PATH that is missing or not a directory,
      no dvclive directory under PATH, an unknown revision, an output path that is a
      FIFO, device, socket, directory or symbolic link
130   interrupted (Ctrl-C)
141   stdout was closed early (``dvclive-tui ls | head -1``): no message, the status a
      shell reports for tools killed by SIGPIPE (128 + 13)
====  ==================================================================================
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from dvclive_writer.read.discovery import (
    NoRunsFound,
    RunPathError,
    check_directory,
    resolve_runs,
)
from dvclive_writer.text_safety import terminal_text

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_STDOUT_CLOSED = 141

EXIT_STATUS_HELP = (
    "Exit status: 0 done (file problems are warnings); 1 a failure while working (output "
    "not writable, I/O error, internal error) or a snap --check rule held; 2 bad usage or "
    "input (unknown option, PATH "
    "missing or not a directory, no dvclive directory found, unknown revision, output path "
    "not a regular file); 130 interrupted; 141 stdout closed early (as SIGPIPE)."
)
"""The exit statuses in one paragraph, shown at the end of every ``--help``."""


class InputError(click.ClickException):
    """Bad input: ``cli.main`` prints it as one line on stderr and exits with status 2."""

    exit_code = EXIT_USAGE


class WorkError(click.ClickException):
    """A failure while working (an output that cannot be written): one line, status 1."""

    exit_code = EXIT_FAILURE


def shown(path: object) -> str:
    """A path as it may appear in a message: escaped, quoted."""
    return f"'{terminal_text(os.fspath(path) if isinstance(path, Path) else path)}'"


def runs_at(path: str) -> list[Path]:
    """The dvclive directories PATH names (itself, or found under it); else :class:`InputError`.

    A folder below PATH that cannot be searched is one warning line on stderr.
    """
    problems: list[str] = []
    try:
        run_dirs = resolve_runs(path, problems)
    except NoRunsFound as error:
        unsearched = f" ({len(problems)} folder(s) not searched: {problems[0]})" if problems else ""
        raise InputError(f"{error}{unsearched}") from None
    except RunPathError as error:
        raise InputError(str(error)) from None
    except OSError as error:
        raise InputError(f"path {shown(path)}: {error.strerror or error}") from None
    for problem in problems:
        click.echo(f"Warning: {problem}", err=True)
    return run_dirs


def require_directory(path: Path) -> None:
    """Raise :class:`InputError` unless ``path`` is a directory this process can stat."""
    try:
        check_directory(path)
    except RunPathError as error:
        raise InputError(str(error)) from None
