"""``log_sklearn_plot`` and ``log_plot`` against dvclive 3.49.1: same JSON bytes, same dvc.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dvclive
import numpy as np
import pandas as pd
import pytest

import dvclive_writer

from .conftest import assert_same_dvcyaml

LABELS = [0, 0, 1, 1, 0, 1, 1, 0, 1, 0]
SCORES = [0.1, 0.4, 0.35, 0.8, 0.2, 0.9, 0.65, 0.55, 0.7, 0.3]
PREDICTED = [0, 1, 0, 1, 0, 1, 1, 1, 1, 0]
TEMPLATES = [
    "linear",
    "simple",
    "scatter",
    "smooth",
    "confusion",
    "confusion_normalized",
    "bar_horizontal",
    "bar_horizontal_sorted",
]


def _same_files(pair: Any, folder: str) -> list[str]:
    theirs_dir, ours_dir = pair.both(f"dvclive/plots/{folder}")
    names = sorted(p.relative_to(theirs_dir).as_posix() for p in theirs_dir.rglob("*.json"))
    assert sorted(p.relative_to(ours_dir).as_posix() for p in ours_dir.rglob("*.json")) == names
    for name in names:
        assert (ours_dir / name).read_bytes() == (theirs_dir / name).read_bytes(), name
    return names


def test_every_sklearn_kind_matches_dvclive(run_both: Any) -> None:
    def script(live: Any) -> None:
        live.log_sklearn_plot("roc", LABELS, SCORES)
        live.log_sklearn_plot("roc", LABELS, SCORES, name="roc_all", drop_intermediate=False)
        live.log_sklearn_plot("precision_recall", LABELS, SCORES, title="PR", x_label="R")
        live.log_sklearn_plot("det", np.array(LABELS), np.array(SCORES), name="train/det")
        live.log_sklearn_plot("calibration", LABELS, SCORES, n_bins=3, y_label="frac")
        live.log_sklearn_plot("confusion_matrix", LABELS, PREDICTED)
        live.log_sklearn_plot(
            "confusion_matrix", ["a", "b", "a"], ["a", "a", "b"], name="cm_norm", normalized=True
        )
        live.log_sklearn_plot("confusion_matrix", LABELS, PREDICTED, name="cm.json", title="")

    pair = run_both(script)
    names = _same_files(pair, "sklearn")
    assert names == [
        "calibration.json",
        "cm.json",
        "cm_norm.json",
        "confusion_matrix.json",
        "precision_recall.json",
        "roc.json",
        "roc_all.json",
        "train/det.json",
    ]
    ours = assert_same_dvcyaml(pair)
    configs = {next(iter(p)): p[next(iter(p))] for p in ours["plots"] if isinstance(p, dict)}
    assert configs["dvclive/plots/sklearn/cm_norm.json"]["template"] == "confusion_normalized"
    assert list(configs["dvclive/plots/sklearn/roc.json"]) == [
        "template",
        "x",
        "y",
        "title",
        "x_label",
        "y_label",
    ]
    roc = (pair.ours / "dvclive/plots/sklearn/roc.json").read_text()
    assert '"threshold": Infinity' in roc and roc.endswith("}\n")
    assert (pair.ours / "dvclive/plots/sklearn/confusion_matrix.json").read_text().startswith("[")


def test_sklearn_registry_reuses_a_name_whatever_the_kind(run_both: Any) -> None:
    def script(live: Any) -> None:
        live.log_sklearn_plot("roc", LABELS, SCORES, name="curve")
        live.log_sklearn_plot("det", LABELS, SCORES, name="curve")  # still a ROC, as dvclive

    pair = run_both(script)
    _same_files(pair, "sklearn")
    assert '"tpr"' in (pair.ours / "dvclive/plots/sklearn/curve.json").read_text()
    assert_same_dvcyaml(pair)


def _raised(module: Any, tmp_path: Path, call: Any) -> BaseException:
    live = module.Live(dir=str(tmp_path / module.__name__), save_dvc_exp=False, report=None)
    with pytest.raises(Exception) as info:
        call(live)
    return info.value


@pytest.mark.parametrize(
    "call",
    [
        lambda live: live.log_sklearn_plot("pie", LABELS, SCORES),
        lambda live: live.log_sklearn_plot("pie", LABELS, SCORES, name="my_plot"),
        lambda live: live.log_sklearn_plot("roc", LABELS, SCORES, normalized=True),
        lambda live: live.log_plot("p", {"x": [1]}, x="x", y="y"),
        lambda live: live.log_plot("p", [1, 2], x="x", y="y"),
        lambda live: live.log_plot("p", [{"x": np.int32(1)}], x="x", y="y"),
    ],
    ids=["kind", "kind-with-name", "normalized-roc", "dict", "list-of-ints", "numpy-scalar"],
)
def test_errors_match_dvclive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: Any) -> None:
    monkeypatch.chdir(tmp_path)
    theirs = _raised(dvclive, tmp_path, call)
    ours = _raised(dvclive_writer, tmp_path, call)
    assert type(ours).__name__ == type(theirs).__name__
    assert str(ours).replace("dvclive_writer", "dvclive") == str(theirs)


def test_custom_plots_match_dvclive(run_both: Any) -> None:
    frame = pd.DataFrame({"epoch": [0, 1, 2], "loss": [0.5, 0.25, 0.125], "acc": [0.1, 0.2, 0.4]})
    structured = np.array([(1.0, 2.5), (2.0, 3.5)], dtype=[("a", "f8"), ("b", "f8")])

    def script(live: Any) -> None:
        for template in TEMPLATES:
            live.log_plot(f"t/{template}", [{"x": 1, "y": 2}, {"x": 2, "y": 1}], "x", "y", template)
        live.log_plot("frame", frame, x="epoch", y=["loss", "acc"], title="T", y_label="v")
        live.log_plot("structured", structured, x="a", y="b", template=None)
        live.log_plot("matrix", np.array([[0.0, 1.0], [1.0, 4.0]]), x="0", y="1", template="")
        live.log_plot("again", [{"x": 1, "y": 1}], x="x", y="y", title="first")
        live.log_plot("again", [{"u": 5, "v": 6}], x="u", y="v", title="second")  # data only

    pair = run_both(script)
    names = _same_files(pair, "custom")
    assert "t/bar_horizontal_sorted.json" in names and "matrix.json" in names
    ours = assert_same_dvcyaml(pair)
    configs = {next(iter(p)): p[next(iter(p))] for p in ours["plots"] if isinstance(p, dict)}
    assert configs["dvclive/plots/custom/again.json"]["title"] == "first"
    assert configs["dvclive/plots/custom/frame.json"] == {
        "template": "linear",
        "x": "epoch",
        "y": ["loss", "acc"],
        "title": "T",
        "y_label": "v",
    }
    assert configs["dvclive/plots/custom/matrix.json"] == {"x": "0", "y": "1"}


def test_json_suffix_names_share_one_registry_entry(tmp_path: Path) -> None:
    # dvclive keys "foo.json" raw (its report then fails on "foo"); ours keys the stem.
    live = dvclive_writer.Live(dir=str(tmp_path / "d"), save_dvc_exp=False, report=None)
    live.log_plot("foo.json", [{"x": 1, "y": 2}], x="x", y="y")
    live.log_plot("foo", [{"x": 3, "y": 4}], x="x", y="y")
    live.end()
    text = (tmp_path / "d" / "dvc.yaml").read_text()
    assert text.count("plots/custom/foo.json") == 1
    assert '"x": 3' in (tmp_path / "d" / "plots/custom/foo.json").read_text()


def test_metrics_images_and_plots_together(run_both: Any) -> None:
    from PIL import Image

    def script(live: Any) -> None:
        live.log_param("lr", 0.1)
        for _ in range(2):
            live.log_metric("loss", 0.5)
            live.log_image("img.png", Image.new("RGB", (2, 2)))
            live.next_step()
        live.log_sklearn_plot("confusion_matrix", LABELS, PREDICTED, name="train/cm")
        live.log_plot("custom", [{"x": 1, "y": 2}], x="x", y="y")

    pair = run_both(script)
    ours = assert_same_dvcyaml(pair)
    assert list(ours) == ["params", "metrics", "plots"]
    assert ours["plots"][:2] == [{"dvclive/plots/metrics": {"x": "step"}}, "dvclive/plots/images"]
