"""``Live`` under concurrent use: the system monitor's thread logs while training code does.

Real threads hammer ``log_metric`` / ``sync`` / ``next_step`` at once; afterwards every TSV
row must be whole and present, and ``metrics.json`` must have parsed at every moment.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from dvclive_writer import Live

THREADS = 4
ROWS = 300
PLOTS = 60


def _read_tsv(path: Path) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines]


def test_concurrent_logging_loses_and_mixes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    live = Live(save_dvc_exp=False, report=None)
    errors: list[BaseException] = []
    done = threading.Event()
    start = threading.Barrier(THREADS + 3)

    def logger_thread(index: int) -> None:
        try:
            start.wait()
            for i in range(ROWS):
                live.log_metric(f"thread_{index}/value", i)
                live.log_metric(f"thread_{index}/ts", i, timestamp=True)
                live.log_metric("shared", index * ROWS + i)
                live.log_metric(f"summary_only/thread_{index}/n{i % 7}", i, plot=False)
        except BaseException as exc:
            errors.append(exc)

    def reader_thread() -> None:
        start.wait()
        metrics = Path(live.metrics_file)
        while not done.is_set():
            try:
                text = metrics.read_text(encoding="utf-8")
            except FileNotFoundError:
                continue
            try:
                json.loads(text)
            except ValueError as exc:
                errors.append(exc)
                return

    def plot_thread() -> None:
        try:
            start.wait()
            for i in range(PLOTS):
                live.log_plot(f"p{i}", [{"x": i, "y": i}], x="x", y="y")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=logger_thread, args=(i,)) for i in range(THREADS)]
    threads.append(threading.Thread(target=plot_thread))
    reader = threading.Thread(target=reader_thread)
    for thread in [*threads, reader]:
        thread.start()
    start.wait()
    while any(t.is_alive() for t in threads):
        live.next_step()
        live.sync()
    for thread in threads:
        thread.join()
    done.set()
    reader.join()
    live.end()

    assert errors == []
    metrics_dir = tmp_path / "dvclive" / "plots" / "metrics"
    for index in range(THREADS):
        rows = _read_tsv(metrics_dir / f"thread_{index}" / "value.tsv")
        assert rows[0] == ["step", "value"]
        assert [row[1] for row in rows[1:]] == [str(i) for i in range(ROWS)]
        assert all(len(row) == 2 for row in rows)
        ts_rows = _read_tsv(metrics_dir / f"thread_{index}" / "ts.tsv")
        assert ts_rows[0] == ["timestamp", "step", "ts"]
        assert [row[2] for row in ts_rows[1:]] == [str(i) for i in range(ROWS)]
        assert all(len(row) == 3 for row in ts_rows)
    shared = _read_tsv(metrics_dir / "shared.tsv")
    assert shared[0] == ["step", "shared"]
    assert sorted(int(row[1]) for row in shared[1:]) == list(range(THREADS * ROWS))
    assert all(len(row) == 2 for row in shared)

    summary = json.loads(Path(live.metrics_file).read_text(encoding="utf-8"))
    for index in range(THREADS):
        assert summary[f"thread_{index}"] == {"value": ROWS - 1, "ts": ROWS - 1}
        assert len(summary["summary_only"][f"thread_{index}"]) == 7
    assert summary["step"] == live.step
    assert list(Path(live.dir).glob(".*.tmp")) == []
    dvcyaml = YAML(typ="safe").load(Path(live.dvc_file).read_text(encoding="utf-8"))
    custom = [next(iter(p)) for p in dvcyaml["plots"] if "custom" in next(iter(p))]
    assert custom == [f"plots/custom/p{i}.json" for i in range(PLOTS)]


def test_monitor_thread_and_training_loop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    live = Live(save_dvc_exp=False, report=None)
    live.monitor_system(interval=0.001, num_samples=1)
    for step in range(200):
        for i in range(10):
            live.log_metric(f"train/m{i}", step)
        live.next_step()
        json.loads(Path(live.metrics_file).read_text(encoding="utf-8"))
    live.end()
    summary = json.loads(Path(live.metrics_file).read_text(encoding="utf-8"))
    assert summary["step"] == 199
    assert "system" in summary
    cpu = _read_tsv(tmp_path / "dvclive/plots/metrics/system/cpu/usage (%).tsv")
    assert cpu[0] == ["timestamp", "step", "usage (%)"]
    assert len(cpu) > 1 and all(len(row) == 3 for row in cpu)
