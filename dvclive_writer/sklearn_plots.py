"""``Live.log_sklearn_plot``: ROC, precision-recall, DET, calibration and confusion matrix.

The JSON written to ``<dir>/plots/sklearn/<name>.json`` is dvclive's, byte for byte: the
scikit-learn function is called the same way, rows are zipped the same way (so PR drops its
last point and ROC keeps its ``Infinity`` threshold), ``indent=4`` plus a newline. The plot
config (template, x, y, title, x_label, y_label) matches dvclive's key order. scikit-learn is
imported only when a curve is computed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dvclive_writer.custom_plots import plot_path, register_plot
from dvclive_writer.error import InvalidPlotTypeError
from dvclive_writer.logger import logger
from dvclive_writer.serialize import dump_json
from dvclive_writer.state import PlotEntry, Registries, RunPaths

SKLEARN_SUBFOLDER = "sklearn"

# kind -> (x, y, default title, default x_label, default y_label); templates below.
_AXES: dict[str, tuple[str, str, str, str, str]] = {
    "calibration": (
        "prob_pred",
        "prob_true",
        "Calibration Curve",
        "Mean Predicted Probability",
        "Fraction of Positives",
    ),
    "confusion_matrix": (
        "actual",
        "predicted",
        "Confusion Matrix",
        "True Label",
        "Predicted Label",
    ),
    "det": (
        "fpr",
        "fnr",
        "Detection error tradeoff (DET)",
        "False Positive Rate",
        "False Negative Rate",
    ),
    "precision_recall": ("recall", "precision", "Precision-Recall Curve", "Recall", "Precision"),
    "roc": (
        "fpr",
        "tpr",
        "Receiver operating characteristic (ROC)",
        "False Positive Rate",
        "True Positive Rate",
    ),
}

SKLEARN_KINDS: tuple[str, ...] = tuple(_AXES)


def plot_config(
    kind: str,
    title: str | None = None,
    x_label: str | None = None,
    y_label: str | None = None,
    normalized: bool | None = None,
) -> dict[str, str]:
    """dvclive's plot config for ``kind``: template, x, y, title, x_label, y_label.

    Raises:
        TypeError: ``normalized`` given for a kind other than ``confusion_matrix`` (as dvclive).
    """
    if normalized is not None and kind != "confusion_matrix":
        raise TypeError("CustomPlot.__init__() got an unexpected keyword argument 'normalized'")
    x, y, default_title, default_x_label, default_y_label = _AXES[kind]
    if kind == "confusion_matrix":
        template = "confusion_normalized" if normalized else "confusion"
    else:
        template = "simple"
    return {
        "template": template,
        "x": x,
        "y": y,
        "title": default_title if title is None else title,
        "x_label": default_x_label if x_label is None else x_label,
        "y_label": default_y_label if y_label is None else y_label,
    }


def kind_of(entry: PlotEntry) -> str | None:
    """The scikit-learn kind of a registered plot (from its folder and fixed x/y), or None."""
    rel_path, config = entry
    if not rel_path.startswith(f"plots/{SKLEARN_SUBFOLDER}/"):
        return None
    axes = (config.get("x"), config.get("y"))
    return next((kind for kind, (x, y, *_) in _AXES.items() if axes == (x, y)), None)


def _roc(labels: Any, predictions: Any, **kwargs: Any) -> dict[str, list[dict[str, Any]]]:
    from sklearn import metrics

    fpr, tpr, thresholds = metrics.roc_curve(y_true=labels, y_score=predictions, **kwargs)
    rows = [
        {"fpr": f, "tpr": t, "threshold": h} for f, t, h in zip(fpr, tpr, thresholds, strict=False)
    ]
    return {"roc": rows}


def _precision_recall(
    labels: Any, predictions: Any, **kwargs: Any
) -> dict[str, list[dict[str, Any]]]:
    from sklearn import metrics

    precision, recall, thresholds = metrics.precision_recall_curve(
        y_true=labels, y_score=predictions, **kwargs
    )
    # zip stops at the shortest: the final (precision=1, recall=0) point is dropped, as dvclive.
    rows = [
        {"precision": p, "recall": r, "threshold": t}
        for p, r, t in zip(precision, recall, thresholds, strict=False)
    ]
    return {"precision_recall": rows}


def _det(labels: Any, predictions: Any, **kwargs: Any) -> dict[str, list[dict[str, Any]]]:
    from sklearn import metrics

    fpr, fnr, thresholds = metrics.det_curve(y_true=labels, y_score=predictions, **kwargs)
    rows = [
        {"fpr": f, "fnr": n, "threshold": t} for f, n, t in zip(fpr, fnr, thresholds, strict=False)
    ]
    return {"det": rows}


def _calibration(labels: Any, predictions: Any, **kwargs: Any) -> dict[str, list[dict[str, Any]]]:
    from sklearn import calibration

    prob_true, prob_pred = calibration.calibration_curve(
        y_true=labels, y_prob=predictions, **kwargs
    )
    rows = [{"prob_true": t, "prob_pred": p} for t, p in zip(prob_true, prob_pred, strict=False)]
    return {"calibration": rows}


def _confusion_matrix(labels: Any, predictions: Any, **_kwargs: Any) -> list[dict[str, str]]:
    # One entry per sample, no aggregation; extra kwargs are ignored, as dvclive.
    return [
        {"actual": str(a), "predicted": str(p)} for a, p in zip(labels, predictions, strict=False)
    ]


_COMPUTE: dict[str, Callable[..., Any]] = {
    "calibration": _calibration,
    "confusion_matrix": _confusion_matrix,
    "det": _det,
    "precision_recall": _precision_recall,
    "roc": _roc,
}


def sklearn_plot_data(kind: str, labels: Any, predictions: Any, **kwargs: Any) -> Any:
    """The JSON-ready content dvclive writes for ``kind`` (a dict, or a list for the matrix)."""
    return _COMPUTE[kind](labels, predictions, **kwargs)


def log_sklearn_plot(
    paths: RunPaths,
    registries: Registries,
    kind: str,
    labels: Any,
    predictions: Any,
    name: str | None,
    title: str | None,
    x_label: str | None,
    y_label: str | None,
    normalized: bool | None,
    /,
    **kwargs: Any,
) -> None:
    """Compute a scikit-learn plot, write its JSON and register it for dvc.yaml.

    ``title``, ``x_label``, ``y_label`` and ``normalized`` go to :func:`plot_config` for a
    new plot; ``kwargs`` go to the scikit-learn computation.

    As dvclive: ``name`` defaults to ``kind``; a name seen before reuses that plot whatever
    ``kind`` is; new plots are stored under the name without ``.json``.

    Raises:
        InvalidPlotTypeError: ``kind`` is not a supported plot (the message shows ``name``).
        TypeError: ``normalized`` given for a kind other than ``confusion_matrix``.
    """
    name = name or kind
    entry = registries.plots.get(name)
    registered_kind = kind_of(entry) if entry is not None else None
    if entry is not None and registered_kind is not None:
        kind, path = registered_kind, plot_path(paths, entry)
    else:
        if kind not in _COMPUTE:
            raise InvalidPlotTypeError(name)
        config = plot_config(kind, title, x_label, y_label, normalized)
        path = register_plot(
            paths, registries, name.replace(".json", ""), SKLEARN_SUBFOLDER, config
        )
    dump_json(sklearn_plot_data(kind, labels, predictions, **kwargs), path)
    logger.debug(f"Logged {name}")
