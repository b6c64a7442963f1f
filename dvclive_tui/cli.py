"""The ``dvclive-tui`` command line: a click group whose subcommands load lazily.

Each subcommand lives in its own module under :mod:`dvclive_tui.commands`; only the module of
the subcommand being run is imported, so ``--help``, ``--version``, ``ls`` and ``report`` never
pay for Textual.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from typing import NoReturn

import click

from dvclive_tui.commands.errors import (
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_STATUS_HELP,
    EXIT_STDOUT_CLOSED,
)
from dvclive_writer.text_safety import terminal_text

#: Subcommand name -> ``"module:attribute"`` of its ``click.Command``.
COMMANDS: dict[str, str] = {
    "watch": "dvclive_tui.commands.watch:watch",
    "demo": "dvclive_tui.commands.demo:demo",
    "snap": "dvclive_tui.commands.snap:snap",
    "ls": "dvclive_tui.commands.ls:ls",
    "compare": "dvclive_tui.commands.compare:compare",
    "report": "dvclive_tui.commands.report:report",
    "serve": "dvclive_tui.commands.serve:serve",
    "doctor": "dvclive_tui.commands.doctor:doctor",
}

#: One-line help shown by ``dvclive-tui --help`` without importing the subcommand.
SHORT_HELP: dict[str, str] = {
    "watch": "Watch dvclive directories live in a terminal dashboard.",
    "demo": "Simulate a training run through dvclive_writer and watch it.",
    "snap": "Print the dashboard of a run once, for CI logs and quick looks.",
    "ls": "List a run's metrics, params, summary, images, plots and status.",
    "compare": "Compare DVC experiments and dvclive directories side by side.",
    "report": "Regenerate report.html / report.md from a run's files.",
    "serve": "Serve the dashboard (watch or compare) to a browser tab.",
    "doctor": "Say which dvclive a training process gets, and why.",
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when that subcommand runs."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if self._available(name)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None or not self._available(cmd_name):
            return None
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        if command.epilog is None:
            command.epilog = EXIT_STATUS_HELP
        return command

    def invoke(self, ctx: click.Context) -> object:
        """Run the subcommand; a closed stdout leaves as :class:`StdoutClosed` (click would
        catch ``BrokenPipeError`` and exit 1)."""
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise StdoutClosed from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SHORT_HELP.get(name, "")) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    @staticmethod
    def _available(name: str) -> bool:
        module_name = COMMANDS[name].split(":")[0]
        return importlib.util.find_spec(module_name) is not None


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EXIT_STATUS_HELP,
)
@click.version_option(None, "-V", "--version", package_name="dvclive-tui", prog_name="dvclive-tui")
def cli() -> None:
    """Watch and compare DVCLive training runs from a terminal."""


def main(argv: list[str] | None = None) -> NoReturn:
    """Run the CLI. Any error exits non-zero with one readable line on stderr, no traceback.

    The exit statuses are those of :mod:`dvclive_tui.commands.errors` (in ``--help``).
    """
    args = argv if argv is not None else sys.argv[1:]
    if os.environ.get("DVCLIVE_TUI_SERVED"):
        from dvclive_tui.commands.serve import isolate_standard_streams

        isolate_standard_streams()
    try:
        result = cli.main(args=args, prog_name="dvclive-tui", standalone_mode=False)
        sys.stdout.flush()  # a closed or full stdout fails here, not at interpreter exit
    except click.ClickException as error:
        _fail(_one_line(error), error.exit_code)
    except (click.Abort, KeyboardInterrupt):
        _fail("dvclive-tui: interrupted", EXIT_INTERRUPTED)
    except StdoutClosed:
        _silence_stdout()
        sys.exit(EXIT_STDOUT_CLOSED)
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(EXIT_STDOUT_CLOSED)
    except OSError as error:
        _silence_stdout()
        _fail(f"dvclive-tui: error: {_os_error(error)}", EXIT_FAILURE)
    except Exception as error:
        if os.environ.get(TRACEBACK_VARIABLE):
            raise
        _fail(
            f"dvclive-tui: internal error: {type(error).__name__}: {error} "
            f"(run with {TRACEBACK_VARIABLE}=1 for the traceback)",
            EXIT_FAILURE,
        )
    sys.exit(result if isinstance(result, int) else EXIT_OK)


class StdoutClosed(Exception):
    """Stdout's reader went away: raised past click, which would otherwise exit 1."""


TRACEBACK_VARIABLE = "DVCLIVE_TUI_TRACEBACK"
"""Set to show the traceback of an internal error instead of its one line."""


def _fail(message: str, status: int) -> NoReturn:
    try:
        sys.stderr.write(" ".join(terminal_text(message).split()) + "\n")
        sys.stderr.flush()
    except OSError:
        pass
    sys.exit(status)


def _os_error(error: OSError) -> str:
    reason = error.strerror or str(error)
    if error.filename is None:
        return f"cannot write the output: {reason}"
    return f"{reason}: {os.fsdecode(error.filename)}"


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _one_line(error: click.ClickException) -> str:
    """``dvclive-tui watch: error: No such option: --bogus (see --help)`` style message."""
    message = " ".join(error.format_message().split())
    if isinstance(error, click.UsageError):
        where = error.ctx.command_path if error.ctx is not None else "dvclive-tui"
        return f"{where}: error: {message} (see {where} --help)"
    return f"dvclive-tui: error: {message}"


if __name__ == "__main__":  # pragma: no cover
    main()
