"""Exceptions raised by the writer: dvclive's names, hierarchy, messages and attributes."""

from __future__ import annotations

from typing import Any

#: The plot kinds understood by ``Live.log_sklearn_plot``, in dvclive's order.
SKLEARN_PLOT_KINDS = ("calibration", "confusion_matrix", "det", "precision_recall", "roc")


class DvcLiveError(Exception):
    """Base class of every writer error."""


class InvalidDataTypeError(DvcLiveError):
    """A logged value (or path) has a type the writer cannot store."""

    def __init__(self, name: Any, val: Any) -> None:
        self.name = name
        self.val = val
        super().__init__(f"Data '{name}' has not supported type {val}")


class InvalidDvcyamlError(DvcLiveError):
    """The ``dvcyaml`` argument names a file other than ``dvc.yaml``."""

    def __init__(self) -> None:
        super().__init__("`dvcyaml` path must have filename 'dvc.yaml'")


class InvalidImageNameError(DvcLiveError):
    """An image name lacks a supported suffix."""

    def __init__(self, name: Any) -> None:
        self.name = name
        super().__init__(f"Cannot log image with name '{name}'")


class InvalidPlotTypeError(DvcLiveError):
    """``log_sklearn_plot`` got an unknown kind (the message shows the plot name)."""

    def __init__(self, name: Any) -> None:
        self.name = name
        super().__init__(
            f"Plot type '{name}' is not supported.\nSupported types are: {list(SKLEARN_PLOT_KINDS)}"
        )


class InvalidParameterTypeError(DvcLiveError):
    """A parameter value cannot be represented in YAML."""

    def __init__(self, msg: Any) -> None:
        super().__init__(msg)


class InvalidReportModeError(DvcLiveError):
    """The ``report`` argument is not one of the supported modes."""

    def __init__(self, val: Any) -> None:
        super().__init__(
            f"`report` can only be `None`, `auto`, `html`, `notebook` or `md`. Got {val} instead."
        )
