"""A real ``sshd`` on 127.0.0.1 for the tests and benchmarks, with a bare remote side.

Throw-away host and user keys, a free port, a client config with host aliases, and a
remote ``PATH`` holding only ``sh``, coreutils and ``find`` (nothing of this project, no
Python): what the remote agent may rely on. The remote ``HOME`` is a fresh folder whose
``.bashrc`` prints a greeting, as some login set-ups do.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SSHD = Path("/usr/sbin/sshd")
REMOTE_TOOLS = [
    "basename",
    "cat",
    "chmod",
    "cksum",
    "cp",
    "cut",
    "date",
    "dd",
    "df",
    "dirname",
    "du",
    "echo",
    "env",
    "expr",
    "false",
    "head",
    "id",
    "ln",
    "ls",
    "mkdir",
    "mv",
    "od",
    "printf",
    "pwd",
    "readlink",
    "rm",
    "rmdir",
    "sleep",
    "sort",
    "stat",
    "tail",
    "tee",
    "test",
    "touch",
    "tr",
    "true",
    "uname",
    "wc",
]
"""coreutils programs linked into the remote ``PATH`` (plus ``sh`` and ``find``)."""
ALIAS = "dlt-test"
SLOW_ALIAS = "dlt-slow"
SILENT_ALIAS = "dlt-silent"
GREETING = "welcome from the login script"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tool_folder(folder: Path, *, busybox: bool = False, extra: tuple[str, ...] = ()) -> Path:
    """``folder`` filled with ``sh``, coreutils and ``find`` links (or BusyBox applets),
    plus the ``extra`` programs (the benchmarks' rsync)."""
    folder.mkdir(parents=True, exist_ok=True)
    names = ["sh", "find", *REMOTE_TOOLS, *extra]
    if busybox:
        applets = set(
            subprocess.run(
                ["busybox", "--list"], capture_output=True, text=True, check=True
            ).stdout.split()
        )
        for name in names:
            if name in applets:
                (folder / name).symlink_to("/bin/busybox")
        return folder
    for name in names:
        found = shutil.which(name, path="/usr/bin:/bin")
        if found is not None:
            (folder / name).symlink_to(found)
    return folder


@dataclass
class SilentServer:
    """Accepts TCP connections and never answers: a host that hangs in the handshake."""

    port: int = 0
    _socket: socket.socket | None = None
    _held: list[socket.socket] = field(default_factory=list)

    def start(self) -> None:
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        self.port = int(server.getsockname()[1])
        self._socket = server
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        assert self._socket is not None
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            self._held.append(connection)

    def stop(self) -> None:
        if self._socket is not None:
            self._socket.close()
        for connection in self._held:
            connection.close()


@dataclass
class SshTestHost:
    """One sshd with its keys, remote tools and a client config (see the module doc)."""

    folder: Path
    busybox: bool = False
    extra_tools: tuple[str, ...] = ()
    greeting: bool = True
    """Whether the login script prints :data:`GREETING` (rsync cannot stand it)."""
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    silent: SilentServer = field(default_factory=SilentServer)

    @property
    def config(self) -> Path:
        return self.folder / "ssh_config"

    @property
    def home(self) -> Path:
        return self.folder / "home"

    @property
    def relay_stats(self) -> Path:
        return self.folder / "relay.stats"

    @property
    def ssh_command(self) -> tuple[str, ...]:
        return ("ssh", "-F", str(self.config))

    def prepare(self) -> None:
        folder = self.folder
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("host_key", "user_key"):
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / name)],
                check=True,
            )
        shutil.copy(folder / "user_key.pub", folder / "authorized_keys")
        tools = tool_folder(folder / "bin", busybox=self.busybox, extra=self.extra_tools)
        self.home.mkdir(exist_ok=True)
        (self.home / ".bashrc").write_text(f"echo '{GREETING}'\n" if self.greeting else "")
        self.port = free_port()
        self.silent.start()
        host_key = (folder / "host_key.pub").read_text().split()
        (folder / "known_hosts").write_text(
            f"[127.0.0.1]:{self.port} {host_key[0]} {host_key[1]}\n"
        )
        (folder / "sshd_config").write_text(
            "\n".join(
                [
                    f"ListenAddress 127.0.0.1:{self.port}",
                    f"HostKey {folder / 'host_key'}",
                    f"AuthorizedKeysFile {folder / 'authorized_keys'}",
                    f"PidFile {folder / 'sshd.pid'}",
                    "StrictModes no",  # the keys live under a world-writable /tmp
                    "UsePAM no",
                    "PermitRootLogin prohibit-password",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PrintMotd no",
                    "PrintLastLog no",
                    "X11Forwarding no",
                    "MaxStartups 50",
                    "MaxSessions 50",
                    f"SetEnv PATH={tools} HOME={self.home}",
                    "LogLevel ERROR",
                    "",
                ]
            )
        )
        relay = Path(__file__).with_name("relay.py")
        common = [
            "  HostName 127.0.0.1",
            f"  Port {self.port}",
            f"  User {getpass.getuser()}",
            f"  IdentityFile {folder / 'user_key'}",
            "  IdentitiesOnly yes",
            f"  UserKnownHostsFile {folder / 'known_hosts'}",
            "  StrictHostKeyChecking yes",
            "  LogLevel ERROR",
        ]
        proxy = f"  ProxyCommand {sys.executable} {relay} %h %p 0.025 {self.relay_stats}"
        (folder / "ssh_config").write_text(
            "\n".join(
                [
                    f"Host {ALIAS}",
                    *common,
                    f"Host {SLOW_ALIAS}",
                    *common,
                    proxy,
                    f"Host {SILENT_ALIAS}",
                    "  HostName 127.0.0.1",
                    f"  Port {self.silent.port}",
                    "  BatchMode yes",
                    "",
                ]
            )
        )

    def start(self) -> None:
        if os.geteuid() == 0:
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation
        self.process = subprocess.Popen(
            [str(SSHD), "-D", "-e", "-f", str(self.folder / "sshd_config")],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=(self.folder / "sshd.log").open("ab"),
            start_new_session=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.folder / "sshd.log").read_text(errors="replace")
                raise RuntimeError(f"sshd did not start: {log[-500:]}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1),
            ):
                return
            time.sleep(0.05)
        raise RuntimeError("sshd did not listen in time")

    def stop(self) -> None:
        """Stop the listening daemon (sessions already running keep going)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def close(self) -> None:
        """Stop sshd and every session process it started."""
        if self.process is not None:
            for pid in descendants(self.process.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        self.stop()
        self.silent.stop()


def descendants(pid: int) -> list[int]:
    """The processes below ``pid`` (Linux ``/proc``)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
    found: list[int] = []
    frontier = [pid]
    while frontier:
        current = frontier.pop()
        children = [child for child, parent in parents.items() if parent == current]
        found += children
        frontier += children
    return found


@contextlib.contextmanager
def running_host(
    folder: Path, *, busybox: bool = False, extra_tools: tuple[str, ...] = ()
) -> Iterator[SshTestHost]:
    """A started :class:`SshTestHost`, stopped afterwards."""
    host = SshTestHost(folder, busybox=busybox, extra_tools=extra_tools, greeting=not extra_tools)
    host.prepare()
    host.start()
    try:
        yield host
    finally:
        host.close()
