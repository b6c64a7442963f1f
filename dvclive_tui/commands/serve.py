"""``dvclive-tui serve [watch|compare ARGS...]``: the dashboard in a browser tab.

The same Textual app runs once per browser tab through ``textual-serve``. That server has
no authentication and no ``Origin`` check, so this one adds both: every URL lives under a
secret made at launch (printed in the URL), requests must name this server in ``Host``
(no DNS rebinding) and the websocket must come from this server's own page (``Origin``).
It binds to 127.0.0.1 unless ``--host`` says otherwise. In each app process the standard
input and output the browser stream uses are moved off descriptors 0 and 1, which point
at ``/dev/null`` instead, so no child process (ssh, git) can write into the stream or
read the browser's keys.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
import shlex
import socket
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click

from dvclive_tui.commands.errors import InputError

if TYPE_CHECKING:
    from aiohttp import web

CHILD_VARIABLE = "DVCLIVE_TUI_SERVED"
"""Set in each app process that serve starts; see :func:`isolate_standard_streams`."""
SERVED_COMMANDS = ("watch", "compare")
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")

Handler = Callable[["web.Request"], Awaitable["web.StreamResponse"]]


def isolate_standard_streams() -> None:
    """Give the app private copies of stdin/stdout; point 0 and 1 at ``/dev/null``.

    Textual's web driver reads and writes ``sys.__stdin__``/``sys.__stdout__`` by file
    descriptor, so it follows the copies; subprocesses inherit only ``/dev/null``.
    """
    private_in, private_out = os.dup(0), os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    stdin = os.fdopen(private_in, "r", encoding="utf-8", errors="replace")
    stdout = os.fdopen(private_out, "w", encoding="utf-8", errors="replace")
    sys.stdin = stdin
    sys.stdout = stdout
    sys.__stdin__ = stdin  # type: ignore[misc]
    sys.__stdout__ = stdout  # type: ignore[misc]


def child_command(args: Sequence[str]) -> str:
    """The shell command textual-serve runs per browser tab."""
    return shlex.join([sys.executable, "-m", "dvclive_tui", *args])


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the server on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def free_port(host: str) -> int:
    """A port nobody listens on at ``host`` now (for ``--port 0``)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.bind((host.strip("[]"), 0))
        return int(probe.getsockname()[1])


class Guard:
    """The checks every request passes: secret path, known ``Host``, same ``Origin``."""

    def __init__(self, secret: str, public_url: str, bind_host: str, port: int) -> None:
        self.secret = secret
        public = urlsplit(public_url)
        self.scheme = public.scheme or "http"
        hosts = {public.netloc.lower()}
        if is_loopback(bind_host) or bind_host in ("0.0.0.0", "::", ""):
            hosts |= {f"{name}:{port}" for name in LOOPBACK_NAMES}
        if not is_loopback(bind_host) and bind_host not in ("0.0.0.0", "::", ""):
            hosts.add(f"{bind_host}:{port}".lower())
        self.hosts = frozenset(hosts)

    def secret_ok(self, given: str) -> bool:
        """Constant-time comparison with the launch secret."""
        return hmac.compare_digest(given.encode(), self.secret.encode())

    def host_ok(self, host: str | None) -> bool:
        """``Host`` names this server (a rebound DNS name does not)."""
        return host is not None and host.lower() in self.hosts

    def origin_ok(self, origin: str | None, host: str | None) -> bool:
        """The websocket was opened by a page of this very server."""
        return origin is not None and host is not None and origin == f"{self.scheme}://{host}"


def make_server(
    args: Sequence[str], host: str, port: int, public_url: str | None, secret: str
) -> Any:
    """A textual-serve server with :class:`Guard` on every route."""
    from aiohttp import web
    from textual_serve.server import Server

    url = public_url or f"http://{_url_host(host)}:{port}"
    guard = Guard(secret, url, host, port)
    title = "dvclive-tui " + " ".join(args)

    class GuardedServer(Server):
        """textual-serve with its routes under the secret and the guard's checks."""

        async def _make_app(self) -> web.Application:
            import aiohttp_jinja2
            import jinja2

            @web.middleware
            async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
                if not guard.host_ok(request.headers.get("Host")):
                    raise web.HTTPForbidden(text="unknown host")
                if not guard.secret_ok(request.path.split("/")[1]):
                    raise web.HTTPNotFound()
                return await handler(request)

            async def to_index(request: web.Request) -> web.StreamResponse:
                raise web.HTTPFound(f"/{secret}/")

            app = web.Application(middlewares=[check])
            aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
            app.add_routes(
                [
                    web.get(f"/{secret}", to_index),
                    web.get(f"/{secret}/", self.handle_index, name="index"),
                    web.get(f"/{secret}/ws", self.handle_websocket, name="websocket"),
                    web.get(f"/{secret}/download/{{key}}", self.handle_download, name="download"),
                    web.static(f"/{secret}/static", self.statics_path, name="static"),
                ]
            )
            app.on_startup.append(self.on_startup)
            app.on_shutdown.append(self.on_shutdown)
            return app

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            host_header = request.headers.get("Host")
            if not guard.origin_ok(request.headers.get("Origin"), host_header):
                raise web.HTTPForbidden(text="cross-origin websocket refused")
            return await super().handle_websocket(request)

        async def on_startup(self, app: web.Application) -> None:
            click.echo(f"Serving {title} at {url}/{secret}/")
            click.echo("Press Ctrl+C to stop.")

    return GuardedServer(child_command(args), host=host, port=port, title=title, public_url=url)


def _url_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        return socket.getfqdn()
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def check_served_args(args: Sequence[str]) -> list[str]:
    """``watch`` or ``compare`` and its arguments, checked now rather than per tab."""
    from dvclive_tui.commands.compare import compare
    from dvclive_tui.commands.watch import check_paths, watch

    words = list(args)
    if not words or words[0] not in SERVED_COMMANDS:
        words = ["watch", *words]
    command = watch if words[0] == "watch" else compare
    with command.make_context(words[0], words[1:]) as ctx:
        if words[0] == "watch":
            check_paths(ctx.params["paths"])
        if words[0] == "compare" and any(
            ctx.params.get(name) for name in ("as_json", "as_csv", "as_md")
        ):
            raise click.UsageError("serve shows the interactive table: drop --json/--csv/--md")
    return words


@click.command(
    name="serve",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; anything but loopback lets other machines connect.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--public-url", default=None, help="The URL browsers use (behind a proxy).")
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def serve(host: str, port: int, public_url: str | None, args: tuple[str, ...]) -> None:
    """Serve the dashboard to a browser: `serve watch RUNS...` or `serve compare ...`.

    Each browser tab runs its own dashboard as you, with your files and ssh keys; the
    printed URL holds a secret made for this launch, and only pages of this server may
    connect. Use `ssh -L 8000:127.0.0.1:8000 host` to reach it from another machine.
    """
    words = check_served_args(args)
    if port == 0:
        port = free_port(host)
    if not is_loopback(host):
        click.echo(
            f"warning: serving on {host}: anyone who can reach port {port} and knows the "
            "URL runs the dashboard as you",
            err=True,
        )
    os.environ[CHILD_VARIABLE] = "1"
    try:
        server = make_server(words, host, port, public_url, secrets.token_urlsafe(24))
        server.serve()
    except OSError as exc:
        raise InputError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
