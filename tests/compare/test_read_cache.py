"""The persistent read cache: warm runs equal cold runs, skip parsing, survive corruption."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.compare import repo_builder as rb

pytestmark = pytest.mark.slow

IN_PROCESS = (
    "import sys\n"
    "from dvclive_tui.cli import main\n"
    "try:\n"
    "    main(['compare', '--json'])\n"
    "except SystemExit:\n"
    "    pass\n"
    "sys.stderr.write('YAML_LOADED=%s' % ('yaml' in sys.modules))\n"
)


def compare_in_process(repo: Path) -> tuple[str, bool]:
    out = subprocess.run(
        [sys.executable, "-c", IN_PROCESS], cwd=repo, env=rb.env(), capture_output=True, text=True
    )
    return out.stdout, "YAML_LOADED=True" in out.stderr


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
    assert cold_yaml and cache.exists()
    warm, warm_yaml = compare_in_process(repo)
    assert warm == cold and warm_yaml
    assert json.loads(warm) == rb.dvc_exp_show(repo)
    # The workspace params.yaml cannot be cached, so YAML loads; once it can, it does not.
    (repo / "params.yaml").write_text("seed: 1\nlr: 1e-05\n")
    rb.git(repo, "commit", "-q", "-am", "plain params")
    compare_in_process(repo)
    again, again_yaml = compare_in_process(repo)
    assert not again_yaml
    assert json.loads(again) == rb.dvc_exp_show(repo)


def test_corrupt_cache_is_ignored_and_rewritten(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    rb.init_repo(repo)
    cache = repo / ".git" / "dvclive-tui" / "commits.json"
    cache.parent.mkdir(parents=True)
    cache.write_text('{"format": 2, "commits": {"abc": ')
    out, _ = compare_in_process(repo)
    assert json.loads(out) == rb.dvc_exp_show(repo)
    assert json.loads(cache.read_text())["format"] == 2


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
