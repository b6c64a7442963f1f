"""``dvclive-tui compare --json`` against the oracle ``dvc exp show --json`` (real repos)."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.compare import repo_builder as rb
from tests.compare.conftest import (
    ExperimentsRepo,
    entries,
    file_results,
    parse_json_output,
    strict_equal,
)

pytestmark = pytest.mark.slow


def without_error_messages(value: Any) -> Any:
    """The document with each file error reduced to its type (messages name cwd paths)."""
    if isinstance(value, dict):
        if set(value) == {"error"} and isinstance(value["error"], dict):
            return {"error": {"type": value["error"].get("type")}}
        return {key: without_error_messages(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_error_messages(item) for item in value]
    return value


def assert_same_as_dvc(repo: ExperimentsRepo, *flags: str) -> dict[tuple[str, str | None], dict]:
    document = rb.dvc_exp_show(repo.path, *flags)
    mine = parse_json_output(rb.tui_compare(repo.path, "--json", *flags).stdout)
    # The whole structure is dvc's (key order included), up to error messages.
    assert json.dumps(without_error_messages(mine)) == json.dumps(without_error_messages(document))
    expected = entries(document)
    actual = entries(mine)
    assert list(actual) == list(expected)
    for key, want in expected.items():
        got = actual[key]
        assert got["name"] == want["name"], key
        assert got["rev"] == want["rev"], key
        assert got["data"]["timestamp"] == want["data"]["timestamp"], key
        for kind in ("params", "metrics"):
            mine, theirs = file_results(got, kind), file_results(want, kind)
            assert strict_equal(mine, theirs), (key, kind, mine, theirs)
    return actual


def test_default_matches_dvc(exps_repo: ExperimentsRepo) -> None:
    found = assert_same_as_dvc(exps_repo)
    names = {name for (_rev, name) in found if name}
    assert names == {"e-fast", "e-slow", "w-writer", "bad", "nodata"}


def test_values_keep_int_and_float(exps_repo: ExperimentsRepo) -> None:
    found = entries(parse_json_output(rb.tui_compare(exps_repo.path, "--json").stdout))
    slow = found[(exps_repo.head, "e-slow")]
    params = slow["data"]["params"]["dvclive/params.yaml"]["data"]
    assert params["epochs"] == 4 and type(params["epochs"]) is int
    assert params["lr"] == 0.001 and type(params["lr"]) is float
    metrics = slow["data"]["metrics"]["dvclive/metrics.json"]["data"]
    assert type(metrics["step"]) is int and type(metrics["acc"]) is float


def test_writer_experiment_reads_its_nested_dvc_yaml(exps_repo: ExperimentsRepo) -> None:
    found = entries(parse_json_output(rb.tui_compare(exps_repo.path, "--json").stdout))
    writer = found[(exps_repo.head, "w-writer")]
    assert writer["data"]["params"]["wlive/params.yaml"]["data"]["lr"] == 0.02
    assert "wlive/metrics.json" in writer["data"]["metrics"]


def test_corrupt_file_is_an_error_for_that_file_only(exps_repo: ExperimentsRepo) -> None:
    found = entries(parse_json_output(rb.tui_compare(exps_repo.path, "--json").stdout))
    bad = found[(exps_repo.head, "bad")]
    assert bad["data"]["metrics"]["dvclive/metrics.json"]["error"]["type"] == (
        "JSONFileCorruptedError"
    )
    assert bad["data"]["params"]["dvclive/params.yaml"]["data"]["lr"] == 0.001


def test_all_commits_matches_dvc(exps_repo: ExperimentsRepo) -> None:
    found = assert_same_as_dvc(exps_repo, "-A")
    assert (exps_repo.first, "a-old") in found and (exps_repo.other, "o-exp") in found


def test_all_branches_matches_dvc(exps_repo: ExperimentsRepo) -> None:
    found = assert_same_as_dvc(exps_repo, "-a")
    assert (exps_repo.other, "o-exp") in found and (exps_repo.first, "a-old") not in found


def test_num_matches_dvc(exps_repo: ExperimentsRepo) -> None:
    found = assert_same_as_dvc(exps_repo, "-n", "2")
    assert (exps_repo.first, "a-old") in found and (exps_repo.other, "o-exp") not in found


def test_tags_match_dvc(exps_repo: ExperimentsRepo) -> None:
    found = assert_same_as_dvc(exps_repo, "-T")
    assert found[(exps_repo.first, None)]["name"] == "v1"


def test_queued_experiment_matches_dvc_exactly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A pipeline repo with one queued run: the whole document equals dvc's."""
    repo = tmp_path / "queued"
    rb.init_repo(repo)
    (repo / "dvc.yaml").write_text(
        "stages:\n  train:\n    cmd: python -c pass\n    params:\n    - seed\n"
    )
    rb.git(repo, "add", "dvc.yaml")
    rb.git(repo, "commit", "-q", "-m", "pipeline")
    rb.run(repo, rb.DVC, "exp", "run", "--queue", "-q", "-n", "q-one", "-S", "seed=5")
    expected = rb.dvc_exp_show(repo)
    actual = parse_json_output(rb.tui_compare(repo, "--json").stdout)
    assert actual == expected
    queued = actual[1]["experiments"][0]
    assert queued["executor"]["state"] == "queued"
    assert queued["revs"][0]["data"]["params"]["params.yaml"]["data"]["seed"] == 5
    rows = rb.tui_compare(repo, "--csv").stdout.splitlines()
    assert any(row.startswith("q-one,") and ",Queued,Dvc-task," in row for row in rows)


RUNNING_STAGE = """
import os, pathlib, time
from dvclive import Live
root = pathlib.Path(os.environ["DVC_ROOT"])
with Live(report=None) as live:
    live.log_param("seed", 1)
    live.log_metric("loss", 0.5)
    live.next_step()
    (root / "started").touch()
    while not (root / "go").exists():
        time.sleep(0.05)
    live.log_metric("loss", 0.25)
"""


def test_running_temp_experiment_and_data_sources_match_dvc(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``dvc exp run --temp`` in progress (in DVC's temp workspace) and a ``.dvc`` file."""
    repo = tmp_path / "temp"
    rb.init_repo(repo)
    (repo / "train.py").write_text(RUNNING_STAGE)
    (repo / "data.csv").write_text("a,b\n1,2\n")
    rb.run(repo, rb.DVC, "add", "-q", "data.csv")
    (repo / "dvc.yaml").write_text(
        "stages:\n  train:\n    cmd: python train.py\n    deps:\n    - train.py\n"
        "    - data.csv\n    params:\n    - seed\n"
    )
    (repo / ".gitignore").write_text("/started\n/go\n/data.csv\n")
    rb.git(repo, "add", "-A")
    rb.git(repo, "commit", "-q", "-m", "pipeline")
    env = rb.env()
    env["PATH"] = str(Path(rb.PYTHON).parent) + os.pathsep + env.get("PATH", "")
    proc = subprocess.Popen(
        [rb.DVC, "exp", "run", "--temp", "-n", "in-temp"],
        cwd=repo,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 120
        while not (repo / "started").exists():
            assert proc.poll() is None and time.time() < deadline
            time.sleep(0.05)
        expected = rb.dvc_exp_show(repo)
        actual = parse_json_output(rb.tui_compare(repo, "--json").stdout)
        rows = rb.tui_compare(repo, "--csv").stdout.splitlines()
    finally:
        (repo / "go").touch()
        proc.wait(timeout=120)
    assert actual == expected
    running = actual[1]["experiments"][0]
    assert running["executor"]["state"] == "running" and running["name"] == "in-temp"
    assert actual[1]["data"]["outs"]["data.csv"]["is_data_source"] is True
    assert any(row.startswith("in-temp,") and ",Running,Tempdir," in row for row in rows)
    after = entries(parse_json_output(rb.tui_compare(repo, "--json").stdout))
    finished = after[(actual[1]["rev"], "in-temp")]
    assert finished["data"]["metrics"]["dvclive/metrics.json"]["data"]["loss"] == 0.25


def test_multi_commit_experiment_lists_every_commit_like_dvc(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A checkpoint-era experiment branch (two commits over the baseline), made with git."""
    repo = tmp_path / "multi"
    rb.init_repo(repo)
    baseline = rb.git(repo, "rev-parse", "HEAD")
    rb.git(repo, "checkout", "-q", "-b", "scratch")
    for seed in (3, 4):
        (repo / "params.yaml").write_text(f"seed: {seed}\ntrain:\n  lr: 0.1\n")
        rb.git(repo, "commit", "-q", "-am", f"dvc: commit experiment seed {seed}")
    head = rb.git(repo, "rev-parse", "HEAD")
    rb.git(repo, "checkout", "-q", "main")
    rb.git(repo, "update-ref", f"refs/exps/{baseline[:2]}/{baseline[2:]}/two-step", head)
    rb.git(repo, "branch", "-q", "-D", "scratch")
    expected = rb.dvc_exp_show(repo)
    actual = parse_json_output(rb.tui_compare(repo, "--json").stdout)
    assert actual == expected
    revs = actual[1]["experiments"][0]["revs"]
    assert [rev["name"] for rev in revs] == ["two-step", None]
