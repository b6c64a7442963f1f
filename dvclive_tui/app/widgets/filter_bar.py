"""The ``/`` filter line of both apps: hidden until opened, one line, escape leaves it.

The owner decides what a filter means. A *live* bar posts :class:`FilterBar.Applied` as the
user types (the watch dashboard narrows every tab at once) and escape clears it; otherwise
it posts :class:`FilterBar.Applied` on enter only (compare's filter expressions are
checked then) and escape drops the edit. Enter keeps a live filter in view; the owner of a
non-live bar calls :meth:`FilterBar.close` once it accepted the filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input


class FilterBar(Input):
    """An input that shows itself on :meth:`open` and hides when left.

    Args:
        live: Apply the filter as it is typed (else on enter).
        placeholder: Grey text shown while the bar is empty.
        id: The ID of the widget in the DOM.
    """

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
        Binding("escape", "leave", "Leave the filter", show=False),
    ]
    """Escape clears a live filter, or drops the edit of another one, and hides the bar."""

    @dataclass
    class Applied(Message):
        """The filter to apply: as typed (live bar), or on enter."""

        filter_bar: FilterBar
        """The bar that posted it."""
        value: str
        """The filter text."""

        @property
        def control(self) -> FilterBar:
            """The bar (for ``@on`` selectors)."""
            return self.filter_bar

    @dataclass
    class Closed(Message):
        """The bar was left: focus should go back to the content."""

        filter_bar: FilterBar
        """The bar that posted it."""

        @property
        def control(self) -> FilterBar:
            """The bar (for ``@on`` selectors)."""
            return self.filter_bar

    def __init__(self, *, live: bool, placeholder: str = "", id: str | None = None) -> None:  # noqa: A002
        super().__init__(placeholder=placeholder, id=id)
        self.live = live
        """Whether typing applies the filter."""

    def open(self, value: str | None = None) -> None:
        """Show the bar and focus it, starting from ``value`` when given."""
        if value is not None:
            self.value = value
        self.display = True
        self.focus()

    def close(self) -> None:
        """Hide the bar (a live one stays in view while it holds a filter)."""
        self.display = self.live and bool(self.value)
        self.post_message(self.Closed(self))

    def action_leave(self) -> None:
        """Clear a live filter, or drop the edit of another one; hide the bar."""
        if self.live:
            self.value = ""
        self.close()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self.live:
            self.post_message(self.Applied(self, event.value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.live:
            self.close()
        else:
            self.post_message(self.Applied(self, event.value))
