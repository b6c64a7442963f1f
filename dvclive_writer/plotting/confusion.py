"""Confusion counts: how often each (x, y) label pair occurs, on one sorted label order.

dvclive writes a confusion matrix as a bare list of ``{"actual": ..., "predicted": ...}``
datapoints (dvc-render's ``confusion`` templates count them); the terminal heat grid and
the report's PNG both count them here. Labels are compared as strings and sorted numbers
first (by value), then text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class Confusion:
    """Aggregated confusion counts: ``counts[row][column]``, rows = y labels, columns = x."""

    x_labels: tuple[str, ...]
    y_labels: tuple[str, ...]
    counts: npt.NDArray[np.int64]

    def normalized(self) -> npt.NDArray[np.float64]:
        """Each row (one y value) divided by its total, as dvc's ``confusion_normalized``
        template does (``percent_of_y``)."""
        totals = self.counts.sum(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            rates: npt.NDArray[np.float64] = np.where(
                totals > 0, self.counts / np.maximum(totals, 1), 0.0
            )
        return rates


def label_order(labels: Iterable[str]) -> list[str]:
    """``labels`` without repeats, numbers first by value, then the rest by text."""
    return sorted(set(labels), key=_label_key)


def count_pairs(pairs: Iterable[tuple[Any, Any]], labels: Sequence[str] | None = None) -> Confusion:
    """Count ``(x, y)`` pairs (compared as strings) on ``labels`` (default: every label seen,
    by :func:`label_order`); ``labels`` must hold every label of ``pairs``."""
    text_pairs = [(str(x), str(y)) for x, y in pairs]
    if labels is None:
        labels = label_order(label for pair in text_pairs for label in pair)
    index = {label: position for position, label in enumerate(labels)}
    counts = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for x, y in text_pairs:
        counts[index[y], index[x]] += 1
    return Confusion(tuple(labels), tuple(labels), counts)


def confusion_counts(rows: Sequence[Any], x: str = "actual", y: str = "predicted") -> Confusion:
    """Count (x, y) pairs of the bare datapoint list dvclive writes; bad rows are skipped."""
    return count_pairs(
        (row[x], row[y]) for row in rows if isinstance(row, dict) and x in row and y in row
    )


def _label_key(label: str) -> tuple[int, float, str]:
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)
