"""The ``?`` overlay: the key bindings of an app, grouped by where they apply.

Every row comes from a ``BINDINGS`` list, so the overlay cannot drift from the keys that
work. A row shows the keys as users type them (``?``, ``>``, ``ctrl+q``, ``enter``) and the
binding's tooltip, else its description (the footer's short label).
"""

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
from textual.screen import Screen
from textual.widgets import Static

from dvclive_tui.app.screens.overlay import ScrollOverlay

HelpSection = tuple[str, Sequence[BindingType]]
"""A section title and the bindings listed under it."""

#: Width of the keys column: at least this, more for longer keys, up to the maximum.
KEYS_MIN_WIDTH = 11
KEYS_MAX_WIDTH = 16

TYPED_NAMES: dict[str, str] = {"enter": "enter", "backspace": "backspace"}
"""Keys that Textual shows as a glyph (``⏎``, ``⌫``) but users know by name."""

FOCUS_KEYS: list[BindingType] = [
    binding
    for binding in Screen.BINDINGS
    if isinstance(binding, Binding) and binding.action.startswith("app.focus_")
]
"""Textual's own ``tab`` / ``shift+tab`` bindings, which every screen has."""


def key_label(key: str) -> str:
    """A key as users type it: ``question_mark`` is ``?``, ``ctrl+q`` stays ``ctrl+q``."""
    *modifiers, name = key.strip().split("+")
    return "+".join([*modifiers, TYPED_NAMES.get(name) or format_key(name)])


def as_binding(item: BindingType) -> Binding:
    """A ``BINDINGS`` entry (a :class:`Binding` or a tuple) as a :class:`Binding`."""
    if isinstance(item, Binding):
        return item
    if len(item) == 2:
        return Binding(item[0], item[1])
    return Binding(item[0], item[1], item[2])


def binding_rows(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    """``(keys, description)`` rows: one per action, actions differing only in arguments
    (``show_tab('charts')``, ``show_tab('plots')``) share a row."""
    rows: dict[str, tuple[list[str], list[str]]] = {}
    for binding in map(as_binding, bindings):
        description = binding.tooltip or binding.description
        keys = (
            [binding.key_display]
            if binding.key_display
            else [key_label(key) for key in binding.key.split(",")]
        )
        entry = rows.setdefault(binding.action.split("(")[0], ([], []))
        entry[0].extend(keys)
        if description not in entry[1]:
            entry[1].append(description)
    return [
        (" ".join(dict.fromkeys(keys)), " / ".join(descriptions))
        for keys, descriptions in rows.values()
    ]


def help_rows(sections: Iterable[HelpSection]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The rows of every section that has bindings."""
    tables = [(title, binding_rows(bindings)) for title, bindings in sections]
    return [(title, rows) for title, rows in tables if rows]


class HelpScreen(ScrollOverlay):
    """Lists the bindings in sections; any of escape, ``?`` or ``q`` closes it.

    Args:
        sections: Titles and the bindings listed under each, in order.
    """

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

    def __init__(self, sections: Iterable[HelpSection]) -> None:
        super().__init__()
        self.sections = help_rows(sections)
        """``(title, [(keys, description), ...])`` of each section shown."""

    def compose(self) -> ComposeResult:
        """One table per section inside a scrollable box."""
        with VerticalScroll() as scroll:
            scroll.border_title = "Keys"
            scroll.border_subtitle = "esc to close"
            # Wide enough for the longest keys ("tab / shift+tab"), never cut to "…".
            keys_width = max(
                [KEYS_MIN_WIDTH] + [cell_len(keys) for _, rows in self.sections for keys, _ in rows]
            )
            for title, rows in self.sections:
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
                    # Plain text: "[min|max]" in a description is no markup tag.
                    table.add_row(Text(keys), Text(description))
                yield Static(table)
