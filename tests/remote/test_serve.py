"""``dvclive-tui serve``: the guarded textual-serve server, raw clients and Chromium."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import pytest

from dvclive_writer import Live
from tests.remote.sshd import ALIAS, SshTestHost

CHROMIUM = Path("/usr/bin/chromium")
METRIC = "zebra_loss"


def write_run(run: Path) -> Path:
    with Live(str(run), save_dvc_exp=False) as live:
        for step in range(30):
            live.log_metric(METRIC, 1 / (step + 1))
            live.next_step()
    return run


@contextmanager
def serving(
    path: str, cwd: Path, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``dvclive-tui serve --port 0 watch PATH`` running; yields its URL and process."""
    process = subprocess.Popen(
        [sys.executable, "-m", "dvclive_tui", "serve", "--port", "0", "watch", path],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=cwd,
        env=env,
        start_new_session=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.search(r"(http://\S+/)$", line.strip())
    assert found, line + (process.stderr.read() if process.stderr else "")
    address = found.group(1).split("/")[2].rsplit(":", 1)
    deadline = time.monotonic() + 30
    while True:  # the URL is printed just before the port opens
        try:
            socket.create_connection((address[0], int(address[1])), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "serve did not open its port"
            time.sleep(0.05)
    try:
        yield found.group(1), process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """A local run served."""
    with serving(str(write_run(tmp_path / "dvclive")), tmp_path) as found:
        yield found


def origin_of(url: str) -> str:
    return "/".join(url.split("/")[:3])


async def test_requests_without_the_secret_or_from_elsewhere_are_refused(
    served: tuple[str, subprocess.Popen[str]],
) -> None:
    url, _ = served
    origin = origin_of(url)
    ws_url = "ws" + url.removeprefix("http") + "ws"
    wrong_ws = ws_url.replace(url.split("/")[3], "x" * 32)
    async with aiohttp.ClientSession() as client:
        for path, status in [(origin + "/", 404), (origin + "/nope/", 404), (url, 200)]:
            async with client.get(path) as response:
                assert response.status == status, path
        async with client.get(url) as response:
            assert ws_url in await response.text()
        async with client.get(url, headers={"Host": "evil.example"}) as response:
            assert response.status == 403  # a rebound DNS name is not this server

        refused = [
            (ws_url, {"Origin": "http://evil.example"}),
            (ws_url, {}),
            (ws_url, {"Origin": origin, "Host": "evil.example"}),
            (wrong_ws, {"Origin": origin}),
        ]
        for target, headers in refused:
            with pytest.raises(aiohttp.WSServerHandshakeError) as error:
                await client.ws_connect(target, headers=headers)
            assert error.value.status in (403, 404), (target, headers)

        accepted = await client.ws_connect(ws_url, headers={"Origin": origin})
        message = await accepted.receive(timeout=60)
        assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT)
        await accepted.close()


def test_children_of_a_served_app_cannot_touch_the_stream() -> None:
    code = (
        "import subprocess, sys\n"
        "from dvclive_tui.commands.serve import isolate_standard_streams\n"
        "isolate_standard_streams()\n"
        "subprocess.run(['echo', 'stray'])\n"
        "seen = subprocess.run(['cat'], capture_output=True).stdout\n"
        "sys.stdout.write('app:' + sys.stdin.readline().strip() + ':' + repr(seen))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], input="key\n", capture_output=True, text=True, check=True
    )
    assert result.stdout == "app:key:b''"


def drive_dashboard(url: str, screenshot: Path) -> None:
    """Open ``url`` in headless Chromium: the run's metric is drawn, keys reach the app, and
    quitting closes the page."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    frames: list[str] = []

    def on_socket(websocket: object) -> None:
        def keep(payload: str | bytes) -> None:
            text = payload if isinstance(payload, str) else payload.decode("utf-8", "replace")
            frames.append(text)

        websocket.on("framereceived", keep)  # type: ignore[attr-defined]

    def shown(text: str, timeout_s: float = 60) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if text in "".join(frames):
                return True
            page.wait_for_timeout(200)
        return False

    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.on("websocket", on_socket)
        page.goto(url)
        page.wait_for_selector("body.-first-byte", timeout=60_000)
        assert shown(METRIC), "the run's metric never reached the page"
        page.wait_for_timeout(1000)
        page.screenshot(path=str(screenshot))
        from PIL import Image

        colours = Image.open(screenshot).convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 20  # drawn, not a blank page

        page.click("#terminal")
        frames.clear()
        page.keyboard.press("?")
        assert shown("Smooth all"), "the help did not open: the key did not reach the app"
        page.keyboard.press("Escape")
        page.wait_for_timeout(500)
        page.keyboard.press("q")
        page.wait_for_selector("body.-closed", state="attached", timeout=30_000)
        browser.close()


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed")
def test_the_dashboard_in_headless_chromium(
    served: tuple[str, subprocess.Popen[str]], tmp_path: Path
) -> None:
    url, process = served
    drive_dashboard(url, tmp_path / "dashboard.png")
    assert process.poll() is None  # the server keeps serving other tabs
    shutil.rmtree(tmp_path / "dvclive", ignore_errors=True)
    assert not os.path.exists(tmp_path / "dvclive")


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="chromium is not installed")
def test_a_remote_run_served_in_headless_chromium(
    ssh_host: SshTestHost, short_dir: Path, remote_dir: Path, tmp_path: Path
) -> None:
    """The served app reads a run over ssh: ssh's own streams never reach the page's."""
    run = write_run(remote_dir / "dvclive")
    runtime = short_dir / "rt"
    runtime.mkdir(mode=0o700)
    env = dict(os.environ)
    env["DVCLIVE_TUI_SSH_COMMAND"] = f"ssh -F {ssh_host.config} -o ConnectTimeout=3"
    env["XDG_RUNTIME_DIR"] = str(runtime)
    try:
        with serving(f"{ALIAS}:{run}", tmp_path, env) as (url, process):
            drive_dashboard(url, tmp_path / "remote.png")
            assert process.poll() is None
    finally:
        control = f"ControlPath={runtime}/dvclive-tui/%C"
        subprocess.run(
            [*ssh_host.ssh_command, "-o", control, "-O", "exit", ALIAS],
            capture_output=True,
            timeout=20,
            check=False,
        )
