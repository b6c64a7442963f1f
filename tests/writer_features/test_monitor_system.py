"""``Live.monitor_system`` with real psutil: CPU/RAM/disk logged even without an NVIDIA driver."""

from __future__ import annotations

import logging
import re
import threading
import time
from pathlib import Path

import pytest

from dvclive_writer import Live

METRICS = Path("dvclive/plots/metrics/system")


def _monitor_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "dvclive-monitor-system"]


def _has_nvidia_driver() -> bool:
    try:
        import pynvml

        pynvml.nvmlInit()
        pynvml.nvmlShutdown()
    except Exception:
        return False
    return True


def test_cpu_ram_disk_are_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    live = Live(save_dvc_exp=False, report=None)
    with caplog.at_level(logging.WARNING):
        live.monitor_system(
            interval=0.01,
            num_samples=2,
            directories_to_monitor={"main": "/", "work": str(tmp_path), "gone": "/nonexistent"},
        )
        monitor = _monitor_threads()
        assert len(monitor) == 1 and not monitor[0].daemon
        deadline = time.monotonic() + 10
        while not (METRICS / "cpu/usage (%).tsv").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        live.next_step()
        live.end()
    assert _monitor_threads() == []
    assert "Couldn't find directory '/nonexistent', ignoring it." in caplog.text

    for name in (
        "cpu/usage (%)",
        "cpu/parallelization (%)",
        "ram/usage (%)",
        "ram/usage (GB)",
        "disk/usage (%)/main",
        "disk/usage (GB)/work",
    ):
        tsv = METRICS / f"{name}.tsv"
        header, *rows = tsv.read_text().splitlines()
        assert header.split("\t") == ["timestamp", "step", name.rsplit("/", 1)[1]], name
        assert rows and float(rows[0].split("\t")[2]) >= 0
    assert not (METRICS / "disk/usage (%)/gone.tsv").exists()
    # Totals and counts are summary-only.
    assert not (METRICS / "cpu/count.tsv").exists()
    system = live.summary["system"]
    assert system["cpu"]["count"] >= 1 and system["ram"]["total (GB)"] > 0
    assert system["disk"]["total (GB)"]["main"] > 0
    gpu_logged = (METRICS / "gpu").exists() or (METRICS / "vram").exists()
    assert gpu_logged == _has_nvidia_driver()
    if not gpu_logged:  # no driver is normal: no warning about it
        assert "GPU" not in caplog.text


def test_arguments_are_clamped_or_rejected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    live = Live(save_dvc_exp=False, report=None)
    with pytest.raises(ValueError, match=re.escape("should be a valid name, but got 'a/../b'")):
        live.monitor_system(directories_to_monitor={"a/../b": "/"})
    with caplog.at_level(logging.WARNING):
        live.monitor_system(interval=0.5, num_samples=30)
        live.monitor_system(interval=0.01, num_samples=0)  # replaces the first monitor
    assert "Setting `interval` to 0.1 seconds." in caplog.text
    assert "Setting `num_samples` to 30." in caplog.text
    assert "Setting `num_samples` to 1." in caplog.text
    assert len(_monitor_threads()) == 1
    live.end()
    assert _monitor_threads() == []


def test_constructor_flag_starts_the_monitor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with Live(save_dvc_exp=False, report=None, monitor_system=True):
        assert len(_monitor_threads()) == 1
    assert _monitor_threads() == []


def test_the_partial_last_window_is_averaged_over_its_samples(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    import psutil

    monkeypatch.chdir(tmp_path)
    live = Live(save_dvc_exp=False, report=None)
    live.monitor_system(interval=0.1, num_samples=30)  # a 3 s window, cut short by end()
    time.sleep(0.25)
    live.end()
    summary = json.loads(Path(live.metrics_file).read_text())
    assert summary["system"]["cpu"]["count"] == psutil.cpu_count()  # dvclive: a fraction
    total_gb = psutil.virtual_memory().total / 1024**3
    assert summary["system"]["ram"]["total (GB)"] == pytest.approx(total_gb)
