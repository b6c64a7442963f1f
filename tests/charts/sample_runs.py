"""Deterministic dvclive runs written by the real ``dvclive`` package (the format oracle)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

LABELS = np.random.default_rng(0).integers(0, 2, 300)
SCORES = np.clip(LABELS * 0.35 + np.random.default_rng(1).random(300) * 0.75, 0, 1)
CLASSES_TRUE = np.random.default_rng(2).integers(0, 3, 90)
CLASSES_PRED = np.where(
    np.random.default_rng(3).random(90) < 0.7, CLASSES_TRUE, (CLASSES_TRUE + 1) % 3
)


def write_run(folder: Path, *, steps: int = 40, images: bool = True) -> Path:
    """A finished run: two metrics, params, sklearn plots and per-step images."""
    from dvclive import Live
    from PIL import Image

    rng = np.random.default_rng(5)
    with Live(str(folder), save_dvc_exp=False, report=None, dvcyaml=None) as live:
        live.log_params({"optimizer": {"name": "adam", "lr": 0.001}, "epochs": steps})
        for step in range(steps):
            live.log_metric("train/loss", float(np.exp(-step / 10) + rng.normal(0, 0.02)))
            live.log_metric("val/acc", float(1 - np.exp(-step / 12) * 0.8))
            live.log_metric("system/cpu/usage (%)", float(50 + 10 * np.sin(step)))
            if images and step % 10 == 0:
                pixels = np.zeros((16, 16, 3), dtype=np.uint8)
                pixels[:, :, 0] = step * 6
                live.log_image("samples.png", Image.fromarray(pixels))
            live.next_step()
        live.log_sklearn_plot("roc", LABELS, SCORES)
        live.log_sklearn_plot("precision_recall", LABELS, SCORES)
        live.log_sklearn_plot("confusion_matrix", CLASSES_TRUE, CLASSES_PRED, name="cm")
        live.log_sklearn_plot("calibration", LABELS, SCORES)
        live.log_sklearn_plot("det", LABELS, SCORES)
    return folder
