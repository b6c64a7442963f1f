"""Remote runs over ssh: bytes per poll, first fetch time, processes, vs ``rsync -a``.

A throw-away sshd on 127.0.0.1 (remote side: sh, coreutils, find, and rsync for the
anchor) is reached through a relay adding 25 ms each way (50 ms round trip), as a
ProxyCommand of the test ssh config; the relay counts the bytes both ways (ssh framing and
encryption included). Side by side, each poll of the anchor is ``rsync -a`` of the run
folder over the same shared connection.

- ``idle poll``: bytes per poll of a 100-file run where nothing changes (target <= 2 KB);
  the listing is asked every poll (the agent answers "unchanged" in a few bytes).
- ``per row``: bytes per appended row when every poll appends one row to each of 10
  metrics (target <= row size + 2 KB);
- ``first fetch``: seconds from nothing to every byte of a STEPS x 10-metric run here
  (connection included, then without it) (target: first screen <= 2 s);
- ``ssh processes``: local ssh processes for 3 runs on one host (target: constant).

Run: ``.venv/bin/python benchmarks/bench_remote.py`` (``--steps 10000 --polls 5`` for a
smoke run). Needs ``/usr/sbin/sshd`` and ``rsync``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dvclive_tui.remote.host import HostClient, RootRequest
from dvclive_tui.remote.location import RemoteLocation
from dvclive_tui.remote.model import FileStat, Got, Want, data_start
from dvclive_tui.remote.ssh import SshSettings
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
    """A dvclive-like run: METRICS TSVs of ``steps`` rows, then small files up to
    ``files``; returns the TSV names (relative)."""
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


class Reader:
    """Follows every file of a run as the data layer would (tails and documents)."""

    def __init__(self, client: HostClient, root: str, tails: list[str], docs: list[str]) -> None:
        self.client, self.root = client, root
        self.tails = {name: (0, None) for name in tails}
        self.docs: dict[str, FileStat | None] = {name: None for name in docs}
        self.received = 0

    def poll(self, listing: bool = True) -> None:
        wants = [Want(n, "tail", o, 64, k) for n, (o, k) in self.tails.items()]
        wants += [Want(n, "stat", known=k) for n, k in self.docs.items()]
        answer = self.client.exchange([RootRequest(self.root, wants, listing=listing)])[0]
        for want, got in zip(wants, answer.gots, strict=True):
            self._take(want, got)

    def _take(self, want: Want, got: Got) -> None:
        if want.mode == "tail":
            if got.data:
                start = data_start(want, got)
                self.tails[want.rel] = (start + len(got.data), got.stat)
                self.received += len(got.data)
        else:
            self.docs[want.rel] = got.stat

    def complete(self) -> bool:
        return all(known is not None and off >= known.size for off, known in self.tails.values())


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--polls", type=int, default=20)
    options = parser.parse_args()
    if shutil.which("rsync") is None:
        sys.exit("bench_remote needs rsync")
    folder = Path(tempfile.mkdtemp(prefix="dltb", dir="/tmp"))
    try:
        with running_host(folder / "h", extra_tools=("rsync",)) as host:
            bench(host, folder, options.steps, options.polls)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def bench(host: SshTestHost, folder: Path, steps: int, polls: int) -> None:
    control = folder / "c"
    settings = SshSettings(command=host.ssh_command, control_dir=control)
    print(f"relay: 25 ms each way; run: {METRICS} metrics x {steps} steps, 100 files")

    # First full fetch of the big run, a fresh connection.
    big = folder / "big"
    tails = make_run(big, 100, steps)
    docs = [str(p.relative_to(big)) for p in big.rglob("*") if p.is_file() and p.suffix != ".tsv"]
    size = sum(p.stat().st_size for p in big.rglob("*") if p.is_file())
    client = HostClient(RemoteLocation(SLOW_ALIAS, str(big)), settings)
    started = time.perf_counter()
    client.connect()
    connected = time.perf_counter()
    reader = Reader(client, str(big), tails, docs)
    while not reader.complete():
        reader.poll()
    done = time.perf_counter()
    anchor_target = folder / "rsync-big"
    anchor_start = time.perf_counter()
    rsync_poll(host, control, big, anchor_target)
    anchor = time.perf_counter() - anchor_start
    print(
        f"first fetch ({size / 1e6:.1f} MB): {done - started:.2f} s "
        f"(connect {connected - started:.2f} s, read {done - connected:.2f} s); "
        f"rsync -a over the shared connection: {anchor:.2f} s"
    )

    # Idle polls of the 100-file run.
    before = relay_bytes(host)
    for _ in range(polls):
        reader.poll()
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
            row = f"{1_800_000_000_000 + poll}\t{steps + poll}\t{0.5:.6f}\n"
            row_size = len(row)
            with (big / name).open("a") as handle:
                handle.write(row)
        reader.poll()
    per_row = (relay_bytes(host) - before) / (polls * METRICS)
    before = relay_bytes(host)
    for poll in range(polls):
        for name in tails:
            with (big / name).open("a") as handle:
                handle.write(f"{1_900_000_000_000 + poll}\t{steps + poll}\t{0.5:.6f}\n")
        rsync_poll(host, control, big, anchor_target)
    per_row_rsync = (relay_bytes(host) - before) / (polls * METRICS)
    print(
        f"per appended row ({row_size} B, 10 rows per poll): {per_row:.0f} B; "
        f"rsync -a: {per_row_rsync:.0f} B (target <= {row_size + 2048} B)"
    )

    # Processes: three runs on the host.
    others = []
    for index in range(3):
        run = folder / f"run{index}"
        make_run(run, 20, 10)
        others.append(RootRequest(str(run), [Want("metrics.json", "whole")], listing=True))
    client.exchange(others)
    print(f"ssh processes for 1 host and 4 runs: {ssh_processes(control)}")
    client.close(stop_master=True)


if __name__ == "__main__":
    main()
