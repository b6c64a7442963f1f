"""Remote runs over ssh: first screen, append -> on screen, bytes per poll, processes, each
side by side with ``rsync -a`` of the run folder per poll (then a local read) as the anchor.

A throw-away sshd on 127.0.0.1 (remote side: sh, coreutils, find, and rsync for the
anchor) is reached through a relay adding 25 ms each way (50 ms round trip), as a
ProxyCommand of the test ssh config; the relay counts the bytes both ways (ssh framing and
encryption included). Everything goes through the dashboard's own stack: a
:class:`~dvclive_tui.monitor.watcher.RunWatcher` with a remote root (discovery, the run
reader, the remote transport, publishing).

- ``first screen``: seconds from nothing (no connection) to the watcher's first poll having
  published every row of a STEPS x 10-metric run (target <= 2 s);
- ``append -> on screen``: p50/p95 seconds from a row appended on the host to the row in
  the published run, polling every ``--interval`` (default: the dashboard's; target p95
  <= 1 s);
- ``idle poll``: bytes per poll of a 100-file run where nothing changes (target <= 2 KB);
- ``per row``: bytes per appended row when every poll appends one row to each of 10
  metrics (target <= row size + 2 KB);
- ``ssh processes``: local ssh processes for 4 runs on one host (target: 2, the master and
  one session, whatever the number of runs).

Run: ``.venv/bin/python benchmarks/bench_remote.py`` (``--steps 2000 --polls 5 --appends 10``
for a smoke run). Needs ``/usr/sbin/sshd`` and ``rsync``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dvclive_tui.monitor.watcher import RunWatcher
from dvclive_tui.remote.location import RemoteLocation
from dvclive_tui.remote.ssh import SshSettings
from dvclive_tui.remote.transport import RemotePool
from dvclive_tui.settings import DEFAULT_INTERVAL
from dvclive_writer.read.model import Run
from dvclive_writer.read.reader import RunReader
from tests.remote.sshd import SLOW_ALIAS, SshTestHost, running_host

METRICS = 10


def relay_bytes(host: SshTestHost) -> int:
    """Bytes the relay has carried both ways so far (its file lags 0.2 s)."""
    time.sleep(0.45)
    try:
        up, down = host.relay_stats.read_text().split()
    except (OSError, ValueError):
        return 0
    return int(up) + int(down)


def make_run(run: Path, files: int, steps: int) -> list[str]:
    """A dvclive run: METRICS TSVs of ``steps`` rows, then small files up to ``files``;
    returns the TSV paths (relative)."""
    metrics = run / "plots" / "metrics"
    metrics.mkdir(parents=True)
    names = []
    for index in range(METRICS):
        rows = "".join(f"{1_700_000_000_000 + s}\t{s}\t{1 / (s + 1):.6f}\n" for s in range(steps))
        (metrics / f"m{index}.tsv").write_text(f"timestamp\tstep\tm{index}\n{rows}")
        names.append(f"plots/metrics/m{index}.tsv")
    (run / "metrics.json").write_text('{"step": 0}')
    (run / "params.yaml").write_text("lr: 0.1\n")
    images = run / "plots" / "images"
    images.mkdir()
    for index in range(files - METRICS - 2):
        (images / f"img{index}.png").write_bytes(b"\x89PNG" + bytes(200))
    return names


def append_row(run: Path, rel: str, step: int) -> int:
    """One row appended as dvclive does; its size."""
    row = f"{int(time.time() * 1000)}\t{step}\t{0.5:.6f}\n"
    with (run / rel).open("a") as handle:
        handle.write(row)
    return len(row)


def rsync_poll(host: SshTestHost, control: Path, run: Path, target: Path) -> None:
    shell = f"ssh -F {host.config} -o ControlPath={control}/%C -o ControlMaster=no"
    subprocess.run(
        ["rsync", "-a", "-e", shell, f"{SLOW_ALIAS}:{run}/", f"{target}/"],
        check=True,
        stdin=subprocess.DEVNULL,
        capture_output=True,
    )


def ssh_processes(control: Path) -> int:
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                words = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if words[0].endswith(b"ssh") and any(str(control).encode() in w for w in words):
                count += 1
    return count


def rows_of(run: Run, metric: str) -> int:
    series = run.metrics.get(metric)
    return 0 if series is None else len(series)


def latencies(
    poll: Callable[[], int], append: Callable[[int], None], interval: float, count: int
) -> list[float]:
    """Seconds from each of ``count`` appends (at random moments) to the first poll that
    shows it; ``poll`` polls and returns the rows shown, ``append`` appends row N."""
    shown = poll()
    appended: dict[int, float] = {}
    seen: list[float] = []
    stop = threading.Event()

    def writer() -> None:
        for index in range(count):
            time.sleep(random.uniform(0.3, 0.7))
            appended[shown + index + 1] = time.monotonic()
            append(shown + index)
        stop.set()

    thread = threading.Thread(target=writer)
    thread.start()
    while True:
        started = time.monotonic()
        rows = poll()
        now = time.monotonic()
        for row, when in list(appended.items()):
            if row <= rows:
                seen.append(now - when)
                del appended[row]
        if stop.is_set() and not appended:
            break
        time.sleep(max(interval / 4, interval - (time.monotonic() - started)))
    thread.join()
    return seen


def quantiles(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {statistics.median(ordered):.2f} s, p95 {p95:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--polls", type=int, default=20)
    parser.add_argument("--appends", type=int, default=40)
    parser.add_argument("--interval", type=float, default=DEFAULT_INTERVAL)
    options = parser.parse_args()
    if shutil.which("rsync") is None:
        sys.exit("bench_remote needs rsync")
    folder = Path(tempfile.mkdtemp(prefix="dltb", dir="/tmp"))
    try:
        with running_host(folder / "h", extra_tools=("rsync",)) as host:
            bench(host, folder, options)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def bench(host: SshTestHost, folder: Path, options: argparse.Namespace) -> None:
    steps, polls = options.steps, options.polls
    control = folder / "c"
    pool = RemotePool(SshSettings(command=host.ssh_command, control_dir=control))
    print(f"relay: 25 ms each way; run: {METRICS} metrics x {steps} steps, 100 files")

    # First screen: no connection yet, one poll of the watcher publishes the whole run.
    big = folder / "big"
    tails = make_run(big, 100, steps)
    size = sum(p.stat().st_size for p in big.rglob("*") if p.is_file())
    location = RemoteLocation(SLOW_ALIAS, str(big))
    started = time.perf_counter()
    pool.host(location).connect()
    connected = time.perf_counter()
    watcher = RunWatcher([], remote=[location], pool=pool)
    watcher.poll()
    done = time.perf_counter()
    [run] = watcher.runs
    assert rows_of(run, "m0") == steps, rows_of(run, "m0")
    anchor_target = folder / "rsync-big"
    anchor_start = time.perf_counter()
    rsync_poll(host, control, big, anchor_target)
    anchor_copied = time.perf_counter()
    local = RunReader(anchor_target)
    local.poll()
    anchor_done = time.perf_counter()
    print(
        f"first screen ({size / 1e6:.1f} MB): {done - started:.2f} s "
        f"(connect {connected - started:.2f} s, discover+read {done - connected:.2f} s); "
        f"rsync -a then a local read: {anchor_done - anchor_start:.2f} s "
        f"(rsync {anchor_copied - anchor_start:.2f} s) (target <= 2 s)"
    )

    # Append -> on screen at the dashboard's interval.
    interval = options.interval

    def remote_poll() -> int:
        watcher.poll()
        with watcher.lock:
            return rows_of(run, "m0")

    def anchor_poll() -> int:
        rsync_poll(host, control, big, anchor_target)
        local.poll()
        return rows_of(local.run, "m0")

    def append(step: int) -> None:
        append_row(big, tails[0], step)

    remote_latency = latencies(remote_poll, append, interval, options.appends)
    anchor_latency = latencies(anchor_poll, append, interval, options.appends)
    print(
        f"append -> on screen every {interval:g} s: {quantiles(remote_latency)}; "
        f"rsync -a + local read: {quantiles(anchor_latency)} (target p95 <= 1 s)"
    )

    # Idle polls of the 100-file run (the reader's own wants, listing included when due).
    watcher.poll()
    before = relay_bytes(host)
    for _ in range(polls):
        watcher.poll(everything=True)
        time.sleep(interval)
    idle = (relay_bytes(host) - before) / polls
    before = relay_bytes(host)
    for _ in range(polls):
        rsync_poll(host, control, big, anchor_target)
    idle_rsync = (relay_bytes(host) - before) / polls
    print(f"idle poll: {idle:.0f} B; rsync -a: {idle_rsync:.0f} B (target <= 2048 B)")

    # One row appended to each of the 10 metrics per poll.
    row_size = 0
    before = relay_bytes(host)
    for poll in range(polls):
        for name in tails:
            row_size = append_row(big, name, 10 * steps + poll)
        watcher.poll(everything=True)
    per_row = (relay_bytes(host) - before) / (polls * METRICS)
    before = relay_bytes(host)
    for poll in range(polls):
        for name in tails:
            append_row(big, name, 20 * steps + poll)
        rsync_poll(host, control, big, anchor_target)
    per_row_rsync = (relay_bytes(host) - before) / (polls * METRICS)
    print(
        f"per appended row ({row_size} B, 10 rows per poll): {per_row:.0f} B; "
        f"rsync -a: {per_row_rsync:.0f} B (target <= {row_size + 2048} B)"
    )

    # Processes: four runs on the host, polled together.
    for index in range(3):
        make_run(folder / "more" / f"run{index}", 20, 10)
    fleet = RunWatcher([], remote=[RemoteLocation(SLOW_ALIAS, str(folder / "more"))], pool=pool)
    fleet.poll(everything=True)
    watcher.poll(everything=True)
    print(f"ssh processes for 1 host and 4 runs: {ssh_processes(control)} (target 2)")
    watcher.close()
    fleet.close()
    pool.close(stop_masters=True)


if __name__ == "__main__":
    main()
