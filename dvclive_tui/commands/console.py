"""The Rich console of the one-shot printers (``ls``, ``snap``)."""

from __future__ import annotations

import errno

from rich.console import Console


class CommandConsole(Console):
    """A console whose closed stdout raises ``BrokenPipeError`` for the CLI to handle.

    Rich's own handling exits with status 1; ``cli.main`` exits 141 quietly instead, as a
    tool killed by SIGPIPE would (see :mod:`dvclive_tui.commands.errors`).
    """

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")
