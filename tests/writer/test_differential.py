"""dvclive 3.49.1 and dvclive_writer write the same trees for the same scripted calls."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.writer.differential import Op, assert_same, chdir, run_both


def metric(name: str, val: Any, **kwargs: Any) -> Op:
    return lambda live: live.log_metric(name, val, **kwargs)


def param(name: str, val: Any) -> Op:
    return lambda live: live.log_param(name, val)


def params(values: dict[str, Any]) -> Op:
    return lambda live: live.log_params(values)


def next_step(live: Any) -> None:
    live.next_step()


def end(live: Any) -> None:
    live.end()


def set_step(value: int) -> Op:
    def op(live: Any) -> None:
        live.step = value

    return op


def set_summary(key: str, value: Any) -> Op:
    def op(live: Any) -> None:
        live.summary[key] = value

    return op


def make_summary(live: Any) -> None:
    live.make_summary()


def make_dvcyaml(live: Any) -> None:
    live.make_dvcyaml()


SCENARIOS: dict[str, list[Op]] = {
    "nothing": [end],
    "basic": [
        param("lr", 0.01),
        metric("loss", 0.5),
        metric("acc", 0.9),
        next_step,
        metric("loss", 0.25),
        metric("acc", 0.95),
        next_step,
        end,
    ],
    "nested names": [
        metric("train/loss", 1.0),
        metric("train/acc", 0.5),
        metric("eval/deep/loss", 2.0),
        metric("with.dot", 3),
        next_step,
        metric("train/loss", 0.5),
        next_step,
        end,
    ],
    "step setter": [
        set_step(62),
        metric("m", 1),
        next_step,
        set_step(100),
        metric("m", 2),
        end,
    ],
    "step set then end": [set_step(1), end],
    "next_step then manual step (end reverts)": [
        next_step,
        set_step(10),
        metric("m", 1.5),
        end,
    ],
    "plot=False and timestamps": [
        metric("summary_only", 1, plot=False),
        metric("timed", 0.1, timestamp=True),
        metric("plot_none", 2, plot=None),
        next_step,
        metric("timed", 0.2, timestamp=True),
        end,
    ],
    "nan and inf": [
        metric("nan", math.nan),
        metric("inf", math.inf),
        metric("ninf", -math.inf),
        metric("np_nan", np.float32("nan")),
        next_step,
        end,
    ],
    "numpy scalars": [
        metric("f16", np.float16(0.5)),
        metric("f32", np.float32(0.1)),
        metric("f64", np.float64(0.3)),
        metric("i8", np.int8(-3)),
        metric("u64", np.uint64(7)),
        metric("intc", np.intc(4)),
        next_step,
        end,
    ],
    "bools and strings": [
        metric("flag", True),
        metric("text", "hello"),
        metric("quoted", 'a "b"\tc'),
        metric("unicode", "héllo ✓"),
        next_step,
        metric("flag", False),
        end,
    ],
    "bad metric values": [
        metric("none", None),
        metric("list", [1]),
        metric("dict", {"a": 1}),
        metric("np_bool", np.bool_(True)),
        metric("array", np.array([1.0])),
        metric("ok", 1),
        next_step,
        end,
    ],
    "params of every kind": [
        params(
            {
                "lr": 0.01,
                "nested": {"a": 1, "b": [1, 2]},
                "flag": True,
                "none": None,
                "nan": math.nan,
                "tuple": (1, 2),
                "text": "a\nb",
            }
        ),
        param("epochs", 3),
        param("lr", 0.02),
        end,
    ],
    "summary edits": [
        metric("m", 1),
        set_summary("extra", 1.0),
        set_summary("nan_direct", math.nan),
        make_summary,
        next_step,
        set_summary("np", np.int64(3)),
        end,
    ],
    "summary only": [set_summary("x", 1), end],
    "make_summary and make_dvcyaml without steps": [
        metric("m", 1),
        make_summary,
        make_dvcyaml,
    ],
    "bad artifact paths (outside Git)": [
        lambda live: live.log_artifact(123),
        lambda live: live.log_artifact(None),
        lambda live: live.log_artifact(["model.pt"]),
        lambda live: live.log_artifact("missing.pt", type="model"),  # skipped: no DVC repo
        metric("m", 1),
        end,
    ],
    "end twice": [metric("m", 1), next_step, end, metric("m", 2), end],
    "sync": [metric("m", 1), lambda live: live.sync(), metric("m", 2), next_step, end],
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_same_tree(name: str, tmp_path: Path) -> None:
    theirs, ours = run_both(tmp_path, SCENARIOS[name])
    assert_same(theirs, ours)
    if name.startswith("bad"):  # the misuse really raised (the same types, checked above)
        assert any(ours.errors)


@pytest.mark.parametrize("dvcyaml", [False, None])
def test_dvcyaml_disabled(dvcyaml: Any, tmp_path: Path) -> None:
    ops = [metric("m", 1), next_step, end]
    theirs, ours = run_both(tmp_path, ops, live_kwargs={"dvcyaml": dvcyaml})
    assert_same(theirs, ours)
    assert not list(ours.root.rglob("dvc.yaml"))


@pytest.mark.parametrize("dvcyaml", [False, None])
def test_explicit_make_dvcyaml_when_disabled(dvcyaml: Any, tmp_path: Path) -> None:
    ops = [param("p", 1), metric("m", 1), next_step, make_dvcyaml, end]
    theirs, ours = run_both(tmp_path, ops, live_kwargs={"dvcyaml": dvcyaml})
    assert_same(theirs, ours)
    assert (ours.root / "dvclive" / "dvc.yaml").is_file()


def test_dvcyaml_explicit_path(tmp_path: Path) -> None:
    ops = [param("p", 1), metric("m", 1), next_step, end]
    kwargs = {"dvcyaml": "sub/dvc.yaml"}
    theirs, ours = run_both(tmp_path, ops, live_kwargs=kwargs)
    assert_same(theirs, ours)
    assert (ours.root / "sub" / "dvc.yaml").is_file()


@pytest.mark.parametrize("directory", ["out/run1", Path("out") / "run1"])
def test_custom_dir(directory: Any, tmp_path: Path) -> None:
    ops = [param("p", 1), metric("a/b", 1), next_step, end]
    theirs, ours = run_both(tmp_path, ops, live_kwargs={"dir": directory})
    assert_same(theirs, ours)
    assert (ours.root / "out/run1/plots/metrics/a/b.tsv").is_file()


def _first_run(live_cls: Any) -> None:
    live = live_cls(save_dvc_exp=False, report=None)
    live.log_param("lr", 0.1)
    for i in range(3):
        live.log_metric("train/loss", 1.0 / (i + 1))
        live.next_step()
    live.end()


def after_a_first_run(between: Callable[[Path], None] | None = None) -> Callable[[Any, Path], None]:
    """A ``prepare`` for :func:`run_both`: ``_first_run`` in the root, then ``between(root)``."""

    def prepare(module: Any, root: Path) -> None:
        with chdir(root):
            _first_run(module.Live)
        if between is not None:
            between(root)

    return prepare


@pytest.mark.parametrize("how", ["argument", "env"])
def test_resume(how: str, tmp_path: Path) -> None:
    ops = [metric("train/loss", 0.1), next_step, param("extra", 2), metric("new", 1), end]
    live_kwargs = {"resume": True} if how == "argument" else {}
    env = {"DVCLIVE_RESUME": "only"} if how == "env" else None
    theirs, ours = run_both(tmp_path, ops, live_kwargs, env, after_a_first_run())
    assert_same(theirs, ours)
    assert b"3\t0.1" in (ours.root / "dvclive/plots/metrics/train/loss.tsv").read_bytes()


def test_resume_without_next_step_keeps_the_old_step(tmp_path: Path) -> None:
    ops = [metric("m", 5), end]
    theirs, ours = run_both(tmp_path, ops, {"resume": True}, prepare=after_a_first_run())
    assert_same(theirs, ours)


def test_cleanup_without_resume(tmp_path: Path) -> None:
    def litter(root: Path) -> None:
        d = root / "dvclive"
        for rel in (
            "plots/metrics/old.tsv",
            "plots/images/a.png",
            "plots/sklearn/roc.json",
            "plots/custom/c.json",
            "artifacts/keep.bin",
            "static/keep.png",
            "user.txt",
            "report.html",
            "report.md",
            "other_dvc.yaml",
            "dvc.yaml",
        ):
            (d / rel).parent.mkdir(parents=True, exist_ok=True)
            (d / rel).write_text("x")

    theirs, ours = run_both(tmp_path, [metric("m", 1), end], prepare=after_a_first_run(litter))
    assert_same(theirs, ours)
    assert (ours.root / "dvclive/user.txt").is_file()
    assert not (ours.root / "dvclive/plots/images").exists()


def test_context_manager(tmp_path: Path) -> None:
    def op(live: Any) -> None:
        with live:
            live.log_metric("m", 1)
            live.next_step()
            live.log_metric("m", 2)
            live.end()  # a no-op inside the block
            live.log_metric("m", 3)

    theirs, ours = run_both(tmp_path, [op])
    assert_same(theirs, ours)


def test_context_manager_ends_on_error(tmp_path: Path) -> None:
    def op(live: Any) -> None:
        with live:
            live.log_metric("m", 1)
            live.next_step()
            raise KeyError("boom")

    theirs, ours = run_both(tmp_path, [op])
    assert ours.errors == ["KeyError"]
    assert_same(theirs, ours)


def test_test_mode_writes_to_a_temporary_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dvclive_writer

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DVCLIVE_TEST", "true")
    for dvcyaml in (True, False, None, "dvc.yaml"):
        live = dvclive_writer.Live(dvcyaml=dvcyaml)
        live.log_metric("m", 1)
        live.next_step()
        live.end()
        assert not str(live.dir).startswith(str(tmp_path))
        assert Path(live.dir, "metrics.json").is_file()
        assert Path(live.dvc_file).is_file() == bool(dvcyaml)
        live.make_dvcyaml()
        assert Path(live.dvc_file).is_file()
        assert live._experiment.save is False
    assert list(tmp_path.iterdir()) == []
