"""The metric list: names grouped by ``/`` with the latest value and a sparkline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from dvclive_tui.app.text import sanitize


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


class MetricTree(Tree[str]):
    """Metrics grouped by ``/``; choosing a leaf posts :class:`MetricTree.MetricChosen`."""

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
        super().__init__(Text(label), id=id)
        self.show_root = False
        self.guide_depth = 2
        self._names: tuple[str, ...] = ()
        self._leaves: dict[str, TreeNode[str]] = {}

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

    def _leaf_label(self, entry: MetricEntry) -> Text:
        label = Text(no_wrap=True, overflow="ellipsis")
        label.append(sanitize(entry.name.rsplit("/", 1)[-1]))
        if entry.latest:
            component = "metric-tree--alert" if entry.alert else "metric-tree--value"
            label.append(" ")
            label.append(entry.latest, self.get_component_rich_style(component, partial=True))
        if entry.spark:
            label.append(" ")
            label.append(
                entry.spark, self.get_component_rich_style("metric-tree--spark", partial=True)
            )
        return label

    def on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        """Turn a leaf selection into a :class:`MetricChosen`."""
        event.stop()
        metric = event.node.data
        if metric is not None and metric in self._leaves:
            self.post_message(self.MetricChosen(metric))
