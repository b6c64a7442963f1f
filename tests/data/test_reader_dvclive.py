"""Reading directories written by the real dvclive 3.49.1 (the oracle) into the run model."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from ruamel.yaml import YAML

from dvclive_writer.read.model import PlotConfig, RunStatus
from dvclive_writer.read.reader import RunReader, load_run
from tests.data.conftest import STEPS, FakeClock

LAYOUTS = ["upstream_layout_run", "inner_layout_run"]


def _run_dir(request: pytest.FixtureRequest, layout: str) -> Path:
    path = request.getfixturevalue(layout)
    assert isinstance(path, Path)
    return path


def _dvcyaml_of(run_dir: Path) -> Path:
    inner = run_dir / "dvc.yaml"
    return inner if inner.exists() else run_dir.parent / "dvc.yaml"


def _dvcyaml_plot_configs(run_dir: Path) -> dict[str, dict[str, Any]]:
    """Plot file (relative to the run dir) -> properties, as dvclive wrote them to dvc.yaml."""
    dvcyaml = _dvcyaml_of(run_dir)
    document = YAML(typ="safe").load(dvcyaml.read_text())
    configs: dict[str, dict[str, Any]] = {}
    for entry in document["plots"]:
        if isinstance(entry, dict):
            ((key, props),) = entry.items()
            target = (dvcyaml.parent / key).resolve()
            if target.suffix == ".json":
                configs[target.relative_to(run_dir.resolve()).as_posix()] = props
    return configs


@pytest.mark.parametrize("layout", LAYOUTS)
def test_metrics_match_dvclives_own_reader(request: pytest.FixtureRequest, layout: str) -> None:
    from dvclive.utils import parse_tsv

    run_dir = _run_dir(request, layout)
    run = load_run(run_dir)
    tsvs = sorted((run_dir / "plots" / "metrics").rglob("*.tsv"))
    expected_names = {
        tsv.relative_to(run_dir / "plots" / "metrics").with_suffix("").as_posix() for tsv in tsvs
    }
    assert set(run.metrics) == expected_names == {"train/loss", "val/acc", "odd", "flag"}
    for tsv in tsvs:
        name = tsv.relative_to(run_dir / "plots" / "metrics").with_suffix("").as_posix()
        rows = parse_tsv(tsv)
        series = run.metrics[name]
        assert series.path == tsv.relative_to(run_dir).as_posix()
        assert len(series) == len(rows) == STEPS
        assert series.steps.tolist() == [int(row["step"]) for row in rows]
        column = tsv.stem
        bools = {"True": 1.0, "False": 0.0}
        expected = [bools.get(row[column]) for row in rows]
        expected = [
            float(row[column]) if value is None else value
            for row, value in zip(rows, expected, strict=True)
        ]
        np.testing.assert_array_equal(series.values, np.array(expected))
        if "timestamp" in rows[0]:
            assert series.timestamps is not None
            assert series.timestamps.tolist() == [int(row["timestamp"]) for row in rows]
        else:
            assert series.timestamps is None
    assert math.isinf(run.metrics["odd"].values[0])
    assert math.isnan(run.metrics["odd"].values[1])
    assert run.warnings == {}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_summary_and_params_match_the_files(request: pytest.FixtureRequest, layout: str) -> None:
    from dvclive.serialize import load_yaml

    run_dir = _run_dir(request, layout)
    run = load_run(run_dir)
    assert run.summary == json.loads((run_dir / "metrics.json").read_text())
    assert run.summary["step"] == STEPS - 1
    assert run.params == load_yaml(run_dir / "params.yaml")
    assert run.params["optimizer"]["betas"] == [0.9, 0.999]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_images_and_per_step_folders(request: pytest.FixtureRequest, layout: str) -> None:
    run_dir = _run_dir(request, layout)
    run = load_run(run_dir)
    assert set(run.images) == {"samples", "final.png"}
    samples = run.images["samples"]
    assert [step for step, _ in samples.frames] == list(range(STEPS))
    assert all(path.is_file() and path.is_absolute() for _, path in samples.frames)
    assert run.images["final.png"].frames == [(None, run_dir / "plots" / "images" / "final.png")]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_plot_configs_come_from_the_referencing_dvcyaml(
    request: pytest.FixtureRequest, layout: str
) -> None:
    run_dir = _run_dir(request, layout)
    run = load_run(run_dir)
    written = _dvcyaml_plot_configs(run_dir)
    assert {plot.path for plot in run.plots.values()} == set(written)
    for plot in run.plots.values():
        props = written[plot.path]
        assert plot.config == PlotConfig(
            template=props.get("template", "linear"),
            x=props.get("x"),
            y=props.get("y"),
            title=props.get("title"),
            x_label=props.get("x_label"),
            y_label=props.get("y_label"),
        )
    assert run.plots["cm"].config.template == "confusion_normalized"
    assert run.plots["calibration"].config.title == "Reliability"
    assert run.plots["losses"].config.y == ["train", "val"]
    assert run.plots["eval/pr"].kind == "sklearn"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_plot_rows_are_unwrapped_with_bare_infinity(
    request: pytest.FixtureRequest, layout: str
) -> None:
    run_dir = _run_dir(request, layout)
    assert b"Infinity" in (run_dir / "plots" / "sklearn" / "roc.json").read_bytes()
    run = load_run(run_dir)
    roc = run.plots["roc"]
    assert roc.rows[0]["threshold"] == math.inf
    assert set(roc.rows[0]) == {"fpr", "tpr", "threshold"}
    cm = run.plots["cm"].rows
    assert len(cm) == 80 and set(cm[0]) == {"actual", "predicted"}
    assert run.plots["losses"].rows[0] == {"epoch": 0, "train": 1.0, "val": 1.2}


def test_without_any_dvcyaml_sklearn_defaults_match_what_dvclive_writes(
    upstream_layout_run: Path, copy_run: Callable[[Path], Path]
) -> None:
    run_dir = copy_run(upstream_layout_run)
    written = _dvcyaml_plot_configs(run_dir)
    (run_dir.parent / "dvc.yaml").unlink()
    run = load_run(run_dir)
    for name in ("roc", "eval/pr", "det"):
        plot = run.plots[name]
        assert plot.config == PlotConfig(**written[plot.path])
    # What the data cannot tell: the normalised switch and a user title.
    assert run.plots["cm"].config.template == "confusion"
    assert run.plots["calibration"].config.title == "Calibration Curve"
    losses = run.plots["losses"].config
    assert (losses.x, losses.y, losses.template) == ("epoch", ["train", "val"], "linear")


def test_dvcyaml_in_the_repository_root_two_levels_up(
    upstream_layout_run: Path, tmp_path: Path
) -> None:
    """dvc.yaml at the git root, the run dir in a sub-folder: keys resolve from the root."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    run_dir = repo / "exp" / "dvclive"
    import shutil

    shutil.copytree(upstream_layout_run, run_dir)
    text = (upstream_layout_run.parent / "dvc.yaml").read_text()
    (repo / "dvc.yaml").write_text(text.replace("dvclive/", "exp/dvclive/"))
    (repo.parent / "dvc.yaml").write_text("plots:\n- repo/exp/dvclive/plots/sklearn/roc.json:\n")
    run = load_run(run_dir)
    assert run.plots["cm"].config.template == "confusion_normalized"
    assert run.plots["calibration"].config.title == "Reliability"


def test_status_and_times_of_a_finished_run(upstream_layout_run: Path) -> None:
    newest = max(path.stat().st_mtime for path in upstream_layout_run.rglob("*") if path.is_file())
    clock = FakeClock(newest + 3600)
    reader = RunReader(upstream_layout_run, clock=clock)
    reader.poll()
    run = reader.run
    assert run.status is RunStatus.FINISHED
    assert run.last_write == pytest.approx(newest, abs=1e-3)
    first_stamp = int(run.metrics["train/loss"].timestamps[0])  # type: ignore[index]
    assert run.started == pytest.approx(first_stamp / 1000)
    recent = RunReader(upstream_layout_run, clock=FakeClock(newest + 1))
    recent.poll()
    assert recent.run.status is RunStatus.RUNNING


def test_dvclive_writer_output_reads_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Our own writer (seed layout: dvc.yaml inside the run dir) gives the same model."""
    writer = pytest.importorskip("dvclive_writer")
    from tests.data.conftest import write_full_run

    monkeypatch.chdir(tmp_path)
    with writer.Live("dvclive", save_dvc_exp=False, report=None) as live:
        write_full_run(live)
    run_dir = tmp_path / "dvclive"
    run = load_run(run_dir)
    assert set(run.metrics) == {"train/loss", "val/acc", "odd", "flag"}
    assert len(run.metrics["train/loss"]) == STEPS
    assert run.summary["step"] == STEPS - 1
    assert [step for step, _ in run.images["samples"].frames] == list(range(STEPS))
    written = _dvcyaml_plot_configs(run_dir)
    assert {plot.path for plot in run.plots.values()} == set(written)
    assert run.plots["cm"].config.template == "confusion_normalized"
    assert run.warnings == {}


def test_odd_names_do_not_crash(tmp_path: Path) -> None:
    run_dir = tmp_path / "dvclive"
    metrics = run_dir / "plots" / "metrics"
    metrics.mkdir(parents=True)
    odd = "naïve \x1b[31mred\x1b[0m name"
    (metrics / f"{odd}.tsv").write_text("step\tx\n0\t1\n")
    (metrics / "loss.csv").write_text("step,loss\n0,0.5\n1,0.25\n")
    run = load_run(run_dir)
    assert run.metrics[odd].values.tolist() == [1.0]
    assert run.metrics["loss"].values.tolist() == [0.5, 0.25]
    assert os.fsdecode(run.metrics[odd].path.encode()) == f"plots/metrics/{odd}.tsv"


def test_a_metric_named_timestamp_keeps_its_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dvclive's header for a metric named "timestamp" is ``step\\ttimestamp``: no time column."""
    from dvclive import Live

    monkeypatch.chdir(tmp_path)
    live = Live("dvclive", save_dvc_exp=False, report=None)
    for step in range(3):
        live.log_metric("timestamp", 100.5 + step)
        live.next_step()
    live.end()
    run = load_run(tmp_path / "dvclive")
    assert run.metrics["timestamp"].values.tolist() == [100.5, 101.5, 102.5]
    assert run.metrics["timestamp"].steps.tolist() == [0, 1, 2]
    assert run.metrics["timestamp"].timestamps is None
    assert run.warnings == {}
