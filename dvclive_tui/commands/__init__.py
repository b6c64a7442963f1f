"""Subcommands of ``dvclive-tui``, one module each (imported lazily by the CLI)."""
