"""``Live``: the drop-in for ``dvclive.Live`` (metrics, params, steps, summary, dvc.yaml).

Per-step cost does not grow with history: metric rows are appended to kept-open TSV files,
``metrics.json`` is rewritten from memory (atomically), and ``dvc.yaml`` is only rewritten
when its content changes. Nothing here imports dvc, numpy or ruamel at import time.

Thread safety: the system monitor's thread logs metrics while the training thread logs and
syncs, so every path that mutates the run's state or writes its files (the ``log_*``
methods, ``step``, ``make_summary``, ``make_dvcyaml``, ``sync``, ``next_step``, ``end``)
holds one re-entrant lock per ``Live`` (a few hundred nanoseconds uncontended).

Feature seams: ``Live`` keeps its state in the typed parts of :mod:`dvclive_writer.state`
and passes the parts a feature needs to the feature's module, imported in the method that
calls it (so dvc, numpy, Pillow and scikit-learn load only when a feature is used):

- :mod:`~dvclive_writer.dvc_repo`: ``init`` in ``__init__`` when a Git or DVC root was found
  (opens the DVC repo, names the experiment; fills :class:`RepoState` and
  :class:`ExperimentState`); ``step_completed`` in ``next_step`` after the sync;
  ``on_end`` in ``end`` after the final sync (image caching, ``git add`` inside
  ``dvc exp run``, the experiment save); ``save_dvc_exp`` and ``cache`` for the public methods.
- :mod:`~dvclive_writer.studio`: ``init`` returns the run's Studio session; each sync queues
  a data event, ``end`` finishes it.
- :mod:`dvclive_writer.report.schedule`: ``make_report`` on each sync while a report mode
  is set.
- :mod:`~dvclive_writer.monitor_system`: the system monitor (a thread logging through the
  public ``log_metric``), ended before a new one starts and at ``end``.
- :mod:`~dvclive_writer.images`, :mod:`~dvclive_writer.sklearn_plots`,
  :mod:`~dvclive_writer.custom_plots`, :mod:`~dvclive_writer.artifacts`: the logging methods
  delegate to them; they fill :class:`Registries`, which :mod:`~dvclive_writer.dvcyaml`
  reads.
"""

from __future__ import annotations

import contextlib
import copy
import glob
import importlib
import itertools
import json
import math
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from dvclive_writer import env
from dvclive_writer.dvcyaml import dvcyaml_content, write_dvcyaml
from dvclive_writer.error import (
    InvalidDataTypeError,
    InvalidDvcyamlError,
    InvalidParameterTypeError,
    InvalidReportModeError,
)
from dvclive_writer.logger import logger
from dvclive_writer.metrics import Metric, could_log, new_open_files
from dvclive_writer.ranks import WritesOnRankZero
from dvclive_writer.replace_file import ReplacedFile
from dvclive_writer.repo_detection import find_roots, git_has_commits
from dvclive_writer.serialize import (
    TEMP_SUFFIX,
    YAMLFileCorruptedError,
    atomic_write,
    dumps_json,
    dumps_yaml,
    load_yaml,
)
from dvclive_writer.state import (
    ExperimentState,
    Registries,
    ReportMode,
    ReportState,
    RepoState,
    RunPaths,
)
from dvclive_writer.utils import (
    NumpyEncoder,
    StrPath,
    env2bool,
    existing_parent,
    inside_notebook,
    open_file_in_browser,
    set_in,
)

if TYPE_CHECKING:
    from dvclive_writer.monitor_system import SystemMonitor
    from dvclive_writer.studio import StudioSession

ParamLike = int | float | str | bool | list["ParamLike"] | dict[str, "ParamLike"]

NULL_SHA: str = "0" * 40

#: Sub-folders of ``plots_dir`` wiped when a run starts without ``resume``.
PLOT_SUBFOLDERS = ("sklearn", "metrics", "images", "custom")

BLANK_NOTEBOOK_REPORT = """
<div style="width: 100%;height: 700px;text-align: center">
DVCLive Report
</div>
"""


#: A writer's temporary sibling: ``.<file>.<pid>[.<n>...][.link].tmp`` (group 1: the pid).
STALE_TEMPORARY = re.compile(rf"^\..+?\.(\d+)(?:\.\d+)*(?:\.link)?{re.escape(TEMP_SUFFIX)}$")


def _process_runs(pid: int) -> bool:
    """Whether process ``pid`` exists (this process included)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid > 0
    return True


def _open_report(report: ReportMode | None) -> tuple[ReportMode | None, Any]:
    """Check the report mode; in ``notebook`` mode, open its cell (or fall back to None).

    Raises:
        InvalidReportModeError: ``report`` is not a supported mode.
    """
    if report not in {None, "html", "notebook", "md"}:
        raise InvalidReportModeError(report)
    notebook: Any = None
    if report == "notebook":
        if inside_notebook():
            display = importlib.import_module("IPython.display")
            notebook = display.display(display.Markdown(BLANK_NOTEBOOK_REPORT), display_id=True)
        else:
            logger.warning(
                "Report mode 'notebook' requires to be inside a notebook. Disabling report."
            )
            report = None
    logger.debug("self._report_mode=%r", report)
    return report, notebook


def _dvc_file_of(run_dir: StrPath, dvcyaml: str | os.PathLike[str] | bool | None) -> str:
    """``dvc_file``: True/False/None → ``<dir>/dvc.yaml``; a path must end so.

    Raises:
        InvalidDvcyamlError: ``dvcyaml`` names a file other than ``dvc.yaml``.
    """
    if dvcyaml is None or isinstance(dvcyaml, bool):
        return os.path.join(run_dir, "dvc.yaml")
    path = os.fspath(dvcyaml)
    if os.path.basename(path) == "dvc.yaml":
        return path
    raise InvalidDvcyamlError


class Live(WritesOnRankZero):
    """Logs params, metrics and plots of a run in DVCLive's on-disk format."""

    def __init__(
        self,
        dir: StrPath = "dvclive",  # noqa: A002
        resume: bool = False,
        report: Literal["md", "notebook", "html"] | None = "html",
        save_dvc_exp: bool = True,
        dvcyaml: str | os.PathLike[str] | bool | None = True,
        cache_images: bool = False,
        exp_name: str | None = None,
        exp_message: str | None = None,
        monitor_system: bool = False,
    ) -> None:
        """Start a run writing to ``dir``; without ``resume`` its previous outputs are removed.

        Args:
            dir: output directory (relative to the current directory).
            resume: continue the previous run (also when env ``DVCLIVE_RESUME`` is truthy).
            report: ``"html"`` (default), ``"md"``, ``"notebook"`` or None (no report).
            save_dvc_exp: save a DVC experiment at ``end()`` (needs a Git repo with commits).
            dvcyaml: True writes ``<dir>/dvc.yaml``; a path named ``dvc.yaml`` writes there;
                False/None writes none automatically (``make_dvcyaml()`` writes
                ``<dir>/dvc.yaml``).
            cache_images: ``dvc add`` the images directory at ``end()``.
            exp_name: experiment name (default: env ``DVC_EXP_NAME`` or a random one).
            exp_message: experiment message for ``dvc exp save``.
            monitor_system: start the system monitor.

        Raises:
            InvalidReportModeError: ``report`` is not a supported mode.
            InvalidDvcyamlError: ``dvcyaml`` names a file other than ``dvc.yaml``.
        """
        self.summary: dict[str, Any] = {}
        self._lock = threading.RLock()

        self._resume: bool = resume or env2bool(env.DVCLIVE_RESUME)
        self._step: int | None = None
        self._metrics: dict[str, Metric] = {}
        self._params: dict[str, Any] = {}
        self._registries = Registries()
        self._inside_with = False
        self._open_files = new_open_files()
        self._metrics_json = ReplacedFile()
        self._dvcyaml_written: tuple[str, dict[str, Any]] | None = None

        report_mode, notebook = _open_report(report)

        self._experiment = ExperimentState(
            save=save_dvc_exp,
            baseline_rev=os.getenv(env.DVC_EXP_BASELINE_REV, NULL_SHA),
            name=exp_name or os.getenv(env.DVC_EXP_NAME),
            message=exp_message,
            cache_images=cache_images,
        )
        self._repo = RepoState()
        self._paths: RunPaths
        if env2bool(env.DVCLIVE_TEST):
            self._init_test(dir, dvcyaml)
        else:
            self._init_dvc(dir, dvcyaml)
        self._report = ReportState(self._paths, report_mode, notebook)

        os.makedirs(self.dir, exist_ok=True)

        self._remove_stale_temporary_files()
        if self._resume:
            self._init_resume()
        else:
            self._init_cleanup()

        from dvclive_writer import studio

        latest_step = self.step if resume else -1
        self._studio: StudioSession | None = studio.init(
            self._repo, self._experiment, self._paths, latest_step
        )

        self._system_monitor: SystemMonitor | None = None
        if monitor_system:
            self.monitor_system()

    # -- initialisation -------------------------------------------------------------------

    def _init_test(self, run_dir: StrPath, dvcyaml: str | os.PathLike[str] | bool | None) -> None:
        """Test mode (``DVCLIVE_TEST``): write under a fresh temporary directory, no repo."""
        dirpath = tempfile.mkdtemp()
        os.rmdir(dirpath)
        run_dir = os.path.join(dirpath, run_dir)
        if dvcyaml is None or isinstance(dvcyaml, bool):
            dvc_file = os.path.join(run_dir, "dvc.yaml")
        else:
            dvc_file = os.path.join(dirpath, _dvc_file_of(run_dir, dvcyaml))
        self._paths = RunPaths(run_dir, dvc_file, writes_dvcyaml=bool(dvcyaml))
        self._experiment.save = False
        logger.warning(
            "DVCLive testing mode enabled."
            f"Repo will be ignored and output will be written to {dirpath}."
        )

    def _init_dvc(self, run_dir: StrPath, dvcyaml: str | os.PathLike[str] | bool | None) -> None:
        repo, experiment = self._repo, self._experiment
        if os.getenv(env.DVC_ROOT, None):
            repo.inside_dvc_pipeline = True
            self._init_dvc_pipeline()
        self._paths = RunPaths(
            run_dir, _dvc_file_of(run_dir, dvcyaml), writes_dvcyaml=bool(dvcyaml)
        )

        repo.git_root, repo.dvc_root = find_roots(os.getcwd())
        if repo.git_root is not None:
            repo.git_has_commits = git_has_commits(repo.git_root)

        if repo.git_root is None:
            if experiment.save:
                logger.warning(
                    "Can't save experiment without a Git Repo."
                    "\nCreate a Git repo (`git init`) and commit (`git commit`)."
                )
                experiment.save = False
        elif not repo.git_has_commits and experiment.save:
            logger.warning(
                "Can't save experiment to an empty Git Repo."
                "\nAdd a commit (`git commit`) to save experiments."
            )
            experiment.save = False

        if repo.git_root or repo.dvc_root:
            from dvclive_writer import dvc_repo

            dvc_repo.init(repo, experiment, self._paths)  # logs "Logging to experiment ..."
        else:
            logger.info("Logging to experiment '%s'", experiment.name)

    def _init_dvc_pipeline(self) -> None:
        experiment = self._experiment
        if os.getenv(env.DVC_EXP_BASELINE_REV, None):
            self._repo.inside_dvc_exp = True
            if experiment.save:
                logger.info("Ignoring `save_dvc_exp` because `dvc exp run` is running")
        elif experiment.save:
            logger.warning(
                "Ignoring `save_dvc_exp` because `dvc repro` is running."
                "\nUse `dvc exp run` to save experiment."
            )
        experiment.save = False

    def _init_resume(self) -> None:
        self._read_params()
        self.summary = self.read_latest()
        self._step = self.read_step()
        if self._step != 0:
            logger.info("Resuming from step %s", self._step)
            self._step += 1
        logger.debug("self._step=%r", self._step)

    def _init_cleanup(self) -> None:
        for subfolder in PLOT_SUBFOLDERS:
            shutil.rmtree(os.path.join(self.plots_dir, subfolder), ignore_errors=True)
        for path in (
            self.metrics_file,
            self.params_file,
            os.path.join(self.dir, "report.html"),
            os.path.join(self.dir, "report.md"),
        ):
            if os.path.exists(path):
                os.remove(path)
        for path in glob.glob(os.path.join(self.dir, "**dvc.yaml")):
            os.remove(path)

    def _remove_stale_temporary_files(self) -> None:
        """Remove hidden temporary files left anywhere under ``dir`` by killed writers.

        They are named ``.<file>.<pid>[.<n>...].tmp`` (atomic writes, metrics.json slots,
        report writes); a file is removed only when its process no longer runs, so a live
        writer sharing the directory (another run, ``dvclive-tui report``) keeps its own.
        Left alone, they would end up in a saved experiment (``exp save`` commits the whole
        directory). Only ``dir`` itself and, when resuming, the ``plots`` tree are searched
        (without resume the plot folders are removed anyway).
        """
        folders: list[tuple[str, list[str], list[str]]] = [
            (os.fspath(self.dir), [], os.listdir(self.dir))
        ]
        walked = os.walk(self.plots_dir) if self._resume else ()
        for folder, _, names in itertools.chain(folders, walked):
            for name in names:
                match = STALE_TEMPORARY.match(name)
                if match is not None and not _process_runs(int(match.group(1))):
                    with contextlib.suppress(OSError):
                        os.remove(os.path.join(folder, name))

    # -- properties -----------------------------------------------------------------------

    @property
    def dir(self) -> StrPath:
        """Location of the directory to store outputs (the ``dir`` argument as given)."""
        return self._paths.dir

    @property
    def _cache_images(self) -> bool:
        """dvclive's private name for the ``cache_images`` setting, read by code (dvclive's
        own framework tests among it) that inspects a ``Live``; read-only."""
        return self._experiment.cache_images

    @property
    def params_file(self) -> str:
        """``<dir>/params.yaml``."""
        return self._paths.params_file

    @property
    def metrics_file(self) -> str:
        """``<dir>/metrics.json``."""
        return self._paths.metrics_file

    @property
    def dvc_file(self) -> str:
        """Path of the dvc.yaml file."""
        return self._paths.dvc_file

    @property
    def plots_dir(self) -> str:
        """``<dir>/plots``."""
        return self._paths.plots_dir

    @property
    def artifacts_dir(self) -> str:
        """``<dir>/artifacts``."""
        return self._paths.artifacts_dir

    @property
    def report_file(self) -> str | None:
        """``<dir>/report.html`` or ``<dir>/report.md`` for those modes, else None."""
        return self._report.file

    @property
    def step(self) -> int:
        """The current step (0 before any step was set)."""
        return self._step or 0

    @step.setter
    def step(self, value: int) -> None:
        with self._lock:
            self._step = value
        logger.debug("Step: %s", value)

    # -- metrics and params ---------------------------------------------------------------

    def log_metric(
        self,
        name: str,
        val: int | float | str,
        timestamp: bool = False,
        plot: bool = True,
    ) -> None:
        """Record ``val`` for ``name`` at the current step (TSV row and summary).

        Raises:
            InvalidDataTypeError: ``val`` is not an int, float, str or numpy scalar.
        """
        if not could_log(val):
            raise InvalidDataTypeError(name, type(val))
        if not isinstance(val, str) and (math.isnan(val) or math.isinf(val)):
            val = str(val)
        with self._lock:
            self._log_metric(name, val, timestamp, plot)
        logger.debug("Logged %s: %s", name, val)

    def _log_metric(self, name: str, val: Any, timestamp: bool, plot: bool) -> None:
        metric = self._metrics.get(name)
        keys = metric.summary_keys if metric else os.path.normpath(name).split(os.path.sep)
        # A new key is added on a copy computed first (funcy's set_in, as dvclive): a clash
        # with an existing scalar raises before anything is written.
        parent = existing_parent(self.summary, keys)
        summary = self.summary if parent is not None else set_in(self.summary, keys, val)
        if metric is None:
            metric = self._metrics[name] = Metric(name, self.plots_dir, self._open_files)
        metric.step = self.step
        if plot:
            metric.dump(val, timestamp=timestamp)
        if parent is not None:
            parent[keys[-1]] = val
        self.summary = summary

    def log_params(self, params: dict[str, ParamLike]) -> None:
        """Merge ``params`` into the run's params and rewrite ``params.yaml`` atomically.

        Raises:
            InvalidParameterTypeError: a value cannot be represented in YAML; nothing is
                written and the params are left as they were.
        """
        from ruamel.yaml.representer import RepresenterError

        with self._lock:
            updated = {**self._params, **dict(params)}  # dict.update accepts (key, value) pairs
            try:
                text = dumps_yaml(updated)
            except RepresenterError as exc:
                raise InvalidParameterTypeError(exc.args[0]) from exc
            atomic_write(self.params_file, text.encode("utf-8"))
            self._params = updated
        logger.debug("Logged %s parameters to %s", params, self.params_file)

    def log_param(self, name: str, val: ParamLike) -> None:
        """Log one parameter (see :meth:`log_params`)."""
        self.log_params({name: val})

    def _read_params(self) -> None:
        if os.path.isfile(self.params_file):
            params = load_yaml(self.params_file)
            self._params.update(params or {})

    # -- delegated features ---------------------------------------------------------------

    def log_image(self, name: str, val: Any) -> None:
        """Save an image (array, PIL image, matplotlib figure or image path) to plots/images."""
        from dvclive_writer import images

        with self._lock:
            name = images.log_image(self._paths, self._registries, self.step, name, val)
            if self._studio is not None:
                self._studio.image_logged(name, self.step)

    def log_sklearn_plot(
        self,
        kind: str,
        labels: Any,
        predictions: Any,
        name: str | None = None,
        title: str | None = None,
        x_label: str | None = None,
        y_label: str | None = None,
        normalized: bool | None = None,
        **kwargs: Any,
    ) -> None:
        """Compute a scikit-learn plot and save it under plots/sklearn."""
        from dvclive_writer import sklearn_plots

        with self._lock:
            sklearn_plots.log_sklearn_plot(
                self._paths,
                self._registries,
                kind,
                labels,
                predictions,
                name,
                title,
                x_label,
                y_label,
                normalized,
                **kwargs,
            )

    def log_plot(
        self,
        name: str,
        datapoints: Any,
        x: str,
        y: str | list[str],
        template: str | None = "linear",
        title: str | None = None,
        x_label: str | None = None,
        y_label: str | None = None,
    ) -> None:
        """Save custom plot datapoints under plots/custom."""
        from dvclive_writer import custom_plots

        config = custom_plots.plot_config(x, y, template, title, x_label, y_label)
        with self._lock:
            custom_plots.log_plot(self._paths, self._registries, name, datapoints, config)

    def log_artifact(
        self,
        path: StrPath,
        type: str | None = None,  # noqa: A002
        name: str | None = None,
        desc: str | None = None,
        labels: list[str] | None = None,
        meta: dict[str, Any] | None = None,
        copy: bool = False,
        cache: bool = True,
    ) -> None:
        """Track a file or directory with DVC and optionally record artifact metadata."""
        from dvclive_writer import artifacts

        with self._lock:
            artifacts.log_artifact(
                self._repo,
                self._experiment,
                self._paths,
                self._registries,
                path,
                copy,
                cache,
                type=type,
                name=name,
                desc=desc,
                labels=labels,
                meta=meta,
            )

    def cache(self, path: StrPath) -> None:
        """``dvc add`` ``path`` (needs a DVC repo)."""
        from dvclive_writer import dvc_repo

        dvc_repo.cache(self._repo, self._experiment, path)

    def monitor_system(
        self,
        interval: float = 0.05,
        num_samples: int = 20,
        directories_to_monitor: dict[str, str] | None = None,
    ) -> None:
        """Start (or restart) logging CPU, RAM, disk and GPU usage (default dir: ``/``)."""
        from dvclive_writer.monitor_system import SystemMonitor

        if self._system_monitor is not None:
            self._system_monitor.end()
        self._system_monitor = SystemMonitor(self, interval, num_samples, directories_to_monitor)

    def save_dvc_exp(self) -> None:
        """Save the run as a DVC experiment (when ``save_dvc_exp`` is in effect).

        The hidden metrics.json slots are removed first (the next sync makes new ones), so
        the experiment commit, which takes the whole directory, never holds them.
        """
        from dvclive_writer import dvc_repo

        with self._lock:
            self._metrics_json.close()
            dvc_repo.save_dvc_exp(self._repo, self._experiment, self._paths)

    def post_data_to_studio(self) -> None:
        """Queue the latest data for DVC Studio (no-op while Studio is off)."""
        if self._studio is not None:
            self._studio.enqueue_data(self.step)

    # -- summary, dvc.yaml, report, sync --------------------------------------------------

    def make_summary(self) -> None:
        """Write ``summary`` (plus ``step`` once a step was set) to ``metrics.json``."""
        with self._lock:
            if self._step is not None:
                self.summary["step"] = self.step
            data = dumps_json(self.summary, cls=NumpyEncoder).encode("utf-8")
            self._metrics_json.write(self.metrics_file, data)

    def make_dvcyaml(self) -> None:
        """Write (or merge into) ``dvc_file``; skipped when nothing changed since last time."""
        with self._lock:
            content = dvcyaml_content(
                self._paths,
                self._registries,
                params=bool(self._params),
                metrics=bool(self._metrics or self.summary),
            )
            path = self.dvc_file
            if self._dvcyaml_written == (path, content) and os.path.exists(path):
                return
            try:
                write_dvcyaml(self._paths, content)
            except YAMLFileCorruptedError as exc:
                logger.warning("Error in make_dvcyaml: %s", exc)
                return
            self._dvcyaml_written = (path, copy.deepcopy(content))

    def make_report(self) -> None:
        """Render the report now (no-op while the report mode is None).

        Syncs during training rebuild it at most every few seconds; this always does.
        """
        self._make_report(final=False, force=True)

    def _make_report(self, final: bool, force: bool = False) -> None:
        report = self._report
        if report.mode is None:
            return
        from dvclive_writer.report import schedule

        schedule.make_report(report, final=final, force=force)
        if report.mode == "html" and report.file is not None and env2bool(env.DVCLIVE_OPEN):
            open_file_in_browser(report.file)

    def sync(self) -> None:
        """Write metrics.json, dvc.yaml (if enabled) and the report; post to Studio."""
        self._sync(final=False)

    def _sync(self, final: bool) -> None:
        with self._lock:
            self.make_summary()
            if self._paths.writes_dvcyaml:
                self.make_dvcyaml()
            self._make_report(final=final)
            self.post_data_to_studio()

    def next_step(self) -> None:
        """Sync the current step, then increase the step by one."""
        with self._lock:
            if self._step is None:
                self._step = 0
            self.sync()
            if self._may_have_dvc_root():
                from dvclive_writer import dvc_repo

                dvc_repo.step_completed(self.step)
            self.step += 1

    def end(self) -> None:
        """Finish the run: revert to the last synced step, sync, save the experiment.

        A no-op inside a ``with Live() as live:`` block (leaving the block ends the run).
        """
        if self._inside_with:
            return
        # Stopped before taking the lock: its last log_metric call needs the lock.
        if self._system_monitor is not None:
            self._system_monitor.end()
        with self._lock:
            if "step" in self.summary:
                self.step = self.summary["step"]
            self._sync(final=True)
            self._open_files.close()
            self._metrics_json.close()
        from dvclive_writer import dvc_repo

        dvc_repo.on_end(self._repo, self._experiment, self._paths, self._registries)
        if self._studio is not None:
            self._studio.finish()  # waits for queued posts, then sends "done"

    def _may_have_dvc_root(self) -> bool:
        """False when no DVC root can exist (so the per-step signal file has no home)."""
        repo = self._repo
        return bool(repo.dvc_root or repo.dvc_repo is not None or os.getenv(env.DVC_ROOT))

    def read_step(self) -> int:
        """The ``step`` recorded in ``metrics.json`` (0 if none)."""
        step: int = self.read_latest().get("step", 0)
        return step

    def read_latest(self) -> dict[str, Any]:
        """The parsed ``metrics.json``, or ``{}`` when it does not exist."""
        if Path(self.metrics_file).exists():
            with open(self.metrics_file, encoding="utf-8") as fobj:
                latest: dict[str, Any] = json.load(fobj)
                return latest
        return {}

    def __enter__(self) -> Live:
        self._inside_with = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self._inside_with = False
        self.end()
