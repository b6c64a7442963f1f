"""Live updates to DVC Studio through ``dvc-studio-client`` (``post_live_metrics``).

Enabled only when a Studio token is configured (``DVC_STUDIO_TOKEN``, ``STUDIO_TOKEN`` or the
DVC config) and ``DVC_STUDIO_OFFLINE`` is not set. Then a ``start`` event is posted at
``Live()``, one ``data`` event per sync (posted by a background daemon worker, from data
snapshotted in the caller's thread) and ``done`` at ``end()``. The payloads are dvclive's.

Unlike dvclive, nothing is snapshotted when Studio is disabled, and metric histories are read
incrementally (from the byte offset reached last time), so a sync costs the same at step 10
and step 10 000.
"""

from __future__ import annotations

import base64
import csv
import io
import math
import os
import queue
import threading
from pathlib import Path, PureWindowsPath
from typing import Any, Literal

from dvclive_writer import dvc_repo
from dvclive_writer.logger import logger
from dvclive_writer.state import ExperimentState, RepoState, RunPaths
from dvclive_writer.utils import rel_path

Event = Literal["start", "data", "done"]
METRICS_SUBFOLDER = "metrics"


def studio_config(repo: RepoState) -> dict[str, Any]:
    """dvc-studio-client's config for a run in ``repo`` (``{}`` when Studio is off)."""
    from dvc_studio_client.config import get_studio_config

    dvc_repo = repo.dvc_repo
    repo_config = dvc_repo.config.get("studio") if dvc_repo is not None else None
    config: dict[str, Any] = get_studio_config(dvc_studio_config=repo_config)
    return config


def _cast_to_numbers(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        for key, value in row.items():
            if key == "step":
                row[key] = int(value)
            elif key != "timestamp":
                number = float(value)
                row[key] = str(value) if math.isnan(number) or math.isinf(number) else number
    return rows


class _HistoryTail:
    """Rows of one metric TSV read so far but not yet confirmed as posted."""

    def __init__(self) -> None:
        self.header: list[str] | None = None
        self.offset = 0
        self.first_index = 0  # index (in the file) of pending[0]
        self.pending: list[dict[str, str]] = []

    def read_new_rows(self, path: Path) -> None:
        with open(path, "rb") as fobj:
            fobj.seek(self.offset)
            chunk = fobj.read()
        end = chunk.rfind(b"\n")
        if end < 0:
            return
        complete = chunk[: end + 1]
        self.offset += len(complete)
        lines = complete.decode("utf-8").splitlines()
        if self.header is None and lines:
            self.header = next(csv.reader([lines[0]], delimiter="\t"))
            lines = lines[1:]
        reader = csv.DictReader(io.StringIO("\n".join(lines)), self.header, delimiter="\t")
        self.pending.extend(reader)

    def confirm(self, first_index: int, count: int) -> None:
        done = first_index + count - self.first_index
        if done > 0:
            del self.pending[:done]
            self.first_index += done


class StudioSession:
    """Studio state of one ``Live``: which events to skip, what was sent, the worker queue."""

    def __init__(
        self,
        config: dict[str, Any],
        repo: RepoState,
        experiment: ExperimentState,
        paths: RunPaths,
        latest_step: int = -1,
    ) -> None:
        """Set up for a run; ``config`` empty means every event is skipped.

        ``latest_step``: the last step Studio already has (a resumed run's step), else -1.
        """
        self.config = config
        self.repo = repo
        self.experiment = experiment
        self.paths = paths
        self.skip: set[Event] = set()
        self.latest_step = latest_step
        self.tails: dict[str, _HistoryTail] = {}
        # Images logged but not yet posted (name -> step): a sync never walks all images.
        self.pending_images: dict[str, int] = {}
        self.lock = threading.Lock()
        self.queue: queue.Queue[dict[str, Any]] | None = None
        if not config:
            self.skip.update(("start", "data", "done"))
        elif repo.inside_dvc_exp:
            self.skip.update(("start", "done"))

    def adapt_path(self, path: str | os.PathLike[str]) -> str:
        """``path`` relative to the DVC root (when there is one), in POSIX form."""
        name = os.fspath(path)
        if self.repo.dvc_repo is not None:
            name = rel_path(name, self.repo.dvc_repo.root_dir)
        if os.name == "nt":
            name = PureWindowsPath(name).as_posix()
        return name

    def post(self, event: Event, **kwargs: Any) -> bool | None:
        """Post one event through ``post_live_metrics``; returns its result (None if skipped)."""
        if event in self.skip:
            return None
        from dvc_studio_client.post_live_metrics import post_live_metrics

        response: bool | None = post_live_metrics(
            event,
            self.experiment.baseline_rev,
            dvc_repo.ensure_exp_name(self.experiment),
            "dvclive",
            dvc_studio_config=self.config,
            studio_repo_url=self.repo.repo_url,
            **kwargs,
        )
        if not response:
            logger.warning(f"`post_to_studio` `{event}` failed.")
            if event == "start":
                self.skip.update(("start", "data", "done"))
        if event == "done":
            self.skip.update(("data", "done"))
        return response

    def image_logged(self, name: str, step: int) -> None:
        """Note an image written at ``step`` so that the next ``data`` event carries it."""
        if "data" not in self.skip:
            with self.lock:
                self.pending_images[name] = step

    def start(self) -> None:
        """The ``start`` event, with the experiment message and subdir when set."""
        kwargs: dict[str, Any] = {}
        if self.experiment.message:
            kwargs["message"] = self.experiment.message
        if self.repo.subdir:
            kwargs["subdir"] = self.repo.subdir
        self.post("start", **kwargs)

    def snapshot(self, step: int) -> dict[str, Any]:
        """Everything one ``data`` event at ``step`` needs, read now (in the caller's thread)."""
        paths = self.paths
        from ruamel.yaml import YAML

        params: Any = {}
        if os.path.isfile(paths.params_file):
            with open(paths.params_file, encoding="utf-8") as fobj:
                params = YAML(typ="safe").load(fobj.read()) or {}
        with open(paths.metrics_file, encoding="utf-8") as fobj:
            import json

            metrics = json.load(fobj)
        plots: dict[str, tuple[int, list[dict[str, str]]]] = {}
        metrics_dir = Path(paths.plots_dir) / METRICS_SUBFOLDER
        if metrics_dir.is_dir():
            for suffix in (".csv", ".tsv"):
                for tsv in metrics_dir.rglob(f"*{suffix}"):
                    key = str(tsv)
                    with self.lock:
                        tail = self.tails.setdefault(key, _HistoryTail())
                        tail.read_new_rows(tsv)
                        plots[key] = (tail.first_index, [dict(r) for r in tail.pending])
        with self.lock:
            images = dict(self.pending_images)
        return {
            "step": step,
            "params": params,
            "metrics": metrics,
            "plots": plots,
            "images": images,
        }

    def post_data(self, data: dict[str, Any]) -> None:
        """Post a snapshot as a ``data`` event; on success, mark its rows and images sent."""
        plots: dict[str, Any] = {}
        sent: dict[str, tuple[int, int]] = {}
        for key, (first, rows) in data["plots"].items():
            # Rows confirmed by an earlier post (snapshotted before it finished) are skipped.
            with self.lock:
                skip = max(0, self.tails[key].first_index - first)
            unsent = [dict(r) for r in rows[skip:]]
            sent[key] = (first + skip, len(unsent))
            plots[self.adapt_path(key)] = {"data": _cast_to_numbers(unsent)}
        images_dir = Path(self.paths.plots_dir) / "images"
        for name, step in data["images"].items():
            if step > self.latest_step:
                image = images_dir / name
                with open(image, "rb") as fobj:
                    encoded = base64.b64encode(fobj.read()).decode("utf-8")
                plots[self.adapt_path(image)] = {"image": encoded}
        response = self.post(
            "data",
            step=data["step"],
            metrics={self.adapt_path(self.paths.metrics_file): {"data": data["metrics"]}},
            params={self.adapt_path(self.paths.params_file): data["params"]},
            plots=plots,
        )
        if response:
            with self.lock:
                for key, (first, count) in sent.items():
                    self.tails[key].confirm(first, count)
                for name, step in data["images"].items():
                    if self.pending_images.get(name) == step:
                        del self.pending_images[name]
            self.latest_step = data["step"]

    def enqueue_data(self, step: int) -> None:
        """Snapshot ``step`` now and hand the ``data`` event to the daemon worker."""
        if "data" in self.skip:
            return
        if self.queue is None:
            self.queue = queue.Queue()
            threading.Thread(target=self._worker, name="dvclive-studio", daemon=True).start()
        self.queue.put(self.snapshot(step))

    def _worker(self) -> None:
        assert self.queue is not None
        failed = False
        while True:
            data = self.queue.get()
            try:
                if not failed:
                    self.post_data(data)
            except Exception:
                logger.exception("Failed to post data to studio")
                failed = True
            finally:
                self.queue.task_done()

    def finish(self) -> None:
        """Wait for queued ``data`` events, then post ``done`` (once per ``Live``)."""
        if self.queue is not None:
            self.queue.join()
        kwargs: dict[str, Any] = {}
        if self.experiment.rev:
            kwargs["experiment_rev"] = self.experiment.rev
        self.post("done", **kwargs)


def init(
    repo: RepoState, experiment: ExperimentState, paths: RunPaths, latest_step: int = -1
) -> StudioSession:
    """Create a run's Studio session and post ``start`` when Studio is enabled."""
    session = StudioSession(studio_config(repo), repo, experiment, paths, latest_step)
    session.start()
    return session
