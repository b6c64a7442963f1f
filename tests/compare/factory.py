"""Deterministic experiments for unit and UI tests: real files on disk, fixed identities."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from dvclive_tui.experiments.model import Experiment, ExperimentSet, ExpKind, ExpStatus
from dvclive_tui.experiments.readers import ParseCache, read_revision
from dvclive_tui.experiments.sources import DirSource

#: 2026-01-02 03:04:05 UTC plus N minutes per experiment.
BASE_TIME = 1767323045.0

DVC_YAML = (
    "params:\n- dvclive/params.yaml\nmetrics:\n- dvclive/metrics.json\n"
    "plots:\n- dvclive/plots/metrics:\n    x: step\n"
)


def write_run(root: Path, params: dict[str, Any], losses: list[float], acc: list[float]) -> None:
    """A dvclive-layout folder (dvc.yaml, params, summary, two metric histories)."""
    live = root / "dvclive"
    (live / "plots" / "metrics" / "train").mkdir(parents=True, exist_ok=True)
    (root / "dvc.yaml").write_text(DVC_YAML)
    (live / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    summary = {"train": {"loss": losses[-1]}, "acc": acc[-1], "step": len(losses) - 1}
    import json

    (live / "metrics.json").write_text(json.dumps(summary, indent=4) + "\n")
    rows = "".join(f"{i}\t{v}\n" for i, v in enumerate(losses))
    (live / "plots" / "metrics" / "train" / "loss.tsv").write_text("step\tloss\n" + rows)
    rows = "".join(f"{i}\t{v}\n" for i, v in enumerate(acc))
    (live / "plots" / "metrics" / "acc.tsv").write_text("step\tacc\n" + rows)


SPECS: list[tuple[str, dict[str, Any], float]] = [
    ("brisk-lion", {"lr": 0.1, "optimizer": "adam", "epochs": 5, "seed": 1}, 0.9),
    ("calm-owl", {"lr": 0.001, "optimizer": "sgd", "epochs": 5, "seed": 1}, 0.6),
    ("dark-fox", {"lr": 0.01, "optimizer": "adam", "epochs": 5, "seed": 1}, 0.75),
    ("eager-elk", {"lr": 0.003, "optimizer": "sgd", "epochs": 5, "seed": 1}, 0.7),
]


def build_experiments(root: Path) -> ExperimentSet:
    """Four finished experiments of one baseline, built from real files under ``root``."""
    cache = ParseCache()
    result = ExperimentSet()
    for index, (name, params, final_acc) in enumerate(SPECS):
        folder = root / name
        steps = 8
        losses = [round(1.0 / (1 + i * params["lr"] * 20), 6) for i in range(steps)]
        acc = [round(final_acc * (i + 1) / steps, 6) for i in range(steps)]
        write_run(folder, params, losses, acc)
        source = DirSource(folder)
        rev = f"{index + 1:x}" * 40
        result.experiments.append(
            Experiment(
                key=rev,
                kind=ExpKind.EXPERIMENT,
                rev=rev,
                name=name,
                data=read_revision(source, cache),
                timestamp=BASE_TIME + 60 * index,
                baseline="0" * 40,
                status=ExpStatus.DONE,
                source=source,
            )
        )
    return result


def add_media(root: Path, shade: int) -> None:
    """A logged image and an sklearn ROC plot (dvclive's file formats) in ``root/dvclive``."""
    import json

    from PIL import Image

    live = root / "dvclive"
    images = live / "plots" / "images"
    images.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (16, 8), (shade, 255 - shade, 128)).save(images / "sample.png")
    sklearn = live / "plots" / "sklearn"
    sklearn.mkdir(parents=True, exist_ok=True)
    roc = {
        "roc": [
            {"fpr": i / 4, "tpr": min(1.0, i / 4 + shade / 1000), "threshold": 1 - i / 4}
            for i in range(5)
        ]
    }
    (sklearn / "roc.json").write_text(json.dumps(roc, indent=4) + "\n")
    dvc_yaml = root / "dvc.yaml"
    dvc_yaml.write_text(
        dvc_yaml.read_text()
        + "- dvclive/plots/images\n- dvclive/plots/sklearn/roc.json:\n"
        + "    template: simple\n    x: fpr\n    y: tpr\n"
    )
