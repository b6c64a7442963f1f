"""Report renderers: report.html and report.md from a run's files (headless).

Entry points: :func:`dvclive_writer.report.builder.write_report` (any runs, once) and
:class:`dvclive_writer.report.builder.ReportBuilder` (one run directory, regenerated
incrementally). ``Live`` reaches them only through :mod:`~dvclive_writer.report.schedule`,
which imports them on the first build. Modules:

- ``schedule``: when ``Live`` rebuilds its report (rate limit, background thread).
- ``content``: what a report shows (tables, decimated charts, images), from :class:`Run`\\ s,
  into the ``model`` (tables, charts, image groups); ``fields`` keeps Vega field names and
  titles literal, ``compact`` rounds chart values to short JSON numbers.
- ``html``: the offline page (dvc-render templates, inlined Vega from ``static/``).
- ``markdown`` / ``png``: report.md and its Pillow-drawn charts, cached by content digest.
- ``escape``, ``files``, ``assets``: escaping, atomic writes, the vendored scripts.
"""
