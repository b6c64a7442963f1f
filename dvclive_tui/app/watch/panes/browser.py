"""A list of items beside a viewer: the base of the Images and Plots tabs."""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar, Generic, Literal, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from dvclive_tui.app.watch.panes.update import Update
from dvclive_tui.text import matches, sanitize
from dvclive_writer.read.model import Run

ItemT = TypeVar("ItemT")


class BrowserPane(Horizontal, Generic[ItemT]):
    """Items of every run in a list; the highlighted one is shown in the viewer."""

    DEFAULT_CSS = """
    BrowserPane { height: 1fr; }
    BrowserPane > OptionList {
        width: 24;
        height: 1fr;
        border: none;
        border-right: vkey $foreground 20%;
    }
    BrowserPane > .browser-viewer {
        width: 1fr;
        height: 1fr;
        padding: 0 1;
    }
    BrowserPane > .browser-empty {
        width: 1fr;
        height: 1fr;
        content-align: center middle;
        color: $text-muted;
    }
    """

    #: Line shown while no run has such items.
    EMPTY = "Nothing logged yet"
    #: The :class:`Run` mapping listed, which is also the :class:`Update` flag that says it
    #: changed.
    FIELD: ClassVar[Literal["images", "plots"]]

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's keyword
        super().__init__(id=id)
        self._items: dict[str, ItemT] = {}
        self._shown: str | None = None

    def items_of(self, run: Run) -> dict[str, ItemT]:
        """The run's items by name, sorted."""
        items: dict[str, ItemT] = getattr(run, self.FIELD)
        return dict(sorted(items.items()))

    @abstractmethod
    def make_viewer(self) -> Widget:
        """The viewer widget."""

    @abstractmethod
    def view(self, viewer: Widget, item: ItemT) -> None:
        """Show ``item`` in ``viewer``."""

    def wants(self, update: Update) -> bool:
        """Whether ``update`` concerns this pane's items."""
        return bool(getattr(update, self.FIELD))

    def compose(self) -> ComposeResult:
        """The list, the viewer and the empty-state line."""
        yield OptionList()
        viewer = self.make_viewer()
        viewer.add_class("browser-viewer")
        yield viewer
        yield Static(self.EMPTY, classes="browser-empty", markup=False)

    def on_mount(self) -> None:
        """Start in the empty state."""
        self._set_empty(True)

    def _set_empty(self, empty: bool) -> None:
        self.query_one(OptionList).display = not empty
        self.query_one(".browser-viewer").display = not empty
        self.query_one(".browser-empty").display = empty

    def update(self, update: Update) -> None:
        """Refresh the list, and the viewer when its item changed."""
        if not self.wants(update):
            return
        several = len(update.runs) > 1
        items: dict[str, ItemT] = {}
        for run in update.runs:
            for name, item in self.items_of(run).items():
                key = f"{run.name}: {name}" if several else name
                if matches(key, update.query):
                    items[key] = item
        option_list = self.query_one(OptionList)
        if list(items) != list(self._items):
            highlighted = self._shown
            option_list.clear_options()
            option_list.add_options(Option(Text(sanitize(key)), id=key) for key in items)
            keys = list(items)
            if keys:
                index = keys.index(highlighted) if highlighted in keys else 0
                option_list.highlighted = index
        self._items = items
        self._set_empty(not items)
        if self._shown in items:
            self.view(self.query_one(".browser-viewer"), items[self._shown])
        elif items:
            self._show(next(iter(items)))

    def _show(self, key: str) -> None:
        self._shown = key
        self.view(self.query_one(".browser-viewer"), self._items[key])

    async def action_viewer(self, action: str) -> None:
        """Run the viewer's ``action`` (pane bindings reach it from the list too)."""
        await self.query_one(".browser-viewer").run_action(action)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Show the highlighted item."""
        event.stop()
        key = event.option.id
        if key is not None and key in self._items and key != self._shown:
            self._show(key)
