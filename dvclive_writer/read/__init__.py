"""Reading a dvclive directory: tailing its files into a run model (headless).

- :mod:`~dvclive_writer.read.model` — the run model every view reads (``Run``, ``MetricSeries``…).
- :mod:`~dvclive_writer.read.reader` — ``RunReader`` (incremental ``poll() -> Changes``) and
  ``load_run``.
- :mod:`~dvclive_writer.read.discovery` — ``discover_runs`` / ``is_dvclive_dir``.
- :mod:`~dvclive_writer.read.parsing` — pure parsers (metric TSV, JSON, YAML), also used on git
  blobs.
- :mod:`~dvclive_writer.read.tail` — the one byte-offset tailer.
- :mod:`~dvclive_writer.read.documents` — whole-file JSON/YAML watching with a grace period.
- :mod:`~dvclive_writer.read.plots` — plot properties from dvc.yaml, or dvclive's defaults.
- :mod:`~dvclive_writer.read.status` — running / stalled / finished from signal files and writes.
"""
