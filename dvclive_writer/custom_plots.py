"""``Live.log_plot``: custom plots from lists of dicts, DataFrames and numpy arrays.

Also owns the plot registry shared with the scikit-learn plots: ``Live._plots`` maps a name
to (JSON path relative to ``Live.dir``, dvc.yaml plot config), in logging order.
pandas and numpy are never imported here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dvclive_writer.error import InvalidDataTypeError
from dvclive_writer.logger import logger
from dvclive_writer.serialize import dump_json
from dvclive_writer.utils import convert_datapoints_to_list_of_dicts

if TYPE_CHECKING:
    from dvclive_writer.live import Live

CUSTOM_SUBFOLDER = "custom"


#: A registry value in ``Live._plots``: (JSON path relative to ``Live.dir``, dvc.yaml config).
PlotEntry = tuple[str, dict[str, Any]]


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


def register_plot(live: Live, key: str, subfolder: str, config: dict[str, Any]) -> Path:
    """Record a plot in ``live._plots`` under ``key``; returns its JSON path.

    The file is ``<plots_dir>/<subfolder>/<key>.json``; insertion order is dvc.yaml's order.
    """
    path = Path(live.plots_dir) / subfolder / f"{key}.json"
    live._plots[key] = (Path(os.path.relpath(path, live.dir)).as_posix(), config)
    return path


def plot_path(live: Live, entry: PlotEntry) -> Path:
    """The JSON file of a registered plot."""
    return Path(live.dir) / entry[0]


def log_plot(live: Live, name: str, datapoints: Any, *config: Any) -> None:
    """Write ``datapoints`` to ``<dir>/plots/custom/<name>.json`` and register the plot.

    ``config`` holds :func:`plot_config`'s arguments (x, y, template, title, x_label, y_label).

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
    entry = live._plots.get(key)
    if entry is None:
        path = register_plot(live, key, CUSTOM_SUBFOLDER, plot_config(*config))
    else:
        path = plot_path(live, entry)
    dump_json(records, path)
    logger.debug(f"Logged {name}")
