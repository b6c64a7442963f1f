"""Headless data layer: tailing dvclive files into a run model. Never imports Textual.

- :mod:`~dvclive_tui.data.model` — the run model every view reads (``Run``, ``MetricSeries``…).
- :mod:`~dvclive_tui.data.reader` — ``RunReader`` (incremental ``poll() -> Changes``) and
  ``load_run``.
- :mod:`~dvclive_tui.data.discovery` — ``discover_runs`` / ``is_dvclive_dir``.
- :mod:`~dvclive_tui.data.parsing` — pure parsers (metric TSV, JSON, YAML), also used on git
  blobs.
- :mod:`~dvclive_tui.data.tail` — the one byte-offset tailer.
- :mod:`~dvclive_tui.data.documents` — whole-file JSON/YAML watching with a grace period.
- :mod:`~dvclive_tui.data.plots` — plot properties from dvc.yaml, or dvclive's defaults.
- :mod:`~dvclive_tui.data.status` — running / stalled / finished from signal files and writes.
"""
