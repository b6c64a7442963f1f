"""dvc.yaml: merging keeps comments, stages and foreign entries; rewrites only on change."""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from dvclive_writer import Live

EXISTING = """\
# project pipeline
stages:
  train:
    cmd: python train.py  # keep this comment
    deps:
    - train.py
params:
- params.yaml  # project params
- dvclive/old_params.yaml
metrics:
- other_dvclive/metrics.json
plots:
- dvclive/plots/metrics:
    x: step
- custom:
    x: a
    y: b
- {dvclive/plots/stale.json: {x: a}, second: {}}
artifacts:
  outside:
    path: models/model.pt
    type: model
  inside:
    path: dvclive/artifacts/old.pt
  nopath:
    type: model
"""


def load(path: Path) -> object:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def test_merge_into_existing_file_keeps_comments_stages_and_foreign_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dvc.yaml").write_text(EXISTING)
    live = Live(dvcyaml="dvc.yaml", save_dvc_exp=False)
    live.log_param("lr", 0.1)
    live.log_metric("loss", 1.0)
    live.next_step()
    live.end()
    text = (tmp_path / "dvc.yaml").read_text()
    assert "# project pipeline" in text
    assert "# keep this comment" in text
    assert load(tmp_path / "dvc.yaml") == {
        "stages": {"train": {"cmd": "python train.py", "deps": ["train.py"]}},
        "params": ["params.yaml", "dvclive/params.yaml"],
        "metrics": ["other_dvclive/metrics.json", "dvclive/metrics.json"],
        "plots": [
            {"custom": {"x": "a", "y": "b"}},
            {"dvclive/plots/stale.json": {"x": "a"}, "second": {}},
            {"dvclive/plots/metrics": {"x": "step"}},
        ],
        "artifacts": {"outside": {"path": "models/model.pt", "type": "model"}},
    }


def test_empty_existing_file_is_merged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dvc.yaml").write_text("")
    live = Live(dvcyaml="dvc.yaml", save_dvc_exp=False)
    live.log_metric("m", 1, plot=False)
    live.end()
    assert load(tmp_path / "dvc.yaml") == {"metrics": ["dvclive/metrics.json"]}


def test_resumed_run_in_default_location_does_not_duplicate_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for resume in (False, True, True):
        live = Live(resume=resume, save_dvc_exp=False)
        live.log_param("p", 1)
        live.log_metric("m", 1)
        live.next_step()
        live.end()
    assert load(tmp_path / "dvclive/dvc.yaml") == {
        "params": ["params.yaml"],
        "metrics": ["metrics.json"],
        "plots": [{"plots/metrics": {"x": "step"}}],
    }


def test_user_edit_to_own_dvcyaml_survives_a_resumed_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    live = Live(save_dvc_exp=False)
    live.log_metric("m", 1)
    live.end()
    path = tmp_path / "dvclive/dvc.yaml"
    path.write_text(
        "# mine\nmetrics:\n- metrics.json\nplots:\n- ../elsewhere.json\n- plots/metrics:\n"
        "    x: step\n"
    )
    live = Live(resume=True, save_dvc_exp=False)
    live.log_metric("m", 2)
    live.next_step()
    live.end()
    assert path.read_text().startswith("# mine\n")
    assert load(path) == {
        "metrics": ["metrics.json"],
        "plots": ["../elsewhere.json", {"plots/metrics": {"x": "step"}}],
    }


def test_plots_and_artifacts_in_dvclive_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import Image

    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "commit", "-q", "--allow-empty", "-m", "init"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "model.pt").write_text("weights")
    live = Live(save_dvc_exp=False, report=None)
    live.log_metric("m", 1)
    live.log_image("a.png", Image.new("RGB", (4, 4)))
    live.log_sklearn_plot("confusion_matrix", [0, 1], [0, 1], name="cm")
    live.log_plot("c", [{"x": 1, "y": 2}], x="x", y="y")
    live.log_artifact("model.pt", type="model", cache=False)
    live.make_dvcyaml()
    assert (tmp_path / "dvclive/dvc.yaml").read_text() == (
        "metrics:\n- metrics.json\n"
        "plots:\n"
        "- plots/metrics:\n    x: step\n"
        "- plots/images\n"
        "- plots/sklearn/cm.json:\n    template: confusion\n    x: actual\n    y: predicted\n"
        "    title: Confusion Matrix\n    x_label: True Label\n    y_label: Predicted Label\n"
        "- plots/custom/c.json:\n    template: linear\n    x: x\n    y: y\n"
        "artifacts:\n  model:\n    path: ../model.pt\n    type: model\n"
    )


def test_dvcyaml_is_rewritten_only_when_its_content_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    live = Live(save_dvc_exp=False)
    path = tmp_path / "dvclive/dvc.yaml"
    live.log_metric("m", 1)
    live.next_step()
    inode = path.stat().st_ino
    for _ in range(5):
        live.log_metric("m", 2)
        live.next_step()
    assert path.stat().st_ino == inode
    live.log_param("p", 1)
    live.next_step()
    assert path.stat().st_ino != inode
    assert load(path)["params"] == ["params.yaml"]  # type: ignore[index]
    path.unlink()
    live.next_step()
    assert path.is_file()


def test_corrupt_existing_dvcyaml_is_reported_and_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dvc.yaml").write_text("stages: [unclosed\n")
    live = Live(dvcyaml="dvc.yaml", save_dvc_exp=False)
    live.log_metric("m", 1)
    with caplog.at_level(logging.WARNING, logger="dvclive_writer"):
        live.next_step()
    assert "Error in make_dvcyaml" in caplog.text
    assert (tmp_path / "dvc.yaml").read_text() == "stages: [unclosed\n"
    assert (tmp_path / "dvclive/metrics.json").is_file()


def test_no_temporary_files_are_left(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    live = Live(save_dvc_exp=False, report=None)
    live.log_param("p", 1)
    live.log_metric("m", 1)
    live.next_step()
    live.end()
    names = sorted(p.name for p in tmp_path.rglob("*"))
    assert [n for n in names if n.startswith(".")] == []
    assert sorted(os.listdir(tmp_path / "dvclive")) == [
        "dvc.yaml",
        "metrics.json",
        "params.yaml",
        "plots",
    ]
