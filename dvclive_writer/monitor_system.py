"""``Live.monitor_system``: CPU, RAM and disk through psutil, NVIDIA GPUs through pynvml.

A non-daemon thread takes ``num_samples`` samples ``interval`` seconds apart, averages them and
logs dvclive's metric names (``system/cpu/usage (%)`` …) at the current step with timestamps;
totals and counts go to the summary only. Two dvclive bugs are fixed: a machine without an
NVIDIA driver still gets its CPU, RAM and disk metrics (a failing GPU query only drops the GPU
part), and the partial window logged at shutdown is averaged over the samples it holds, not
over ``num_samples`` (dvclive's last values, which end up in metrics.json, read e.g. 0.4 GPUs
or a fraction of the RAM total). ``system/gpu/usage (%)/<i>`` is NVML's GPU utilisation (as
nvidia-smi shows it), not dvclive's ``100 * memory utilisation / GPU utilisation`` ratio.
"""

from __future__ import annotations

import os
import threading
from statistics import mean
from typing import TYPE_CHECKING

from dvclive_writer.logger import logger

if TYPE_CHECKING:
    from dvclive_writer.live import Live

GIGABYTES_DIVIDER = 1024.0**3
MINIMUM_CPU_USAGE_TO_BE_ACTIVE = 20
MAX_INTERVAL = 0.1
MIN_NUM_SAMPLES = 1
MAX_NUM_SAMPLES = 30

METRIC_CPU_COUNT = "system/cpu/count"
METRIC_CPU_USAGE_PERCENT = "system/cpu/usage (%)"
METRIC_CPU_PARALLELIZATION_PERCENT = "system/cpu/parallelization (%)"
METRIC_RAM_USAGE_PERCENT = "system/ram/usage (%)"
METRIC_RAM_USAGE_GB = "system/ram/usage (GB)"
METRIC_RAM_TOTAL_GB = "system/ram/total (GB)"
METRIC_DISK_USAGE_PERCENT = "system/disk/usage (%)"
METRIC_DISK_USAGE_GB = "system/disk/usage (GB)"
METRIC_DISK_TOTAL_GB = "system/disk/total (GB)"
METRIC_GPU_COUNT = "system/gpu/count"
METRIC_GPU_USAGE_PERCENT = "system/gpu/usage (%)"
METRIC_VRAM_USAGE_PERCENT = "system/vram/usage (%)"
METRIC_VRAM_USAGE_GB = "system/vram/usage (GB)"
METRIC_VRAM_TOTAL_GB = "system/vram/total (GB)"

# pynvml errors meaning "no NVIDIA GPU here" rather than a failure worth a warning.
_NO_GPU_ERRORS = ("NVMLError_LibraryNotFound", "NVMLError_DriverNotLoaded", "ModuleNotFoundError")

# Logged to the summary only (``plot=None``), never to a TSV.
SUMMARY_ONLY_PREFIXES = (
    METRIC_CPU_COUNT,
    METRIC_RAM_TOTAL_GB,
    METRIC_DISK_TOTAL_GB,
    METRIC_GPU_COUNT,
    METRIC_VRAM_TOTAL_GB,
)


def check_interval(interval: float) -> float:
    """Clamp ``interval`` to at most 0.1 s, with dvclive's warning."""
    if interval > MAX_INTERVAL:
        logger.warning(
            f"System monitoring `interval` should be less than {MAX_INTERVAL} "
            f"seconds. Setting `interval` to {MAX_INTERVAL} seconds."
        )
        return MAX_INTERVAL
    return interval


def check_num_samples(num_samples: int) -> int:
    """Clamp ``num_samples`` to [1, 30]; dvclive warns for the bounds themselves too."""
    if not MIN_NUM_SAMPLES < num_samples < MAX_NUM_SAMPLES:
        num_samples = max(min(num_samples, MAX_NUM_SAMPLES), MIN_NUM_SAMPLES)
        logger.warning(
            f"System monitoring `num_samples` should be between {MIN_NUM_SAMPLES} "
            f"and {MAX_NUM_SAMPLES}. Setting `num_samples` to {num_samples}."
        )
    return num_samples


def check_directories(directories: dict[str, str]) -> dict[str, str]:
    """Keys become metric name parts, so they must be normalised paths.

    Raises:
        ValueError: a key differs from ``os.path.normpath(key)``.
    """
    for name in directories:
        if name != os.path.normpath(name):
            raise ValueError(
                f"Keys for `directories_to_monitor` should be a valid name, but got '{name}'."
            )
    return dict(directories)


class SystemMonitor:
    """Samples the machine in a non-daemon thread and logs averages into a ``Live``."""

    def __init__(
        self,
        live: Live,
        interval: float = 0.05,
        num_samples: int = 20,
        directories_to_monitor: dict[str, str] | None = None,
    ) -> None:
        """Validate the settings and start sampling (see dvclive's ``monitor_system``)."""
        if directories_to_monitor is None:
            directories_to_monitor = {"main": "/"}
        self._live = live
        self._interval = check_interval(interval)
        self._num_samples = check_num_samples(num_samples)
        self._directories = check_directories(directories_to_monitor)
        self._warn_cpu_problem = True
        self._gpu_enabled = True
        self._missing_directories: set[str] = set()
        self._shutdown = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="dvclive-monitor-system")
        self._thread.start()

    def end(self) -> None:
        """Stop sampling; the partial window is logged; waits for the thread to finish."""
        self._shutdown.set()
        if self._thread is not threading.current_thread():
            self._thread.join()

    def _loop(self) -> None:
        while not self._shutdown.is_set():
            totals: dict[str, float] = {}
            last: dict[str, float] = {}
            taken = 0
            for _ in range(self._num_samples):
                taken += 1
                sample = self._sample()
                if sample is not None:
                    last = sample
                # A failed sample re-adds the previous one, as dvclive.
                for name, value in last.items():
                    totals[name] = totals.get(name, 0) + value
                self._shutdown.wait(self._interval)
                if self._shutdown.is_set():
                    break
            for name, total in totals.items():
                summary_only = name.startswith(SUMMARY_ONLY_PREFIXES)
                self._live.log_metric(
                    name,
                    total / taken,
                    timestamp=True,
                    plot=None if summary_only else True,  # type: ignore[arg-type]
                )

    def _sample(self) -> dict[str, float] | None:
        import psutil

        try:
            metrics = {**self._cpu(), **self._ram(), **self._disks()}
        except psutil.Error:
            if self._warn_cpu_problem:
                logger.exception("Failed to monitor CPU metrics")
                self._warn_cpu_problem = False
            return None
        return {**self._gpus(), **metrics}

    def _cpu(self) -> dict[str, float]:
        import psutil

        num_cpus = psutil.cpu_count() or 1
        percents = psutil.cpu_percent(percpu=True)
        active = [p for p in percents if p >= MINIMUM_CPU_USAGE_TO_BE_ACTIVE]
        return {
            METRIC_CPU_COUNT: num_cpus,
            METRIC_CPU_USAGE_PERCENT: mean(percents),
            METRIC_CPU_PARALLELIZATION_PERCENT: len(active) * 100 / num_cpus,
        }

    def _ram(self) -> dict[str, float]:
        import psutil

        ram = psutil.virtual_memory()
        return {
            METRIC_RAM_USAGE_PERCENT: ram.percent,
            METRIC_RAM_USAGE_GB: ram.used / GIGABYTES_DIVIDER,
            METRIC_RAM_TOTAL_GB: ram.total / GIGABYTES_DIVIDER,
        }

    def _disks(self) -> dict[str, float]:
        import psutil

        result: dict[str, float] = {}
        for name, path in self._directories.items():
            try:
                usage = psutil.disk_usage(path)
            except OSError:
                if name not in self._missing_directories:
                    logger.warning(f"Couldn't find directory '{path}', ignoring it.")
                    self._missing_directories.add(name)
                continue
            disk = {
                f"{METRIC_DISK_USAGE_PERCENT}/{name}": usage.percent,
                f"{METRIC_DISK_USAGE_GB}/{name}": usage.used / GIGABYTES_DIVIDER,
                f"{METRIC_DISK_TOTAL_GB}/{name}": usage.total / GIGABYTES_DIVIDER,
            }
            result.update({k.rstrip("/"): v for k, v in disk.items()})
        return result

    def _gpus(self) -> dict[str, float]:
        if not self._gpu_enabled:
            return {}
        try:
            return gpu_metrics()
        except Exception as exc:
            # dvclive drops the whole sample here; we keep CPU/RAM/disk and stop asking. A
            # machine without an NVIDIA driver is normal (info); other failures are warned.
            no_gpu = type(exc).__name__ in _NO_GPU_ERRORS
            log = logger.info if no_gpu else logger.warning
            log(f"Failed to monitor GPU metrics: {exc}")
            self._gpu_enabled = False
            return {}


def gpu_metrics() -> dict[str, float]:
    """One NVML sample of every GPU: usage, VRAM usage and totals (dvclive's names/formula)."""
    import pynvml

    pynvml.nvmlInit()
    try:
        count = pynvml.nvmlDeviceGetCount()
        metrics: dict[str, float] = {METRIC_GPU_COUNT: count}
        for idx in range(count):
            handle = pynvml.nvmlDeviceGetHandleByIndex(idx)
            memory = pynvml.nvmlDeviceGetMemoryInfo(handle)
            usage = pynvml.nvmlDeviceGetUtilizationRates(handle)
            # nvidia-smi's GPU-Util; dvclive logs 100 * memory / gpu utilisation here instead.
            metrics[f"{METRIC_GPU_USAGE_PERCENT}/{idx}"] = usage.gpu
            metrics[f"{METRIC_VRAM_USAGE_PERCENT}/{idx}"] = 100 * memory.used / memory.total
            metrics[f"{METRIC_VRAM_USAGE_GB}/{idx}"] = memory.used / GIGABYTES_DIVIDER
            metrics[f"{METRIC_VRAM_TOTAL_GB}/{idx}"] = memory.total / GIGABYTES_DIVIDER
        return metrics
    finally:
        pynvml.nvmlShutdown()
