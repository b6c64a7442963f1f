"""dvclive_writer.utils and the read-back methods behave like dvclive's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dvclive
import dvclive.utils
import numpy as np
import pandas as pd
import pytest

import dvclive_writer
from dvclive_writer import Live, utils


def run(module: Any, root: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    root.mkdir()
    monkeypatch.chdir(root)
    live = module.Live(save_dvc_exp=False, report=None)
    for step in range(3):
        live.log_metric("loss", 1.0 / (step + 1))
        live.log_metric("train/acc", step / 10)
        live.next_step()
    live.end()
    return live


def test_read_back_matches_dvclive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    theirs = run(dvclive, tmp_path / "theirs", monkeypatch)
    ours = run(dvclive_writer, tmp_path / "ours", monkeypatch)
    assert ours.read_latest() == theirs.read_latest()
    assert ours.read_step() == theirs.read_step() == 2
    monkeypatch.chdir(tmp_path / "theirs")
    their_history, their_latest = dvclive.utils.parse_metrics(theirs)
    assert dvclive.utils.read_history(theirs, "loss") == ([0, 1, 2], [1.0, 0.5, 1 / 3])
    monkeypatch.chdir(tmp_path / "ours")
    our_history, our_latest = utils.parse_metrics(ours)
    assert our_history == their_history
    assert our_latest == their_latest
    assert utils.read_history(ours, "loss") == ([0, 1, 2], [1.0, 0.5, 1 / 3])
    assert utils.read_history(ours, "train/acc") == ([0, 1, 2], [0.0, 0.1, 0.2])
    assert utils.read_latest(ours, "loss") == (2, 1 / 3)


def test_read_latest_without_metrics_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    live = Live(save_dvc_exp=False, report=None)
    assert live.read_latest() == {}
    assert live.read_step() == 0


NAMES = ["train_loss", "val_loss", "valid_acc", "train_loss_epoch", "epoch", "grad_step", "acc"]
FRAMEWORKS = [
    "dvclive.fastai",
    "dvclive.huggingface",
    "dvclive.keras",
    "dvclive.lightning",
    "dvclive.fabric",
    "other",
]


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_standardize_metric_name_matches_dvclive(framework: str) -> None:
    for name in NAMES:
        expected = dvclive.utils.standardize_metric_name(name, framework)
        assert utils.standardize_metric_name(name, framework) == expected


@pytest.mark.parametrize(
    "datapoints",
    [
        [{"x": 1, "y": 2}],
        pd.DataFrame({"x": [1, 2], "y": [3.0, 4.0]}),
        np.array([[1, 2], [3, 4]]),
        np.array([(1, 2.0)], dtype=[("a", "i4"), ("b", "f8")]),
    ],
)
def test_convert_datapoints_matches_dvclive(datapoints: Any) -> None:
    expected = dvclive.utils.convert_datapoints_to_list_of_dicts(datapoints)
    assert utils.convert_datapoints_to_list_of_dicts(datapoints) == expected


def test_convert_datapoints_rejects_other_types() -> None:
    from dvclive_writer.error import InvalidDataTypeError

    with pytest.raises(InvalidDataTypeError) as info:
        utils.convert_datapoints_to_list_of_dicts((1, 2))
    assert info.value.name == "datapoints"


def test_rel_path_matches_dvclive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for path, root in [("a/b.txt", str(tmp_path)), ("x.pt", str(tmp_path / "sub")), ("/e", "/")]:
        assert utils.rel_path(path, root) == dvclive.utils.rel_path(path, root)
