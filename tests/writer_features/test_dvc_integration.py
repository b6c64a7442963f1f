"""The DVC integration in real Git + DVC repositories: ``exp save``, ``dvc add``, ``exp run``."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import dvclive
import pytest
from PIL import Image

import dvclive_writer
from dvclive_writer import Live
from tests.seed_example import SEED_SCRIPT

from .conftest import dvc, dvcyaml_meaning, exp_refs, git, load_yaml

pytestmark = pytest.mark.slow

RUN_DIR = ".dvc/tmp/exps/run"


def _exp_show(root: Path) -> list[dict[str, Any]]:
    """The experiments of the HEAD baseline as ``dvc exp show --json`` lists them."""
    rows = json.loads(dvc("exp", "show", "--json", cwd=root))
    (baseline,) = [row for row in rows if row["rev"] != "workspace"]
    return [exp for exp in baseline.get("experiments") or []]


def _exp_data(exp: dict[str, Any]) -> dict[str, Any]:
    (rev,) = exp["revs"]
    data: dict[str, Any] = rev["data"]
    return data


def test_seed_example_saves_an_experiment(dvc_repo: Path) -> None:
    exec(compile(SEED_SCRIPT, "train.py", "exec"), {"__name__": "__main__"})

    (exp,) = _exp_show(dvc_repo)
    data = _exp_data(exp)
    metrics = data["metrics"]["dvclive/metrics.json"]["data"]
    # The last step's values (1 + random()), exactly as the run logged them.
    logged = json.loads((dvc_repo / "dvclive/metrics.json").read_text())
    assert metrics == logged
    assert set(metrics) == {"metric", "nested", "step", "additional_metric"}
    assert 1 <= metrics["metric"] < 2 and 1 <= metrics["nested"]["metric"] < 2
    last_rows = [
        (dvc_repo / f"dvclive/plots/metrics/{name}.tsv").read_text().splitlines()[-1]
        for name in ("metric", "nested/metric")
    ]
    assert last_rows == [f"1\t{metrics['metric']}", f"1\t{metrics['nested']['metric']}"]
    assert metrics["step"] == 1 and metrics["additional_metric"] == 1.0
    assert data["params"]["dvclive/params.yaml"]["data"] == {"epochs": 2}

    assert (dvc_repo / "dvclive/report.html").is_file()  # the seed's default report
    assert (dvc_repo / "model.pt.dvc").is_file()
    assert "/model.pt" in (dvc_repo / ".gitignore").read_text().splitlines()
    # The experiment commit holds the dvclive files and the .dvc file although they are untracked.
    (ref,) = exp_refs(dvc_repo)
    files = git("ls-tree", "-r", "--name-only", ref, cwd=dvc_repo).split()
    assert {"model.pt.dvc", "dvclive/dvc.yaml", "dvclive/plots/images/img.png"} <= set(files)
    assert "dvclive/plots/sklearn/confusion_matrix.json" in files
    # The hidden metrics.json slots are gone before the save: not in the commit, not on disk.
    assert [name for name in files if name.endswith(".tmp")] == []
    assert list((dvc_repo / "dvclive").glob(".*")) == []
    assert not (dvc_repo / RUN_DIR / "DVCLIVE_ONLY").exists()
    assert not (dvc_repo / RUN_DIR / "DVCLIVE_STEP_COMPLETED").exists()

    plots = json.loads(dvc("plots", "show", "--json", cwd=dvc_repo))
    shown = set(plots.get("data", plots))
    assert any("confusion_matrix.json" in name for name in shown)
    assert any("img.png" in name for name in shown)
    assert any(name.endswith("metric.tsv") for name in shown)
    assert "errors" not in plots


def test_a_save_in_the_middle_of_a_run_commits_no_hidden_file(dvc_repo: Path) -> None:
    live = Live(exp_name="mid-run", report=None)
    live.log_metric("m", 1)
    live.next_step()
    assert list((dvc_repo / "dvclive").glob(".metrics.json.*.tmp"))  # the slots exist
    live.save_dvc_exp()
    (ref,) = exp_refs(dvc_repo)
    files = git("ls-tree", "-r", "--name-only", ref, cwd=dvc_repo).split()
    assert "dvclive/metrics.json" in files
    assert [name for name in files if name.endswith(".tmp")] == []
    live.log_metric("m", 2)
    live.next_step()  # the run goes on with new slots
    assert json.loads((dvc_repo / "dvclive/metrics.json").read_text()) == {"m": 2, "step": 1}
    live._experiment.save = False
    live.end()
    assert list((dvc_repo / "dvclive").glob(".*")) == []


def test_signal_files_and_exp_name(dvc_repo: Path, caplog: pytest.LogCaptureFixture) -> None:
    live = Live(exp_name="my-exp", report=None)
    only = json.loads((dvc_repo / RUN_DIR / "DVCLIVE_ONLY").read_text())
    assert only == {"exp_name": "my-exp", "pid": os.getpid()}
    assert list(only) == sorted(only)
    live.log_metric("m", 1)
    live.next_step()
    live.next_step()
    step = json.loads((dvc_repo / RUN_DIR / "DVCLIVE_STEP_COMPLETED").read_text())
    assert step == {"pid": os.getpid(), "step": 1}
    live.end()
    assert not (dvc_repo / RUN_DIR / "DVCLIVE_ONLY").exists()
    assert not (dvc_repo / RUN_DIR / "DVCLIVE_STEP_COMPLETED").exists()
    assert [ref.rsplit("/", 1)[1] for ref in exp_refs(dvc_repo)] == ["my-exp"]

    # The same name again, then an invalid ref name: a warning and a random name, as dvclive.
    with caplog.at_level(logging.WARNING):
        again = Live(exp_name="my-exp", report=None)
        bad = Live(exp_name="bad..name", save_dvc_exp=False, report=None)
    assert "Experiment conflicts with existing experiment 'my-exp'." in caplog.text
    assert again._experiment.name != "my-exp" and bad._experiment.name != "bad..name"
    assert "bad..name" in caplog.text
    again.end()
    bad.end()
    assert len(exp_refs(dvc_repo)) == 2


def _differential_artifacts(module: Any) -> None:
    Path("weights").mkdir(exist_ok=True)
    Path("weights/a.bin").write_bytes(b"\x00\x01" * 100)
    Path("model.pth").write_bytes(b"model")
    Path("elsewhere").mkdir(exist_ok=True)
    Path("elsewhere/best.ckpt").write_bytes(b"checkpoint")
    live = module.Live(save_dvc_exp=False, report=None, cache_images=True)
    live.log_image("img.png", Image.new("RGB", (4, 4)))
    live.log_artifact(
        "model.pth", type="model", desc="d", labels=["a", "b"], meta={"k": 1}, cache=True
    )
    live.log_artifact("weights", type="dataset")
    live.log_artifact("elsewhere/best.ckpt", name="best", copy=True)
    live.log_artifact("model.pth", name="bad name!", type="model", cache=False)
    live.end()


def test_artifacts_and_cache_images_match_dvclive(
    _repo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    roots = {}
    for label, module in (("theirs", dvclive), ("ours", dvclive_writer)):
        root = tmp_path / label
        shutil.copytree(_repo_template, root, symlinks=True)
        monkeypatch.chdir(root)
        _differential_artifacts(module)
        roots[label] = root
    theirs, ours = roots["theirs"], roots["ours"]
    for rel in (
        "model.pth.dvc",
        "weights.dvc",
        ".gitignore",
        "dvclive/artifacts/best.ckpt.dvc",
        "dvclive/artifacts/.gitignore",
        "dvclive/plots/images.dvc",
        "dvclive/plots/.gitignore",
    ):
        assert load_yaml(ours / rel) == load_yaml(theirs / rel), rel
    mine = dvcyaml_meaning(ours / "dvclive/dvc.yaml", ours)
    assert mine["artifacts"] == dvcyaml_meaning(theirs / "dvc.yaml", theirs)["artifacts"]
    assert mine["artifacts"] == {
        "model": {
            "path": "model.pth",
            "type": "model",
            "desc": "d",
            "labels": ["a", "b"],
            "meta": {"k": 1},
        },
        "weights": {"path": "weights", "type": "dataset"},
        "best": {"path": "dvclive/artifacts/best.ckpt"},
    }
    assert (ours / "dvclive/artifacts/best.ckpt").read_bytes() == b"checkpoint"


def test_dvc_errors_are_logged_not_raised(dvc_repo: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        live = Live(report=None)
        live.log_artifact("missing.bin", type="model")  # dvc add fails
        live.end()
    assert "Error in cache: " in caplog.text and "missing.bin" in caplog.text
    # As dvclive: the metadata is still recorded, and the experiment is still saved.
    assert load_yaml(dvc_repo / "dvclive/dvc.yaml")["artifacts"] == {
        "missing": {"path": "../missing.bin", "type": "model"}
    }
    assert len(exp_refs(dvc_repo)) == 1


def test_git_repo_without_dvc_gets_dvc_init(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git("init", "-q", "-b", "main", cwd=tmp_path)
    monkeypatch.chdir(tmp_path)
    live = Live(report=None)  # no commit yet: nothing can be saved
    assert (tmp_path / ".dvc").is_dir() and (tmp_path / ".dvcignore").is_file()
    live.log_metric("m", 1)
    live.end()
    assert exp_refs(tmp_path) == []


def test_inside_dvc_repro_and_exp_run_env(
    dvc_repo: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (dvc_repo / "dvc.yaml").write_text(
        "stages:\n  train:\n    cmd: echo\n    outs:\n    - model.pt\n"
    )
    Path("model.pt").write_text("w")
    Path("other.bin").write_text("o")
    monkeypatch.setenv("DVC_ROOT", str(dvc_repo))
    with caplog.at_level(logging.INFO, logger="dvclive_writer"):
        repro = Live(dir="repro", report=None)
        repro.log_artifact("model.pt", type="model")
        repro.log_artifact("other.bin")
    assert "Ignoring `save_dvc_exp` because `dvc repro` is running." in caplog.text
    assert "Skipping `dvc add model.pt` because it is already being tracked" in caplog.text
    assert not Path("model.pt.dvc").exists()
    assert (
        "To track 'other.bin' automatically in the DVC pipeline, "
        "add it as an output of the pipeline stage." in caplog.text
    )
    assert Path("other.bin.dvc").is_file()
    repro.next_step()
    assert (dvc_repo / RUN_DIR / "DVCLIVE_STEP_COMPLETED").exists()
    assert not (dvc_repo / RUN_DIR / "DVCLIVE_ONLY").exists()
    repro.end()
    assert not (dvc_repo / RUN_DIR / "DVCLIVE_STEP_COMPLETED").exists()

    head = git("rev-parse", "HEAD", cwd=dvc_repo).strip()
    monkeypatch.setenv("DVC_EXP_BASELINE_REV", head)
    monkeypatch.setenv("DVC_EXP_NAME", "from-exp-run")
    live = Live(report=None)
    assert live._experiment.name == "from-exp-run"
    live.log_metric("m", 1)
    live.end()
    # end() git-adds the run's files and dvc.yaml for `dvc exp run` to commit; saves nothing.
    staged = set(git("diff", "--cached", "--name-only", cwd=dvc_repo).split())
    assert {"dvclive/metrics.json", "dvclive/dvc.yaml", "dvclive/plots/metrics/m.tsv"} <= staged
    assert exp_refs(dvc_repo) == []


TRAIN = """\
from dvclive_writer import Live

with Live(report=None) as live:
    live.log_param("lr", 0.1)
    for epoch in range(3):
        live.log_metric("loss", 1.0 / (epoch + 1))
        live.next_step()
    with open("model.pt", "w") as f:
        f.write("weights")
    live.log_artifact("model.pt", type="model", cache=False)
"""


def test_dvc_exp_run_stage_makes_exactly_one_experiment(dvc_repo: Path) -> None:
    (dvc_repo / "train.py").write_text(TRAIN)
    (dvc_repo / "dvc.yaml").write_text(
        textwrap.dedent(
            f"""\
            stages:
              train:
                cmd: {sys.executable} train.py
                deps:
                - train.py
                outs:
                - model.pt
            """
        )
    )
    git("add", "train.py", "dvc.yaml", cwd=dvc_repo)
    git("commit", "-q", "-m", "pipeline", cwd=dvc_repo)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DVC_ROOT", "DVC_EXP"))}
    subprocess.run(
        [sys.executable, "-m", "dvc", "exp", "run", "-n", "piped"],
        cwd=dvc_repo,
        check=True,
        capture_output=True,
        env=env,
    )
    assert [ref.rsplit("/", 1)[1] for ref in exp_refs(dvc_repo)] == ["piped"]
    (exp,) = _exp_show(dvc_repo)
    data = _exp_data(exp)
    assert data["metrics"]["dvclive/metrics.json"]["data"] == {"loss": 1.0 / 3, "step": 2}
    files = git("ls-tree", "-r", "--name-only", exp_refs(dvc_repo)[0], cwd=dvc_repo).split()
    assert {"dvclive/dvc.yaml", "dvclive/metrics.json", "dvclive/plots/metrics/loss.tsv"} <= set(
        files
    )
    assert [name for name in files if name.endswith(".tmp")] == []  # no metrics.json slot


def test_no_git_repo_warns_and_never_crashes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("model.pt").write_text("w")
    with caplog.at_level(logging.WARNING):
        live = Live(cache_images=True, report=None)
        live.log_image("img.png", Image.new("RGB", (2, 2)))
        live.log_artifact("model.pt", type="model")
        live.next_step()
        live.end()
    assert "Can't save experiment without a Git Repo." in caplog.text
    assert "A DVC repo is required to log artifacts. Skipping `log_artifact(model.pt)`." in (
        caplog.text
    )
    assert "A DVC repo is required to cache" in caplog.text
    assert not Path("model.pt.dvc").exists() and not Path(".dvc").exists()
    assert Path("dvclive/plots/images/img.png").is_file()
