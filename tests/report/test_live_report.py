"""The report from ``dvclive_writer.Live``: default html, live refresh, rate limit, atomicity."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PIL import Image

from dvclive_writer import Live
from dvclive_writer.error import InvalidReportModeError
from dvclive_writer.report.schedule import MIN_INTERVAL_S, attach, scheduler_of
from tests.report.conftest import chart_names

REFRESH = '<meta http-equiv="refresh" content="5">'


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def built(live: Live) -> None:
    """Wait for the background build started by the last sync (if any)."""
    assert scheduler_of(live._report).wait(timeout=60)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_default_is_html_with_refresh_only_while_live(workdir: Path) -> None:
    live = Live(save_dvc_exp=False)
    attach(live._report, min_interval=0)  # no wait for the first rebuild
    live.log_param("lr", 0.1)
    live.log_metric("loss", 1.0)
    live.next_step()
    built(live)
    report = workdir / "dvclive" / "report.html"
    page = report.read_text(encoding="utf-8")
    assert REFRESH in page
    assert "reloads every 5 s" in page
    assert chart_names(page) == ["static/loss"]

    live.log_metric("loss", 0.5)
    live.end()
    page = report.read_text(encoding="utf-8")
    assert "http-equiv" not in page
    assert "Finished." in page
    assert '"loss":[1.0,0.5]' in page


def test_context_manager_end_drops_refresh(workdir: Path) -> None:
    with Live(save_dvc_exp=False) as live:
        attach(live._report, min_interval=0)
        for step in range(3):
            live.log_metric("acc", step / 10)
            live.next_step()
        built(live)
        assert REFRESH in (workdir / "dvclive/report.html").read_text(encoding="utf-8")
    assert REFRESH not in (workdir / "dvclive/report.html").read_text(encoding="utf-8")


def test_regeneration_is_rate_limited(workdir: Path) -> None:
    clock = FakeClock()
    live = Live(save_dvc_exp=False)
    scheduler = attach(live._report, clock=clock)
    report = workdir / "dvclive/report.html"
    for step in range(100):  # 100 steps, 0.1 s apart: 9.9 s of training
        live.log_metric("loss", 1 / (step + 1))
        live.next_step()
        built(live)
        clock.now += 0.1
    # Creation counts as a build (the first steps stay free of the report's imports), so
    # the only rebuild is at t=5.0 (step 50); every other sync was within 5 s of a build.
    assert scheduler.builds == 1
    assert scheduler.skipped == 99
    assert REFRESH in report.read_text(encoding="utf-8")
    stale = report.read_text(encoding="utf-8")
    assert '"step":[0,' in stale and ",50]" in stale  # the t=5.0 build saw steps 0..50

    live.make_report()  # explicit calls always build
    assert scheduler.builds == 2
    live.end()  # and so does end()
    assert scheduler.builds == 3
    page = report.read_text(encoding="utf-8")
    assert REFRESH not in page and ",99]" in page
    assert MIN_INTERVAL_S == 5.0


def test_each_build_reads_only_appended_rows(workdir: Path) -> None:
    live = Live(save_dvc_exp=False)
    scheduler = attach(live._report, clock=FakeClock(), min_interval=0)
    live.log_metric("loss", 1.0)
    live.next_step()
    built(live)
    builder = scheduler._builder
    tailer = builder.reader._tracks.tracks["plots/metrics/loss.tsv"].tailer
    tsv = workdir / "dvclive/plots/metrics/loss.tsv"
    assert tailer.offset == tsv.stat().st_size
    for value in (0.5, 0.25):
        live.log_metric("loss", value)
        live.next_step()
        built(live)
    # The same reader and tailer follow the file: each build read the new bytes only.
    assert scheduler._builder is builder
    assert builder.reader._tracks.tracks["plots/metrics/loss.tsv"].tailer is tailer
    assert tailer.offset == tsv.stat().st_size
    assert builder.reader.run.metrics["loss"].values.tolist() == [1.0, 0.5, 0.25]
    assert builder.builds == 3


def test_write_is_atomic(workdir: Path) -> None:
    live = Live(save_dvc_exp=False)
    attach(live._report, min_interval=0)
    live.log_metric("loss", 1.0)
    live.next_step()
    built(live)
    report = workdir / "dvclive/report.html"
    before = report.stat().st_ino
    with open(report, encoding="utf-8") as old:
        live.log_metric("loss", 0.25)
        live.make_report()
        # The old file was replaced, not rewritten in place: the open handle still reads
        # the complete previous page.
        old_page = old.read()
    assert old_page.rstrip().endswith("</html>")
    assert '"loss":[1.0]' in old_page
    assert report.stat().st_ino != before
    assert '"loss":[1.0,0.25]' in report.read_text(encoding="utf-8")
    assert [p.name for p in report.parent.iterdir() if p.name.startswith(".report.html")] == []


def test_md_mode_writes_pngs_without_matplotlib_state(workdir: Path) -> None:
    with Live(report="md", save_dvc_exp=False) as live:
        live.log_metric("train/loss", 1.0)
        live.next_step()
        live.log_metric("train/loss", 0.5)
        live.log_sklearn_plot("confusion_matrix", [0, 1, 1], [0, 1, 0])
        live.log_plot("curve", [{"x": 1, "y": 2}, {"x": 2, "y": 3}], x="x", y="y")
    text = (workdir / "dvclive/report.md").read_text(encoding="utf-8")
    assert "![train/loss](static/train/loss.png)" in text
    assert "(static/sklearn/confusion_matrix.png)" in text
    assert "(static/custom/curve.png)" in text
    for png in ("static/train/loss.png", "static/sklearn/confusion_matrix.png"):
        assert (workdir / "dvclive" / png).read_bytes().startswith(b"\x89PNG")


def test_no_report_and_bad_mode(workdir: Path) -> None:
    with Live(report=None, save_dvc_exp=False) as live:
        live.log_metric("a", 1)
        live.next_step()
    assert not list((workdir / "dvclive").glob("report.*"))
    with pytest.raises(InvalidReportModeError):
        Live(report="pdf", save_dvc_exp=False)  # type: ignore[arg-type]


def test_report_stack_is_imported_only_at_first_build(tmp_path: Path) -> None:
    code = """
import json, sys
from dvclive_writer import Live
from dvclive_writer.report.schedule import attach, scheduler_of
live = Live(save_dvc_exp=False)
attach(live._report, min_interval=0)
live.log_metric("a", 1.0)
heavy = ("dvclive_writer.report.builder", "dvclive_writer.report.html", "dvclive_writer.read",
         "dvclive_tui", "numpy", "dvc_render", "PIL", "matplotlib", "textual")
before = sorted(m for m in sys.modules if m.startswith(heavy))
live.next_step()
scheduler_of(live._report).wait()
after = sorted(m for m in sys.modules if m.startswith(heavy))
print(json.dumps([before, after]))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    before, after = json.loads(out.stdout.strip().splitlines()[-1])
    assert before == []
    assert "dvclive_writer.report.html" in after and "numpy" in after and "dvc_render" in after
    assert not [m for m in after if m.startswith(("matplotlib", "textual"))]
    assert os.path.exists(tmp_path / "dvclive" / "report.html")


def test_md_report_of_a_new_run_drops_the_old_runs_charts(workdir: Path) -> None:
    with Live(report="md", save_dvc_exp=False) as live:
        live.log_metric("old", 1.0)
        live.next_step()
    static = workdir / "dvclive/static"
    assert (static / "old.png").is_file()
    Image.new("RGB", (2, 2)).save(static / "mine.png")  # not a chart of ours: kept

    with Live(report="md", save_dvc_exp=False) as live:
        live.log_metric("new", 1.0)
        live.next_step()
    assert sorted(p.name for p in static.iterdir()) == ["mine.png", "new.png"]


def test_slow_builds_space_out_the_next_ones(workdir: Path) -> None:
    readings = iter([-5.0, 0.0, 1.0, 10.0, 20.0, 20.1, 24.0, 25.0, 25.1])  # -5: creation

    def clock() -> float:  # each rebuild reads the clock before and after building
        return next(readings)

    live = Live(save_dvc_exp=False)
    scheduler = attach(live._report, clock=clock)
    outcomes = []
    for _ in range(5):
        live.log_metric("loss", 1.0)
        before = scheduler.builds
        live.next_step()
        built(live)
        outcomes.append(scheduler.builds > before)
    # t=0 built in 1 s: the next build waits 20 s (5% budget), not 5 s; t=20 built in 0.1 s:
    # back to the 5 s minimum.
    assert outcomes == [True, False, True, False, True]
    assert scheduler.interval == 5.0


def test_next_step_never_waits_for_a_build(workdir: Path) -> None:
    live = Live(save_dvc_exp=False)
    scheduler = attach(live._report, min_interval=0)
    report = workdir / "dvclive/report.html"
    with scheduler._building:  # a (long) build is in progress
        for value in (1.0, 0.5, 0.25):
            live.log_metric("loss", value)
            stepped = threading.Thread(target=live.next_step)
            stepped.start()
            stepped.join(timeout=30)
            assert not stepped.is_alive()  # returned while the build is still running
        assert not report.exists()
        # The first sync started a build; the two that fell due while it ran were coalesced.
        assert scheduler.skipped == 2
    assert scheduler.wait(timeout=60)
    assert scheduler.builds == 1
    assert '"loss":[1.0,0.5,0.25]' in report.read_text(encoding="utf-8")  # it read all rows


def test_end_waits_for_the_running_build_then_writes_the_final_report(workdir: Path) -> None:
    live = Live(save_dvc_exp=False)
    scheduler = attach(live._report, min_interval=0)
    report = workdir / "dvclive/report.html"
    live.log_metric("loss", 1.0)
    with scheduler._building:
        live.next_step()  # its background build waits for the lock
        ended = threading.Thread(target=live.end)
        ended.start()
    ended.join(timeout=60)
    assert not ended.is_alive()
    assert scheduler.builds == 2
    page = report.read_text(encoding="utf-8")
    assert REFRESH not in page and "Finished." in page
    assert [p.name for p in report.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_failing_background_build_is_logged_not_raised(
    workdir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    live = Live(save_dvc_exp=False)
    (workdir / "dvclive/report.html").mkdir(parents=True)  # cannot be replaced by a file
    scheduler = attach(live._report, min_interval=0)
    with caplog.at_level(logging.WARNING, logger="dvclive_writer"):
        for step in range(3):
            live.log_metric("loss", float(step))
            live.next_step()
            built(live)
        live.end()
    assert scheduler.failures == 3
    assert live.step == 2
    assert (workdir / "dvclive/plots/metrics/loss.tsv").read_text().splitlines()[-1] == "2\t2.0"
    warnings = [r.getMessage() for r in caplog.records if "Error in make_report" in r.getMessage()]
    assert len(warnings) == 4  # three background builds and the final one


def test_a_build_started_before_a_chdir_writes_into_the_run(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = Live(save_dvc_exp=False)  # dir="dvclive", relative to the working directory
    scheduler = attach(live._report, min_interval=0)
    live.log_metric("loss", 1.0)
    elsewhere = workdir / "elsewhere"
    elsewhere.mkdir()
    with scheduler._building:
        live.next_step()
        monkeypatch.chdir(elsewhere)  # the training script moves on before the build runs
    assert scheduler.wait(timeout=60)
    assert '"loss":[1.0]' in (workdir / "dvclive/report.html").read_text(encoding="utf-8")
    assert not (elsewhere / "dvclive").exists()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_child_forked_during_a_build_can_still_report(workdir: Path) -> None:
    live = Live(save_dvc_exp=False)
    scheduler = attach(live._report, min_interval=0)
    live.log_metric("loss", 1.0)
    with scheduler._building:  # the parent's build is running when the child is forked
        live.next_step()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            code = 1
            try:
                live.make_report()  # must not wait forever for the parent's build lock
                code = 0 if scheduler.builds == 1 else 2
            finally:
                os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert scheduler.wait(timeout=60)


def test_first_rebuild_waits_one_interval_after_start(workdir: Path) -> None:
    clock = FakeClock()
    live = Live(save_dvc_exp=False)
    scheduler = attach(live._report, clock=clock)
    live.log_metric("loss", 1.0)
    live.next_step()
    built(live)
    assert scheduler.builds == 0  # the first training steps pay nothing for the report
    assert not (workdir / "dvclive/report.html").exists()
    clock.now += MIN_INTERVAL_S
    live.log_metric("loss", 0.5)
    live.next_step()
    built(live)
    assert scheduler.builds == 1
    assert REFRESH in (workdir / "dvclive/report.html").read_text(encoding="utf-8")
