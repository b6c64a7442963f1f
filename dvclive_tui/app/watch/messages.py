"""App-wide messages: data events posted by the poll workers (threads)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class RunsChanged(Message):
    """A poll finished (with new data, or the first one); the App drains the merged changes.

    Posted from a poll worker's thread (``post_message`` is thread-safe). The changes
    themselves stay in the watcher, so queued copies of this message carry nothing and
    a newer one safely replaces an older one.
    """

    def can_replace(self, message: Message) -> bool:
        """Coalesce a burst of notifications into one refresh."""
        return isinstance(message, RunsChanged)


@dataclass
class PollFailed(Message):
    """A poll raised; shown once as a notification, polling goes on."""

    error: str
    """One readable line."""

    def can_replace(self, message: Message) -> bool:
        """Only the newest failure matters."""
        return isinstance(message, PollFailed)
