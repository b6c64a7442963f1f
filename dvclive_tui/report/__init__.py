"""Headless report renderers: report.html and report.md (no Textual).

Entry points: :func:`dvclive_tui.report.builder.write_report` (any runs, once) and
:class:`dvclive_tui.report.builder.ReportBuilder` (one run directory, regenerated
incrementally; used by ``dvclive_writer.Live``). Modules:

- ``content``: what a report shows (tables, decimated charts, images), from :class:`Run`\\ s.
- ``html``: the offline page (dvc-render templates, inlined Vega from ``static/``).
- ``markdown`` / ``png``: report.md and its Pillow-drawn charts, cached by content digest.
- ``revisions``: runs as of a git revision or DVC experiment (pygit2).
- ``escape``, ``files``, ``assets``: escaping, atomic writes, the vendored scripts.
"""
