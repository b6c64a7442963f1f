"""Headless: DVC experiments read as ``dvc exp show`` reads them (no Textual, no dvc, no
git library).

- :mod:`~dvclive_tui.experiments.load` — entry points: ``load_experiments`` (one-shot) and
  ``ExperimentLoader`` (live refresh).
- :mod:`~dvclive_tui.experiments.collect` — baselines (``-n/-a/-T/-A``, ``--rev``), names,
  each baseline's runs in DVC's order; git from plain files
  (:mod:`~dvclive_tui.experiments.gitrepo`, :mod:`~dvclive_tui.experiments.gitobjects`,
  :mod:`~dvclive_tui.experiments.gitfiles`), DVC's queue
  (:mod:`~dvclive_tui.experiments.queue`), what was read kept in
  :mod:`~dvclive_tui.experiments.read_cache`.
- :mod:`~dvclive_tui.experiments.readers` — params/metrics of one revision as
  ``dvc exp show`` collects them (``dvc.yaml`` in :mod:`~dvclive_tui.experiments.dvcyaml`,
  deps/outs in :mod:`~dvclive_tui.experiments.pipeline`, YAML in
  :mod:`~dvclive_tui.experiments.simple_yaml` and :mod:`~dvclive_writer.read.yaml12`),
  over :mod:`~dvclive_tui.experiments.sources` (disk) and
  :mod:`~dvclive_tui.experiments.git_tree` (commits), with DVC-tracked outputs from DVC's
  cache (:mod:`~dvclive_tui.experiments.tracked`, :mod:`~dvclive_tui.experiments.dvc_cache`).
- :mod:`~dvclive_tui.experiments.running` — the workspace and plain dvclive directories;
  :mod:`~dvclive_tui.experiments.series` — lazy histories, images and plots.
- :mod:`~dvclive_tui.experiments.exp_show` — the ``dvc exp show --json`` document;
  :mod:`~dvclive_tui.experiments.table`, :mod:`~dvclive_tui.experiments.filter`,
  :mod:`~dvclive_tui.experiments.tree`, :mod:`~dvclive_tui.experiments.view` — columns,
  filters, the experiment tree, sorting; :mod:`~dvclive_tui.experiments.export` — CSV and
  Markdown as ``dvc exp show`` prints them.
"""
