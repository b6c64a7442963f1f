"""``Live.log_plot``: custom plots from lists of dicts, DataFrames and numpy arrays.

:func:`register_plot` is shared with the scikit-learn plots: :attr:`Registries.plots
<dvclive_writer.state.Registries.plots>` maps a name to (JSON path relative to the run
directory, dvc.yaml plot config), in logging order. pandas and numpy are never imported here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dvclive_writer.error import InvalidDataTypeError
from dvclive_writer.logger import logger
from dvclive_writer.serialize import dump_json
from dvclive_writer.state import PlotEntry, Registries, RunPaths
from dvclive_writer.utils import convert_datapoints_to_list_of_dicts

CUSTOM_SUBFOLDER = "custom"


def plot_config(
    x: str,
    y: str | list[str],
    template: str | None = "linear",
    title: str | None = None,
    x_label: str | None = None,
    y_label: str | None = None,
) -> dict[str, Any]:
    """dvclive's custom plot config: template, x, y, title, x_label, y_label; None dropped.

    A falsy template (``""``) is dropped too.
    """
    config = {
        "template": template or None,
        "x": x,
        "y": y,
        "title": title,
        "x_label": x_label,
        "y_label": y_label,
    }
    return {k: v for k, v in config.items() if v is not None}


def register_plot(
    paths: RunPaths, registries: Registries, key: str, subfolder: str, config: dict[str, Any]
) -> Path:
    """Record a plot in ``registries.plots`` under ``key``; returns its JSON path.

    The file is ``<plots_dir>/<subfolder>/<key>.json``; insertion order is dvc.yaml's order.
    """
    path = Path(paths.plots_dir) / subfolder / f"{key}.json"
    registries.plots[key] = (Path(os.path.relpath(path, paths.dir)).as_posix(), config)
    return path


def plot_path(paths: RunPaths, entry: PlotEntry) -> Path:
    """The JSON file of a registered plot."""
    return Path(paths.dir) / entry[0]


def log_plot(
    paths: RunPaths,
    registries: Registries,
    name: str,
    datapoints: Any,
    config: dict[str, Any],
) -> None:
    """Write ``datapoints`` to ``<dir>/plots/custom/<name>.json`` and register the plot.

    ``config`` is the plot's :func:`plot_config`, used when the plot is new.

    As dvclive, a plot logged again keeps its first x/y/template/labels and only its data is
    replaced. Unlike dvclive, the registry key is the name without ``.json`` (dvclive keys
    ``"foo.json"`` raw, and its report then fails looking up ``"foo"``).

    Raises:
        InvalidDataTypeError: ``datapoints`` is not a list of dicts, a DataFrame or an array.
    """
    records = convert_datapoints_to_list_of_dicts(datapoints)
    if not (isinstance(records, list) and all(isinstance(r, dict) for r in records)):
        raise InvalidDataTypeError(name, type(datapoints))

    key = name.replace(".json", "")
    entry = registries.plots.get(key)
    if entry is None:
        path = register_plot(paths, registries, key, CUSTOM_SUBFOLDER, config)
    else:
        path = plot_path(paths, entry)
    dump_json(records, path)
    logger.debug(f"Logged {name}")
