"""The ``?`` overlay: every key binding of the dashboard, grouped by where it applies."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.keys import format_key
from textual.widgets import Static

from dvclive_tui.app.screens.overlay import ScrollOverlay

#: Width of the keys column: at least this, more for longer keys, up to the maximum.
KEYS_MIN_WIDTH = 11
KEYS_MAX_WIDTH = 16


def binding_rows(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """``(keys, description)`` rows: one per action, actions differing only in arguments
    (``show_tab('charts')``, ``show_tab('plots')``) share a row."""
    rows: dict[str, tuple[list[str], list[str]]] = {}
    for item in bindings:
        if isinstance(item, Binding):
            binding = item
        elif len(item) == 2:
            binding = Binding(item[0], item[1])
        else:
            binding = Binding(item[0], item[1], item[2])
        description = binding.description or binding.action.replace("_", " ")
        keys = (
            [binding.key_display]
            if binding.key_display
            else [format_key(key.strip()) for key in binding.key.split(",")]
        )
        entry = rows.setdefault(binding.action.split("(")[0], ([], []))
        entry[0].extend(key.strip() for key in keys)
        if description not in entry[1]:
            entry[1].append(description)
    return [
        (" ".join(dict.fromkeys(keys)), " / ".join(descriptions))
        for keys, descriptions in rows.values()
    ]


class HelpScreen(ScrollOverlay):
    """Lists the bindings in sections; any of escape, ``?`` or ``q`` closes it."""

    DEFAULT_CSS = """
    HelpScreen > VerticalScroll {
        width: 72;
        max-width: 100%;
        max-height: 100%;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close help"),
    ]

    def __init__(self, sections: Sequence[tuple[str, Sequence[tuple[str, str]]]]) -> None:
        super().__init__()
        self._sections = sections

    def compose(self) -> ComposeResult:
        """One table per section inside a scrollable box."""
        with VerticalScroll() as scroll:
            scroll.border_title = "Keys"
            scroll.border_subtitle = "esc to close"
            # Wide enough for the longest keys ("tab / shift+tab"), never cut to "…".
            keys_width = max(
                [KEYS_MIN_WIDTH]
                + [cell_len(keys) for _, rows in self._sections for keys, _ in rows]
            )
            for title, rows in self._sections:
                table = Table(
                    title=Text(title, style="bold"),
                    title_justify="left",
                    show_header=False,
                    box=None,
                    padding=(0, 1),
                    expand=True,
                )
                table.add_column(
                    "keys", style="bold", no_wrap=True, width=min(keys_width, KEYS_MAX_WIDTH)
                )
                table.add_column("action", ratio=1)
                for keys, description in rows:
                    table.add_row(keys, description)
                yield Static(table)
