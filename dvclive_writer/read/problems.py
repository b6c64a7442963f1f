"""Per-file warnings of a run: set, cleared and carried over into ``Run.warnings``.

Every part of the run reader reports through one :class:`Problems`, so a warning keeps
the time it was first seen while its message stays the same, and each change flags
``Changes.warnings`` for the views.
"""

from __future__ import annotations

from dvclive_writer.read.model import Changes, FileWarning, Run

CANNOT_READ = "cannot read: "
"""Prefix of the warnings about files that exist but cannot be read."""


class Problems:
    """The warnings of one run (its ``warnings`` mapping, keyed by relative path)."""

    __slots__ = ("run",)

    def __init__(self, run: Run) -> None:
        self.run = run

    def set(self, rel: str, message: str, changes: Changes, now: float) -> None:
        """Warn about ``rel`` (kept as is, with its first time, if already said)."""
        current = self.run.warnings.get(rel)
        if current is not None and current.message == message:
            return
        since = current.since if current is not None else now
        self.run.warnings[rel] = FileWarning(path=rel, message=message, since=since)
        changes.warnings = True

    def clear(self, rel: str, changes: Changes) -> None:
        """No more warning about ``rel``."""
        if self.run.warnings.pop(rel, None) is not None:
            changes.warnings = True

    def sync(
        self, rel: str, message: str | None, since: float | None, changes: Changes, now: float
    ) -> None:
        """Make the warning of ``rel`` say ``message`` (none when ``None``), first seen at
        ``since`` (a watcher's grace period started then)."""
        if message is None:
            self.clear(rel, changes)
            return
        current = self.run.warnings.get(rel)
        if current is None or current.message != message:
            self.run.warnings[rel] = FileWarning(
                path=rel, message=message, since=since if since is not None else now
            )
            changes.warnings = True

    def clear_unreadable(self, rel: str, changes: Changes) -> None:
        """Drop a "cannot read" warning of ``rel`` (it was read again)."""
        current = self.run.warnings.get(rel)
        if current is not None and current.message.startswith(CANNOT_READ):
            self.clear(rel, changes)
