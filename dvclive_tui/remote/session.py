"""One running agent: a remote ``sh`` fed the agent script, then request after request.

The ssh process runs in its own session with every standard stream piped: its standard
error is drained by a thread (its last line explains a failure) and never reaches the
terminal. Replies are read with a deadline on silence, so a dead link cannot hang a poll.
"""

from __future__ import annotations

import collections
import contextlib
import os
import selectors
import subprocess
import threading
from collections.abc import Callable

from dvclive_tui.remote.script import DISCOVERY_CAP, REMOTE_COMMAND, TIME_LIMIT_S, agent_text
from dvclive_tui.remote.ssh import SshError, SshRunner
from dvclive_tui.remote.wire import HELLO, Hello, WireError, parse_hello

READ_CHUNK = 1 << 20
NOISE_LIMIT = 1 << 20
"""Most bytes of login-script output tolerated before the agent's first line."""
CLOSE_WAIT_S = 0.3
"""How long a closed session's ssh may take to end by itself (an idle agent exits at once
at the end of its input; a busy one is not waited for)."""
SILENCE_MARGIN_S = 15.0
"""A reply that stays silent this much past the agent's time limit is given up."""


class SessionLost(Exception):
    """The agent stopped answering: the connection broke, or the remote side ended it."""


class Stream:
    """Buffered reads from the agent's output with a deadline on silence."""

    def __init__(self, fd: int, silence_s: float, on_bytes: Callable[[int], None]) -> None:
        self._fd = fd
        self._buffer = bytearray()
        self._silence_s = silence_s
        self._on_bytes = on_bytes
        self._selector = selectors.DefaultSelector()
        self._selector.register(fd, selectors.EVENT_READ)
        os.set_blocking(fd, False)

    def close(self) -> None:
        """Stop watching the descriptor."""
        self._selector.close()

    def _fill(self) -> None:
        if not self._selector.select(self._silence_s):
            raise SessionLost(f"no answer for {self._silence_s:.0f} s")
        try:
            chunk = os.read(self._fd, READ_CHUNK)
        except BlockingIOError:
            return
        except OSError as exc:
            raise SessionLost(exc.strerror or str(exc)) from None
        if not chunk:
            raise SessionLost("connection closed")
        self._on_bytes(len(chunk))
        self._buffer += chunk

    def read_line(self, limit: int = 1 << 16) -> bytes:
        """The next line without its newline."""
        start = 0
        while True:
            end = self._buffer.find(b"\n", start)
            if end >= 0:
                line = bytes(self._buffer[:end])
                del self._buffer[: end + 1]
                return line
            if len(self._buffer) > limit:
                raise WireError("line too long in the reply")
            start = len(self._buffer)
            self._fill()

    def read_exact(self, size: int) -> bytes:
        """Exactly ``size`` bytes."""
        while len(self._buffer) < size:
            self._fill()
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data


class AgentSession:
    """A started agent over one ssh session; :meth:`start` returns once it said hello."""

    def __init__(
        self,
        runner: SshRunner,
        *,
        time_limit_s: int = TIME_LIMIT_S,
        discovery_cap: int = DISCOVERY_CAP,
    ) -> None:
        self.runner = runner
        self.time_limit_s = time_limit_s
        self.discovery_cap = discovery_cap
        self.silence_s = time_limit_s + SILENCE_MARGIN_S
        self.hello = Hello("none", dd_bytes=False)
        self.bytes_in = 0
        self.bytes_out = 0
        self._errors: collections.deque[str] = collections.deque(maxlen=20)
        self._process: subprocess.Popen[bytes] | None = None
        self._stream: Stream | None = None
        self._drainer: threading.Thread | None = None

    @property
    def alive(self) -> bool:
        """Whether the ssh process still runs."""
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        """The local ssh process id."""
        return self._process.pid if self._process is not None else None

    def start(self) -> Hello:
        """Run ssh, send the agent, wait for its hello; :class:`SshError` on failure."""
        args = self.runner.session_args(REMOTE_COMMAND)
        try:
            process = subprocess.Popen(
                args,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as exc:
            raise SshError(f"cannot run {args[0]}: {exc.strerror or exc}") from None
        self._process = process
        assert process.stdout is not None and process.stderr is not None
        self._drainer = threading.Thread(target=self._drain, args=(process.stderr,), daemon=True)
        self._drainer.start()
        self._stream = Stream(process.stdout.fileno(), self.silence_s, self._count_in)
        try:
            self._send(agent_text(self.time_limit_s, self.discovery_cap).encode("utf-8"))
            self.hello = self._await_hello()
        except (SessionLost, WireError) as exc:
            reason = self._failure(str(exc))
            self.close()
            raise SshError(reason) from None
        return self.hello

    def _await_hello(self) -> Hello:
        stream = self._stream
        assert stream is not None
        skipped = 0
        while True:
            line = stream.read_line(NOISE_LIMIT)
            if line.startswith(HELLO):
                hello = parse_hello(line)
                if stream.read_line() != b"@END":
                    raise WireError("bad agent greeting")
                return hello
            skipped += len(line) + 1
            if skipped > NOISE_LIMIT:
                raise WireError("the remote login prints too much before the agent starts")

    def request(self, payload: bytes) -> Stream:
        """Send one request; the reply is then read from the returned stream."""
        if self._stream is None or not self.alive:
            raise SessionLost(self._failure("connection closed"))
        self._send(payload)
        return self._stream

    def _send(self, payload: bytes) -> None:
        process = self._process
        assert process is not None and process.stdin is not None
        try:
            process.stdin.write(payload)
            process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise SessionLost(self._failure("connection closed")) from None
        self.bytes_out += len(payload)

    def failure(self, fallback: str) -> str:
        """Why the session ended: ssh's last message, else ``fallback``."""
        return self._failure(fallback)

    def _failure(self, fallback: str) -> str:
        process = self._process
        if process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=2)
        if self._drainer is not None:  # ssh's last words
            self._drainer.join(timeout=1)
        for line in reversed(self._errors):
            if line:
                return line
        return fallback

    def _count_in(self, count: int) -> None:
        self.bytes_in += count

    def _drain(self, pipe: object) -> None:
        reader = getattr(pipe, "readline", None)
        if reader is None:
            return
        for raw in iter(reader, b""):
            text = " ".join(raw.decode("utf-8", "replace").split())
            if text:
                self._errors.append(text)

    def close(self) -> None:
        """End the session (the agent exits at the end of its input)."""
        process = self._process
        if process is None:
            return
        self._process = None
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        try:
            if process.stdin is not None:
                process.stdin.close()
        except OSError:
            pass
        try:
            process.wait(timeout=CLOSE_WAIT_S)
        except subprocess.TimeoutExpired:  # a request still runs there: end ssh, and with it
            process.terminate()  # the remote side's output (which ends what it runs)
            try:
                process.wait(timeout=1)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()
