"""Studio live posting against a loopback HTTP server, compared with dvclive's payloads."""

from __future__ import annotations

import base64
import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import dvclive
import pytest
from PIL import Image

import dvclive_writer

from .conftest import git


class _Recorder(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[dict[str, Any]] = []
        self.headers_seen: list[dict[str, str]] = []
        self.fail_types: set[str] = set()
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    server: _Recorder

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.server.lock:
            self.server.received.append({"path": self.path, **body})
            self.server.headers_seen.append(dict(self.headers))
        status = 500 if body["type"] in self.server.fail_types else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def studio(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Recorder]:
    """A recording Studio on 127.0.0.1 with a token configured and offline mode off."""
    server = _Recorder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.delenv("DVC_STUDIO_OFFLINE", raising=False)
    monkeypatch.setenv("DVC_STUDIO_TOKEN", "tok123")
    monkeypatch.setenv("DVC_STUDIO_URL", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("DVC_STUDIO_REPO_URL", "git@example.invalid:team/repo.git")
    yield server
    server.shutdown()
    server.server_close()


def _script(module: Any, images: bool) -> None:
    live = module.Live(save_dvc_exp=False, report=None, exp_name="studio-run", exp_message="msg")
    live.log_param("lr", 0.5)
    for step in range(3):
        live.log_metric("train/loss", 1.0 / (step + 1))
        live.log_metric("acc", float("nan") if step == 1 else step / 10)
        if images and step != 1:
            live.log_image(f"steps/{step}.png", Image.new("RGB", (2, 2), (step, 0, 0)))
        live.next_step()
    live.end()


def _normalise(event: dict[str, Any]) -> dict[str, Any]:
    """Drop what legitimately differs between runs (timestamps)."""
    event = json.loads(json.dumps(event))
    for plot in (event.get("plots") or {}).values():
        for row in plot.get("data", []):
            row.pop("timestamp", None)
    return event


def test_payloads_match_dvclive(
    studio: _Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without images: outside a DVC repo dvclive sends image paths as PosixPath objects, which
    # dvc-studio-client's schema rejects, so its data events with images are never posted.
    events = {}
    for label, module in (("theirs", dvclive), ("ours", dvclive_writer)):
        root = tmp_path / label
        root.mkdir()
        monkeypatch.chdir(root)
        studio.received.clear()
        _script(module, images=False)
        events[label] = [_normalise(e) for e in studio.received]
    ours = events["ours"]
    assert ours == events["theirs"]
    # dvc-studio-client posts each data event in two requests: metrics/params, then plots.
    assert [e["type"] for e in ours] == ["start"] + ["data"] * 8 + ["done"]
    start = ours[0]
    assert start == {
        "path": "/api/live",
        "type": "start",
        "repo_url": "git@example.invalid:team/repo.git",
        "baseline_sha": "0" * 40,
        "name": "studio-run",
        "client": "dvclive",
        "message": "msg",
    }
    assert all(h["Authorization"] == "token tok123" for h in studio.headers_seen)
    assert ours[1]["step"] == 0 and ours[1]["params"] == {"dvclive/params.yaml": {"lr": 0.5}}
    assert ours[1]["metrics"] == {
        "dvclive/metrics.json": {"data": {"train": {"loss": 1.0}, "acc": 0.0, "step": 0}}
    }
    first, second = ours[2]["plots"], ours[4]["plots"]
    assert first["dvclive/plots/metrics/train/loss.tsv"] == {"data": [{"step": 0, "loss": 1.0}]}
    # Only new rows are sent; NaN stays a string.
    assert second["dvclive/plots/metrics/acc.tsv"] == {"data": [{"step": 1, "acc": "nan"}]}


def test_images_are_sent_once_when_new(
    studio: _Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _script(dvclive_writer, images=True)
    data = [e for e in studio.received if e["type"] == "data" and "plots" in e]
    images = [sorted(k for k in e["plots"] if k.endswith(".png")) for e in data]
    assert images == [
        ["dvclive/plots/images/steps/0.png"],
        [],
        ["dvclive/plots/images/steps/2.png"],
        [],
    ]
    sent = data[0]["plots"]["dvclive/plots/images/steps/0.png"]["image"]
    on_disk = (tmp_path / "dvclive/plots/images/steps/0.png").read_bytes()
    assert base64.b64decode(sent) == on_disk


def test_failed_start_disables_everything(
    studio: _Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    studio.fail_types.add("start")
    live = dvclive_writer.Live(save_dvc_exp=False, report=None)
    live.log_metric("m", 1)
    live.next_step()
    live.end()
    assert [e["type"] for e in studio.received] == ["start"]


def test_failed_data_keeps_rows_for_the_next_post(
    studio: _Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    live = dvclive_writer.Live(save_dvc_exp=False, report=None)
    studio.fail_types.add("data")
    live.log_metric("m", 1)
    live.next_step()
    live._studio.queue.join()
    studio.fail_types.clear()
    live.log_metric("m", 2)
    live.next_step()
    live.end()
    data = [e for e in studio.received if e["type"] == "data" and "plots" in e]
    # The failed first post never reached its plots part; the next one carries both rows.
    assert len(data) == 2
    assert [row["m"] for row in data[0]["plots"]["dvclive/plots/metrics/m.tsv"]["data"]] == [
        1.0,
        2.0,
    ]


def test_offline_mode_posts_nothing(
    studio: _Recorder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DVC_STUDIO_OFFLINE", "true")
    live = dvclive_writer.Live(save_dvc_exp=False, report=None)
    live.log_metric("m", 1)
    live.next_step()
    live.end()
    assert studio.received == []


@pytest.mark.slow
def test_payloads_with_images_match_dvclive_in_a_dvc_repo(
    studio: _Recorder, _repo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = {}
    for label, module in (("theirs", dvclive), ("ours", dvclive_writer)):
        root = tmp_path / label
        shutil.copytree(_repo_template, root, symlinks=True)
        monkeypatch.chdir(root)
        studio.received.clear()
        _script(module, images=True)
        events[label] = [_normalise(e) for e in studio.received]
    assert events["ours"] == events["theirs"]
    head = git("rev-parse", "HEAD", cwd=tmp_path / "ours").strip()
    assert {e["baseline_sha"] for e in events["ours"]} == {head}
    sent = [k for e in events["ours"] for k in e.get("plots", {}) if k.endswith(".png")]
    assert sent == ["dvclive/plots/images/steps/0.png", "dvclive/plots/images/steps/2.png"]
