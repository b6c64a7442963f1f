"""What a name in a rule or a runs filter means for one run.

The names of the expression language (``compare --filter``) applied to a watched run, in
this order: ``step`` (the step being evaluated), ``name``, ``path`` or ``status`` of the
run; ``params.KEY`` / ``summary.KEY``; a metric (``eval/loss``, also written
``eval.loss``), whose value is its newest one at or before the step; a key of
``metrics.json`` (dotted, ``/`` read as ``.``); a key of ``params.yaml`` (dotted). An
unknown name is :data:`~dvclive_tui.experiments.table.MISSING`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from dvclive_tui.experiments.table import MISSING
from dvclive_writer.read.model import MetricSeries, Run
from dvclive_writer.read.naming import flatten

RESERVED = ("step", "name", "path", "status")
"""Names that are fields of the run, never metrics."""


class RunValues:
    """Resolves names against one run (flattened documents and steps are cached)."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self._steps: dict[str, npt.NDArray[np.int64]] = {}
        self._summary: dict[str, Any] | None = None
        self._params: dict[str, Any] | None = None

    def metric_name(self, name: str) -> str | None:
        """The metric series ``name`` refers to, if any (with points)."""
        if name in RESERVED or name.startswith(("params.", "summary.")):
            return None
        metrics = self.run.metrics
        for candidate in (name, name.replace(".", "/")):
            if candidate in metrics and len(metrics[candidate]):
                return candidate
        return None

    def steps(self, name: str) -> npt.NDArray[np.int64]:
        """The steps of metric ``name`` (an existing one)."""
        steps = self._steps.get(name)
        if steps is None:
            steps = self._steps[name] = self.run.metrics[name].steps
        return steps

    def value(self, name: str, step: int | None) -> Any:
        """What ``name`` is worth at ``step`` (``None``: the newest values)."""
        run = self.run
        if name == "step":
            return MISSING if step is None else step
        if name == "name":
            return run.name
        if name == "path":
            return str(run.path)
        if name == "status":
            return run.status.value
        if name.startswith("params."):
            return self.params().get(name.removeprefix("params."), MISSING)
        if name.startswith("summary."):
            return self.summary().get(name.removeprefix("summary."), MISSING)
        metric = self.metric_name(name)
        if metric is not None:
            return self.metric_value(run.metrics[metric], metric, step)
        for mapping in (self.summary(), self.params()):
            for candidate in (name, name.replace("/", ".")):
                if candidate in mapping:
                    return mapping[candidate]
        return MISSING

    def metric_value(self, series: MetricSeries, name: str, step: int | None) -> Any:
        """The value of ``series`` at ``step`` (newest at or before it), or its newest."""
        if step is None:
            return float(series.values[-1])
        index = int(np.searchsorted(self.steps(name), step, side="right")) - 1
        return float(series.values[index]) if index >= 0 else MISSING

    def summary(self) -> dict[str, Any]:
        """``metrics.json``, flattened with dots."""
        if self._summary is None:
            self._summary = flatten(self.run.summary)
        return self._summary

    def params(self) -> dict[str, Any]:
        """``params.yaml``, flattened with dots."""
        if self._params is None:
            self._params = flatten(self.run.params)
        return self._params
