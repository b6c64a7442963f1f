"""The ``Live`` of a distributed process of non-zero rank (see :mod:`dvclive_writer.ranks`)."""

from __future__ import annotations

import json
import math
import os
from types import TracebackType
from typing import Any, Literal

from dvclive_writer.error import (
    InvalidDataTypeError,
    InvalidDvcyamlError,
    InvalidParameterTypeError,
    InvalidReportModeError,
)
from dvclive_writer.live import Live
from dvclive_writer.logger import logger
from dvclive_writer.metrics import could_log
from dvclive_writer.ranks import ALL_RANKS, nonzero_rank
from dvclive_writer.utils import StrPath, env2bool, set_in


class NonZeroRankLive(Live):
    """A ``Live`` for a process of non-zero rank: same API, no files, nothing posted."""

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
        """Check the arguments as ``Live`` does, warn, and read the run when resuming."""
        del save_dvc_exp, cache_images, exp_name, exp_message, monitor_system
        if report not in {None, "html", "notebook", "md"}:
            raise InvalidReportModeError(report)
        if not (dvcyaml is None or isinstance(dvcyaml, bool)) and (
            os.path.basename(os.fspath(dvcyaml)) != "dvc.yaml"
        ):
            raise InvalidDvcyamlError
        self.summary: dict[str, Any] = {}
        self._rank_dir = dir
        self._rank_report: str | None = report
        self._rank_dvc_file = (
            os.path.join(dir, "dvc.yaml")
            if dvcyaml is None or isinstance(dvcyaml, bool)
            else os.fspath(dvcyaml)
        )
        self._rank_step: int | None = None
        self._rank_params: dict[str, Any] = {}
        variable, rank = nonzero_rank() or ("RANK", -1)
        logger.warning(
            "Live(dir=%r) writes nothing in this process: %s=%s, and only rank 0 writes a "
            "run (set %s=1 to write from every rank).",
            os.fspath(dir),
            variable,
            rank,
            ALL_RANKS,
        )
        if resume or env2bool("DVCLIVE_RESUME"):
            self.summary = self.read_latest()
            step = self.read_step()
            self._rank_step = step + 1 if step else step

    # -- where rank zero writes -----------------------------------------------------------

    @property
    def dir(self) -> StrPath:
        """The run's directory (written by rank zero)."""
        return self._rank_dir

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
        return self._rank_dvc_file

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
        if self._rank_report in ("html", "md"):
            return os.path.join(self.dir, f"report.{self._rank_report}")
        return None

    @property
    def step(self) -> int:
        """The current step (0 before any step was set)."""
        return self._rank_step or 0

    @step.setter
    def step(self, value: int) -> None:
        self._rank_step = value

    # -- calls kept in memory -------------------------------------------------------------

    def log_metric(
        self, name: str, val: int | float | str, timestamp: bool = False, plot: bool = True
    ) -> None:
        """Check ``val`` as ``Live`` does and keep it in ``summary``."""
        del timestamp, plot
        if not could_log(val):
            raise InvalidDataTypeError(name, type(val))
        if not isinstance(val, str) and (math.isnan(val) or math.isinf(val)):
            val = str(val)
        self.summary = set_in(self.summary, os.path.normpath(name).split(os.path.sep), val)

    def log_params(self, params: dict[str, Any]) -> None:
        """Check ``params`` are representable in YAML, as ``Live`` does; keep them."""
        from ruamel.yaml.representer import RepresenterError

        from dvclive_writer.serialize import dumps_yaml

        updated = {**self._rank_params, **dict(params)}
        try:
            dumps_yaml(updated)
        except RepresenterError as exc:
            raise InvalidParameterTypeError(exc.args[0]) from exc
        self._rank_params = updated

    def log_param(self, name: str, val: Any) -> None:
        """Keep one parameter (see :meth:`log_params`)."""
        self.log_params({name: val})

    def next_step(self) -> None:
        """Increase the step by one (nothing is synced)."""
        self.step = self.step + 1

    def read_step(self) -> int:
        """The ``step`` in the run's ``metrics.json`` (0 if none)."""
        step: int = self.read_latest().get("step", 0)
        return step

    def read_latest(self) -> dict[str, Any]:
        """The parsed ``metrics.json`` of the run, or ``{}`` when it does not exist."""
        try:
            with open(self.metrics_file, encoding="utf-8") as fobj:
                latest: dict[str, Any] = json.load(fobj)
        except FileNotFoundError:
            return {}
        return latest

    # -- calls that write or post: nothing on this rank -----------------------------------

    def log_image(self, name: str, val: Any) -> None:
        """Nothing (rank zero logs images)."""

    def log_sklearn_plot(self, kind: str, labels: Any, predictions: Any, *a: Any, **k: Any) -> None:
        """Nothing (rank zero logs plots)."""

    def log_plot(self, name: str, datapoints: Any, *args: Any, **kwargs: Any) -> None:
        """Nothing (rank zero logs plots)."""

    def log_artifact(self, path: StrPath, *args: Any, **kwargs: Any) -> None:
        """Nothing (rank zero logs artifacts)."""

    def cache(self, path: StrPath) -> None:
        """Nothing (rank zero caches)."""

    def monitor_system(self, *args: Any, **kwargs: Any) -> None:
        """Nothing (rank zero monitors the machine)."""

    def save_dvc_exp(self) -> None:
        """Nothing (rank zero saves the experiment)."""

    def post_data_to_studio(self) -> None:
        """Nothing (rank zero posts to Studio)."""

    def make_summary(self) -> None:
        """Nothing (rank zero writes ``metrics.json``)."""

    def make_dvcyaml(self) -> None:
        """Nothing (rank zero writes ``dvc.yaml``)."""

    def make_report(self) -> None:
        """Nothing (rank zero writes the report)."""

    def sync(self) -> None:
        """Nothing (rank zero syncs)."""

    def end(self) -> None:
        """Nothing (rank zero ends the run)."""

    def __enter__(self) -> NonZeroRankLive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        return None
