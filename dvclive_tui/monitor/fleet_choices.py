"""What a user chooses in the runs view: filter, sort, group, columns and marked runs.

Plain data (no imports beyond the standard library): sessions save these fields under the
same names, and the runs view (:mod:`~dvclive_tui.monitor.fleet_view`) applies them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class FleetChoices:
    """What the user chose in the runs view (runs are absolute paths). Sessions save these
    fields under the same names (:class:`~dvclive_tui.monitor.session.SessionState`)."""

    run_filter: str = ""
    """The runs filter."""
    sort_by: str = ""
    sort_descending: bool = False
    group_by: str = ""
    columns: list[str] = field(default_factory=list)
    """Metric and param columns after the base ones; empty: chosen automatically."""
    selected: list[str] = field(default_factory=list)
    """Selected runs, in selection order."""
    hidden: list[str] = field(default_factory=list)
    pinned: list[str] = field(default_factory=list)
    starred: list[str] = field(default_factory=list)
    collapsed: list[str] = field(default_factory=list)
    """Collapsed groups (their header text)."""
