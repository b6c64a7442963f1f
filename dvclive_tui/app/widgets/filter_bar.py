"""The ``/`` filter bar: typing filters every tab; enter keeps it, escape clears it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class FilterBar(Input):
    """An input that hides itself; posts :class:`FilterBar.Closed` when left."""

    DEFAULT_CSS = """
    FilterBar {
        height: 1;
        border: none;
        padding: 0 1;
        background: $boost;
        display: none;
    }
    FilterBar:focus {
        border: none;
        background: $surface-lighten-1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    @dataclass
    class Closed(Message):
        """Focus should go back to the content."""

    def open(self) -> None:
        """Show the bar and focus it."""
        self.display = True
        self.focus()

    def action_clear_filter(self) -> None:
        """Clear the filter and hide the bar."""
        self.value = ""
        self.display = False
        self.post_message(self.Closed())

    async def action_submit(self) -> None:
        """Keep the filter; hide the bar when it is empty; go back to the content."""
        await super().action_submit()
        if not self.value:
            self.display = False
        self.post_message(self.Closed())
