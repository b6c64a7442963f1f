"""Benchmark: ``dvclive-tui compare --json`` vs ``dvc exp show --json`` (whole processes).

DVC runs warm (its experiment cache ``.dvc/tmp/exps/cache`` filled); dvclive-tui runs cold
(no read cache ``.git/dvclive-tui``) and warm, and both ratios are printed.

Builds a git + DVC repository with N experiments "saved by dvclive": one experiment is
saved for real by dvclive (``Live(save_dvc_exp=True)``), then N-1 more are created with
pygit2 exactly as DVC lays them out (a commit whose parent is the baseline, the same
files and commit message, a ref ``refs/exps/<sha[:2]>/<sha[2:]>/<name>``) with different
params, summaries and 2 x 50-step metric histories. ``dvc exp show --json`` must list them
all. Then both commands run as new processes (median of several runs; DVC's experiment
cache is warmed first) and the ratios are printed, by wall-clock and by CPU time (the
latter moves less when other work shares the machine).

Run: ``.venv/bin/python benchmarks/bench_compare.py [--sizes 100 1000] [--runs 5]``
Targets: cold (no read cache: the first run after new experiments) and warm runs >= 5x
faster than ``dvc exp show --json`` with DVC's experiment cache warm, at 100 and 1000
experiments; 100 experiments <= 0.3 s whole process, 1000 <= 1 s.
"""

from __future__ import annotations

import argparse
import compileall
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pygit2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.compare.repo_builder import DVC, TUI, env, run  # noqa: E402  (the tests' builder)

TRAIN = textwrap.dedent(
    """
    from dvclive import Live
    with Live(save_dvc_exp=True, exp_name="seed-exp", report=None) as live:
        live.log_params({"lr": 0.01, "epochs": 50, "optimizer": "adam"})
        for step in range(50):
            live.log_metric("train/loss", 1.0 / (step + 1))
            live.log_metric("acc", step / 50)
            live.next_step()
    """
)


def sh(cwd: Path, *args: str) -> str:
    return run(cwd, *args).stdout


def put(repo: pygit2.Repository, tree: pygit2.Tree | None, parts: list[str], blob: pygit2.Oid):
    """A new tree: ``tree`` with the blob at ``parts`` (intermediate trees created)."""
    builder = repo.TreeBuilder(tree) if tree is not None else repo.TreeBuilder()
    head, rest = parts[0], parts[1:]
    if not rest:
        builder.insert(head, blob, pygit2.GIT_FILEMODE_BLOB)
    else:
        sub = None
        if tree is not None and head in tree:
            existing = repo[tree[head].id]
            sub = existing if isinstance(existing, pygit2.Tree) else None
        builder.insert(head, put(repo, sub, rest, blob), pygit2.GIT_FILEMODE_TREE)
    return builder.write()


def build_repo(root: Path, count: int) -> Path:
    """A repository whose HEAD baseline has ``count`` dvclive experiments."""
    path = root / f"repo-{count}"
    path.mkdir()
    sh(path, "git", "init", "-q", "-b", "main")
    sh(path, DVC, "init", "-q")
    (path / "params.yaml").write_text("seed: 1\n")
    (path / "train.py").write_text(TRAIN)
    sh(path, "git", "add", "-A")
    sh(path, "git", "commit", "-q", "-m", "init")
    sh(path, sys.executable, "train.py")  # the real dvclive experiment

    repo = pygit2.Repository(str(path))
    baseline = repo.head.peel(pygit2.Commit)
    base = str(baseline.id)
    template_ref = f"refs/exps/{base[:2]}/{base[2:]}/seed-exp"
    template = repo.references[template_ref].peel(pygit2.Commit)
    signature = template.committer
    for index in range(1, count):
        lr = round(0.001 * index, 6)
        optimizer = "adam" if index % 2 else "sgd"
        files = {
            "dvclive/params.yaml": f"lr: {lr}\nepochs: 50\noptimizer: {optimizer}\n",
            "dvclive/metrics.json": json.dumps(
                {"train": {"loss": round(1.0 / (50 + index), 8)}, "acc": index / count, "step": 49},
                indent=4,
            )
            + "\n",
            "dvclive/plots/metrics/train/loss.tsv": "step\tloss\n"
            + "".join(f"{s}\t{1.0 / (s + 1 + index)}\n" for s in range(50)),
            "dvclive/plots/metrics/acc.tsv": "step\tacc\n"
            + "".join(f"{s}\t{s / (50 + index)}\n" for s in range(50)),
        }
        tree = template.tree
        for file, text in files.items():
            blob = repo.create_blob(text.encode())
            tree = repo[put(repo, tree, file.split("/"), blob)]
        when = pygit2.Signature(signature.name, signature.email, signature.time + index, 0)
        oid = repo.create_commit(None, when, when, template.message, tree.id, [baseline.id])
        repo.references.create(f"refs/exps/{base[:2]}/{base[2:]}/exp-{index:05d}", oid)
    return path


@dataclass(frozen=True)
class Timing:
    """Median wall-clock and CPU (user + system) seconds of a command's processes; CPU
    time moves less than wall time when other work shares the machine."""

    wall: float
    cpu: float

    def __str__(self) -> str:
        return f"{self.wall:.3f} s wall, {self.cpu:.3f} s CPU"


def timed(cwd: Path, *args: str) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=env(), capture_output=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_time(cwd: Path, runs: int, *args: str, cold: bool = False) -> Timing:
    """Median of ``runs``; ``cold`` deletes dvclive-tui's read cache before each run."""
    samples = []
    for _ in range(runs):
        if cold:
            shutil.rmtree(cwd / ".git" / "dvclive-tui", ignore_errors=True)
        samples.append(timed(cwd, *args))
    return Timing(
        statistics.median(wall for wall, _ in samples),
        statistics.median(cpu for _, cpu in samples),
    )


def count_experiments(document: list[dict]) -> int:
    return sum(len(entry.get("experiments") or []) for entry in document)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    # Bytecode as a regular install has it (pip compiles at install time; the editable
    # install and PYTHONDONTWRITEBYTECODE would make every run compile our modules).
    compileall.compile_dir(ROOT / "dvclive_tui", quiet=1)
    compileall.compile_dir(ROOT / "dvclive_writer", quiet=1)
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp:
        for size in args.sizes:
            started = time.perf_counter()
            path = build_repo(Path(tmp), size)
            built = time.perf_counter() - started
            print(f"\n== {size} experiments (repository built in {built:.1f} s)")
            cold = median_time(path, args.runs, TUI, "compare", "--json", cold=True)
            print(f"dvclive-tui compare --json : {cold} cold (no read cache)")
            ours = json.loads(sh(path, TUI, "compare", "--json"))  # warms the read cache
            tui = median_time(path, args.runs, TUI, "compare", "--json")
            print(f"dvclive-tui compare --json : {tui} warm (median of {args.runs})")
            assert count_experiments(ours) == size, count_experiments(ours)
            theirs = json.loads(sh(path, DVC, "exp", "show", "--json"))  # warms DVC's cache
            assert count_experiments(theirs) == size, count_experiments(theirs)
            dvc = median_time(path, max(3, args.runs // 2), DVC, "exp", "show", "--json")
            print(f"dvc exp show --json (warm) : {dvc}")
            for kind, ours_t in (("cold", cold), ("warm", tui)):
                print(
                    f"ratio {kind} vs dvc warm     : {dvc.wall / ours_t.wall:.1f}x wall, "
                    f"{dvc.cpu / ours_t.cpu:.1f}x CPU (target >= 5x)"
                )
            python = median_time(path, args.runs, sys.executable, "-c", "pass")
            print(
                f"anchor: python -c pass    : {python}  (compare = {tui.wall / python.wall:.1f}x)"
            )
            limit = 0.3 if size <= 100 else 1.0
            for kind, ours_t in (("warm", tui), ("cold", cold)):
                verdict = "met" if ours_t.wall <= limit else "MISSED"
                print(f"target <= {limit} s ({kind})    : {verdict} (wall)")


if __name__ == "__main__":
    main()
