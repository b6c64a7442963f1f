"""The Textual apps: the only layer that imports Textual, grouped by feature.

- ``watch/``: the ``watch`` dashboard (app, messages, tab panes, its own widgets and the
  warnings overlay).
- ``compare/``: the ``compare`` app (table, overlaid curves, diff, media screens).
- ``report_viewer/``: a run's ``report.md`` in the terminal (``R`` in watch, ``report --view``).
- ``widgets/`` and ``screens/``: what more than one feature uses (charts, image and plot
  views, the filter bar; the help and scrolling overlays).
- ``workers.py``: the cadence of polling workers; ``styles/``: one ``.tcss`` per feature,
  listed in each app's ``CSS_PATH``.

A feature may use the shared modules and the report viewer, never another feature
(an import-linter contract in ``pyproject.toml``). File and git I/O runs in thread workers
that call the headless layers; handlers on the event loop only apply what they post.
"""
