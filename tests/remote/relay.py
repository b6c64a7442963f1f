"""A ProxyCommand that adds latency: stdin/stdout <-> a TCP port, each chunk delayed.

``python relay.py HOST PORT DELAY_S [STATS_FILE]`` adds DELAY_S each way (so 0.025 gives
a 50 ms round trip) without limiting throughput, and keeps ``up down`` (bytes from ssh to
the server and back) in STATS_FILE for the benchmarks.
"""

from __future__ import annotations

import os
import queue
import socket
import sys
import threading
import time
from pathlib import Path

CHUNK = 1 << 16


class Counter:
    """Bytes relayed each way, written to a file now and then."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.up = 0
        self.down = 0
        self.lock = threading.Lock()

    def add(self, direction: str, count: int) -> None:
        with self.lock:
            if direction == "up":
                self.up += count
            else:
                self.down += count

    def save(self) -> None:
        if self.path is None:
            return
        with self.lock:
            text = f"{self.up} {self.down}\n"
        temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(text)
        temporary.replace(self.path)


def pump(read: object, write: object, delay: float, counter: Counter, direction: str) -> None:
    """Read chunks, then write each one ``delay`` seconds after it arrived."""
    pending: queue.Queue[tuple[float, bytes]] = queue.Queue()

    def writer() -> None:
        while True:
            due, chunk = pending.get()
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            if not chunk:
                write(b"")  # type: ignore[operator]
                return
            write(chunk)  # type: ignore[operator]
            counter.add(direction, len(chunk))

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    while True:
        try:
            chunk = read(CHUNK)  # type: ignore[operator]
        except OSError:
            chunk = b""
        pending.put((time.monotonic() + delay, chunk))
        if not chunk:
            break
    thread.join()


def main() -> None:
    host, port, delay = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    counter = Counter(Path(sys.argv[4]) if len(sys.argv) > 4 else None)
    connection = socket.create_connection((host, port))
    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def to_server(chunk: bytes) -> None:
        if chunk:
            connection.sendall(chunk)
        else:
            connection.shutdown(socket.SHUT_WR)

    def to_client(chunk: bytes) -> None:
        if chunk:
            view = memoryview(chunk)
            while view:
                view = view[os.write(1, view) :]
        else:
            os.close(1)

    def saver() -> None:
        while True:
            time.sleep(0.2)
            counter.save()

    threading.Thread(target=saver, daemon=True).start()

    def from_client(size: int) -> bytes:
        return os.read(0, size)

    up = threading.Thread(target=pump, args=(from_client, to_server, delay, counter, "up"))
    up.start()
    pump(connection.recv, to_client, delay, counter, "down")
    counter.save()
    os._exit(0)


if __name__ == "__main__":
    main()
