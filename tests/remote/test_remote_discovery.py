"""Discovery of a remote folder: the same runs as local discovery of the same tree, found by
one bounded ``find`` on the host (depth, skipped and hidden names pruned there), a listing
cut at its cap with one warning line, and the BusyBox variant."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from dvclive_tui.remote.host import HostClient, RootRequest
from dvclive_tui.remote.runs import RemoteRunsError, find_remote_runs, runs_in_listing
from dvclive_tui.remote.script import DISCOVERY_CAP
from dvclive_tui.remote.ssh import SshSettings
from dvclive_tui.remote.transport import RemotePool
from dvclive_writer.read.discovery import MAX_DEPTH, discover_runs
from tests.remote.conftest import at
from tests.remote.sshd import ALIAS, SSHD, SshTestHost, running_host
from tests.remote.test_remote_cli import cli, cli_env
from tests.tui.runs import write_run

__all__ = ["cli_env"]


def small_run(folder: Path) -> Path:
    """A run folder in the least files discovery recognises (``plots/metrics``)."""
    (folder / "plots" / "metrics").mkdir(parents=True)
    (folder / "metrics.json").write_text('{"step": 0}')
    return folder


def build_tree(top: Path) -> None:
    """Runs where discovery finds them and where it must not look."""
    write_run(top / "proj" / "dvclive", steps=2)
    write_run(top / "proj" / "dvclive" / "fold_0", steps=2)  # nested run
    small_run(top / "proj" / "dvclive" / "artifacts" / "inner")  # a run's own folder
    small_run(top / "proj" / "dvclive" / "plots" / "metrics" / "x")
    small_run(top / "other" / "plots" / "exp" / "dvclive")  # a plain folder named plots
    small_run(top / "repo" / ".dvc" / "tmp" / "exps" / "tmpab12" / "dvclive")
    small_run(top / "repo" / ".dvc" / "tmp" / "exps" / "standalone" / "tmpcd34" / "live")
    small_run(top / "repo" / ".dvc" / "cache" / "dvclive")
    small_run(top / ".dvclive")
    summary = top / "companion"
    summary.mkdir()
    (summary / "metrics.json").write_text("{}")
    (summary / "params.yaml").write_text("lr: 1\n")
    (top / "linked" / "plots").mkdir(parents=True)
    (top / "linked" / "plots" / "metrics").symlink_to(top / "other")
    (top / "linked_summary" / "dvclive").mkdir(parents=True)
    (top / "linked_summary" / "dvclive" / "metrics.json").symlink_to(summary / "metrics.json")
    (top / "named_dir" / "dvclive" / "metrics.json").mkdir(parents=True)
    for skipped in ("node_modules", ".venv", ".git", "__pycache__", ".hidden"):
        small_run(top / skipped / "dvclive")
    deep = top
    for level in range(MAX_DEPTH + 3):
        deep = deep / f"d{level}"
        small_run(deep / "dvclive")
    temp_deep = top / "repo" / ".dvc" / "tmp" / "exps" / "tmpdeep"
    for level in range(MAX_DEPTH + 2):
        temp_deep = temp_deep / f"t{level}"
        small_run(temp_deep / "r")


def local_runs(top: Path) -> list[str]:
    return [path.relative_to(top).as_posix() for path in discover_runs(top)]


def remote_runs(pool: RemotePool, top: Path) -> list[str]:
    found = find_remote_runs(pool, at(top))
    return [Path(location.path).relative_to(top).as_posix() for location in found]


def test_remote_discovery_matches_local_discovery(pool: RemotePool, remote_dir: Path) -> None:
    build_tree(remote_dir)
    expected = local_runs(remote_dir)
    assert remote_runs(pool, remote_dir) == expected
    assert "proj/dvclive/fold_0" in expected and "repo/.dvc/tmp/exps/tmpab12/dvclive" in expected
    assert "linked" in expected and "linked_summary/dvclive" in expected
    assert not any(rel.startswith(("node_modules", ".venv", ".hidden")) for rel in expected)
    deepest = "/".join(f"d{level}" for level in range(MAX_DEPTH))
    assert f"{deepest}/dvclive" in expected
    assert not any(rel.startswith(f"{deepest}/d{MAX_DEPTH}/") for rel in expected)


def test_a_path_below_the_top_and_a_run_itself(pool: RemotePool, remote_dir: Path) -> None:
    build_tree(remote_dir)
    for sub in ("proj", "proj/dvclive", "repo", "d0/d1"):
        top = remote_dir / sub
        assert remote_runs(pool, top) == local_runs(top), sub
    with pytest.raises(RemoteRunsError, match="no dvclive directory"):
        remote_runs(pool, remote_dir / "named_dir")


def test_a_listing_past_its_cap_stops_and_says_so(settings: SshSettings, remote_dir: Path) -> None:
    small_run(remote_dir / "a" / "dvclive")
    for index in range(40):
        (remote_dir / "b" / f"f{index:02d}").mkdir(parents=True)
    client = HostClient(at(remote_dir), settings, discovery_cap=20)
    try:
        answer = client.exchange([RootRequest(str(remote_dir), (), discovery=True)])[0]
        assert answer.listing_note == "more than 20 entries: the rest not searched"
        assert answer.listing is not None and len(answer.listing.folders) <= 21
        shutil.rmtree(remote_dir / "b")
        answer = client.exchange([RootRequest(str(remote_dir), (), discovery=True)])[0]
        assert answer.listing_note is None and answer.listing is not None
        assert runs_in_listing(answer.listing) == ["a/dvclive"]
    finally:
        client.close(stop_master=True)


def test_ls_json_of_a_crowded_folder_matches_local(
    cli_env: dict[str, str], remote_dir: Path
) -> None:
    build_tree(remote_dir)
    for folder in (".cache/pip", "node_modules/pkg", "d0/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11"):
        crowd = remote_dir / folder
        crowd.mkdir(parents=True, exist_ok=True)
        for index in range(DISCOVERY_CAP // 2 + 1):
            os.close(os.open(crowd / f"e{index}", os.O_CREAT | os.O_WRONLY, 0o644))
    local = cli(cli_env, "ls", "--json", str(remote_dir))
    remote = cli(cli_env, "ls", "--json", f"{ALIAS}:{remote_dir}")
    assert local.returncode == remote.returncode == 0, remote.stderr
    assert remote.stderr == local.stderr == ""
    local_paths = [run["path"] for run in json.loads(local.stdout)["runs"]]
    remote_paths = [run["path"] for run in json.loads(remote.stdout)["runs"]]
    assert remote_paths == local_paths
    assert len(local_paths) > 10


def test_no_run_in_a_crowded_folder_is_one_line(cli_env: dict[str, str], remote_dir: Path) -> None:
    (remote_dir / ".cache").mkdir()
    for index in range(2000):
        os.close(os.open(remote_dir / ".cache" / f"e{index}", os.O_CREAT | os.O_WRONLY, 0o644))
    remote = cli(cli_env, "ls", f"{ALIAS}:{remote_dir}")
    assert remote.returncode == 2
    assert (
        remote.stderr
        == f"dvclive-tui: error: no dvclive directory found under '{ALIAS}:{remote_dir}'\n"
    )


@pytest.mark.skipif(not SSHD.exists() or shutil.which("busybox") is None, reason="needs busybox")
def test_busybox_discovery_matches_local(short_dir: Path, remote_dir: Path) -> None:
    build_tree(remote_dir)
    host: SshTestHost
    with running_host(short_dir / "bb", busybox=True) as host:
        pool = RemotePool(SshSettings(command=host.ssh_command, control_dir=short_dir / "bbc"))
        try:
            assert remote_runs(pool, remote_dir) == local_runs(remote_dir)
        finally:
            pool.close(stop_masters=True)


def test_a_listing_and_a_discovery_of_one_root_in_one_request(
    settings: SshSettings, remote_dir: Path
) -> None:
    run = small_run(remote_dir / "dvclive")
    client = HostClient(at(remote_dir), settings)
    try:
        listed, found = client.exchange(
            [
                RootRequest(str(run), (), listing=True),
                RootRequest(str(run), (), discovery=True),
            ]
        )
        assert listed.listing is not None and found.listing is not None
        assert listed.listing.files["metrics.json"].size == len('{"step": 0}')
        assert set(listed.listing.folders) == {"", "plots", "plots/metrics"}
        assert runs_in_listing(found.listing, "dvclive") == [""]
        assert found.listing_note is None and listed.listing_error is None
    finally:
        client.close(stop_master=True)
