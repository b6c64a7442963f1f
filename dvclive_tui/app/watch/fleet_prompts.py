"""The runs view's prompts: top-k (``T``) and the columns to show (``c``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, SelectionList
from textual.widgets.selection_list import Selection

from dvclive_tui.monitor.fleet_view import TopK, parse_top_k
from dvclive_tui.monitor.rules import guess_direction
from dvclive_tui.text import sanitize

PROMPT_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 64;
    max-width: 100%;
    height: auto;
    max-height: 90%;
    border: round $accent;
    background: $surface;
    padding: 0 1;
}}
{name} Label {{ color: $text-muted; }}
{name} #prompt-error {{ color: $error; }}
"""


class TopKScreen(ModalScreen[TopK | None]):
    """Asks ``METRIC [min|max] [K]``; enter selects the top ``K``, escape cancels.

    Args:
        suggestion: The text the input starts with.
    """

    DEFAULT_CSS = PROMPT_CSS.format(name="TopKScreen")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, suggestion: str) -> None:
        super().__init__()
        self._suggestion = suggestion

    def compose(self) -> ComposeResult:
        """A hint, the input and a line for errors."""
        with Vertical() as box:
            box.border_title = "Top k"
            yield Label("METRIC [min|max] [K]   e.g. eval/loss min 8", markup=False)
            yield Input(self._suggestion, id="top-k-input")
            yield Label("", id="prompt-error", markup=False)

    def on_mount(self) -> None:
        """Type at once."""
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            request = parse_top_k(event.value, guess_direction)
        except ValueError as error:
            self.query_one("#prompt-error", Label).update(sanitize(str(error)))
            return
        self.dismiss(request)

    def action_cancel(self) -> None:
        """Close without selecting."""
        self.dismiss(None)


class ColumnsScreen(ModalScreen[list[str] | None]):
    """Ticks the metrics and params shown as columns; enter applies, escape cancels.

    Args:
        candidates: Every column that can be shown, in order.
        chosen: The columns shown now.
    """

    DEFAULT_CSS = (
        PROMPT_CSS.format(name="ColumnsScreen")
        + """
    ColumnsScreen SelectionList { height: auto; max-height: 20; border: none; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "apply", "Apply", priority=True),
    ]

    def __init__(self, candidates: Sequence[str], chosen: Sequence[str]) -> None:
        super().__init__()
        self._candidates = list(candidates)
        self._chosen = set(chosen)

    def compose(self) -> ComposeResult:
        """The list of columns, ticked when shown."""
        with Vertical() as box:
            box.border_title = "Columns"
            box.border_subtitle = "space ticks · enter applies · esc cancels"
            yield SelectionList[str](
                *(
                    Selection(Text(sanitize(name)), name, name in self._chosen)
                    for name in self._candidates
                )
            )

    def on_mount(self) -> None:
        """Start on the first column."""
        options = self.query_one(SelectionList)
        options.focus()
        if self._candidates:
            options.highlighted = 0

    def action_apply(self) -> None:
        """Show the ticked columns, in the candidates' order."""
        ticked = set(self.query_one(SelectionList).selected)
        self.dismiss([name for name in self._candidates if name in ticked])

    def action_cancel(self) -> None:
        """Close without changing the columns."""
        self.dismiss(None)
