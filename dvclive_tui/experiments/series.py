"""Lazy loading of what the table does not need: metric histories, images and plots.

The table reads params and summaries only. When experiments are selected, their metric
TSVs (and images, sklearn/custom plots) are read from the same source the row came from
(git blobs for commits, disk for the workspace and directories), parsed by the data
layer's parsers, and memoised per content identity.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from dvclive_tui.experiments.model import Experiment
from dvclive_tui.experiments.sources import FileSource
from dvclive_writer.read.parsing import TsvTable, parse_json_bytes, parse_metric_tsv
from dvclive_writer.read.plots import infer_config, unwrap_rows

METRICS_DIR = "plots/metrics"
IMAGES_DIR = "plots/images"
SKLEARN_DIR = "plots/sklearn"
CUSTOM_DIR = "plots/custom"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp")


def dvclive_dirs(exp: Experiment) -> list[str]:
    """The dvclive directories of a row (source-relative), from its dvc.yaml entries."""
    found: list[str] = []
    for path, _props in exp.data.plots:
        if path == METRICS_DIR or path.endswith("/" + METRICS_DIR):
            base = path[: -len(METRICS_DIR)].rstrip("/")
            if base not in found:
                found.append(base)
    source = exp.source
    for path in exp.metrics:
        if path.endswith("metrics.json"):
            base = posixpath.dirname(path)
            if base not in found and source is not None and source.is_dir(base or "."):
                found.append(base)
    return found


@dataclass
class MetricHistory:
    """One metric of one experiment."""

    name: str
    path: str
    table: TsvTable


@dataclass
class ImageFile:
    """One logged image: its name (relative to ``plots/images``) and bytes."""

    name: str
    path: str
    data: bytes


@dataclass
class PlotFile:
    """One sklearn or custom plot of an experiment."""

    name: str
    kind: str
    path: str
    rows: list[dict[str, Any]]
    config: Any
    error: str | None = None


@dataclass
class ExperimentDetails:
    """Histories, images and plots of one experiment (loaded on demand)."""

    metrics: dict[str, MetricHistory] = field(default_factory=dict)
    images: dict[str, ImageFile] = field(default_factory=dict)
    plots: dict[str, PlotFile] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)


def _relative(path: str, base: str) -> str:
    return path[len(base) :].lstrip("/") if base else path


def load_metrics(exp: Experiment) -> dict[str, MetricHistory]:
    """Every metric history of ``exp`` (``train/loss`` -> parsed TSV)."""
    source = exp.source
    result: dict[str, MetricHistory] = {}
    if source is None:
        return result
    dirs = dvclive_dirs(exp)
    for base in dirs:
        metrics_dir = posixpath.join(base, METRICS_DIR) if base else METRICS_DIR
        for path in source.files_under(metrics_dir):
            if not path.endswith((".tsv", ".csv")):
                continue
            raw = source.read(path)
            if raw is None:
                continue
            name = posixpath.splitext(_relative(path, metrics_dir))[0]
            if len(dirs) > 1 and base:
                name = f"{base}:{name}"
            result[name] = MetricHistory(name, path, parse_metric_tsv(raw))
    return result


def load_details(exp: Experiment) -> ExperimentDetails:
    """Metrics, images and sklearn/custom plots of ``exp``."""
    details = ExperimentDetails(metrics=load_metrics(exp))
    source = exp.source
    if source is None:
        return details
    props_by_path = {path: props for path, props in exp.data.plots}
    for base in dvclive_dirs(exp):
        _load_images(source, base, details)
        for folder, kind in ((SKLEARN_DIR, "sklearn"), (CUSTOM_DIR, "custom")):
            _load_plots(source, base, folder, kind, props_by_path, details)
    return details


def _load_images(source: FileSource, base: str, details: ExperimentDetails) -> None:
    images_dir = posixpath.join(base, IMAGES_DIR) if base else IMAGES_DIR
    for path in source.files_under(images_dir):
        if not path.lower().endswith(IMAGE_SUFFIXES):
            continue
        raw = source.read(path)
        if raw is not None:
            name = _relative(path, images_dir)
            details.images[name] = ImageFile(name, path, raw)


def _load_plots(
    source: FileSource,
    base: str,
    folder: str,
    kind: str,
    props_by_path: dict[str, dict[str, Any]],
    details: ExperimentDetails,
) -> None:
    plots_dir = posixpath.join(base, folder) if base else folder
    for path in source.files_under(plots_dir):
        if not path.endswith(".json"):
            continue
        raw = source.read(path)
        if raw is None:
            continue
        name = posixpath.splitext(_relative(path, plots_dir))[0]
        parsed = parse_json_bytes(raw)
        if not parsed.ok:
            details.warnings[path] = parsed.error or "unreadable"
            details.plots[name] = PlotFile(name, kind, path, [], None, parsed.error)
            continue
        rows, shape_kind = unwrap_rows(parsed.value)
        if rows is None:
            details.plots[name] = PlotFile(name, kind, path, [], None, "not a list of datapoints")
            continue
        sklearn_kind = shape_kind if kind == "sklearn" else None
        config = infer_config(kind, rows, sklearn_kind)
        props = props_by_path.get(path)
        if props:
            config = _with_props(config, props)
        details.plots[name] = PlotFile(name, kind, path, rows, config)


def _with_props(config: Any, props: dict[str, Any]) -> Any:
    from dataclasses import replace

    known = {"template", "x", "y", "title", "x_label", "y_label"}
    return replace(config, **{key: value for key, value in props.items() if key in known})
