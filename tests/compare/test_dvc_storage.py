"""DVC-tracked params and metrics read where DVC keeps them: a ``cache.dir`` set in the
config, DVC 3 and DVC 2 (legacy) cache layouts, ``.dvc`` files in sub-folders, a stage's
cached metric, files deleted from the working tree, a local default remote — each time
``compare --json`` equals ``dvc exp show --json``."""

from __future__ import annotations

import hashlib
import json
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest

from dvclive_tui.experiments.dvc_cache import DvcStorage, parse_config
from tests.compare import pipeline_repo as pr
from tests.compare import repo_builder as rb

pytestmark = pytest.mark.slow

GENERATE = textwrap.dedent(
    """
    import json, pathlib
    for name in ("Z.txt", "_u.txt", "b.txt"):
        pathlib.Path(name).write_text(name)
    pathlib.Path("sub").mkdir(exist_ok=True)
    json.dump({"m": 1.5, "n": 2}, open("sub/m.json", "w"))
    """
)

DVC_YAML = textwrap.dedent(
    """\
    stages:
      gen:
        cmd: python gen.py
        deps:
        - gen.py
        outs:
        - Z.txt
        - _u.txt
        - b.txt
        metrics:
        - sub/m.json
    metrics:
    - old/metrics.json
    - tracked.json
    """
)


def _legacy_dir_out(path: Path, cache: Path) -> None:
    """``old/`` as DVC 2 recorded a directory: no ``hash: md5``, objects at
    ``<cache>/<h[:2]>/<h[2:]>`` (written by hand: DVC 3 no longer writes this layout)."""
    content = json.dumps({"legacy": 0.5}).encode()
    digest = hashlib.md5(content).hexdigest()
    (cache / digest[:2]).mkdir(parents=True, exist_ok=True)
    (cache / digest[:2] / digest[2:]).write_bytes(content)
    listing = json.dumps([{"md5": digest, "relpath": "metrics.json"}], sort_keys=True).encode()
    manifest = hashlib.md5(listing).hexdigest() + ".dir"
    (cache / manifest[:2]).mkdir(parents=True, exist_ok=True)
    (cache / manifest[:2] / manifest[2:]).write_bytes(listing)
    (path / "old.dvc").write_text(
        f"outs:\n- md5: {manifest}\n  size: {len(content)}\n  nfiles: 1\n  path: old\n"
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("storage") / "project"
    path.mkdir()
    pr.sh(path, "git", "init", "-q", "-b", "main")
    pr.sh(path, rb.DVC, "init", "-q")
    pr.sh(path, rb.DVC, "config", "cache.dir", "mycache")  # stored as ../mycache
    (path / "gen.py").write_text(GENERATE)
    (path / "dvc.yaml").write_text(DVC_YAML)
    (path / "sub").mkdir()
    (path / "sub" / "dvc.yaml").write_text("metrics:\n- local.json\n")
    (path / "sub" / "local.json").write_text('{"local": 1}')
    for folder, name in (("B", "f3"), ("a-b", "f2"), ("a", "f1")):
        (path / folder).mkdir()
        (path / folder / name).write_text(name)
        pr.sh(path, rb.DVC, "add", "-q", f"{folder}/{name}")
    (path / "tracked.json").write_text('{"t": 3}')
    pr.sh(path, rb.DVC, "add", "-q", "tracked.json")
    _legacy_dir_out(path, path / "mycache")
    (path / ".gitignore").write_text("/old\n/mycache\n")
    pr.sh(path, rb.DVC, "repro", "-q")
    pr.sh(path, "git", "add", "-A")
    pr.sh(path, "git", "commit", "-q", "-m", "tracked data")
    return path


def same_as_dvc(path: Path) -> list[dict[str, Any]]:
    expected = pr.dvc_exp_show(path)
    actual: list[dict[str, Any]] = json.loads(pr.sh(path, rb.TUI, "compare", "--json"))
    assert actual == expected
    return actual


def metrics(document: list[dict[str, Any]], index: int) -> dict[str, Any]:
    found: dict[str, Any] = document[index]["data"]["metrics"]
    return {path: value.get("data", value.get("error")) for path, value in found.items()}


def test_cache_dir_layouts_and_walk_order(project: Path) -> None:
    document = same_as_dvc(project)
    for index in (0, 1):  # the workspace and HEAD
        assert metrics(document, index) == {
            "sub/m.json": {"m": 1.5, "n": 2},
            "old/metrics.json": {"legacy": 0.5},
            "tracked.json": {"t": 3},
            "sub/local.json": {"local": 1},
        }
    head_outs = list(document[1]["data"]["outs"])
    assert head_outs == [
        "Z.txt",
        "_u.txt",
        "b.txt",
        "old",
        "tracked.json",
        "B/f3",
        "a-b/f2",
        "a/f1",
    ]


def test_deleted_workspace_files_come_from_the_cache(project: Path) -> None:
    (project / "tracked.json").unlink()
    (project / "sub" / "m.json").unlink()
    shutil.rmtree(project / "old", ignore_errors=True)
    document = same_as_dvc(project)
    assert metrics(document, 0)["tracked.json"] == {"t": 3}
    assert metrics(document, 0)["old/metrics.json"] == {"legacy": 0.5}


def test_a_local_default_remote_stands_in_for_the_cache(project: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote"
    pr.sh(project, rb.DVC, "remote", "add", "-d", "-f", "store", str(remote))
    pr.sh(project, rb.DVC, "push", "-q")
    shutil.rmtree(project / "mycache" / "files")
    shutil.rmtree(pr.site_cache(project), ignore_errors=True)
    document = same_as_dvc(project)
    assert metrics(document, 1)["tracked.json"] == {"t": 3}
    assert not (project / "mycache" / "files").exists()  # read there, not copied back


def test_config_files_parse_as_dvc_writes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DVC_GLOBAL_CONFIG_DIR", str(tmp_path / "global"))
    monkeypatch.setenv("DVC_SYSTEM_CONFIG_DIR", str(tmp_path / "system"))
    (tmp_path / "global").mkdir()
    (tmp_path / "global" / "config").write_text("[cache]\n    dir = user-cache\n")
    dvc_dir = tmp_path / ".dvc"
    dvc_dir.mkdir()
    (dvc_dir / "config").write_text(
        "[core]\n    remote = store\n['remote \"store\"']\n    url = ../remote\n"
        "['remote \"s3\"']\n    url = s3://bucket/path\n[cache]\n    dir = ../shared\n"
    )
    assert DvcStorage.for_repo(tmp_path).cache_dir == tmp_path / "shared"  # repo over global
    (dvc_dir / "config.local").write_text("[cache]\n    dir = /elsewhere/cache\n")
    assert parse_config((dvc_dir / "config").read_text())['remote "store"'] == {"url": "../remote"}
    storage = DvcStorage.for_repo(tmp_path)
    assert storage.cache_dir == Path("/elsewhere/cache")  # config.local wins
    assert storage.default_remote == "store"
    assert storage.remotes == {"store": tmp_path / "remote", "s3": None}
