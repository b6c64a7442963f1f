"""The error every subcommand raises for bad input (a missing path, an unknown revision)."""

from __future__ import annotations

import click


class InputError(click.ClickException):
    """Bad input: ``cli.main`` prints it as one line on stderr and exits with status 2."""

    exit_code = 2
