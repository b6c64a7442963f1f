"""The metric list: names grouped by ``/`` with the latest value and a sparkline.

Leaf labels are laid out for the width the leaf has (the tree is ~23 columns at 80x24):
the latest value always shows, the sparkline when there is room, and a long name is
shortened with "…" in the middle (the unit at its end stays); hovering a leaf shows the
full name as a tooltip.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from dvclive_tui.text import sanitize


@dataclass(frozen=True)
class MetricEntry:
    """One metric as the list shows it."""

    name: str
    """Full name (``train/loss``)."""
    latest: str
    """Latest value, formatted (``0.2314``), or empty."""
    spark: str
    """Block sparkline of the recent values."""
    alert: bool = False
    """The latest value is NaN or infinite."""


MIN_NAME = 8
"""Cells of the name kept before the sparkline is given up."""
MIN_SPARK = 3
"""Fewest sparkline cells worth drawing."""


def shorten(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, "…" replacing its middle when too long.

    A trailing unit in parentheses (``usage (GB)``) is kept whole when it leaves room.
    """
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    tail = (width - 1) // 2
    unit = text[text.rfind("(") :] if text.endswith(")") and "(" in text else ""
    if len(unit) <= width - 3:  # keep a trailing unit whole: "usa…(GB)"
        tail = max(tail, len(unit))
    return text[: width - 1 - tail] + "…" + (text[-tail:] if tail else "")


def fit_leaf(name: str, latest: str, spark: str, width: int) -> tuple[str, str, str]:
    """Parts ``(name, latest, spark)`` of a leaf label to show in ``width`` cells.

    The value is kept whole; then the whole name when it fits, else ``MIN_NAME`` cells of it
    before the most recent part of the sparkline; the name takes what is left (shortened in
    the middle).
    """
    used = len(latest)
    enough = min(MIN_SPARK, len(spark) or 1)
    spark_room = width - used - (1 if latest else 0) - len(name) - 1  # with the whole name
    if spark_room < enough and used + (1 if latest else 0) + len(name) <= width:
        spark_room = 0  # the whole name fits without the sparkline: the name wins
    elif spark_room < enough:
        spark_room = width - used - (1 if latest else 0) - min(len(name), MIN_NAME) - 1
    shown_spark = spark[-spark_room:] if spark_room >= enough else ""
    if shown_spark:
        used += len(shown_spark) + (1 if latest else 0)
    name_room = width - used - (1 if used else 0)
    return shorten(name, max(1, name_room)), latest, shown_spark


class MetricTree(Tree[str]):
    """Metrics grouped by ``/``; choosing a leaf posts :class:`MetricTree.MetricChosen`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            "Show chart",
            show=False,
            tooltip="Show and focus the metric's chart",
        ),
    ]
    """Tree's own ``enter``, described for the help overlay (a folder still folds)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *Tree.COMPONENT_CLASSES,
        "metric-tree--value",
        "metric-tree--alert",
        "metric-tree--spark",
    }
    """
    | Class | Description |
    | :- | :- |
    | `metric-tree--value` | The latest value. |
    | `metric-tree--alert` | A latest value that is NaN or infinite. |
    | `metric-tree--spark` | The sparkline. |
    """

    DEFAULT_CSS = """
    MetricTree {
        width: 30%;
        min-width: 20;
        max-width: 36;
        overflow-x: hidden;
        border-right: vkey $foreground 20%;
        background: $surface;
    }
    MetricTree > .tree--guides { color: $foreground 30%; }
    MetricTree > .metric-tree--value { text-style: bold; }
    MetricTree > .metric-tree--alert { color: $error; text-style: bold; }
    MetricTree > .metric-tree--spark { color: $accent; }
    """

    @dataclass
    class MetricChosen(Message):
        """The user picked a metric (enter or click on a leaf)."""

        metric: str
        """Full metric name."""

    def __init__(self, label: str = "metrics", *, id: str | None = None) -> None:  # noqa: A002
        self._names: tuple[str, ...] = ()
        self._leaves: dict[str, TreeNode[str]] = {}
        self._entries: dict[str, MetricEntry] = {}  # set first: the base class renders labels
        super().__init__(Text(label), id=id)
        self.show_root = False
        self.guide_depth = 2

    @property
    def metrics(self) -> list[str]:
        """Names of the metrics listed, in order."""
        return list(self._leaves)

    def node_for(self, metric: str) -> TreeNode[str] | None:
        """The leaf node of ``metric``, if listed."""
        return self._leaves.get(metric)

    def show(self, entries: list[MetricEntry]) -> None:
        """Show ``entries``: rebuild when the set of names changed, else relabel leaves."""
        names = tuple(entry.name for entry in entries)
        if names != self._names:
            self._rebuild(names)
        self._entries = {entry.name: entry for entry in entries}
        for entry in entries:
            node = self._leaves.get(entry.name)
            if node is not None:
                node.set_label(self._leaf_label(entry))

    def _rebuild(self, names: tuple[str, ...]) -> None:
        self.clear()
        self._names = names
        self._leaves = {}
        groups: dict[str, TreeNode[str]] = {}
        for name in names:
            parts = name.split("/")
            parent = self.root
            for depth in range(len(parts) - 1):
                prefix = "/".join(parts[: depth + 1])
                group = groups.get(prefix)
                if group is None:
                    group = parent.add(Text(sanitize(parts[depth])), data=prefix, expand=True)
                    groups[prefix] = group
                parent = group
            self._leaves[name] = parent.add_leaf(Text(sanitize(parts[-1])), data=name)

    def render_label(self, node: TreeNode[str], base_style: Style, style: Style) -> Text:
        """A leaf's label fitted to the cells it has (re-rendered on resize and data)."""
        entry = self._entries.get(node.data or "")
        room = self.scrollable_content_region.width - self._indent(node)
        if entry is None or node.data not in self._leaves or room <= 0:
            return super().render_label(node, base_style, style)
        label = self._leaf_label(entry, room)
        label.stylize(style)
        return label

    def _indent(self, node: TreeNode[str]) -> int:
        """Cells of guides before ``node``'s label (the hidden root adds none)."""
        depth = 0
        parent = node.parent
        while parent is not None and parent is not self.root:
            depth += 1
            parent = parent.parent
        return depth * self.guide_depth

    def watch_hover_line(self, previous_hover_line: int, hover_line: int) -> None:
        """Show the full name and value of the hovered leaf as the tooltip."""
        super().watch_hover_line(previous_hover_line, hover_line)
        node = self.get_node_at_line(hover_line) if hover_line >= 0 else None
        entry = self._entries.get(node.data or "") if node is not None else None
        self.tooltip = (
            None
            if entry is None
            else Text(f"{sanitize(entry.name)} {entry.latest}".rstrip(), no_wrap=True)
        )

    def _leaf_label(self, entry: MetricEntry, width: int | None = None) -> Text:
        label = Text(no_wrap=True, overflow="ellipsis")
        name = sanitize(entry.name.rsplit("/", 1)[-1])
        latest, spark = entry.latest, entry.spark
        if width is not None:
            name, latest, spark = fit_leaf(name, latest, spark, width)
        label.append(name)
        if latest:
            component = "metric-tree--alert" if entry.alert else "metric-tree--value"
            label.append(" ")
            label.append(latest, self.get_component_rich_style(component, partial=True))
        if spark:
            label.append(" ")
            label.append(spark, self.get_component_rich_style("metric-tree--spark", partial=True))
        return label

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        """Turn a leaf selection into a :class:`MetricChosen`."""
        event.stop()
        metric = event.node.data
        if metric is not None and metric in self._leaves:
            self.post_message(self.MetricChosen(metric))
