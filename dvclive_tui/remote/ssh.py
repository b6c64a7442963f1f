"""Running the system ``ssh``: one ControlMaster per host, sessions multiplexed over it.

The user's ``~/.ssh/config``, agent, keys and jump hosts apply as they do for ``ssh``;
the options given here only add connection sharing, keepalives and timeouts (on the
command line, so they win over the config). Every call but an explicitly interactive
first connection runs with ``BatchMode=yes``, in a new session (no controlling terminal,
so neither ssh nor a jump host can prompt and freeze the screen) and with its standard
streams piped or closed, never inherited: nothing ssh prints reaches the terminal.
``DVCLIVE_TUI_SSH_COMMAND`` replaces ``ssh`` (e.g. ``ssh -F ~/.ssh/lab_config``).
"""

from __future__ import annotations

import os
import re
import shlex
import stat
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from dvclive_tui.remote.location import RemoteLocation

COMMAND_VARIABLE = "DVCLIVE_TUI_SSH_COMMAND"
SOCKET_PATH_LIMIT = 100
"""Room for a Unix socket path (macOS allows 104 bytes, Linux 108)."""
_SOCKET_NAME_LENGTH = 1 + 40 + 17
"""``/`` + ``%C`` (40 hex digits) + the ``.<16 chars>`` suffix of the master's temp name."""
_PID = re.compile(r"pid=(\d+)")


class SshError(Exception):
    """ssh could not connect or run the command: one readable line."""


@dataclass(frozen=True)
class SshSettings:
    """How ssh is run; the defaults suit an interactive dashboard."""

    command: tuple[str, ...] = field(default_factory=lambda: default_command())
    connect_timeout_s: int = 10
    """Bounds the TCP connect and the ssh handshake of a new connection."""
    alive_interval_s: int = 5
    alive_count: int = 3
    """The master gives up a silent link after interval x count seconds."""
    persist_s: int = 60
    """How long the master outlives its last session (a restart reuses it)."""
    control_dir: Path | None = None
    """Where the master's socket lives (default: a private folder, see
    :func:`control_folder`)."""


def default_command() -> tuple[str, ...]:
    """``ssh``, or the words of ``$DVCLIVE_TUI_SSH_COMMAND``."""
    configured = os.environ.get(COMMAND_VARIABLE, "").strip()
    return tuple(shlex.split(configured)) if configured else ("ssh",)


def control_folder(preferred: Path | None = None) -> Path:
    """A folder only this user can enter, short enough for socket paths.

    ``$XDG_RUNTIME_DIR/dvclive-tui`` when it fits, else ``<tmp>/dvclive-tui-<uid>``.
    Raises :class:`SshError` when the folder is owned by someone else or open to others.
    """
    candidates: list[Path] = []
    if preferred is not None:
        candidates.append(preferred)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isdir(runtime):
        candidates.append(Path(runtime) / "dvclive-tui")
    uid = os.getuid() if hasattr(os, "getuid") else 0
    candidates += [Path(tempfile.gettempdir()) / f"dvclive-tui-{uid}", Path(f"/tmp/dlt-{uid}")]
    for folder in candidates:
        if len(str(folder)) + _SOCKET_NAME_LENGTH <= SOCKET_PATH_LIMIT:
            return _private(folder)
    raise SshError("no folder short enough for ssh control sockets")


def _private(folder: Path) -> Path:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.lstat()
    uid = os.getuid() if hasattr(os, "getuid") else info.st_uid
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != uid or info.st_mode & 0o077:
        raise SshError(f"unsafe folder for ssh control sockets: {folder}")
    return folder


class SshRunner:
    """The ssh invocations for one host: master check/start/stop and session commands."""

    def __init__(self, location: RemoteLocation, settings: SshSettings | None = None) -> None:
        self.location = location
        self.settings = settings or SshSettings()
        self.multiplex = os.name != "nt"
        """Windows' OpenSSH has no ControlMaster: every session connects on its own."""
        self._folder: Path | None = None

    @property
    def folder(self) -> Path:
        """The private folder of the control socket and the master's log."""
        if self._folder is None:
            self._folder = control_folder(self.settings.control_dir)
        return self._folder

    @property
    def log_path(self) -> Path:
        """Where the master writes its messages (``ssh -E``)."""
        user, host, port = self.location.host_key
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{user or ''}@{host}_{port or ''}")
        return self.folder / f"{name[:60]}.log"

    def base(self, *options: str) -> list[str]:
        """ssh, the shared options, ``options``; the destination still to add."""
        settings = self.settings
        args = [*settings.command, "-o", f"ConnectTimeout={settings.connect_timeout_s}"]
        if self.multiplex:
            args += ["-o", f"ControlPath={self.folder}/%C"]
        else:
            args += ["-o", "ControlMaster=no", "-o", "ControlPath=none"]
            args += self._keepalive()
        if self.location.port is not None:
            args += ["-p", str(self.location.port)]
        return [*args, *options]

    def _keepalive(self) -> list[str]:
        settings = self.settings
        return [
            "-o",
            f"ServerAliveInterval={settings.alive_interval_s}",
            "-o",
            f"ServerAliveCountMax={settings.alive_count}",
        ]

    def session_args(self, remote_command: str) -> list[str]:
        """A non-interactive session running ``remote_command`` over the master."""
        options = ["-o", "BatchMode=yes", "-T"]
        if self.multiplex:
            options += ["-o", "ControlMaster=no"]
        return [*self.base(*options), "--", self.location.destination, remote_command]

    def master_pid(self) -> int | None:
        """The running master's process id (``ssh -O check``), or ``None``."""
        if not self.multiplex:
            return None
        args = [*self.base("-O", "check"), "--", self.location.destination]
        result = run_quiet(args, timeout=self.settings.connect_timeout_s + 5)
        if result is None or result.returncode != 0:
            return None
        found = _PID.search(result.stderr)
        return int(found.group(1)) if found else 0

    def start_master(self, *, interactive: bool = False) -> None:
        """Start the shared connection (after a failed check); :class:`SshError` if not.

        ``interactive`` lets ssh ask for passwords and host keys on the terminal, for a
        first connection made before a full-screen view starts.
        """
        if not self.multiplex:
            return
        settings = self.settings
        options = [
            "-o",
            "ControlMaster=auto",
            "-o",
            f"ControlPersist={settings.persist_s}",
            *self._keepalive(),
            "-f",
            "-N",
            "-E",
            str(self.log_path),
        ]
        if not interactive:
            options += ["-o", "BatchMode=yes"]
        args = [*self.base(*options), "--", self.location.destination]
        self.log_path.write_bytes(b"")
        timeout = settings.connect_timeout_s * 3 + 30
        try:
            if interactive:
                code = subprocess.run(args, check=False, timeout=None).returncode
            else:
                code = subprocess.run(
                    args,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                    check=False,
                    timeout=timeout,
                ).returncode
        except subprocess.TimeoutExpired:
            raise SshError("no answer (connection attempt timed out)") from None
        except OSError as exc:
            raise SshError(f"cannot run {settings.command[0]}: {exc.strerror or exc}") from None
        if code != 0:
            raise SshError(self.last_log_line() or f"ssh exited with status {code}")

    def stop_master(self) -> None:
        """Ask the master to exit now (``ssh -O exit``)."""
        if self.multiplex:
            run_quiet([*self.base("-O", "exit"), "--", self.location.destination], timeout=15)

    def last_log_line(self) -> str:
        """The master's last message, without ssh's log prefixes."""
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return last_line(text)


def last_line(text: str) -> str:
    """The last non-empty line of ssh's messages, whitespace collapsed."""
    for line in reversed(text.splitlines()):
        line = " ".join(line.split())
        if line:
            return line
    return ""


def run_quiet(args: list[str], timeout: float) -> subprocess.CompletedProcess[str] | None:
    """Run a short ssh control command detached from the terminal; ``None`` if it hangs."""
    try:
        return subprocess.run(
            args,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            start_new_session=True,
            check=False,
            timeout=timeout,
        )
    except (subprocess.TimeoutExpired, OSError):
        return None
