"""Run status: is a writer alive, has it stalled, or has it finished?

The rule, in order (``T`` is the stall threshold: ``max(10 x median step interval, 30 s)``,
the interval learned from the TSV timestamps and from steps seen arriving):

1. No data yet: **waiting**.
2. A signal file (:mod:`~dvclive_writer.read.signals`, DVC repositories only) whose pid is
   alive and that belongs to this run: **running**, or **stalled** once no new step came for
   ``T``. The pid check decides: a live signal file of this run seen earlier and gone now
   (dvclive removes it at ``end()``), or one whose pid is dead (a killed run): **finished**.
3. Without a live signal file:

   - a final ``report.html`` newer than every other write — ``dvclive_writer``'s build at
     ``end()`` drops the auto-refresh tag and says "Finished." (dvclive's own ``end()``
     leaves no marker): **finished**;
   - the last write is at most ``T`` old: **running**;
   - else **stalled** when this reader saw the run grow (new steps after its first look)
     and then stop without a finish marker, **finished** when it only ever saw the run at
     rest (a one-shot ``ls``, a run opened after it ended).

   A run watched live in a plain folder (no DVC repository, no report) that ends normally
   therefore reads stalled: no file tells that apart from a hung or killed process.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from pathlib import Path

from dvclive_writer.read.files import REPORT_CAP, FileStat
from dvclive_writer.read.model import RunStatus
from dvclive_writer.read.signals import WriterSignal
from dvclive_writer.read.transport import Got, Transport, Want, read_one

MIN_STALL_SECONDS = 30.0
STALL_FACTOR = 10.0
SIGNAL_SLACK_SECONDS = 5.0
"""A signal file belongs to a run whose last write is at most this much older than it."""
REPORT_FILE = "report.html"
REFRESH_TAG = b'http-equiv="refresh"'
"""Present in a live html report (ours while running, dvclive's always)."""
FINISHED_MARK = b'<p class="status">Finished.'
"""The status line of ``dvclive_writer``'s final html report (written at ``end()``)."""
_HEAD_BYTES = 1024
_DOCTYPE = b"<!DOCTYPE html>"


def find_dvc_root(run_dir: Path, is_dir: Callable[[Path], bool] = Path.is_dir) -> Path | None:
    """The DVC root whose signal files speak for ``run_dir``.

    For a run inside DVC's temporary workspaces (``<root>/.dvc/tmp/exps/...``) that is
    ``<root>``: ``dvc exp run`` sets ``DVC_ROOT`` to it and dvclive writes its signal files
    there, not into the workspace copy. Otherwise it is the nearest ancestor of ``run_dir``
    (itself included) holding a ``.dvc`` folder (``is_dir`` answers, from a transport's
    stats in the run reader).
    """
    parts = run_dir.parts
    for index in range(len(parts) - 2):
        if parts[index : index + 3] == (".dvc", "tmp", "exps"):
            return Path(*parts[:index])
    for folder in (run_dir, *run_dir.parents):
        if is_dir(folder / ".dvc"):
            return folder
    return None


def signal_applies(signal: WriterSignal, last_write: float | None) -> bool:
    """Whether a signal file belongs to a run whose newest write is ``last_write``."""
    return last_write is not None and last_write >= signal.mtime - SIGNAL_SLACK_SECONDS


def stall_threshold(step_intervals: Sequence[float]) -> float:
    """Seconds without a new step after which a live run counts as stalled."""
    if not step_intervals:
        return MIN_STALL_SECONDS
    return max(STALL_FACTOR * statistics.median(step_intervals), MIN_STALL_SECONDS)


class FinalReport:
    """Watches a run's ``report.html`` for the final build of ``dvclive_writer``.

    Asks for the file's first kilobyte when its stat changed, and for the whole file (up to
    :data:`~dvclive_writer.read.files.REPORT_CAP`) only when that head holds no auto-refresh
    tag (once per build). No I/O of its own: :meth:`want` / :meth:`apply` / :meth:`apply_whole`.
    """

    __slots__ = ("_finished_at", "_known", "_want")

    def __init__(self) -> None:
        self._known: FileStat | None = None
        self._finished_at: float | None = None
        self._want: Want | None = None

    @property
    def finished_at(self) -> float | None:
        """The final report's mtime (seconds), or ``None`` when there is none."""
        return self._finished_at

    def want(self) -> Want:
        """The report's head, unless it is unchanged since the last answer."""
        want = self._want
        if want is None or want.known is not self._known:
            want = self._want = Want(REPORT_FILE, "head", known=self._known, cap=_HEAD_BYTES)
        return want

    def apply(self, got: Got) -> Want | None:
        """Take the head; returns the whole-file want when the head cannot decide."""
        stat = got.stat
        if stat is None or got.error is not None:
            self._known = None
            self._finished_at = None
            return None
        if got.unchanged(self._known):
            return None
        self._known = stat
        self._finished_at = None
        head = got.data
        if not head.startswith(_DOCTYPE) or REFRESH_TAG in head:
            return None
        if FINISHED_MARK in head:
            self._finished_at = stat.mtime
            return None
        return Want(REPORT_FILE, "whole", cap=REPORT_CAP) if got.truncated else None

    def apply_whole(self, got: Got) -> None:
        """Take the whole file asked for by :meth:`apply`."""
        stat = got.stat
        if stat is None or got.error is not None or stat != self._known:
            return  # gone, too large, or rewritten meanwhile: the next poll looks again
        if FINISHED_MARK in got.data:
            self._finished_at = stat.mtime

    def poll(self, transport: Transport, run_dir: str) -> float | None:
        """Ask ``transport`` for the report of ``run_dir`` and answer :attr:`finished_at`."""
        follow = self.apply(read_one(transport, run_dir, self.want()))
        if follow is not None:
            self.apply_whole(read_one(transport, run_dir, follow))
        return self._finished_at


def decide_status(
    *,
    has_data: bool,
    now: float,
    last_write: float | None,
    last_step_time: float | None,
    step_intervals: Sequence[float],
    signal: WriterSignal | None,
    writer_ended: bool = False,
    finished_at: float | None = None,
    seen_growing: bool = False,
) -> RunStatus:
    """Combine the evidence into a :class:`RunStatus` (the rule is in the module docstring).

    A live signal file counts only when the run wrote at about the same time or after it
    was written (:func:`signal_applies`), so a second run in the same repository is not
    marked running. ``writer_ended`` says that a live signal file of this run was seen
    earlier and is gone now. ``finished_at`` is :meth:`FinalReport.poll`'s answer;
    ``seen_growing`` says the reader saw new steps arrive after its first look.
    """
    if not has_data or last_write is None:
        return RunStatus.WAITING
    threshold = stall_threshold(step_intervals)
    if signal is not None and signal.alive and signal_applies(signal, last_write):
        quiet_for = now - (last_step_time if last_step_time is not None else last_write)
        return RunStatus.STALLED if quiet_for > threshold else RunStatus.RUNNING
    if writer_ended:
        return RunStatus.FINISHED
    killed = signal is not None and not signal.alive
    if killed and signal is not None and last_write <= signal.mtime + SIGNAL_SLACK_SECONDS:
        return RunStatus.FINISHED  # the writer died (a killed run left its signal file)
    if finished_at is not None and finished_at >= last_write:
        return RunStatus.FINISHED
    if now - last_write <= threshold:
        return RunStatus.RUNNING
    return RunStatus.STALLED if seen_growing else RunStatus.FINISHED
