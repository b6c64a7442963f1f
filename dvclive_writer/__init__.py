"""DVCLive-compatible writer: ``from dvclive_writer import Live`` instead of ``from dvclive``."""

from dvclive_writer.live import Live

__all__ = ["Live"]
