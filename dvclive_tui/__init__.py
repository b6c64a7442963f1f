"""dvclive-tui: watch and compare DVCLive runs in a terminal."""
