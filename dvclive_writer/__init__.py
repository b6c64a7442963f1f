"""DVCLive-compatible writer."""
