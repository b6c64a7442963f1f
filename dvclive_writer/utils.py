"""Small helpers shared by the writer modules (dvclive's ``dvclive.utils`` equivalents)."""

from __future__ import annotations

import builtins
import csv
import importlib.util
import json
import os
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, TypeVar

from dvclive_writer.error import InvalidDataTypeError

if TYPE_CHECKING:
    from dvclive_writer.live import Live

StrPath = str | PurePath

NUMPY_INTS = (
    "intc",
    "intp",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
)
NUMPY_FLOATS = ("float16", "float32", "float64")
NUMPY_SCALARS = NUMPY_INTS + NUMPY_FLOATS

_TRUTHY = re.compile("1|y|yes|true", flags=re.IGNORECASE)

_F = TypeVar("_F", bound=Callable[..., Any])


def env2bool(var: str, undefined: bool = False) -> bool:
    """dvclive's loose truthiness: the value contains ``1``, ``y``, ``yes`` or ``true``."""
    value = os.getenv(var, None)
    if value is None:
        return undefined
    return bool(_TRUTHY.search(value))


def is_numpy_scalar(val: object) -> bool:
    """True for the numpy int/float scalars dvclive accepts, checked without importing numpy."""
    cls = val.__class__
    return cls.__module__ == "numpy" and cls.__name__ in NUMPY_SCALARS


def isinstance_without_import(val: object, module: str, name: str) -> bool:
    """True if ``val``'s class or a base is ``module.name`` (no import needed)."""
    return any((cls.__module__, cls.__name__) == (module, name) for cls in type(val).mro())


class NumpyEncoder(json.JSONEncoder):
    """JSON encoder turning numpy ints into ``int`` and numpy floats into ``float``."""

    def default(self, o: Any) -> Any:
        """Convert numpy scalars; defer everything else to the base class (TypeError)."""
        if o.__class__.__module__ == "numpy":
            if o.__class__.__name__ in NUMPY_INTS:
                return int(o)
            if o.__class__.__name__ in NUMPY_FLOATS:
                return float(o)
        return super().default(o)


def set_in(coll: Any, path: list[str], value: Any) -> Any:
    """Return a copy of ``coll`` with ``value`` at ``path`` (funcy's ``set_in``, same errors).

    Only the containers along ``path`` are copied. A scalar on the way raises
    ``AttributeError`` (no ``copy``), a list raises ``TypeError``, like dvclive.
    """
    if not path:
        return value
    if isinstance(coll, list):
        copied_list = coll[:]
        copied_list[path[0]] = set_in(copied_list[path[0]], path[1:], value)  # type: ignore[call-overload]
        return copied_list
    copied = coll.copy()
    current = copied.get(path[0], {} if len(path) > 1 else None)
    copied[path[0]] = set_in(current, path[1:], value)
    return copied


def existing_parent(coll: dict[str, Any], path: list[str]) -> dict[str, Any] | None:
    """The dict holding ``path``'s last key if the whole key path already exists, else None.

    Replacing an existing key in place never changes a dict's size, so a thread serialising
    the summary at the same time stays safe; new keys go through :func:`set_in`.
    """
    node: Any = coll
    for key in path[:-1]:
        node = node.get(key) if isinstance(node, dict) else None
        if node is None:
            return None
    if isinstance(node, dict) and path[-1] in node:
        return node
    return None


def rel_path(path: StrPath, root: StrPath) -> str:
    """``path`` relative to ``root`` in POSIX form (``path`` is made absolute first)."""
    return Path(os.path.relpath(os.path.abspath(path), root)).as_posix()


def is_inside(path: str, directory: str) -> bool:
    """True if the absolute, normalised ``path`` is ``directory`` or lies below it."""
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def run_once(func: _F) -> _F:
    """Call ``func`` on the first call only; later calls return None."""
    called = False

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal called
        if called:
            return None
        called = True
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@run_once
def open_file_in_browser(file: StrPath) -> bool:
    """Open ``file`` in the web browser (once per process, as dvclive does)."""
    import webbrowser
    from platform import uname

    path = Path(file)
    url = str(path) if "Microsoft" in uname().release else path.resolve().as_uri()
    return webbrowser.open(url)


def matplotlib_installed() -> bool:
    """True if matplotlib can be imported (found without importing it)."""
    return importlib.util.find_spec("matplotlib") is not None


def inside_colab() -> bool:
    """True inside Google Colab."""
    if "google.colab" in sys.modules:
        return True
    try:
        return importlib.util.find_spec("google.colab") is not None
    except (ImportError, ValueError):
        return False


def inside_notebook() -> bool:
    """True inside Jupyter (IPython kernel ≥ 6) or Colab."""
    if inside_colab():
        return True
    get_ipython = getattr(builtins, "get_ipython", None)
    if get_ipython is None:
        return False
    if get_ipython().__class__.__name__ == "ZMQInteractiveShell":
        ipython = importlib.import_module("IPython")
        return bool(ipython.__version__ >= "6.0.0")
    return False


def clean_and_copy_into(src: StrPath, dst: StrPath) -> str:
    """Copy ``src`` (file or directory) into ``dst``, replacing what is there; return the path."""
    Path(dst).mkdir(exist_ok=True)
    basename = os.path.basename(os.path.normpath(src))
    dst_path = Path(os.path.join(dst, basename))
    if dst_path.is_file() or dst_path.is_symlink():
        dst_path.unlink()
    elif dst_path.is_dir():
        shutil.rmtree(dst_path)
    if os.path.isdir(src):
        shutil.copytree(src, dst_path)
    else:
        shutil.copy2(src, dst_path)
    return str(dst_path)


def standardize_metric_name(metric_name: str, framework: str) -> str:
    """Map a framework's metric name to dvclive's ``split/...`` convention.

    ``framework`` is the integration module's name: ``dvclive.<x>`` (as third-party callbacks
    pass it) or this package's ``dvclive_writer.<x>``, which is treated the same.
    """
    if framework.startswith("dvclive_writer."):
        framework = "dvclive." + framework.removeprefix("dvclive_writer.")
    if framework == "dvclive.fastai":
        metric_name = metric_name.replace("train_", "train/")
        metric_name = metric_name.replace("valid_", "eval/")
    elif framework == "dvclive.huggingface":
        for prefix in ("train", "eval"):
            metric_name = metric_name.replace(f"{prefix}_", f"{prefix}/")
    elif framework == "dvclive.keras":
        if "val_" in metric_name:
            metric_name = metric_name.replace("val_", "eval/")
        else:
            metric_name = f"train/{metric_name}"
    elif framework in ("dvclive.lightning", "dvclive.fabric"):
        parts = metric_name.split("_")
        split: str | None = None
        freq: str | None = None
        if any(parts[0].endswith(s) for s in ("train", "val", "test")):
            split = parts.pop(0)
            if parts[-1] in ("step", "epoch"):
                freq = parts.pop()
        rest = "_".join(parts)
        metric_name = "/".join(part for part in (split, freq, rest) if part)
    return metric_name


def convert_datapoints_to_list_of_dicts(datapoints: Any) -> list[dict[Any, Any]]:
    """Turn a list of dicts, a pandas DataFrame or a numpy array into a list of dicts."""
    if isinstance(datapoints, list):
        return datapoints
    if isinstance_without_import(datapoints, "pandas", "DataFrame") or isinstance_without_import(
        datapoints, "pandas.core.frame", "DataFrame"
    ):
        records: list[dict[Any, Any]] = datapoints.to_dict(orient="records")
        return records
    if isinstance_without_import(datapoints, "numpy", "ndarray"):
        if datapoints.dtype.names is not None:
            return [dict(zip(datapoints.dtype.names, row, strict=False)) for row in datapoints]
        return [dict(enumerate(row)) for row in datapoints]
    raise InvalidDataTypeError("datapoints", type(datapoints))


def parse_tsv(path: StrPath) -> list[dict[str, str]]:
    """Rows of a metric TSV as dicts of strings."""
    with open(path, encoding="utf-8", newline="") as fd:
        return list(csv.DictReader(fd, delimiter="\t"))


def parse_json(path: StrPath) -> Any:
    """The parsed content of a JSON file."""
    with open(path, encoding="utf-8") as fd:
        return json.load(fd)


def parse_metrics(live: Live) -> tuple[dict[str, list[dict[str, str]]], Any]:
    """``(history, latest)``: every metric TSV under ``plots/metrics`` and the parsed summary."""
    metrics_path = Path(live.plots_dir) / "metrics"
    history = {}
    for suffix in (".csv", ".tsv"):
        for scalar_file in metrics_path.rglob(f"*{suffix}"):
            history[str(scalar_file)] = parse_tsv(scalar_file)
    return history, parse_json(live.metrics_file)


def read_history(live: Live, metric: str) -> tuple[list[int], list[float]]:
    """Steps and values logged for ``metric``, read back from its TSV."""
    rows = parse_tsv(os.path.join(live.plots_dir, "metrics", f"{metric}.tsv"))
    column = os.path.basename(metric)
    return [int(row["step"]) for row in rows], [float(row[column]) for row in rows]


def read_latest(live: Live, metric_name: str) -> tuple[Any, Any]:
    """``(step, value)`` of ``metric_name`` from ``metrics.json``."""
    latest = parse_json(live.metrics_file)
    return latest["step"], latest[metric_name]
