"""Headless: DVC experiments read straight from git objects (no Textual, no dvc CLI).

- :mod:`~dvclive_tui.experiments.load` — entry points: ``load_experiments`` (one-shot) and
  ``ExperimentLoader`` (live refresh).
- :mod:`~dvclive_tui.experiments.collect` — the pygit2 path: baselines (``-n/-a/-T/-A``),
  names, ``refs/exps`` experiments, the queue; :mod:`~dvclive_tui.experiments.cached` —
  the warm path from the read cache and plain git files (no pygit2, no PyYAML).
- :mod:`~dvclive_tui.experiments.readers` — params/metrics of one revision as
  ``dvc exp show`` collects them (``dvc.yaml`` in :mod:`~dvclive_tui.experiments.dvcyaml`,
  deps/outs in :mod:`~dvclive_tui.experiments.pipeline`, YAML 1.2 in
  :mod:`~dvclive_writer.read.yaml12`), over :mod:`~dvclive_tui.experiments.sources`
  (disk) and :mod:`~dvclive_tui.experiments.git_tree` (commits).
- :mod:`~dvclive_tui.experiments.running` — running, queued and temp-workspace runs, and
  plain dvclive directories; :mod:`~dvclive_tui.experiments.series` — lazy histories,
  images and plots.
- :mod:`~dvclive_tui.experiments.exp_show` — the ``dvc exp show --json`` document;
  :mod:`~dvclive_tui.experiments.table`, :mod:`~dvclive_tui.experiments.filter`,
  :mod:`~dvclive_tui.experiments.view` — columns, filters, sorting, CSV/Markdown.
"""
