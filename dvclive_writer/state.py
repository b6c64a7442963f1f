"""The state a ``Live`` owns, in typed parts that it hands to its feature modules.

``Live`` creates one of each per run and passes the parts a feature needs as arguments, so
no feature module reads or writes a ``Live``'s private attributes:

- :class:`RunPaths`: where the run writes (its directory, its ``dvc.yaml``).
- :class:`RepoState`: the Git/DVC context found at start (roots, pipeline, the DVC repo).
- :class:`ExperimentState`: what ``end()`` saves as a DVC experiment, and how.
- :class:`Registries`: the images, plots and artifacts logged so far (for ``dvc.yaml``).
- :class:`ReportState`: the report mode, the notebook cell and the report's scheduler.

Plain slotted classes rather than dataclasses: ``import dvclive_writer`` stays free of
``dataclasses`` and ``inspect`` (about 9 ms of start-up).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Literal

from dvclive_writer.utils import StrPath

if TYPE_CHECKING:
    from dvclive_writer.report.schedule import ReportScheduler

#: The report formats ``Live(report=...)`` accepts (besides None).
ReportMode = Literal["html", "md", "notebook"]

#: A registered plot: (JSON path relative to the run directory, dvc.yaml plot config).
PlotEntry = tuple[str, dict[str, Any]]


class RunPaths:
    """Where a run writes: its directory as given, and the ``dvc.yaml`` it maintains."""

    __slots__ = ("dir", "dvc_file", "writes_dvcyaml")

    def __init__(self, run_dir: StrPath, dvc_file: str, writes_dvcyaml: bool) -> None:
        self.dir = run_dir
        """The run directory, as given (relative to the working directory at start)."""
        self.dvc_file = dvc_file
        self.writes_dvcyaml = writes_dvcyaml
        """Whether each sync writes ``dvc_file`` (the ``dvcyaml`` argument was not False/None)."""

    @property
    def plots_dir(self) -> str:
        """``<dir>/plots``."""
        return os.path.join(self.dir, "plots")

    @property
    def metrics_file(self) -> str:
        """``<dir>/metrics.json``."""
        return os.path.join(self.dir, "metrics.json")

    @property
    def params_file(self) -> str:
        """``<dir>/params.yaml``."""
        return os.path.join(self.dir, "params.yaml")

    @property
    def artifacts_dir(self) -> str:
        """``<dir>/artifacts``."""
        return os.path.join(self.dir, "artifacts")


class RepoState:
    """The Git/DVC context of a run, found when it starts."""

    __slots__ = (
        "dvc_repo",
        "dvc_root",
        "git_has_commits",
        "git_root",
        "inside_dvc_exp",
        "inside_dvc_pipeline",
        "repo_url",
        "subdir",
    )

    def __init__(self) -> None:
        self.git_root: str | None = None
        self.git_has_commits = False
        self.dvc_root: str | None = None
        self.inside_dvc_pipeline = False
        """``DVC_ROOT`` is set: the script runs as a stage of ``dvc repro`` or ``dvc exp run``."""
        self.inside_dvc_exp = False
        """Inside a pipeline run by ``dvc exp run`` (``DVC_EXP_BASELINE_REV`` is set)."""
        self.dvc_repo: Any = None
        """The opened ``dvc.repo.Repo`` (None outside Git/DVC or when opening it failed)."""
        self.subdir: str | None = None
        """The DVC repo's path relative to the Git root, for Studio (monorepos)."""
        self.repo_url: str | None = None
        """The Git remote's URL, for Studio."""


class ExperimentState:
    """What ``end()`` saves as a DVC experiment (``dvc exp save``), and how."""

    __slots__ = (
        "baseline_rev",
        "cache_images",
        "include_untracked",
        "message",
        "name",
        "rev",
        "save",
    )

    def __init__(
        self,
        *,
        save: bool,
        baseline_rev: str,
        name: str | None,
        message: str | None,
        cache_images: bool,
    ) -> None:
        self.save = save
        """Whether the experiment is saved (off without Git or commits, and in pipelines)."""
        self.baseline_rev = baseline_rev
        self.name = name
        self.message = message
        self.cache_images = cache_images
        """``dvc add`` the images folder at ``end()``."""
        self.include_untracked: list[str] = []
        """Untracked paths the experiment commit takes (the run directory, ``.dvc`` files...)."""
        self.rev: str | None = None
        """The saved experiment's commit, once saved."""


class Registries:
    """What the logging features registered, in logging order (read for ``dvc.yaml``)."""

    __slots__ = ("artifacts", "images", "plots")

    def __init__(self) -> None:
        self.images: dict[str, int] = {}
        """Image name (relative to ``plots/images``) → the step it was last logged at."""
        self.plots: dict[str, PlotEntry] = {}
        """Custom and scikit-learn plots by name (without ``.json``)."""
        self.artifacts: dict[str, dict[str, Any]] = {}
        """Artifact name → ``{"path", "type", "desc", "labels", "meta"}`` (``path`` as logged)."""


class ReportState:
    """The report of a run: its format, the notebook cell it updates, when it is rebuilt."""

    __slots__ = ("mode", "notebook", "paths", "scheduler")

    def __init__(self, paths: RunPaths, mode: ReportMode | None, notebook: Any = None) -> None:
        self.paths = paths
        self.mode = mode
        self.notebook = notebook
        """The IPython display handle updated in ``notebook`` mode."""
        self.scheduler: ReportScheduler | None = None
        """Created by :mod:`dvclive_writer.report.schedule` at the first sync."""

    @property
    def file(self) -> str | None:
        """``<dir>/report.html`` or ``<dir>/report.md`` for those modes, else None."""
        if self.mode in ("html", "md"):
            return os.path.join(self.paths.dir, f"report.{self.mode}")
        return None
