"""Sessions: the dashboard's state saved per set of watched paths, restored by ``--resume``.

A dropped SSH connection should lose nothing. :class:`SessionState` is the plain data to
save; :class:`SessionStore` keeps it in
``$XDG_STATE_HOME/dvclive-tui/sessions/<key>.json`` (``~/.local/state`` without the
variable), ``<key>`` being a hash of the sorted absolute watched paths, so ``watch a b``
and ``watch b a`` share one session. Writes are atomic (a temporary file in the same folder,
``fsync``, ``os.replace``; mode 0600). Reading is tolerant: a missing file is no session; a
corrupt file, one of another program or of a newer schema is ignored with one warning
(and overwritten at the next save). :class:`SessionSaver` debounces saves: the state is
written at most :data:`SAVE_DELAY` seconds after a change, and at most once per delay
while changes keep coming, so it is on disk within 2 s of any change.

File format (schema version :data:`SESSION_VERSION`)::

    {"version": 1, "paths": ["/abs/a", "/abs/b"], "saved": 1700000000.0,
     "state": {<the SessionState fields>}}
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dvclive_tui.monitor.fleet_choices import FleetChoices

SESSION_VERSION = 1
SAVE_DELAY = 1.0
"""Seconds from a change to its save (and between two saves)."""
APP_FOLDER = "dvclive-tui"


@dataclass
class SessionState(FleetChoices):
    """What the dashboard restores: the runs view's choices (:class:`FleetChoices`: its
    filter, sort, group, columns, selected, hidden, pinned, starred runs and collapsed
    groups) and the rest below. Runs are named by absolute path, charts by metric name.

    Unknown fields in a file are ignored and missing ones take their defaults, so a file
    written by a newer version of the same schema still loads.
    """

    tab: str = "charts"
    """Active tab id (``charts``, ``system``, ``tables``, ``images``, ``plots``, ``runs``)."""
    layout: str = ""
    """Named layout of the screen (views decide the names)."""
    charts_per_page: int = 4
    page: int = 0
    metric_list: bool = True
    """Whether the metric list is shown beside the charts."""
    metric_filter: str = ""
    """The ``/`` filter of metrics."""
    cursor_run: str = ""
    """The run under the cursor in the runs view."""
    smoothing: float = 0.0
    log_y: bool = False
    x_axis: str = "step"
    follow: bool = True
    zoom: dict[str, list[float]] = field(default_factory=dict)
    """Chart (metric name) -> visible x range ``[low, high]``."""
    cursors: dict[str, float] = field(default_factory=dict)
    """Chart (metric name) -> x of the value cursor."""
    focused_chart: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready fields."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SessionState:
        """Build from a mapping; unknown keys are dropped, mistyped values keep defaults."""
        defaults = cls()
        kwargs: dict[str, Any] = {}
        for spec in dataclasses.fields(cls):
            if spec.name not in data:
                continue
            value, default = data[spec.name], getattr(defaults, spec.name)
            if _same_shape(value, default):
                kwargs[spec.name] = value
        return cls(**kwargs)


def _same_shape(value: Any, default: Any) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, str):
        return isinstance(value, str)
    if isinstance(default, list):
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    if isinstance(default, dict):
        return isinstance(value, dict) and all(
            isinstance(key, str) and (_number(item) or _numbers(item))
            for key, item in value.items()
        )
    return False


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _numbers(value: Any) -> bool:
    return isinstance(value, list) and all(_number(item) for item in value)


def state_home(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_STATE_HOME`` if set and absolute, else ``~/.local/state``."""
    env = os.environ if environ is None else environ
    configured = env.get("XDG_STATE_HOME", "")
    if configured and os.path.isabs(configured):
        return Path(configured)
    return Path(env.get("HOME") or os.path.expanduser("~")) / ".local" / "state"


def session_key(paths: Sequence[str | os.PathLike[str]]) -> str:
    """Hash of the sorted absolute paths (order and ``./`` spelling do not matter)."""
    absolute = sorted({os.path.abspath(os.fspath(path)) for path in paths})
    digest = hashlib.sha256("\0".join(absolute).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:24]


class SessionStore:
    """Loads and saves the session of one set of watched paths.

    Args:
        paths: The watched paths (as given; made absolute).
        root: The state folder (default :func:`state_home`).
    """

    def __init__(self, paths: Sequence[str | os.PathLike[str]], root: Path | None = None) -> None:
        self.paths = sorted({os.path.abspath(os.fspath(path)) for path in paths})
        folder = (root if root is not None else state_home()) / APP_FOLDER / "sessions"
        self.path = folder / f"{session_key(self.paths)}.json"

    def load(self, warn: Callable[[str], None] | None = None) -> SessionState | None:
        """The saved state, or ``None`` (no file; or an unusable one, with one warning)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            _ignored(warn, f"cannot read {self.path}: {error.strerror or error}")
            return None
        try:
            document = json.loads(raw)
        except (ValueError, RecursionError):
            _ignored(warn, f"{self.path} is not valid JSON")
            return None
        if not isinstance(document, dict) or not isinstance(document.get("state"), dict):
            _ignored(warn, f"{self.path} is not a dvclive-tui session")
            return None
        version = document.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            _ignored(warn, f"{self.path} has no valid version")
            return None
        if version > SESSION_VERSION:
            _ignored(warn, f"{self.path} was written by a newer dvclive-tui (v{version})")
            return None
        return SessionState.from_dict(document["state"])

    def save(self, state: SessionState, *, now: float | None = None) -> None:
        """Write ``state`` atomically (raises ``OSError`` when the folder is not writable)."""
        document = {
            "version": SESSION_VERSION,
            "paths": self.paths,
            "saved": time.time() if now is None else now,
            "state": state.to_dict(),
        }
        data = json.dumps(document, indent=1, allow_nan=False, default=str).encode() + b"\n"
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(prefix=".session-", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    def clear(self) -> None:
        """Delete the saved session, if any."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def _ignored(warn: Callable[[str], None] | None, message: str) -> None:
    if warn is not None:
        warn(f"session ignored: {message}")


@dataclass(frozen=True)
class SessionStart:
    """The session of the watched paths: where it is saved and what ``--resume`` restored."""

    store: SessionStore
    restored: SessionState | None = None
    note: str = ""
    """A line for the dashboard about the resume (e.g. nothing was saved for these paths)."""


class SessionSaver:
    """Debounced saving: call :meth:`changed` on every change, :meth:`tick` often.

    :meth:`tick` saves when the oldest unsaved change is :data:`SAVE_DELAY` old, so a save
    lands within ``delay`` plus the tick period of any change even while changes keep
    coming. :meth:`start` runs the ticks in a daemon thread; :meth:`close` stops it and
    saves what is pending. A failed save is reported once through ``warn`` and retried at
    the next change.

    Args:
        store: Where to save.
        delay: Seconds from a change to its save.
        clock: Monotonic clock (tests inject one).
        warn: Reports a failed save (one line).
    """

    def __init__(
        self,
        store: SessionStore,
        *,
        delay: float = SAVE_DELAY,
        clock: Callable[[], float] = time.monotonic,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.delay = delay
        self.saves = 0
        """How many saves were written."""
        self._clock = clock
        self._warn = warn
        self._lock = threading.Lock()
        self._state: SessionState | None = None
        self._since: float | None = None
        self._failed = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def changed(self, state: SessionState) -> None:
        """Remember ``state`` as the newest one to save (a copy is taken)."""
        snapshot = SessionState.from_dict(state.to_dict())
        with self._lock:
            self._state = snapshot
            if self._since is None:
                self._since = self._clock()

    def tick(self) -> bool:
        """Save if the oldest unsaved change is ``delay`` old; return whether it saved."""
        with self._lock:
            due = self._since is not None and self._clock() - self._since >= self.delay
        return self.flush() if due else False

    def flush(self) -> bool:
        """Save the pending state now, if any; return whether it saved."""
        with self._lock:
            state, self._state, self._since = self._state, None, None
        if state is None:
            return False
        try:
            self.store.save(state)
        except OSError as error:
            if not self._failed and self._warn is not None:
                self._warn(f"cannot save the session: {error.strerror or error}")
            self._failed = True
            return False
        self._failed = False
        self.saves += 1
        return True

    def start(self) -> None:
        """Tick in a daemon thread (four times per delay) until :meth:`close`."""
        if self._thread is not None:
            return

        def loop() -> None:
            while not self._stop.wait(self.delay / 4):
                self.tick()

        self._thread = threading.Thread(target=loop, name="dvclive-tui-session", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the thread and save what is pending."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.flush()
