"""Metric history: append-only TSV files under ``<dir>/plots/metrics``, byte-identical to dvclive.

A row is formatted by the ``csv`` module (tab delimiter, ``os.linesep``, minimal quoting) and
written with a single ``write`` on a file descriptor opened in append mode and kept open, so a
step costs one system call per metric whatever the history length, and a killed process
leaves at most its last line partial (a later run appending to that file ends the partial line
first). The header is written only when the file did not exist.
"""

from __future__ import annotations

import contextlib
import csv
import os
import threading
import time
from pathlib import Path
from typing import Any

from dvclive_writer.utils import is_numpy_scalar

#: Sub-folder of ``plots_dir`` holding metric histories, and the suffixes readers accept.
SUBFOLDER = "metrics"
SUFFIXES = (".csv", ".tsv")


def _max_open_files() -> int:
    """Half the soft descriptor limit, between 64 and 4096."""
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (ImportError, OSError, ValueError):  # pragma: no cover - non-POSIX
        return 256
    if soft == resource.RLIM_INFINITY:
        return 4096
    return max(64, min(4096, soft // 2))


#: At most this many history files stay open; beyond that, all are closed and reopened lazily.
MAX_OPEN_FILES = _max_open_files()


def could_log(val: object) -> bool:
    """True for the values dvclive accepts: int, float, str (bool too) and numpy scalars."""
    return isinstance(val, int | float | str) or is_numpy_scalar(val)


class _RowFormatter:
    """Formats one row exactly as ``csv.DictWriter(delimiter="\\t", lineterminator=linesep)``."""

    __slots__ = ("_last", "_writer")

    def __init__(self) -> None:
        self._last = ""
        self._writer = csv.writer(self, delimiter="\t", lineterminator=os.linesep)

    def write(self, text: str) -> None:
        self._last = text

    def format(self, values: list[Any]) -> bytes:
        self._writer.writerow(values)
        return self._last.encode("utf-8")


class _OpenFiles:
    """Append-mode descriptors of the history files, shared by every metric of a ``Live``."""

    def __init__(self) -> None:
        self._fds: dict[str, int] = {}
        self._lock = threading.Lock()

    def append(self, path: str, row: bytes, header: bytes) -> None:
        """Append ``row`` to ``path``, writing ``header`` first if the file did not exist."""
        with self._lock:
            fd = self._fds.get(path)
            if fd is None:
                fd = self._open(path, header)
            os.write(fd, row)

    def _open(self, path: str, header: bytes) -> int:
        if len(self._fds) >= MAX_OPEN_FILES:
            self._close_all()
        flags = os.O_RDWR | os.O_APPEND
        try:
            fd = os.open(path, flags)
            _terminate_last_line(fd)
        except FileNotFoundError:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            try:
                fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                fd = os.open(path, flags)
            else:
                os.write(fd, header)
        self._fds[path] = fd
        return fd

    def close(self) -> None:
        """Close every descriptor; later appends reopen (and re-check existence)."""
        with self._lock:
            self._close_all()

    def _close_all(self) -> None:
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # interpreter shutdown
            self._close_all()


def _terminate_last_line(fd: int) -> None:
    """End a partial last line (left by a killed writer) so the next row starts on its own."""
    size = os.fstat(fd).st_size
    if size and hasattr(os, "pread") and os.pread(fd, 1, size - 1) != b"\n":
        os.write(fd, os.linesep.encode())


class Metric:
    """One logged metric: its TSV history path, column name and summary key path."""

    subfolder = SUBFOLDER
    suffixes = SUFFIXES

    def __init__(self, name: str, plots_dir: str, files: _OpenFiles) -> None:
        self.name = name
        self.step: Any = -1
        self.output_path = f"{Path(plots_dir) / SUBFOLDER / name}.tsv"
        self.column = os.path.basename(name)
        self.summary_keys = os.path.normpath(name).split(os.path.sep)
        self._files = files
        self._formatter = _RowFormatter()
        self._headers: dict[bool, bytes] = {}

    def dump(self, val: Any, timestamp: bool = False) -> None:
        """Append one row ``[timestamp] step value`` at ``self.step``."""
        fmt = self._formatter
        if timestamp:
            row = fmt.format([int(time.time() * 1000), self.step, val])
        else:
            row = fmt.format([self.step, val])
        header = self._headers.get(timestamp)
        if header is None:
            columns = ["timestamp", "step", self.column] if timestamp else ["step", self.column]
            header = self._headers[timestamp] = fmt.format(columns)
        self._files.append(self.output_path, row, header)


def new_open_files() -> _OpenFiles:
    """A fresh descriptor cache for one ``Live``."""
    return _OpenFiles()
