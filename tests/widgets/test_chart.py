"""The chart widget through the real Textual app: keys change the view, text shows it."""

from __future__ import annotations

import numpy as np

from dvclive_tui.app.widgets.chart import Chart
from dvclive_tui.charts.series import SeriesData
from tests.widgets.chart_apps import ChartApp, loss_series


def screen_text(app: ChartApp) -> str:
    chart = app.query_one(Chart)
    assert chart.frame is not None
    return chart.frame.text()


async def test_chart_shows_title_legend_and_latest_values() -> None:
    series = loss_series()
    app = ChartApp(series)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert text.splitlines()[0].startswith("train/loss")
        for item in series:
            assert f"● {item.label} {item.values[-1]:.4g}" in text
        assert any(chr(c) in text for c in range(0x2801, 0x2900))


async def test_keys_toggle_smoothing_and_log_scale() -> None:
    app = ChartApp(loss_series(runs=1))
    async with app.run_test(size=(80, 24)) as pilot:
        chart = app.query_one(Chart)
        await pilot.press("s")
        assert chart.smoothing == 0.6
        await pilot.press("plus")
        assert chart.smoothing == 0.8
        await pilot.press("minus", "minus")
        assert chart.smoothing == 0.3
        await pilot.press("l")
        await pilot.pause()
        assert chart.log_y
        first = screen_text(app).splitlines()[0]
        assert "EMA 0.30" in first and "log" in first
        await pilot.press("s", "l")
        await pilot.pause()
        assert chart.smoothing == 0 and not chart.log_y
        assert "EMA" not in screen_text(app).splitlines()[0]


async def test_x_axis_cycles_through_time_axes() -> None:
    app = ChartApp(loss_series(runs=1))
    async with app.run_test(size=(80, 24)) as pilot:
        chart = app.query_one(Chart)
        await pilot.press("x")
        await pilot.pause()
        assert chart.x_axis == "wall"
        assert "wall time" in screen_text(app)
        await pilot.press("x")
        await pilot.pause()
        assert chart.x_axis == "relative"
        text = screen_text(app)
        assert "relative time" in text
        assert "1m" in text and "2m" in text  # duration ticks of a 200 s run
        await pilot.press("x")
        assert chart.x_axis == "step"


async def test_zoom_follows_the_tail_and_pans() -> None:
    app = ChartApp(loss_series(runs=1))
    async with app.run_test(size=(80, 24)) as pilot:
        chart = app.query_one(Chart)
        await pilot.press("z")
        assert chart.x_window == (99.5, 199.0)
        await pilot.press("z")
        assert chart.x_window is not None
        assert chart.x_window[1] == 199.0
        assert chart.follow
        await pilot.press("left_square_bracket")
        assert not chart.follow
        low, high = chart.x_window
        assert high < 199.0
        # New data arrives: a non-following window stays put.
        longer = loss_series(runs=1, points=300)
        chart.set_series([longer[0]])
        await pilot.pause()
        assert chart.x_window == (low, high)
        await pilot.press("f")
        await pilot.pause()
        assert chart.follow
        assert chart.frame is not None and chart.frame.viewport is not None
        assert chart.frame.viewport.x_max == 299.0
        await pilot.press("Z", "Z", "Z")
        assert chart.x_window is None
        await pilot.press("z", "0")
        assert chart.x_window is None and chart.cursor is None


async def test_cursor_shows_values_of_every_series() -> None:
    series = loss_series()
    app = ChartApp(series)
    async with app.run_test(size=(80, 24)) as pilot:
        chart = app.query_one(Chart)
        await pilot.press("left")
        assert chart.cursor == 199.0
        await pilot.press("left", "left")
        await pilot.pause()
        assert chart.cursor is not None and chart.cursor < 199.0
        step = int(chart.cursor)
        text = screen_text(app)
        assert f"@ {step}" in text.splitlines()[0]
        assert chart.frame is not None
        values = dict(chart.frame.cursor_values)
        for item in series:
            assert values[item.label] == item.values[step]
            assert f"● {item.label} {item.values[step]:.4g}" in text


async def test_empty_and_tiny_charts_do_not_crash() -> None:
    app = ChartApp([])
    async with app.run_test(size=(20, 6)) as pilot:
        await pilot.pause()
        assert "no data" in screen_text(app)
        chart = app.query_one(Chart)
        chart.set_series(loss_series(runs=2))
        await pilot.pause()
        text = screen_text(app)
        assert len(text.splitlines()) == 6
        assert all(len(line) == 20 for line in text.splitlines())


async def test_nan_and_inf_values_leave_gaps() -> None:
    values = np.linspace(1, 2, 100)
    values[40:60] = np.nan
    values[80] = np.inf
    series = SeriesData("r::m", "m", np.arange(100, dtype=np.int64), values)
    app = ChartApp([series], title="m")
    async with app.run_test(size=(60, 16)) as pilot:
        await pilot.pause()
        chart = app.query_one(Chart)
        frame = chart.frame
        assert frame is not None and frame.viewport is not None
        assert frame.viewport.y_min <= 1.0 and frame.viewport.y_max >= 2.0
        assert "● m 2" in frame.text()


async def test_clicking_the_plot_places_the_cursor() -> None:
    app = ChartApp(loss_series(runs=1))
    async with app.run_test(size=(80, 24)) as pilot:
        chart = app.query_one(Chart)
        await pilot.pause()
        frame = chart.frame
        assert frame is not None and frame.viewport is not None
        column = frame.plot_width // 2
        await pilot.click(Chart, offset=(frame.plot_left + column, 5))
        assert chart.cursor is not None
        expected = frame.viewport.px_to_x(column * 2 + 0.5)
        assert abs(chart.cursor - expected) <= 1


async def test_invalid_view_state_is_normalised() -> None:
    app = ChartApp(loss_series(runs=1))
    async with app.run_test(size=(60, 16)):
        chart = app.query_one(Chart)
        chart.smoothing = 5.0
        assert chart.smoothing == 0.99
        chart.smoothing = -1
        assert chart.smoothing == 0.0
        chart.x_axis = "furlongs"
        assert chart.x_axis == "step"
