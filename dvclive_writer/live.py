"""``Live``: the drop-in for ``dvclive.Live`` (metrics, params, steps, summary, dvc.yaml).

Per-step cost does not grow with history: metric rows are appended to kept-open TSV files,
``metrics.json`` is rewritten from memory (atomically), and ``dvc.yaml`` is only rewritten
when its content changes. Nothing here imports dvc, numpy or ruamel at import time.

Thread safety: the system monitor's thread logs metrics while the training thread logs and
syncs, so every path that mutates the run's state or writes its files (the ``log_*``
methods, ``step``, ``make_summary``, ``make_dvcyaml``, ``sync``, ``next_step``, ``end``)
holds one re-entrant lock per ``Live`` (a few hundred nanoseconds uncontended).

Hook contract with the optional feature modules (owned by the writer-features and report
engineers). Each hook is called only if its module exists (:func:`_feature`), at one marked
line, with the ``Live`` as first argument:

- ``dvc_repo.init(live)`` — in ``__init__`` after Git/DVC detection, only when a Git or DVC
  root was found. It may set ``live._dvc_repo``, ``_baseline_rev``, ``_exp_name``,
  ``_subdir``, ``_repo_url``, append to ``_include_untracked``, write ``DVCLIVE_ONLY``. It
  reads ``_git_root``, ``_git_has_commits``, ``_dvc_root``, ``_save_dvc_exp`` (already
  turned off for no Git / no commits / pipelines), ``_inside_dvc_pipeline``,
  ``_inside_dvc_exp``, ``_dvcyaml``, ``dvc_file``. It catches dvc's own errors itself.
- ``dvc_repo.step_completed(live)`` — in ``next_step`` after the sync, before the increment.
- ``dvc_repo.on_end(live)`` — in ``end`` after the final sync: image caching, git adds inside
  ``dvc exp run``, ``save_dvc_exp``, signal-file clean-up.
- ``dvc_repo.save_dvc_exp(live)`` / ``dvc_repo.cache(live, path)`` — the public methods.
- ``studio.init(live)`` returns a session stored in ``live._studio``; each sync calls its
  ``enqueue_data()``, ``end()`` calls its ``finish()``.
- ``report.make_report(live, final=..., force=...)`` — each sync while ``live._report_mode``
  is set (``force`` from the public ``make_report()``).
- ``monitor_system.start_monitor(live, interval, num_samples, directories_to_monitor)`` ends
  the previous monitor and stores an object with ``end()`` in ``live._system_monitor``.
- ``images.log_image``, ``sklearn_plots.log_sklearn_plot``, ``custom_plots.log_plot``,
  ``artifacts.log_artifact`` — the logging methods delegate to them.

Registries the feature modules fill (read by :mod:`dvclive_writer.dvcyaml`): ``_images``
(name → image record; truthiness adds ``plots/images``), ``_plots`` (name → ``(path relative
to live.dir, plot config dict)``, in insertion order) and ``_artifacts`` (name → ``{"path",
"type", "desc", "labels", "meta"}`` with ``path`` as logged).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import glob
import importlib
import importlib.util
import itertools
import json
import math
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any, Literal

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
from dvclive_writer.utils import (
    NumpyEncoder,
    StrPath,
    env2bool,
    existing_parent,
    inside_notebook,
    open_file_in_browser,
    set_in,
)

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


@functools.cache
def _feature(name: str) -> ModuleType | None:
    """The optional module ``dvclive_writer.<name>``, or None while it does not exist."""
    full_name = f"dvclive_writer.{name}"
    if importlib.util.find_spec(full_name) is None:
        return None
    return importlib.import_module(full_name)


def _require_feature(name: str) -> ModuleType:
    module = _feature(name)
    if module is None:
        raise NotImplementedError(f"dvclive_writer.{name} is not available")
    return module


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

        self._dir: StrPath = dir
        self._resume_arg: bool = resume
        self._resume: bool = resume or env2bool(env.DVCLIVE_RESUME)
        self._save_dvc_exp: bool = save_dvc_exp
        self._step: int | None = None
        self._metrics: dict[str, Metric] = {}
        self._images: dict[str, Any] = {}
        self._params: dict[str, Any] = {}
        self._plots: dict[str, Any] = {}
        self._artifacts: dict[str, dict[str, Any]] = {}
        self._inside_with = False
        self._dvcyaml = dvcyaml
        self._cache_images = cache_images
        self._open_files = new_open_files()
        self._metrics_json = ReplacedFile()
        self._dvcyaml_written: tuple[str, dict[str, Any]] | None = None

        self._report_mode: str | None = report
        self._report_notebook: Any = None
        self._init_report()

        self._baseline_rev: str = os.getenv(env.DVC_EXP_BASELINE_REV, NULL_SHA)
        self._exp_name: str | None = exp_name or os.getenv(env.DVC_EXP_NAME)
        self._exp_message: str | None = exp_message
        self._subdir: str | None = None
        self._repo_url: str | None = None
        self._experiment_rev: str | None = None
        self._inside_dvc_exp: bool = False
        self._inside_dvc_pipeline: bool = False
        self._dvc_repo: Any = None
        self._git_root: str | None = None
        self._git_has_commits: bool = False
        self._dvc_root: str | None = None
        self._include_untracked: list[str] = []
        self._dvc_file: str
        if env2bool(env.DVCLIVE_TEST):
            self._init_test()
        else:
            self._init_dvc()

        os.makedirs(self.dir, exist_ok=True)

        self._remove_stale_temporary_files()
        if self._resume:
            self._init_resume()
        else:
            self._init_cleanup()

        self._studio: Any = None
        if (studio := _feature("studio")) is not None:
            self._studio = studio.init(self)  # HOOK studio.init

        self._system_monitor: Any = None
        if monitor_system:
            self.monitor_system()

    # -- initialisation -------------------------------------------------------------------

    def _init_report(self) -> None:
        if self._report_mode not in {None, "html", "notebook", "md"}:
            raise InvalidReportModeError(self._report_mode)
        if self._report_mode == "notebook":
            if inside_notebook():
                display = importlib.import_module("IPython.display")
                self._report_notebook = display.display(
                    display.Markdown(BLANK_NOTEBOOK_REPORT), display_id=True
                )
            else:
                logger.warning(
                    "Report mode 'notebook' requires to be inside a notebook. Disabling report."
                )
                self._report_mode = None
        logger.debug("self._report_mode=%r", self._report_mode)

    def _init_dvc_file(self) -> str:
        """Resolve ``dvc_file``: True/False/None → ``<dir>/dvc.yaml``; a path must end so."""
        if self._dvcyaml is None or isinstance(self._dvcyaml, bool):
            return os.path.join(self._dir, "dvc.yaml")
        self._dvcyaml = os.fspath(self._dvcyaml)
        if isinstance(self._dvcyaml, str) and os.path.basename(self._dvcyaml) == "dvc.yaml":
            return self._dvcyaml
        raise InvalidDvcyamlError

    def _init_test(self) -> None:
        """Test mode (``DVCLIVE_TEST``): write under a fresh temporary directory, no repo."""
        dirpath = tempfile.mkdtemp()
        os.rmdir(dirpath)
        self._dir = os.path.join(dirpath, self._dir)
        if self._dvcyaml is None or isinstance(self._dvcyaml, bool):
            self._dvc_file = os.path.join(self._dir, "dvc.yaml")
        else:
            self._dvc_file = os.path.join(dirpath, self._init_dvc_file())
        self._save_dvc_exp = False
        logger.warning(
            "DVCLive testing mode enabled."
            f"Repo will be ignored and output will be written to {dirpath}."
        )

    def _init_dvc(self) -> None:
        if os.getenv(env.DVC_ROOT, None):
            self._inside_dvc_pipeline = True
            self._init_dvc_pipeline()
        self._dvc_file = self._init_dvc_file()

        self._git_root, self._dvc_root = find_roots(os.getcwd())
        if self._git_root is not None:
            self._git_has_commits = git_has_commits(self._git_root)

        if self._git_root is None:
            if self._save_dvc_exp:
                logger.warning(
                    "Can't save experiment without a Git Repo."
                    "\nCreate a Git repo (`git init`) and commit (`git commit`)."
                )
                self._save_dvc_exp = False
        elif not self._git_has_commits and self._save_dvc_exp:
            logger.warning(
                "Can't save experiment to an empty Git Repo."
                "\nAdd a commit (`git commit`) to save experiments."
            )
            self._save_dvc_exp = False

        if (self._git_root or self._dvc_root) and (dvc_repo := _feature("dvc_repo")):
            dvc_repo.init(self)  # HOOK dvc_repo.init (logs "Logging to experiment ...")
        else:
            logger.info("Logging to experiment '%s'", self._exp_name)

    def _init_dvc_pipeline(self) -> None:
        if os.getenv(env.DVC_EXP_BASELINE_REV, None):
            self._inside_dvc_exp = True
            if self._save_dvc_exp:
                logger.info("Ignoring `save_dvc_exp` because `dvc exp run` is running")
        elif self._save_dvc_exp:
            logger.warning(
                "Ignoring `save_dvc_exp` because `dvc repro` is running."
                "\nUse `dvc exp run` to save experiment."
            )
        self._save_dvc_exp = False

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
        return self._dir

    @property
    def params_file(self) -> str:
        """``<dir>/params.yaml``."""
        return os.path.join(self.dir, "params.yaml")

    @property
    def metrics_file(self) -> str:
        """``<dir>/metrics.json``."""
        return os.path.join(self.dir, "metrics.json")

    @property
    def dvc_file(self) -> str:
        """Path of the dvc.yaml file."""
        return self._dvc_file

    @property
    def plots_dir(self) -> str:
        """``<dir>/plots``."""
        return os.path.join(self.dir, "plots")

    @property
    def artifacts_dir(self) -> str:
        """``<dir>/artifacts``."""
        return os.path.join(self.dir, "artifacts")

    @property
    def report_file(self) -> str | None:
        """``<dir>/report.html`` or ``<dir>/report.md`` for those modes, else None."""
        if self._report_mode in ("html", "md"):
            return os.path.join(self.dir, f"report.{self._report_mode}")
        return None

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

    # -- delegated features (writer-features engineer) ------------------------------------

    def log_image(self, name: str, val: Any) -> None:
        """Save an image (array, PIL image, matplotlib figure or image path) to plots/images."""
        with self._lock:
            _require_feature("images").log_image(self, name, val)

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
        with self._lock:
            _require_feature("sklearn_plots").log_sklearn_plot(
                self, kind, labels, predictions, name, title, x_label, y_label, normalized, **kwargs
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
        with self._lock:
            _require_feature("custom_plots").log_plot(
                self, name, datapoints, x, y, template, title, x_label, y_label
            )

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
        with self._lock:
            _require_feature("artifacts").log_artifact(
                self, path, copy, cache, type=type, name=name, desc=desc, labels=labels, meta=meta
            )

    def cache(self, path: StrPath) -> None:
        """``dvc add`` ``path`` (needs a DVC repo)."""
        _require_feature("dvc_repo").cache(self, path)

    def monitor_system(
        self,
        interval: float = 0.05,
        num_samples: int = 20,
        directories_to_monitor: dict[str, str] | None = None,
    ) -> None:
        """Start (or restart) logging CPU, RAM, disk and GPU usage (default dir: ``/``)."""
        # Ends the previous monitor and stores the new one in ``self._system_monitor``.
        _require_feature("monitor_system").start_monitor(
            self, interval, num_samples, directories_to_monitor
        )

    def save_dvc_exp(self) -> None:
        """Save the run as a DVC experiment (when ``save_dvc_exp`` is in effect).

        The hidden metrics.json slots are removed first (the next sync makes new ones), so
        the experiment commit, which takes the whole directory, never holds them.
        """
        if (dvc_repo := _feature("dvc_repo")) is not None:
            with self._lock:
                self._metrics_json.close()
                dvc_repo.save_dvc_exp(self)

    def post_data_to_studio(self) -> None:
        """Queue the latest data for DVC Studio (no-op while Studio is off)."""
        if self._studio is not None:
            self._studio.enqueue_data()  # HOOK studio session: queue a data event

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
            content = dvcyaml_content(self)
            path = self.dvc_file
            if self._dvcyaml_written == (path, content) and os.path.exists(path):
                return
            try:
                write_dvcyaml(self, content)
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
        if self._report_mode is None:
            return
        if (report := _feature("report")) is None:
            return
        report.make_report(self, final=final, force=force)  # HOOK report.make_report
        if self._report_mode == "html" and env2bool(env.DVCLIVE_OPEN):
            open_file_in_browser(self.report_file)  # type: ignore[arg-type]

    def sync(self) -> None:
        """Write metrics.json, dvc.yaml (if enabled) and the report; post to Studio."""
        self._sync(final=False)

    def _sync(self, final: bool) -> None:
        with self._lock:
            self.make_summary()
            if self._dvcyaml:
                self.make_dvcyaml()
            self._make_report(final=final)
            self.post_data_to_studio()

    def next_step(self) -> None:
        """Sync the current step, then increase the step by one."""
        with self._lock:
            if self._step is None:
                self._step = 0
            self.sync()
            if (dvc_repo := _feature("dvc_repo")) is not None and self._may_have_dvc_root():
                dvc_repo.step_completed(self)  # HOOK dvc_repo.step_completed
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
        if (dvc_repo := _feature("dvc_repo")) is not None:
            dvc_repo.on_end(self)  # HOOK dvc_repo.on_end
        if self._studio is not None:
            self._studio.finish()  # HOOK studio session: wait for posts, send "done"

    def _may_have_dvc_root(self) -> bool:
        """False when no DVC root can exist (so the per-step signal file has no home)."""
        return bool(self._dvc_root or self._dvc_repo is not None or os.getenv(env.DVC_ROOT))

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
