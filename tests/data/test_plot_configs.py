"""Plot properties follow the dvc.yaml that references the plot, live."""

from __future__ import annotations

import json
from pathlib import Path

from dvclive_writer.read.model import PlotConfig
from dvclive_writer.read.reader import RunReader
from tests.data.conftest import FakeClock

ROWS = [{"epoch": 0, "loss": 1.0, "acc": 0.1}, {"epoch": 1, "loss": 0.5, "acc": 0.4}]


def _custom_run(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    custom = repo / "dvclive" / "plots" / "custom"
    custom.mkdir(parents=True)
    (custom / "curve.json").write_text(json.dumps(ROWS, indent=4) + "\n")
    return repo / "dvclive"


def test_inferred_then_configured_then_edited(tmp_path: Path) -> None:
    run_dir = _custom_run(tmp_path)
    clock = FakeClock()
    reader = RunReader(run_dir, clock=clock)
    reader.poll()
    plot = reader.run.plots["curve"]
    assert plot.config == PlotConfig(template="linear", x="epoch", y=["loss", "acc"])
    assert plot.kind == "custom" and plot.version == 1
    dvcyaml = run_dir.parent / "dvc.yaml"
    dvcyaml.write_text(
        "plots:\n- dvclive/plots/custom/curve.json:\n    x: epoch\n    y: loss\n"
        "    template: scatter\n    title: Loss\n"
    )
    changes = reader.poll()
    assert changes.plots and plot.version == 2
    assert plot.config == PlotConfig(template="scatter", x="epoch", y="loss", title="Loss")
    # The nearer dvc.yaml (inside the run dir) wins over the one at the repository root.
    (run_dir / "dvc.yaml").write_text(
        "plots:\n- plots/custom/curve.json:\n    x: epoch\n    y: acc\n    title: Acc\n"
    )
    reader.poll()
    assert plot.config == PlotConfig(template="linear", x="epoch", y="acc", title="Acc")
    assert not reader.poll().plots  # nothing changed: no new version
    (run_dir / "plots" / "custom" / "curve.json").unlink()
    assert reader.poll().plots
    assert "curve" not in reader.run.plots


def test_multi_source_plot_definitions(tmp_path: Path) -> None:
    run_dir = _custom_run(tmp_path)
    (run_dir.parent / "dvc.yaml").write_text(
        "plots:\n"
        "- Accuracy curve:\n"
        "    template: smooth\n"
        "    x: {dvclive/plots/custom/curve.json: epoch}\n"
        "    y:\n"
        "      dvclive/plots/custom/curve.json: acc\n"
        "    y_label: accuracy\n"
        "stages:\n"
        "  train:\n"
        "    cmd: python train.py\n"
    )
    reader = RunReader(run_dir, clock=FakeClock())
    reader.poll()
    assert reader.run.plots["curve"].config == PlotConfig(
        template="smooth", x="epoch", y="acc", y_label="accuracy"
    )


def test_directory_reference_overlays_the_inferred_axes(tmp_path: Path) -> None:
    run_dir = _custom_run(tmp_path)
    (run_dir.parent / "dvc.yaml").write_text(
        "plots:\n- dvclive/plots/custom:\n    title: From the folder\n"
    )
    reader = RunReader(run_dir, clock=FakeClock())
    reader.poll()
    config = reader.run.plots["curve"].config
    assert (config.x, config.title) == ("epoch", "From the folder")


def test_a_half_written_dvcyaml_keeps_the_last_good_properties(tmp_path: Path) -> None:
    run_dir = _custom_run(tmp_path)
    dvcyaml = run_dir / "dvc.yaml"
    good = "plots:\n- plots/custom/curve.json:\n    x: epoch\n    y: acc\n"
    dvcyaml.write_text(good)
    clock = FakeClock()
    reader = RunReader(run_dir, clock=clock)
    reader.poll()
    dvcyaml.write_text(good[:20])
    clock.advance(0.5)
    assert not reader.poll().plots
    assert reader.run.plots["curve"].config.y == "acc"
