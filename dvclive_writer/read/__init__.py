"""Reading a dvclive directory: tailing its files into a run model (headless).

- :mod:`~dvclive_writer.read.model` — the run model every view reads (``Run``, ``MetricSeries``…).
- :mod:`~dvclive_writer.read.reader` — ``RunReader`` (incremental ``poll() -> Changes``) and
  ``load_run``: a thin coordinator of the modules below, one transport batch per poll.
- :mod:`~dvclive_writer.read.transport` — the seam between the reader and the files:
  ``Want`` / ``Got`` / ``Transport``, and ``LocalTransport`` for this machine.
- :mod:`~dvclive_writer.read.files` — the one bounded way to open a run's file: regular files
  only, links kept inside the run, caps per kind, errors as one line; and
  :mod:`~dvclive_writer.read.listing` — the bounded walk of a run's folder.
- :mod:`~dvclive_writer.read.scan` — what a listing of ``plots/`` holds (histories, images,
  plot files, unknown files).
- :mod:`~dvclive_writer.read.tracks` — metric histories tailed into series (capped).
- :mod:`~dvclive_writer.read.tail` — the one byte-offset tailer (its reset rules).
- :mod:`~dvclive_writer.read.run_documents` — metrics.json, params.yaml, plot JSON, dvc.yaml.
- :mod:`~dvclive_writer.read.documents` — whole-file JSON/YAML watching with a grace period.
- :mod:`~dvclive_writer.read.evidence` — step rhythm, write times, signal files, final report.
- :mod:`~dvclive_writer.read.status` — running / stalled / finished from that evidence.
- :mod:`~dvclive_writer.read.signals` — dvclive's signal files and pid liveness.
- :mod:`~dvclive_writer.read.problems` — per-file warnings into ``Run.warnings``.
- :mod:`~dvclive_writer.read.plots` — plot properties from dvc.yaml, or dvclive's defaults.
- :mod:`~dvclive_writer.read.parsing` — pure parsers (metric TSV, JSON, YAML), also used on git
  blobs.
- :mod:`~dvclive_writer.read.discovery` — ``discover_runs`` / ``is_dvclive_dir``.
- :mod:`~dvclive_writer.read.naming` — dotted keys (``flatten``) and paths as typed.
"""
