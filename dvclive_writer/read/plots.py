"""Plot definitions: what a dvc.yaml says about a plot file, or dvclive's defaults.

A dvclive run's sklearn and custom plots are drawn with the properties (template, x, y,
title, labels) of the ``dvc.yaml`` that references them. That file is ``<dir>/dvc.yaml`` in
the seed's layout and ``./dvc.yaml`` one level up in today's dvclive; DVC reads every
``dvc.yaml`` in the repository, so the reader looks in the run directory and then in each
parent up to the repository root, nearest first. Plot keys are resolved relative to the
folder of the ``dvc.yaml`` that holds them. Unreferenced plots get dvclive's defaults for
their sklearn kind, or axes inferred from their data.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dvclive_writer.read.model import PlotConfig

#: dvclive's plot properties per sklearn kind (dvclive-format §4.6), in ``PlotConfig``'s
#: field order: template, x, y, title, x label, y label.
SKLEARN_DEFAULTS: dict[str, PlotConfig] = {
    kind: PlotConfig(*fields)
    for kind, fields in {
        "roc": (
            "simple", "fpr", "tpr", "Receiver operating characteristic (ROC)",
            "False Positive Rate", "True Positive Rate",
        ),
        "precision_recall": (
            "simple", "recall", "precision", "Precision-Recall Curve", "Recall", "Precision",
        ),
        "det": (
            "simple", "fpr", "fnr", "Detection error tradeoff (DET)",
            "False Positive Rate", "False Negative Rate",
        ),
        "calibration": (
            "simple", "prob_pred", "prob_true", "Calibration Curve",
            "Mean Predicted Probability", "Fraction of Positives",
        ),
        "confusion_matrix": (
            "confusion", "actual", "predicted", "Confusion Matrix",
            "True Label", "Predicted Label",
        ),
    }.items()
}  # fmt: skip

_WRAPPED_KINDS = ("roc", "precision_recall", "det", "calibration")
ROOT_MARKERS = (".git", ".dvc")
"""What marks a repository root: the search for ``dvc.yaml`` files stops there."""
MAX_LEVELS = 32
"""Most folders searched for ``dvc.yaml`` files, the run directory included."""


@dataclass(frozen=True)
class PlotEntry:
    """One plot reference of a dvc.yaml: an absolute target path and its properties."""

    target: str
    """Normalised absolute path of the file or directory the entry names."""
    properties: Mapping[str, Any]


def dvcyaml_candidates(run_dir: Path, exists: Callable[[Path], bool] = Path.exists) -> list[Path]:
    """``dvc.yaml`` paths that may describe ``run_dir``'s plots, nearest first.

    The run directory, then each parent up to and including the first one that holds a
    ``.git`` or ``.dvc`` folder (the repository root). Without such a root, only the run
    directory and its parent are searched (dvclive's default places dvc.yaml in the
    working directory, usually the parent). ``exists`` answers for the markers (from a
    transport's stats in the run reader).
    """
    folders: list[Path] = []
    current = run_dir
    for _ in range(MAX_LEVELS):
        folders.append(current)
        if any(exists(current / marker) for marker in ROOT_MARKERS):
            break
        if current.parent == current:
            folders = folders[:2]
            break
        current = current.parent
    else:
        folders = folders[:2]
    return [folder / "dvc.yaml" for folder in folders]


def plot_entries(dvcyaml: Path, document: Any) -> list[PlotEntry]:
    """The plot references of a parsed dvc.yaml (top-level ``plots`` and stage ``plots``)."""
    if not isinstance(document, Mapping):
        return []
    base = dvcyaml.parent
    entries = list(_entries_of(base, document.get("plots")))
    stages = document.get("stages")
    if isinstance(stages, Mapping):
        for stage in stages.values():
            if isinstance(stage, Mapping):
                entries.extend(_entries_of(base, stage.get("plots")))
    return entries


def resolve_config(
    plot_file: Path, entry_lists: Iterable[list[PlotEntry]], inferred: PlotConfig
) -> PlotConfig:
    """The properties of ``plot_file``: an exact reference wins, then a directory one.

    ``entry_lists`` go nearest dvc.yaml first. A directory reference's properties are laid
    over ``inferred``; with no reference at all, ``inferred`` is returned.
    """
    target = os.path.normpath(plot_file)
    directory_match: Mapping[str, Any] | None = None
    for entries in entry_lists:
        for entry in entries:
            if entry.target == target:
                return _overlay(inferred, entry.properties, exact=True)
            if directory_match is None and target.startswith(entry.target + os.sep):
                directory_match = entry.properties
    if directory_match is not None:
        return _overlay(inferred, directory_match, exact=False)
    return inferred


def unwrap_rows(value: Any) -> tuple[list[dict[str, Any]] | None, str | None]:
    """Datapoints of a plot JSON and the sklearn kind its shape shows (if any).

    ``{"roc": [...]}`` gives the list and ``"roc"``; a bare list of ``actual``/``predicted``
    pairs gives ``"confusion_matrix"``; a bare list of dicts gives no kind. ``None`` rows
    mean the document is not a list of datapoints.
    """
    kind: str | None = None
    rows = value
    if isinstance(value, Mapping) and len(value) == 1:
        (key, rows), *_ = value.items()
        kind = key if key in _WRAPPED_KINDS else None
    if not isinstance(rows, list) or not all(isinstance(row, Mapping) for row in rows):
        return None, None
    if kind is None and rows and {"actual", "predicted"} <= set(rows[0]):
        kind = "confusion_matrix"
    return [dict(row) for row in rows], kind


def infer_config(kind: str, rows: list[dict[str, Any]], sklearn_kind: str | None) -> PlotConfig:
    """dvclive's defaults for an sklearn kind, or axes taken from the data of a custom plot."""
    if sklearn_kind is not None and sklearn_kind in SKLEARN_DEFAULTS:
        return SKLEARN_DEFAULTS[sklearn_kind]
    keys = list(rows[0]) if rows else []
    if not keys:
        return PlotConfig(template="linear")
    x = keys[0]
    others = [key for key in keys[1:] if _numeric(rows[0].get(key))] or keys[1:]
    y: str | list[str] | None = None
    if len(others) == 1:
        y = others[0]
    elif others:
        y = others
    template = "simple" if kind == "sklearn" else "linear"
    return PlotConfig(template=template, x=x, y=y)


# -- internals ---------------------------------------------------------------------------


def _entries_of(base: Path, plots: Any) -> Iterable[PlotEntry]:
    items: list[Any] = []
    if isinstance(plots, list):
        items = plots
    elif isinstance(plots, Mapping):
        items = [{key: value} for key, value in plots.items()]
    for item in items:
        if isinstance(item, str):
            yield PlotEntry(_target(base, item), {})
        elif isinstance(item, Mapping):
            for key, properties in item.items():
                if not isinstance(key, str):
                    continue
                props = properties if isinstance(properties, Mapping) else {}
                yield from _expand(base, key, props)


def _expand(base: Path, key: str, props: Mapping[str, Any]) -> Iterable[PlotEntry]:
    """A plain reference, or one per source file of a multi-source (``y: {file: col}``) plot."""
    x, y = props.get("x"), props.get("y")
    if not isinstance(x, Mapping) and not isinstance(y, Mapping):
        yield PlotEntry(_target(base, key), props)
        return
    files: list[str] = []
    for axis in (y, x):
        if isinstance(axis, Mapping):
            files.extend(str(name) for name in axis if str(name) not in files)
    for name in files:
        per_file = dict(props)
        per_file["x"] = _axis_for(x, name)
        per_file["y"] = _axis_for(y, name)
        yield PlotEntry(_target(base, name), per_file)


def _axis_for(axis: Any, name: str) -> Any:
    if isinstance(axis, Mapping):
        return axis.get(name)
    return axis


def _target(base: Path, key: str) -> str:
    return os.path.normpath(base / key)


def _overlay(inferred: PlotConfig, props: Mapping[str, Any], *, exact: bool) -> PlotConfig:
    changes: dict[str, Any] = {}
    for name in ("template", "title", "x_label", "y_label", "x"):
        value = props.get(name)
        if isinstance(value, str) and value:
            changes[name] = value
    y = props.get("y")
    if isinstance(y, str) and y:
        changes["y"] = y
    elif isinstance(y, list) and y and all(isinstance(item, str) for item in y):
        changes["y"] = list(y)
    if exact and "template" not in changes and "x" in changes:
        changes["template"] = "linear"  # DVC's default template for a configured plot
    return replace(inferred, **changes)


def _numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return False
        return True
    return False
