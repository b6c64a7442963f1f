"""The report.md screen: Textual's MarkdownViewer over a run's report."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import MarkdownViewer
from textual.widgets._markdown import MarkdownTable

from dvclive_tui.app.report_viewer.app import ReportViewerApp
from dvclive_tui.app.report_viewer.screen import ReportScreen
from dvclive_writer import Live
from tests.settle import settle, snapshot_after


def write_run(folder: Path, *, report: str | None = "md") -> Path:
    with Live(str(folder / "dvclive"), report=report, save_dvc_exp=False) as live:  # type: ignore[arg-type]
        live.log_params({"lr": 0.01, "optimizer": "adam"})
        for step in range(3):
            live.log_metric("train/loss", 1 / (step + 1))
            live.next_step()
    return folder / "dvclive"


async def test_shows_the_report_and_reloads(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path)
    app = ReportViewerApp(run_dir / "report.md")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportScreen)
        viewer = screen.query_one(MarkdownViewer)
        assert viewer.document.source.startswith("# DVC Report")
        assert "params.yaml" in viewer.document.source
        assert len(screen.query(MarkdownTable)) == 2  # params and summary tables

        report = run_dir / "report.md"
        report.write_text(report.read_text(encoding="utf-8") + "\nreloaded-marker\n", "utf-8")
        await pilot.press("r")
        await settle(pilot)
        assert "reloaded-marker" in viewer.document.source

        await pilot.press("t")
        await pilot.pause()
        assert viewer.show_table_of_contents is True
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_run_without_report_md_is_rendered_elsewhere(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path, report=None)
    app = ReportViewerApp(run_dir)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        viewer = app.screen.query_one(MarkdownViewer)
        assert "![train/loss](static/train/loss.png)" in viewer.document.source
        assert not (run_dir / "report.md").exists()  # the run directory is left alone
        assert not (run_dir / "static").exists()  # and no PNG is drawn for a terminal
        assert "(rendered on the fly)" in str(app.screen.query_one("#report-source").render())


@pytest.mark.parametrize("size", [(80, 24)])
def test_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, snap_compare: object, size: tuple[int, int]
) -> None:
    monkeypatch.chdir(tmp_path)
    run_dir = tmp_path / "run"
    # Fixed content (no timestamps, no random values) so the snapshot is stable.
    (run_dir / "plots/metrics").mkdir(parents=True)
    report = run_dir / "report.md"
    report.write_text(
        "# DVC Report\n\nparams.yaml\n\n|   lr | optimizer |\n|------|-----------|\n"
        "| 0.01 | adam      |\n\n![train/loss](static/train/loss.png)\n",
        encoding="utf-8",
    )
    app = ReportViewerApp(report)
    assert snap_compare(app, terminal_size=size, run_before=snapshot_after)  # type: ignore[operator]


def test_an_unreadable_report_says_why_in_one_page(tmp_path: Path) -> None:
    from dvclive_tui.app.report_viewer.source import read_report

    binary = tmp_path / "report.md"
    binary.write_bytes(b"\xff\xfe# DVC Report\n")
    report = read_report(binary)
    assert report.text.startswith("# No report") and "not UTF-8 text" in report.text
    missing = read_report(tmp_path / "gone" / "report.md")
    assert missing.text.startswith("# No report") and not missing.generated
