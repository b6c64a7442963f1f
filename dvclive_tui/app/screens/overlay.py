"""A modal box of scrolling content, the base of the help and warnings overlays."""

from __future__ import annotations

from textual.screen import ModalScreen


class ScrollOverlay(ModalScreen[None]):
    """A centred ``VerticalScroll`` box over the dashboard; ``close`` dismisses it.

    Subclasses compose the ``VerticalScroll``, bind their closing keys to ``close`` and may
    restyle the box (width, height, border colour).
    """

    AUTO_FOCUS = "VerticalScroll"
    """Focus the box, so arrows, page keys and home/end scroll a long list (the App's own
    ``AUTO_FOCUS`` selector matches nothing on this screen)."""

    DEFAULT_CSS = """
    ScrollOverlay { align: center middle; }
    ScrollOverlay > VerticalScroll {
        height: auto;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    """

    def action_close(self) -> None:
        """Close the overlay."""
        self.dismiss(None)
