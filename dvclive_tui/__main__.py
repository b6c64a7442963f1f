"""``python -m dvclive_tui``."""

from dvclive_tui.cli import main

main()
