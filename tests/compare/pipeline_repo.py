"""A real DVC project with the whole experiment life: built with real git, dvc and dvclive.

Two stages (``prepare`` -> ``train``); ``train`` logs with dvclive into ``eval/``, a cached
directory output whose ``metrics.json`` and plots exist only in DVC's cache, and writes a
cached metrics file ``summary.json``. On ``main``: ``dvc exp run -S`` runs, a queue run
(``dvc exp run --run-all``) that succeeds and one that fails on purpose, a ``--temp`` run,
a run left queued; a ``feature`` branch with its own experiment; a commit with three
tags and an annotated tag on HEAD; three branches whose tips share one commit time; and
the cache objects of two experiments removed (a ``.dir`` manifest, and a file inside a
directory output).
"""

from __future__ import annotations

import json
import os
import textwrap
from dataclasses import dataclass
from pathlib import Path

from tests.compare import repo_builder as rb

PREPARE = textwrap.dedent(
    """
    import pathlib, yaml
    p = yaml.safe_load(open("params.yaml"))["prepare"]
    out = pathlib.Path("data/prepared")
    out.mkdir(parents=True, exist_ok=True)
    rows = open("data/raw.csv").read().splitlines()
    (out / "train.csv").write_text("\\n".join(rows[: p["split"]]) + "\\n")
    (out / "test.csv").write_text("\\n".join(rows[p["split"]:]) + "\\n")
    """
)

TRAIN = textwrap.dedent(
    """
    import json, pathlib, sys, yaml
    from dvclive import Live
    p = yaml.safe_load(open("params.yaml"))["train"]
    if p.get("fail"):
        sys.exit("failing on purpose")
    pathlib.Path("model.pkl").write_text(f"model lr={p['lr']}\\n")
    with Live("eval", report=None, dvcyaml=False) as live:
        for step in range(p["epochs"]):
            live.log_metric("loss", round(1 / (step + 1) * p["lr"] * 10, 6))
            live.log_metric("acc", round(step * 0.1 + p["lr"], 6))
            live.next_step()
        live.summary["best"] = {"acc": 0.5 + p["lr"]}
    summary = {"auc": 0.5 + p["lr"], "dropped": [1, 2], "none": None}
    json.dump(summary, open("summary.json", "w"))
    """
)

DVC_YAML = textwrap.dedent(
    """\
    stages:
      prepare:
        cmd: python prepare.py
        deps:
        - prepare.py
        - data/raw.csv
        params:
        - prepare
        outs:
        - data/prepared
      train:
        cmd: python train.py
        deps:
        - train.py
        - data/prepared
        params:
        - train
        outs:
        - model.pkl
        - eval
        metrics:
        - summary.json
    metrics:
    - eval/metrics.json
    plots:
    - eval/plots/metrics:
        x: step
    """
)

PARAMS = "prepare:\n  split: {split}\ntrain:\n  lr: 0.1\n  epochs: 3\n  fail: false\n"
#: Tags on HEAD~1 of main: which one dvc names the commit by follows PYTHONHASHSEED.
TAGS = ("v1.0", "tag1", "zz.9")
TIE_BRANCHES = ("tie-b", "tie-c", "tie-e")


@dataclass
class PipelineRepo:
    path: Path
    main: str
    feature: str
    tagged: str
    """The commit carrying :data:`TAGS`."""
    removed: dict[str, str]
    """Experiment name -> what was removed from the cache for it."""


def site_cache(path: Path) -> Path:
    """DVC's site cache for the project (kept beside it, not in ``/var/tmp/dvc``)."""
    return path.parent / "dvc-site-cache"


def env(path: Path) -> dict[str, str]:
    """The builder's environment: the venv's Python first on PATH (stage commands run
    ``python``), a fixed hash seed and a private site cache for dvc."""
    values = rb.env()
    values["PATH"] = str(Path(rb.PYTHON).parent) + os.pathsep + values.get("PATH", "")
    values["PYTHONHASHSEED"] = "0"
    values["DVC_SITE_CACHE_DIR"] = str(site_cache(path))
    return values


def sh(
    path: Path,
    *args: str,
    check: bool = True,
    extra: dict[str, str] | None = None,
    strip: bool = True,
) -> str:
    """Run a command in the project; its stdout (stripped unless ``strip`` is false)."""
    import subprocess

    values = env(path)
    values.update(extra or {})
    result = subprocess.run(args, cwd=path, env=values, capture_output=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"{args} failed: {result.stdout!r}\n{result.stderr!r}")
    out = result.stdout.decode()
    return out.strip() if strip else out


def dvc_exp_show(path: Path, *flags: str) -> list[dict[str, object]]:
    """The oracle, with the builder's environment (hash seed fixed)."""
    out = sh(path, rb.DVC, "exp", "show", "--json", *flags)
    loaded: list[dict[str, object]] = json.loads(out) if out else []
    return loaded


def _object(path: Path, md5: str) -> Path:
    return path / ".dvc" / "cache" / "files" / "md5" / md5[:2] / md5[2:]


def _remove_objects(path: Path) -> dict[str, str]:
    """Remove the ``eval`` manifest of ``sweep-a`` and the ``eval/metrics.json`` object of
    ``sweep-b`` (read from their commits' ``dvc.lock``).

    DVC's site cache is emptied too: its data index remembers directory listings it saw,
    so dvc could still list a removed manifest's files (compare reads DVC's cache only).
    """
    import shutil

    import yaml

    shutil.rmtree(site_cache(path), ignore_errors=True)

    removed = {}
    for name in ("sweep-a", "sweep-b"):
        lock = yaml.safe_load(sh(path, "git", "show", f"{_exp_ref(path, name)}:dvc.lock"))
        outs = {out["path"]: out["md5"] for out in lock["stages"]["train"]["outs"]}
        manifest_path = _object(path, outs["eval"])
        if name == "sweep-a":
            manifest_path.unlink()
            removed[name] = "eval manifest"
            continue
        manifest = json.loads(manifest_path.read_text())
        md5 = next(item["md5"] for item in manifest if item["relpath"] == "metrics.json")
        _object(path, md5).unlink()
        removed[name] = "eval/metrics.json"
    return removed


def _exp_ref(path: Path, name: str) -> str:
    listing = sh(path, "git", "for-each-ref", "--format=%(refname)", "refs/exps/")
    return next(ref for ref in listing.splitlines() if ref.endswith(f"/{name}"))


def build(path: Path) -> PipelineRepo:
    """Build the project described in the module docstring (about a minute)."""
    path.mkdir(parents=True)
    sh(path, "git", "init", "-q", "-b", "main")
    sh(path, rb.DVC, "init", "-q")
    (path / "params.yaml").write_text(PARAMS.format(split=3))
    (path / "prepare.py").write_text(PREPARE)
    (path / "train.py").write_text(TRAIN)
    (path / "data").mkdir()
    (path / "data" / "raw.csv").write_text("".join(f"{i},{i * i}\n" for i in range(6)))
    sh(path, rb.DVC, "add", "-q", "data/raw.csv")
    (path / "dvc.yaml").write_text(DVC_YAML)
    sh(path, "git", "add", "-A")
    sh(path, "git", "commit", "-q", "-m", "pipeline")
    sh(path, rb.DVC, "repro", "-q")
    sh(path, "git", "add", "-A")
    sh(path, "git", "commit", "-q", "-m", "baseline results")
    sh(path, rb.DVC, "exp", "run", "-q", "-n", "sweep-a", "-S", "train.lr=0.2")
    sh(path, rb.DVC, "exp", "run", "-q", "-n", "sweep-b", "-S", "train.lr=0.3")
    sh(path, rb.DVC, "exp", "run", "-q", "--queue", "-n", "q-ok", "-S", "train.lr=0.4")
    sh(path, rb.DVC, "exp", "run", "-q", "--queue", "-n", "q-fail", "-S", "train.fail=true")
    sh(path, rb.DVC, "exp", "run", "--run-all", check=False)  # q-fail fails
    sh(path, rb.DVC, "exp", "run", "-q", "--temp", "-n", "in-temp", "-S", "train.lr=0.5")
    sh(path, rb.DVC, "exp", "run", "-q", "--queue", "-n", "q-wait", "-S", "train.lr=0.6")
    main = sh(path, "git", "rev-parse", "HEAD")

    sh(path, "git", "checkout", "-q", "-b", "feature")
    (path / "params.yaml").write_text(PARAMS.format(split=4))
    sh(path, rb.DVC, "repro", "-q")
    sh(path, "git", "add", "-A")
    sh(path, "git", "commit", "-q", "-m", "feature params")
    sh(path, rb.DVC, "exp", "run", "-q", "-n", "feat-exp", "-S", "train.lr=0.25")
    sh(path, "git", "checkout", "-q", "--", ".")
    feature = sh(path, "git", "rev-parse", "HEAD")
    sh(path, "git", "checkout", "-q", "main")
    sh(path, rb.DVC, "checkout", "-q", check=False)

    for tag in TAGS:
        sh(path, "git", "tag", tag, "HEAD~1")
    sh(path, "git", "tag", "-a", "annotated", "-m", "annotated tag", "HEAD")
    when = {"GIT_COMMITTER_DATE": "2030-01-01T00:00:00", "GIT_AUTHOR_DATE": "2030-01-01T00:00:00"}
    for name in TIE_BRANCHES:
        sh(path, "git", "checkout", "-q", "-b", name, "main")
        (path / f"{name}.txt").write_text(name)
        sh(path, "git", "add", f"{name}.txt")
        sh(path, "git", "commit", "-q", "-m", name, extra=when)
    sh(path, "git", "checkout", "-q", "main")
    removed = _remove_objects(path)
    tagged = sh(path, "git", "rev-parse", "HEAD~1")
    return PipelineRepo(path, main, feature, tagged, removed)
