"""Bounded reading: special files are reported and never read, links stay inside the run,
huge and sparse files cost bounded memory, unreadable files and folders are warnings.

Commands run as real processes (``python -m dvclive_tui ...``); memory is the child's own
peak RSS, as the kernel counts it for that process (``VmHWM``).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dvclive_writer.read import tracks
from dvclive_writer.read.reader import RunReader, load_run
from tests.data.conftest import FakeClock
from tests.data.unprivileged import require_denial, run_unprivileged, shared_folder
from tests.peak_rss import run_measured

GIB = 1 << 30
RSS_LIMIT_KIB = 300 * 1024
"""The issue's bound on any command over a hostile directory: 300 MB."""
TSV = b"step\tloss\n0\t0.5\n1\t0.25\n"


def _run_dir(root: Path) -> Path:
    run = root / "dvclive"
    (run / "plots" / "metrics").mkdir(parents=True)
    (run / "plots" / "metrics" / "loss.tsv").write_bytes(TSV)
    (run / "metrics.json").write_text('{"loss": 0.25, "step": 1}\n')
    return run


def _command(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run ``dvclive-tui ARGS`` in a child process; its result and peak RSS (KiB)."""
    result, peak = run_measured(list(args), cwd)
    assert peak is not None, result.stderr
    return result, peak


def _ls(run: Path) -> dict[str, Any]:
    result, _ = _command("ls", str(run), "--json", cwd=run.parent)
    assert result.returncode == 0, result.stderr
    runs = json.loads(result.stdout)["runs"]
    assert len(runs) == 1
    return dict(runs[0])


def _warnings(described: dict[str, Any]) -> dict[str, str]:
    listed = described["warnings"]
    assert isinstance(listed, list)
    return {item["path"]: item["message"] for item in listed}


# -- special files ------------------------------------------------------------------------


@pytest.fixture
def blocked_writer(tmp_path: Path) -> Iterator[tuple[Path, threading.Thread]]:
    """A FIFO with a writer waiting for a reader: if anything opens it for reading, the
    writer's open returns and its thread ends."""
    fifo = tmp_path / "probe.fifo"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "wb") as handle:
            handle.write(b"x")

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    yield fifo, thread
    if thread.is_alive():  # let it go: open the read end ourselves
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        thread.join(5)
        os.close(fd)


def test_fifos_in_place_of_every_kind_of_file_are_reported_and_never_opened(
    tmp_path: Path, blocked_writer: tuple[Path, threading.Thread]
) -> None:
    fifo, writer = blocked_writer
    run = _run_dir(tmp_path)
    (run / "metrics.json").unlink()
    names = {
        "metrics.json": run / "metrics.json",
        "params.yaml": run / "params.yaml",
        "plots/metrics/pipe.tsv": run / "plots" / "metrics" / "pipe.tsv",
        "plots/custom/curve.json": run / "plots" / "custom" / "curve.json",
        "report.html": run / "report.html",
    }
    for path in names.values():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.link(fifo, path)  # the same FIFO: opening any of them releases the writer
    image = run / "plots" / "images" / "sample.png"
    image.parent.mkdir(parents=True)
    os.link(fifo, image)
    clock = FakeClock()
    reader = RunReader(run, clock=clock)
    reader.poll()
    clock.advance(5)
    reader.poll()
    assert writer.is_alive(), "a FIFO was opened for reading"
    warnings = reader.run.warnings
    for rel in ("metrics.json", "params.yaml", "plots/metrics/pipe.tsv", "plots/custom/curve.json"):
        assert "not a regular file (FIFO)" in warnings[rel].message, rel
    assert "not a regular file" in warnings["plots/images/sample.png"].message
    assert reader.run.images == {} and reader.run.metrics["loss"].values.tolist() == [0.5, 0.25]
    result, _ = _command(
        "report", str(run), "--html", "-o", str(tmp_path / "out.html"), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert writer.is_alive(), "report opened a FIFO"


def test_a_socket_and_a_directory_in_place_of_files(tmp_path: Path) -> None:
    run = _run_dir(tmp_path)
    (run / "metrics.json").unlink()
    (run / "metrics.json").mkdir()
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(run / "plots" / "metrics" / "sock.tsv"))
        described = _ls(run)
    finally:
        server.close()
    warnings = _warnings(described)
    assert warnings["metrics.json"] == "not a regular file (directory)"
    assert warnings["plots/metrics/sock.tsv"] == "cannot read: not a regular file (socket)"
    assert [metric["name"] for metric in described["metrics"]] == ["loss"]


def test_links_to_dev_zero_are_not_followed(tmp_path: Path) -> None:
    run = _run_dir(tmp_path)
    (run / "metrics.json").unlink()
    os.symlink("/dev/zero", run / "metrics.json")
    os.symlink("/dev/zero", run / "plots" / "metrics" / "zero.tsv")
    images = run / "plots" / "images"
    images.mkdir()
    os.symlink("/dev/zero", images / "zero.png")
    described, peak = _command("ls", str(run), "--json", cwd=tmp_path)
    assert described.returncode == 0, described.stderr
    warnings = _warnings(json.loads(described.stdout)["runs"][0])
    outside = "link to outside the run: not followed"
    assert warnings["metrics.json"] == outside
    assert warnings["plots/metrics/zero.tsv"] == f"cannot read: {outside}"
    assert warnings["plots/images/zero.png"] == f"cannot read: {outside}"
    assert peak < RSS_LIMIT_KIB
    for mode in ("--html", "--md"):
        result, peak = _command("report", str(run), mode, "-o", str(tmp_path / "r"), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert peak < RSS_LIMIT_KIB


# -- links --------------------------------------------------------------------------------


def test_links_leaving_the_run_are_reported_links_inside_are_followed(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.tsv").write_bytes(b"step\tsecret\n0\t987654.321\n")
    (outside / "secret.json").write_text('{"token": "hunter2"}\n')
    (outside / "secret.png").write_bytes(b"\x89PNG secret bytes")
    (outside / "folder").mkdir()
    (outside / "folder" / "more.tsv").write_bytes(b"step\tmore\n0\t1\n")
    run = _run_dir(tmp_path)
    metrics = run / "plots" / "metrics"
    os.symlink(outside / "secret.tsv", metrics / "secret.tsv")
    os.symlink(outside / "folder", metrics / "linked")
    os.symlink("loss.tsv", metrics / "alias.tsv")  # inside the run: followed
    (run / "params.yaml").symlink_to(outside / "secret.json")
    images = run / "plots" / "images"
    images.mkdir()
    os.symlink(outside / "secret.png", images / "secret.png")
    run_data = load_run(run)
    assert sorted(run_data.metrics) == ["alias", "loss"]
    assert run_data.metrics["alias"].values.tolist() == [0.5, 0.25]
    assert run_data.params == {} and run_data.images == {}
    outside_warning = "link to outside the run: not followed"
    for rel in ("plots/metrics/secret.tsv", "plots/metrics/linked", "plots/images/secret.png"):
        assert run_data.warnings[rel].message == f"cannot read: {outside_warning}", rel
    assert run_data.warnings["params.yaml"].message == outside_warning
    report = tmp_path / "report.html"
    result, _ = _command("report", str(run), "--html", "-o", str(report), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    page = report.read_text()
    leaked = [word for word in ("hunter2", "secret", "987654.321") if word in page]
    assert leaked == []


def test_a_linked_run_folder_is_read_through_its_link(tmp_path: Path) -> None:
    real = _run_dir(tmp_path / "runs")
    link = tmp_path / "latest"
    link.symlink_to(real)
    run = load_run(link)
    assert run.metrics["loss"].values.tolist() == [0.5, 0.25] and run.warnings == {}


# -- size -----------------------------------------------------------------------------------


def _sparse(path: Path, size: int, prefix: bytes = b"") -> None:
    with path.open("wb") as handle:
        handle.write(prefix)
        handle.truncate(size)


@pytest.mark.parametrize("prefix", [b"", b"step\tloss\n0\t0.5\n"], ids=["zeros", "header"])
def test_a_sparse_one_gigabyte_history_costs_bounded_memory(tmp_path: Path, prefix: bytes) -> None:
    run = _run_dir(tmp_path)
    _sparse(run / "plots" / "metrics" / "huge.tsv", GIB, prefix)
    result, peak = _command("ls", str(run), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert peak < RSS_LIMIT_KIB, f"peak RSS {peak / 1024:.0f} MB"
    described = json.loads(result.stdout)["runs"][0]
    assert "plots/metrics/huge.tsv" in _warnings(described)
    for mode in ("--html", "--md"):
        result, peak = _command("report", str(run), mode, "-o", str(tmp_path / "r"), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert peak < RSS_LIMIT_KIB, f"report {mode}: peak RSS {peak / 1024:.0f} MB"
    result, peak = _command("snap", str(run), "--width", "100", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert peak < RSS_LIMIT_KIB, f"snap: peak RSS {peak / 1024:.0f} MB"


def test_huge_sparse_documents_and_images_are_refused_with_a_warning(tmp_path: Path) -> None:
    run = _run_dir(tmp_path)
    (run / "metrics.json").unlink()
    _sparse(run / "metrics.json", GIB, b'{"a": ')
    images = run / "plots" / "images"
    images.mkdir()
    _sparse(images / "big.png", GIB, b"\x89PNG\r\n\x1a\n")
    _sparse(run / "plots" / "metrics" / "empty.tsv", 0)
    result, peak = _command("ls", str(run), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert peak < RSS_LIMIT_KIB
    warnings = _warnings(json.loads(result.stdout)["runs"][0])
    assert warnings["metrics.json"].startswith("too large: 1,073,741,824 bytes")
    assert warnings["plots/images/big.png"].startswith("cannot read: too large")


def test_a_series_stops_at_its_cap_and_starts_again_on_a_new_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tracks, "MAX_SERIES_POINTS", 10)
    run = _run_dir(tmp_path)
    history = run / "plots" / "metrics" / "loss.tsv"
    history.write_bytes(b"step\tloss\n" + b"".join(b"%d\t%d\n" % (i, i) for i in range(25)))
    reader = RunReader(run, clock=FakeClock())
    reader.poll()
    assert reader.run.metrics["loss"].steps.tolist() == list(range(10))
    assert "more than 10 points" in reader.run.warnings["plots/metrics/loss.tsv"].message
    with history.open("ab") as handle:
        handle.write(b"25\t25\n")
    reader.poll()
    assert len(reader.run.metrics["loss"]) == 10
    history.write_bytes(b"step\tloss\n0\t9\n")  # a new run: read again
    changes = reader.poll()
    assert changes.new_run and reader.run.metrics["loss"].values.tolist() == [9.0]
    assert "plots/metrics/loss.tsv" not in reader.run.warnings


def test_an_over_long_line_is_skipped_and_the_rows_after_it_are_read(tmp_path: Path) -> None:
    run = _run_dir(tmp_path)
    history = run / "plots" / "metrics" / "loss.tsv"
    history.write_bytes(TSV + b"7" * (3 << 20))
    reader = RunReader(run, clock=FakeClock())
    reader.poll()
    assert reader.run.metrics["loss"].values.tolist() == [0.5, 0.25]
    assert "line longer than" in reader.run.warnings["plots/metrics/loss.tsv"].message
    with history.open("ab") as handle:
        handle.write(b"\n2\t0.125\n")
    reader.poll()
    assert reader.run.metrics["loss"].values.tolist() == [0.5, 0.25, 0.125]


def test_a_long_history_is_read_chunk_by_chunk_within_one_poll(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dvclive_writer.read import tail

    run = _run_dir(tmp_path)
    history = run / "plots" / "metrics" / "loss.tsv"
    history.write_bytes(b"step\tloss\n" + b"".join(b"%d\t%d.5\n" % (i, i) for i in range(5000)))
    monkeypatch.setattr(tail.FileTailer.want, "__defaults__", (4096,))
    series = load_run(run).metrics["loss"]
    assert series.steps.tolist() == list(range(5000))


# -- permissions --------------------------------------------------------------------------


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder the unprivileged user can enter, removed afterwards."""
    with shared_folder() as folder:
        yield folder


def test_unreadable_files_and_folders_are_warnings_for_a_non_root_user(shared_tmp: Path) -> None:
    root = shared_tmp
    run = _run_dir(root)
    for folder in (run, *run.rglob("*")):
        folder.chmod(0o755 if folder.is_dir() else 0o644)
    secret_file = run / "plots" / "metrics" / "secret.tsv"
    secret_file.write_bytes(TSV)
    secret_file.chmod(0)
    hidden = run / "plots" / "custom"
    hidden.mkdir()
    (hidden / "curve.json").write_text('[{"x": 0, "y": 1}]\n')
    hidden.chmod(0)
    (run / "params.yaml").write_text("lr: 0.1\n")
    (run / "params.yaml").chmod(0)
    repo = root / "repo"
    (repo / "closed").mkdir(parents=True)
    (repo / "closed" / "dvclive").mkdir()
    (repo / "closed").chmod(0)
    (repo / "open").mkdir()
    (repo / "open").chmod(0o755)
    _run_dir(repo / "open")
    for path in (repo, *(repo / "open").rglob("*")):
        path.chmod(0o755 if path.is_dir() else 0o644)
    require_denial(secret_file)
    command = [sys.executable, "-m", "dvclive_tui"]
    result = run_unprivileged([*command, "ls", str(run), "--json"], cwd=root)
    assert result.returncode == 0, result.stderr
    described = json.loads(result.stdout)["runs"][0]
    warnings = _warnings(described)
    assert warnings["plots/metrics/secret.tsv"] == "cannot read: permission denied"
    assert warnings["plots/custom"] == "cannot read: permission denied"
    assert warnings["params.yaml"] == "permission denied"
    assert [metric["name"] for metric in described["metrics"]] == ["loss"]
    assert described["summary"] == {"loss": 0.25, "step": 1}
    searched = run_unprivileged([*command, "ls", str(repo), "--json"], cwd=root)
    assert searched.returncode == 0, searched.stderr
    # Named as watch and snap name it: relative to the current folder.
    assert [run["name"] for run in json.loads(searched.stdout)["runs"]] == ["repo/open/dvclive"]
    assert searched.stderr == f"Warning: {repo / 'closed'}: permission denied\n"
    outputs = root / "out"
    outputs.mkdir()
    outputs.chmod(0o777)  # the reports are written by the unprivileged user
    for mode in ("--html", "--md"):
        out = outputs / f"report{mode}"
        made = run_unprivileged([*command, "report", str(run), mode, "-o", str(out)], cwd=root)
        assert made.returncode == 0, made.stderr
        assert made.stderr == f"Wrote {out}\n"


def test_a_run_moved_with_its_parent_folder_reads_on_and_links_out_stay_refused(
    tmp_path: Path,
) -> None:
    # The anchor's real path is remembered between reads: a rename of a folder above the run
    # must neither break the reading nor let a link to the old place through.
    parent = tmp_path / "a"
    run = _run_dir(parent)
    history = run / "plots" / "metrics" / "loss.tsv"
    history.write_bytes(b"step\tloss\n0\t1\n")
    clock = FakeClock()
    reader = RunReader(run, clock=clock)
    reader.poll()
    moved = tmp_path / "b"
    parent.rename(moved)
    parent.symlink_to(moved)  # the path the reader holds now goes through a link
    with history.open("ab") as handle:
        handle.write(b"1\t2\n")
    (run / "plots" / "metrics" / "lr.tsv").write_bytes(b"step\tlr\n0\t0.5\n")
    clock.advance(5)
    reader.poll()
    assert reader.run.metrics["loss"].values.tolist() == [1.0, 2.0]
    assert reader.run.metrics["lr"].values.tolist() == [0.5]
    outside = tmp_path / "outside.tsv"
    outside.write_bytes(b"step\tacc\n0\t5\n")
    (run / "plots" / "metrics" / "acc.tsv").symlink_to(outside)
    clock.advance(5)
    reader.poll()
    assert "acc" not in reader.run.metrics
    assert "outside" in reader.run.warnings["plots/metrics/acc.tsv"].message
