"""The persistent read cache: warm runs equal cold runs, skip parsing, survive corruption."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dvclive_tui.experiments.sources import RACY_S
from tests.compare import repo_builder as rb
from tests.compare.conftest import ExperimentsRepo

pytestmark = pytest.mark.slow

IN_PROCESS = (
    "import sys\n"
    "from dvclive_tui.cli import main\n"
    "try:\n"
    "    main(['compare', '--json'])\n"
    "except SystemExit:\n"
    "    pass\n"
    "parsed = {'yaml', 'dvclive_tui.experiments.simple_yaml'} & set(sys.modules)\n"
    "sys.stderr.write('YAML_LOADED=%s' % bool(parsed))\n"
    "sys.stderr.write(' PYGIT2_LOADED=%s' % ('pygit2' in sys.modules))\n"
)


def compare_in_process(repo: Path, *flags: str) -> tuple[str, bool]:
    """``compare --json`` output and whether PyYAML was imported."""
    out, yaml_loaded, _pygit2 = compare_with_modules(repo, *flags)
    return out, yaml_loaded


def compare_with_modules(repo: Path, *flags: str) -> tuple[str, bool, bool]:
    code = IN_PROCESS.replace("['compare', '--json']", repr(["compare", "--json", *flags]))
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=repo, env=rb.env(), capture_output=True, text=True
    )
    return out.stdout, "YAML_LOADED=True" in out.stderr, "PYGIT2_LOADED=True" in out.stderr


def test_warm_run_matches_cold_and_parses_nothing(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    rb.init_repo(repo)
    # Integer keys do not survive JSON: that file is never cached.
    (repo / "params.yaml").write_text("seed: 1\nlevels:\n  1: low\n  2: high\nlr: 1e-05\n")
    rb.git(repo, "commit", "-q", "-am", "params with integer keys")
    rb.train(repo, "one", {"lr": 0.5, "epochs": 2})
    cache = repo / ".git" / "dvclive-tui" / "commits.json"
    assert not cache.exists()
    cold, cold_yaml = compare_in_process(repo)
    assert cold_yaml
    kept = json.loads(cache.read_text())["commits"] if cache.exists() else {}
    assert not kept  # both commits hold integer keys: never kept
    warm, warm_yaml = compare_in_process(repo)
    assert warm == cold and warm_yaml
    assert json.loads(warm) == rb.dvc_exp_show(repo)
    # The workspace params.yaml cannot be cached, so YAML loads; once it can, it does not.
    (repo / "params.yaml").write_text("seed: 1\nlr: 1e-05\n")
    rb.git(repo, "commit", "-q", "-am", "plain params")
    time.sleep(RACY_S)  # files this young are never cached
    compare_in_process(repo)
    again, again_yaml = compare_in_process(repo)
    assert not again_yaml
    assert json.loads(again) == rb.dvc_exp_show(repo)


def test_corrupt_cache_is_ignored_and_rewritten(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    rb.init_repo(repo)
    cache = repo / ".git" / "dvclive-tui" / "commits.json"
    cache.parent.mkdir(parents=True)
    from dvclive_tui.experiments.read_cache import FORMAT

    cache.write_text(f'{{"format": {FORMAT}, "commits": {{"abc": ')
    out, _ = compare_in_process(repo)
    assert json.loads(out) == rb.dvc_exp_show(repo)
    assert json.loads(cache.read_text())["format"] == FORMAT


def test_file_entries_are_pruned_and_live_writes_throttled(tmp_path: Path) -> None:
    from dvclive_tui.experiments.read_cache import ReadCache

    path = tmp_path / "cache.json"
    cache = ReadCache(path)
    cache.begin()
    cache.put_file("yaml:a", {"x": 1})
    cache.put_file("yaml:nan", {"x": float("nan")})
    cache.put_file("yaml:intkeys", {1: "a"})  # not JSON-safe: not kept
    cache.save(min_interval=60)
    stored = json.loads(path.read_text())["files"]
    assert set(stored) == {"yaml:a", "yaml:nan"}
    cache.begin()
    cache.put_file("yaml:b", {"x": 2})  # only file entries changed, 60 s not elapsed
    cache.save(min_interval=60)
    assert set(json.loads(path.read_text())["files"]) == {"yaml:a", "yaml:nan"}
    cache.save()  # the one-shot CLI always writes; unused entries are dropped
    assert set(json.loads(path.read_text())["files"]) == {"yaml:b"}
    assert ReadCache(path).get_file("yaml:b") == {"x": 2}


@pytest.mark.parametrize("flags", [(), ("-n", "2")])
def test_warm_path_needs_neither_pygit2_nor_yaml(exps_repo: ExperimentsRepo, flags) -> None:  # type: ignore[no-untyped-def]
    from tests.compare.test_exp_show_json import without_error_messages

    wait_until_cacheable(exps_repo.path)
    shutil.rmtree(exps_repo.path / ".git" / "dvclive-tui", ignore_errors=True)
    cold, _yaml, cold_pygit2 = compare_with_modules(exps_repo.path, *flags)
    assert not cold_pygit2  # git objects are read without a git library, cold too
    out, yaml_loaded, pygit2_loaded = compare_with_modules(exps_repo.path, *flags)
    assert not pygit2_loaded and not yaml_loaded
    assert out == cold
    expected = rb.dvc_exp_show(exps_repo.path, *flags)
    assert json.dumps(without_error_messages(json.loads(out))) == json.dumps(
        without_error_messages(expected)
    )


def test_queued_runs_on_the_warm_path(tmp_path: Path) -> None:
    repo = tmp_path / "queued"
    rb.init_repo(repo)
    (repo / "dvc.yaml").write_text("stages:\n  train:\n    cmd: python -c pass\n")
    rb.git(repo, "add", "dvc.yaml")
    rb.git(repo, "commit", "-q", "-m", "pipeline")
    rb.run(repo, rb.DVC, "exp", "run", "--queue", "-q", "-n", "q-one", "-S", "seed=7")
    compare_with_modules(repo)
    out, _yaml, pygit2_loaded = compare_with_modules(repo)
    assert not pygit2_loaded
    assert json.loads(out) == rb.dvc_exp_show(repo)


def test_rewritten_workspace_file_is_never_served_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rewrite that keeps size and mtime (same timestamp tick, or a restored mtime) is
    still seen: identities carry inode and ctime, and young files are never cached."""
    import os

    from dvclive_tui.experiments import sources
    from dvclive_tui.experiments.load import load_experiments

    monkeypatch.setattr(sources, "RACY_S", 0.3)
    repo = tmp_path / "repo"
    repo.mkdir()
    rb.git(repo, "init", "-q", "-b", "main")
    (repo / "dvc.yaml").write_text("metrics:\n- m.json\n")
    rb.git(repo, "add", "dvc.yaml")
    rb.git(repo, "commit", "-q", "-m", "metrics")
    summary = repo / "m.json"

    def workspace_acc() -> object:
        exps = load_experiments(repo)
        return exps.experiments[0].metrics["m.json"].data["acc"]

    summary.write_text('{"acc": 0.1}')
    stamp = summary.stat().st_mtime_ns
    assert workspace_acc() == 0.1  # young: read, not cached
    time.sleep(0.35)
    assert workspace_acc() == 0.1  # now cached (memory and .git/dvclive-tui)
    assert workspace_acc() == 0.1
    summary.write_text('{"acc": 0.2}')  # same size ...
    os.utime(summary, ns=(stamp, stamp))  # ... and the same mtime
    assert workspace_acc() == 0.2
    time.sleep(0.35)
    assert workspace_acc() == 0.2


def test_experiment_saved_again_under_its_name_is_read_again(tmp_path: Path) -> None:
    """``exp save -f`` (what dvclive's ``force=True`` does) moves the ref to a new commit."""
    repo = tmp_path / "repo"
    rb.init_repo(repo)
    (repo / "params.yaml").write_text("seed: 5\n")
    rb.exp_save(repo, "again")
    first, _ = compare_in_process(repo)
    warm, _ = compare_in_process(repo)
    assert warm == first and '"seed": 5' in warm
    (repo / "params.yaml").write_text("seed: 6\n")
    rb.run(repo, rb.DVC, "exp", "save", "-q", "-f", "-n", "again")
    out, _, _ = compare_with_modules(repo)
    assert json.loads(out) == rb.dvc_exp_show(repo)
    assert '"seed": 6' in out and '"seed": 5' not in out
    again, _, pygit2_loaded = compare_with_modules(repo)
    assert again == out and not pygit2_loaded
    # Two cold processes at once: both right, and the cache they race on stays whole.
    cache = repo / ".git" / "dvclive-tui" / "commits.json"
    cache.unlink()
    procs = [
        subprocess.Popen(
            [rb.TUI, "compare", "--json"], cwd=repo, env=rb.env(), stdout=subprocess.PIPE
        )
        for _ in range(2)
    ]
    outputs = [proc.communicate(timeout=120)[0].decode() for proc in procs]
    assert outputs == [out, out]
    assert set(json.loads(cache.read_text())["commits"]) >= {
        entry["rev"] for entry in json.loads(out) if entry["rev"] != "workspace"
    }
    assert [p.name for p in cache.parent.iterdir()] == ["commits.json"]  # no temp left


def wait_until_cacheable(repo: Path) -> None:
    """Sleep until the workspace's newest file is older than RACY_S (young files never cache)."""
    newest = max(
        max(stat.st_mtime_ns, stat.st_ctime_ns)
        for path in repo.rglob("*")
        if ".git" not in path.parts and path.is_file()
        for stat in [path.stat()]
    )
    remaining = RACY_S - (time.time_ns() - newest) / 1e9
    if remaining > 0:
        time.sleep(remaining + 0.05)


def test_cache_nested_too_deeply_reads_as_empty(tmp_path: Path) -> None:
    from dvclive_tui.experiments.read_cache import ReadCache

    path = tmp_path / "cache.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert ReadCache(path).get("abc") is None  # an empty cache, not a RecursionError
