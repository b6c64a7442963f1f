"""ImageView: the scrubber position survives refreshes; bad frames keep the last good one."""

from __future__ import annotations

from pathlib import Path

from dvclive_tui.app.widgets.image_view import RETRY_SECONDS, ImageView
from dvclive_writer.read.model import ImageSeries
from tests.settle import settle
from tests.widgets.host import image_app
from tests.widgets.image_apps import write_frames


def line_text(view: ImageView, y: int) -> str:
    return view.render_line(y).text


async def test_scrubber_moves_and_survives_refreshes(tmp_path: Path) -> None:
    series = write_frames(tmp_path / "steps", [0, 1, 2, 3])
    app = image_app(series)
    async with app.run_test(size=(40, 12)) as pilot:
        view = app.query_one(ImageView)
        assert view.selected_step == 3
        assert view.frame_label == "steps · step 3 (4/4)"
        await pilot.press("left", "left")
        assert view.selected_step == 1
        await settle(pilot)
        assert line_text(view, 0) == "steps · step 1 (2/4)".ljust(40)
        assert "▀" in line_text(view, 1)
        # New frames arrive: the scrubber stays on step 1.
        view.set_series(write_frames(tmp_path / "steps", [0, 1, 2, 3, 4, 5]))
        assert view.selected_step == 1
        assert view.frame_label == "steps · step 1 (2/6)"
        await pilot.press("end")
        assert view.selected_step == 5
        # On the newest frame, the view follows new ones.
        view.set_series(write_frames(tmp_path / "steps", [0, 1, 2, 3, 4, 5, 6]))
        assert view.selected_step == 6
        await pilot.press("home")
        assert view.frame_label == "steps · step 0 (1/7)"
        await pilot.press("left")
        assert view.selected_step == 0


async def test_a_removed_step_falls_back_to_the_nearest_earlier_one(tmp_path: Path) -> None:
    series = write_frames(tmp_path / "steps", [0, 2, 4, 6])
    app = image_app(series)
    async with app.run_test(size=(40, 12)) as pilot:
        view = app.query_one(ImageView)
        await pilot.press("left")
        assert view.selected_step == 4
        view.set_series(write_frames(tmp_path / "steps", [0, 2, 5, 6]))
        assert view.selected_step == 2


async def test_half_written_frame_keeps_the_last_good_image(tmp_path: Path) -> None:
    series = write_frames(tmp_path / "steps", [0, 1])
    app = image_app(series)
    async with app.run_test(size=(40, 12)) as pilot:
        view = app.query_one(ImageView)
        await settle(pilot)
        good_row = line_text(view, 1)
        assert "▀" in good_row and "loading" not in line_text(view, 0)
        broken = tmp_path / "steps" / "2.png"
        broken.write_bytes((tmp_path / "steps" / "1.png").read_bytes()[:40])
        frames = [*series.frames, (2, broken)]
        view.set_series(ImageSeries(name="steps", frames=frames, version=3))
        await settle(pilot)
        assert line_text(view, 0).startswith("steps · step 2 (3/3) (loading…)")
        assert line_text(view, 1) == good_row
        # The writer finishes the file: the retry timer picks it up.
        write_frames(tmp_path / "steps", [2])
        await pilot.pause(RETRY_SECONDS * 1.5)  # the retry timer, not a worker
        await settle(pilot)
        assert line_text(view, 0).startswith("steps · step 2 (3/3)")
        assert "loading" not in line_text(view, 0)


async def test_single_image_and_empty_states(tmp_path: Path) -> None:
    app = image_app(None)
    async with app.run_test(size=(30, 8)) as pilot:
        view = app.query_one(ImageView)
        await settle(pilot)
        assert line_text(view, 0).startswith("no image")
        single = write_frames(tmp_path / "img", [0])
        view.set_series(ImageSeries(name="img.png", frames=[(None, single.frames[0][1])]))
        await settle(pilot)
        assert view.frame_label == "img.png"
        assert view.selected_step is None
        await pilot.press("left", "right")
        await settle(pilot)
        assert "▀" in line_text(view, 1)


async def test_scrubber_knob_tracks_the_frame(tmp_path: Path) -> None:
    app = image_app(write_frames(tmp_path / "steps", [0, 1, 2]))
    async with app.run_test(size=(21, 10)) as pilot:
        view = app.query_one(ImageView)
        await pilot.pause()
        assert line_text(view, 9) == "━" * 20 + "●"
        await pilot.press("home")
        await pilot.pause()
        assert line_text(view, 9) == "●" + "━" * 20
        await pilot.press("right")
        await pilot.pause()
        assert line_text(view, 9) == "━" * 10 + "●" + "━" * 10
