"""Tailing replays dvclive's exact write patterns: appends, partial lines, delete-and-recreate
with inode reuse, truncation in place, non-atomic JSON rewrites, CRLF and bare Infinity."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from dvclive_writer.read import tail
from dvclive_writer.read.reader import RunReader
from dvclive_writer.read.tail import FileTailer, TailRead
from dvclive_writer.read.transport import LocalTransport
from tests.data.conftest import FakeClock, inside

HEADER = b"timestamp\tstep\tloss\n"


def _row(step: int, value: float, stamp: int = 1_700_000_000_000) -> bytes:
    return f"{stamp + step}\t{step}\t{value!r}\n".encode()


def _append(path: Path, data: bytes) -> None:
    with path.open("ab") as handle:
        handle.write(data)


class _Tail:
    """A tailer of one file read through the local transport (as the run reader does)."""

    def __init__(self, path: Path) -> None:
        self.root = str(path.parent)
        self.tailer = FileTailer(path.name)

    def read(self, cap: int = tail.TSV_CHUNK) -> TailRead:
        return self.tailer.read(LocalTransport(), self.root, cap)

    @property
    def partial(self) -> bytes:
        return self.tailer.partial

    @property
    def offset(self) -> int:
        return self.tailer.offset


def _metrics_dir(run_dir: Path) -> Path:
    folder = run_dir / "plots" / "metrics"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# -- the tailer alone -----------------------------------------------------------------------


def test_tailer_returns_only_complete_lines_across_polls(tmp_path: Path) -> None:
    path = tmp_path / "loss.tsv"
    tailer = _Tail(path)
    assert not tailer.read().exists
    path.write_bytes(HEADER + b"17000")
    first = tailer.read()
    assert first.data == HEADER and tailer.partial == b"17000"
    _append(path, b"00000000\t0\t0.5")
    assert tailer.read().data == b""
    _append(path, b"\n" + _row(1, 0.25)[:4])
    assert tailer.read().data == b"1700000000000\t0\t0.5\n"
    assert tailer.read().changed is False
    _append(path, _row(1, 0.25)[4:])
    assert tailer.read().data == _row(1, 0.25)


def test_tailer_reads_big_appends_chunk_by_chunk(tmp_path: Path) -> None:
    """Each answer holds at most ``cap`` new bytes and says more remain; complete lines only."""
    path = tmp_path / "big.tsv"
    body = b"".join(_row(step, step / 3) for step in range(20_000))
    cap = 1 << 16
    assert len(body) > 2 * cap
    path.write_bytes(HEADER + body)
    tailer = _Tail(path)
    parts = []
    read = tailer.read(cap)
    while True:
        # at most the cap, plus the start of a line held from the previous answer
        assert len(read.data) <= cap + 64 and read.data.endswith(b"\n")
        parts.append(read.data)
        if not read.more:
            break
        read = tailer.read(cap)
    assert len(parts) > 2
    assert b"".join(parts) == HEADER + body
    assert tailer.offset == len(HEADER + body)
    assert not tailer.read(cap).changed


def test_tailer_resets_when_the_file_is_replaced_by_one_with_the_same_inode(
    tmp_path: Path,
) -> None:
    """Truncate + rewrite in place keeps the inode; the new content outgrows the old offset."""
    path = tmp_path / "loss.tsv"
    path.write_bytes(HEADER + _row(0, 1.0) + _row(1, 0.5))
    tailer = _Tail(path)
    tailer.read()
    inode = path.stat().st_ino
    new_content = HEADER + b"".join(_row(step, 9.0, stamp=1_800_000_000_000) for step in range(5))
    with path.open("r+b") as handle:
        handle.truncate(0)
        handle.write(new_content)
    assert path.stat().st_ino == inode
    assert path.stat().st_size > tailer.offset
    read = tailer.read()
    assert read.reset
    assert read.data == new_content


def test_tailer_resets_on_shrink_and_on_deletion(tmp_path: Path) -> None:
    path = tmp_path / "loss.tsv"
    path.write_bytes(HEADER + _row(0, 1.0) + _row(1, 0.5))
    tailer = _Tail(path)
    tailer.read()
    path.write_bytes(_row(7, 3.0))
    shrunk = tailer.read()
    assert shrunk.reset and shrunk.data == _row(7, 3.0)
    path.unlink()
    gone = tailer.read()
    assert gone.reset and not gone.exists
    assert not tailer.read().reset


# -- the reader: real dvclive, step by step -------------------------------------------------


def test_reader_follows_real_dvclive_step_by_step_then_a_new_run(tmp_path: Path) -> None:
    from dvclive import Live

    run_dir = tmp_path / "dvclive"
    clock = FakeClock()
    reader = RunReader(run_dir, clock=clock)
    assert not reader.poll()
    with inside(tmp_path):
        live = Live("dvclive", save_dvc_exp=False)
        for step in range(5):
            live.log_metric("train/loss", 1.0 / (step + 1), timestamp=True)
            live.log_metric("acc", step / 10)
            live.next_step()
            clock.advance(1.0)
            changes = reader.poll()
            assert changes.new_points == {"train/loss": 1, "acc": 1}
            assert not changes.new_run
            assert changes.summary
        live.end()
        assert reader.run.metrics["acc"].values.tolist() == [0.0, 0.1, 0.2, 0.3, 0.4]
        loss = reader.run.metrics["train/loss"]
        generation = loss.generation
        assert reader.run.generation == 0

        # A new, non-resumed run deletes and recreates the folders (inodes get reused).
        live = Live("dvclive", save_dvc_exp=False)
        for step in range(7):
            live.log_metric("train/loss", 10.0 + step, timestamp=True)
            live.next_step()
        live.end()
    clock.advance(1.0)
    changes = reader.poll()
    assert changes.new_run
    assert reader.run.generation == 1
    new_loss = reader.run.metrics["train/loss"]
    assert new_loss.values.tolist() == [10.0 + step for step in range(7)]
    assert "acc" not in reader.run.metrics
    assert "acc" in changes.removed_metrics
    if new_loss is loss:
        assert new_loss.generation == generation + 1
        assert "train/loss" in changes.reset_metrics


def test_rmtree_and_recreate_growing_past_the_old_offset(tmp_path: Path) -> None:
    run_dir = tmp_path / "dvclive"
    path = _metrics_dir(run_dir) / "loss.tsv"
    path.write_bytes(HEADER + _row(0, 1.0) + _row(1, 0.5))
    reader = RunReader(run_dir, clock=FakeClock())
    reader.poll()
    old_offset = path.stat().st_size
    shutil.rmtree(run_dir / "plots")
    new_content = HEADER + b"".join(_row(step, -1.0, stamp=1_900_000_000_000) for step in range(9))
    _metrics_dir(run_dir)
    path.write_bytes(new_content)
    assert len(new_content) > old_offset
    changes = reader.poll()
    assert changes.new_run
    assert reader.run.metrics["loss"].generation == 1
    assert reader.run.metrics["loss"].values.tolist() == [-1.0] * 9
    assert reader.run.metrics["loss"].steps.tolist() == list(range(9))


def test_run_directory_deleted_and_recreated(tmp_path: Path) -> None:
    run_dir = tmp_path / "dvclive"
    _append(_metrics_dir(run_dir) / "loss.tsv", HEADER + _row(0, 1.0))
    (run_dir / "metrics.json").write_text('{"loss": 1.0}\n')
    reader = RunReader(run_dir, clock=FakeClock())
    reader.poll()
    shutil.rmtree(run_dir)
    gone = reader.poll()
    assert gone.new_run and gone.summary and "loss" in gone.removed_metrics
    assert reader.run.metrics == {} and reader.run.summary == {}
    assert reader.run.generation == 1
    _append(_metrics_dir(run_dir) / "loss.tsv", HEADER + _row(0, 2.0) + _row(1, 3.0))
    back = reader.poll()
    assert back.new_points == {"loss": 2}
    assert reader.run.metrics["loss"].generation == 1  # not mistaken for the old series
    assert reader.run.metrics["loss"].values.tolist() == [2.0, 3.0]


def test_truncated_in_place_file_is_read_headerless(tmp_path: Path) -> None:
    run_dir = tmp_path / "dvclive"
    path = _metrics_dir(run_dir) / "loss.tsv"
    path.write_bytes(HEADER + _row(0, 1.0) + _row(1, 0.5) + _row(2, 0.25))
    reader = RunReader(run_dir, clock=FakeClock())
    reader.poll()
    series = reader.run.metrics["loss"]
    with path.open("r+b") as handle:
        handle.truncate(0)
    changes = reader.poll()
    assert "loss" in changes.reset_metrics and changes.new_run
    assert len(series) == 0 and series.generation == 1
    _append(path, _row(5, 7.0))  # dvclive writes no header into an existing file
    changes = reader.poll()
    assert changes.new_points == {"loss": 1}
    assert series.steps.tolist() == [5] and series.values.tolist() == [7.0]
    assert series.timestamps is not None and series.timestamps.tolist() == [1_700_000_000_005]


def test_crlf_and_bare_infinity_in_metric_rows(tmp_path: Path) -> None:
    run_dir = tmp_path / "dvclive"
    path = _metrics_dir(run_dir) / "loss.tsv"
    path.write_bytes(b"step\tloss\r\n0\tInfinity\r\n1\t-inf\r\n2\tnan\r\n3\t0.5\r")
    reader = RunReader(run_dir, clock=FakeClock())
    reader.poll()
    values = reader.run.metrics["loss"].values
    assert values[0] == np.inf and values[1] == -np.inf and np.isnan(values[2])
    assert len(values) == 3  # the last line waits for its "\n"
    _append(path, b"\n")
    assert reader.poll().new_points == {"loss": 1}
    assert reader.run.metrics["loss"].values[-1] == 0.5


# -- documents rewritten in place ----------------------------------------------------------


def test_half_written_metrics_json_keeps_the_last_good_value(tmp_path: Path) -> None:
    run_dir = tmp_path / "dvclive"
    run_dir.mkdir()
    summary = run_dir / "metrics.json"
    good = b'{\n    "loss": 0.5,\n    "step": 3\n}\n'
    summary.write_bytes(good)
    clock = FakeClock()
    reader = RunReader(run_dir, clock=clock)
    reader.poll()
    assert reader.run.summary == {"loss": 0.5, "step": 3}
    newer = b'{\n    "loss": 0.25,\n    "step": 4\n}\n'
    # dvclive's open("w") + write: the reader may catch the file empty or half-written.
    for caught in (b"", newer[:12]):
        summary.write_bytes(caught)
        clock.advance(1.0)
        changes = reader.poll()
        assert not changes.summary and not changes.warnings
        assert reader.run.summary == {"loss": 0.5, "step": 3}
        assert "metrics.json" not in reader.run.warnings
    clock.advance(1.5)
    reader.poll()
    assert "metrics.json" not in reader.run.warnings  # 2.5 s: still within the grace period
    clock.advance(1.0)
    changes = reader.poll()
    assert changes.warnings
    warning = reader.run.warnings["metrics.json"]
    assert "invalid JSON" in warning.message
    assert reader.run.summary == {"loss": 0.5, "step": 3}
    summary.write_bytes(newer)
    changes = reader.poll()
    assert changes.summary and changes.warnings
    assert reader.run.summary == {"loss": 0.25, "step": 4}
    assert "metrics.json" not in reader.run.warnings


def test_params_yaml_without_final_newline_is_accepted_once_stable(tmp_path: Path) -> None:
    run_dir = tmp_path / "dvclive"
    run_dir.mkdir()
    params = run_dir / "params.yaml"
    params.write_bytes(b"lr: 0.1\nbatch: 32\n")
    clock = FakeClock()
    reader = RunReader(run_dir, clock=clock)
    reader.poll()
    params.write_bytes(b"lr: 0.1\nbatch: 3")  # caught mid-write: parses, but is cut short
    clock.advance(0.5)
    assert not reader.poll().params
    assert reader.run.params == {"lr": 0.1, "batch": 32}
    clock.advance(5.0)
    assert reader.poll().params  # unchanged for longer than the grace: a hand-written file
    assert reader.run.params == {"lr": 0.1, "batch": 3}
    assert reader.run.warnings == {}


def test_corrupt_and_binary_files_become_warnings(tmp_path: Path) -> None:
    run_dir = tmp_path / "dvclive"
    metrics = _metrics_dir(run_dir)
    (metrics / "good.tsv").write_bytes(b"step\tgood\n0\t1\n")
    (metrics / "binary.tsv").write_bytes(bytes(range(256)) * 4)
    (metrics / "notes.txt").write_text("hello\n")
    (metrics / "strings.tsv").write_bytes(b"step\ts\n0\tabc\n1\t2\n")
    sklearn = run_dir / "plots" / "sklearn"
    sklearn.mkdir(parents=True)
    (sklearn / "roc.json").write_bytes(b'{"roc": [{"fpr": 0')
    (sklearn / "scalar.json").write_bytes(b"42\n")
    (run_dir / "params.yaml").write_bytes(b"\x00\x01\x02")
    (run_dir / "plots" / "stray.bin").write_bytes(b"\xff")
    clock = FakeClock()
    reader = RunReader(run_dir, clock=clock)
    reader.poll()
    clock.advance(4.0)
    reader.poll()
    warnings = reader.run.warnings
    assert reader.run.metrics["good"].values.tolist() == [1.0]
    assert "binary" in warnings["plots/metrics/binary.tsv"].message
    assert "unknown file" in warnings["plots/metrics/notes.txt"].message
    assert "unknown file" in warnings["plots/stray.bin"].message
    assert "non-numeric" in warnings["plots/metrics/strings.tsv"].message
    assert np.isnan(reader.run.metrics["strings"].values[0])
    assert "invalid JSON" in warnings["plots/sklearn/roc.json"].message
    assert "not a list of datapoints" in warnings["plots/sklearn/scalar.json"].message
    assert "binary" in warnings["params.yaml"].message
    assert all(warning.path == key for key, warning in warnings.items())


def test_image_overwrite_bumps_the_version(tmp_path: Path) -> None:
    run_dir = tmp_path / "dvclive"
    images = run_dir / "plots" / "images"
    (images / "steps").mkdir(parents=True)
    (images / "steps" / "10.png").write_bytes(b"a")
    (images / "steps" / "2.png").write_bytes(b"b")
    (images / "img.png").write_bytes(b"x")
    clock = FakeClock()
    reader = RunReader(run_dir, clock=clock)
    reader.poll()
    assert [step for step, _ in reader.run.images["steps"].frames] == [2, 10]
    version = reader.run.images["img.png"].version
    (images / "img.png").write_bytes(b"xyz")
    os.utime(images / "img.png", ns=(1, 10**18))
    clock.advance(1.5)
    assert reader.poll().images
    assert reader.run.images["img.png"].version == version + 1
    (images / "steps" / "3.png").write_bytes(b"c")
    clock.advance(1.5)
    reader.poll()
    assert [step for step, _ in reader.run.images["steps"].frames] == [2, 3, 10]


@pytest.mark.parametrize("split", [1, 7, 19, 20, 21, 33])
def test_header_split_across_polls(tmp_path: Path, split: int) -> None:
    run_dir = tmp_path / "dvclive"
    path = _metrics_dir(run_dir) / "loss.tsv"
    content = HEADER + _row(0, 0.5) + _row(1, 0.25)
    path.write_bytes(content[:split])
    reader = RunReader(run_dir, clock=FakeClock())
    reader.poll()
    _append(path, content[split:])
    reader.poll()
    series = reader.run.metrics["loss"]
    assert series.steps.tolist() == [0, 1]
    assert series.values.tolist() == [0.5, 0.25]
    assert series.timestamps is not None


def test_a_fifo_with_a_metric_name_does_not_hang_the_poll(tmp_path: Path) -> None:
    run_dir = tmp_path / "dvclive"
    metrics = _metrics_dir(run_dir)
    os.mkfifo(metrics / "pipe.tsv")
    os.mkfifo(run_dir / "metrics.json")
    (metrics / "loss.tsv").write_bytes(b"step\tloss\n0\t0.5\n")
    clock = FakeClock()
    reader = RunReader(run_dir, clock=clock)
    reader.poll()
    clock.advance(5)
    reader.poll()
    assert reader.run.metrics["loss"].values.tolist() == [0.5]
    assert "not a regular file" in reader.run.warnings["plots/metrics/pipe.tsv"].message
    assert "not a regular file" in reader.run.warnings["metrics.json"].message


def test_documents_that_parse_but_are_no_mapping(tmp_path: Path) -> None:
    run_dir = tmp_path / "dvclive"
    run_dir.mkdir()
    (run_dir / "params.yaml").write_text("- a\n- b\n")
    (run_dir / "metrics.json").write_text("[1, 2]\n")
    clock = FakeClock()
    reader = RunReader(run_dir, clock=clock)
    reader.poll()
    clock.advance(10)
    reader.poll()
    assert reader.run.params == {} and reader.run.summary == {}
    for rel in ("params.yaml", "metrics.json"):
        assert reader.run.warnings[rel].message == "not a mapping of names to values"
    (run_dir / "params.yaml").write_text("# nothing logged yet\n")
    reader.poll()
    assert "params.yaml" not in reader.run.warnings and reader.run.params == {}


def test_unreadable_metric_file_warns_until_readable(tmp_path: Path) -> None:
    run_dir = tmp_path / "dvclive"
    path = _metrics_dir(run_dir) / "loss.tsv"
    os.mkfifo(path)
    reader = RunReader(run_dir, clock=FakeClock())
    reader.poll()
    assert reader.run.warnings["plots/metrics/loss.tsv"].message.startswith("cannot read")
    path.unlink()
    path.write_bytes(b"step\tloss\n0\t0.5\n")
    reader.poll()
    assert reader.run.warnings == {}
    assert reader.run.metrics["loss"].values.tolist() == [0.5]


def test_tree_is_rescanned_on_folder_change_or_after_a_second(tmp_path: Path) -> None:
    run_dir = tmp_path / "dvclive"
    metrics = _metrics_dir(run_dir)
    (metrics / "a.tsv").write_bytes(b"step\ta\n0\t1\n")
    clock = FakeClock()
    reader = RunReader(run_dir, clock=clock)
    reader.poll()
    # A new file whose folder mtime looks unchanged (coarse or stale NFS attributes) ...
    stamp = metrics.stat()
    (metrics / "b.tsv").write_bytes(b"step\tb\n0\t2\n")
    os.utime(metrics, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    clock.advance(0.5)
    assert "b" not in reader.poll().new_points  # ... waits for the periodic re-scan
    clock.advance(0.6)
    assert reader.poll().new_points == {"b": 1}
    # A folder mtime change triggers the scan at once.
    (metrics / "c.tsv").write_bytes(b"step\tc\n0\t3\n")
    os.utime(metrics, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 10**9))
    assert reader.poll().new_points == {"c": 1}


def test_writers_hidden_temporary_files_are_ignored(tmp_path: Path) -> None:
    """dvclive_writer keeps ``.metrics.json.<pid>.<n>.<slot>.tmp`` slots open during a run and
    replaces plot JSON through ``.<name>.<pid>.<tid>.tmp``: never a warning, never data."""
    from dvclive_writer import Live

    with inside(tmp_path):
        live = Live("dvclive", save_dvc_exp=False, report=None)
        for step in range(3):
            live.log_metric("loss", 1.0 / (step + 1))
            live.next_step()
        live.log_plot("curve", [{"x": 0, "y": 1.0}, {"x": 1, "y": 2.0}], x="x", y="y")
        run_dir = tmp_path / "dvclive"
        assert list(run_dir.glob(".metrics.json.*.tmp"))  # the writer's open slots
        custom = run_dir / "plots" / "custom"
        (custom / ".curve.json.123.456.tmp").write_text('[{"x": 0, "y')  # a replace in flight
        (run_dir / "plots" / "metrics" / ".DS_Store").write_bytes(b"\x00\x01")
        clock = FakeClock()
        reader = RunReader(run_dir, clock=clock)
        reader.poll()
        clock.advance(4.0)
        reader.poll()
        assert reader.run.warnings == {}
        assert list(reader.run.metrics) == ["loss"]
        assert list(reader.run.plots) == ["curve"]
        live.end()


def test_rewrite_with_the_same_first_rows_is_still_a_new_run(tmp_path: Path) -> None:
    """A new run that starts like the old one (same header and first 256 bytes, same inode)
    and has outgrown the old offset is caught by the bytes just before that offset."""
    path = tmp_path / "loss.tsv"
    old = HEADER + b"".join(_row(step, 0.5) for step in range(30))
    path.write_bytes(old)
    tailer = _Tail(path)
    assert tailer.read().data == old
    inode = path.stat().st_ino
    new = HEADER + b"".join(_row(step, 0.5 if step < 20 else 9.0) for step in range(40))
    assert new[: tail.HEAD_BYTES] == old[: tail.HEAD_BYTES] and len(new) > len(old)
    with path.open("r+b") as handle:  # rewritten in place: same inode, bigger
        handle.truncate(0)
        handle.write(new)
    assert path.stat().st_ino == inode
    read = tailer.read()
    assert read.reset and read.data == new
