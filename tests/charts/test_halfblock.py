"""Half-cell image rendering: aspect ratio, colours, transparency, caching, bad files."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest
from PIL import Image

from dvclive_tui.imaging.halfblock import fit_cells, render_image


def two_band_png(path: Path, size: tuple[int, int] = (40, 20)) -> Path:
    """Red upper half, blue lower half."""
    image = Image.new("RGB", size, (255, 0, 0))
    image.paste((0, 0, 255), (0, size[1] // 2, size[0], size[1]))
    image.save(path)
    return path


def test_fit_keeps_aspect_with_two_pixels_per_cell() -> None:
    assert fit_cells(40, 20, 20, 10) == (20, 5)
    assert fit_cells(28, 28, 80, 10) == (20, 10)
    assert fit_cells(100, 10, 50, 50) == (50, 3)
    assert fit_cells(0, 10, 50, 50) == (0, 0)


def test_render_resizes_and_keeps_colours(tmp_path: Path) -> None:
    image = render_image(two_band_png(tmp_path / "a.png"), 20, 10)
    assert image is not None
    assert (image.width, image.height) == (20, 5)
    assert tuple(image.top[0, 0]) == (255, 0, 0)
    assert tuple(image.bottom[-1, -1]) == (0, 0, 255)
    rows = image.segment_rows()
    assert len(rows) == 5
    assert "".join(segment.text for segment in rows[0]) == "▀" * 20


def test_transparent_pixels_take_the_background(tmp_path: Path) -> None:
    path = tmp_path / "t.png"
    Image.new("RGBA", (4, 4), (0, 0, 0, 0)).save(path)
    image = render_image(path, 4, 2, background=(10, 20, 30))
    assert image is not None
    assert tuple(image.top[0, 0]) == (10, 20, 30)


def test_half_written_corrupt_and_missing_files_give_none(tmp_path: Path) -> None:
    good = two_band_png(tmp_path / "good.png", (64, 64))
    data = good.read_bytes()
    half = tmp_path / "half.png"
    half.write_bytes(data[: len(data) // 2])
    assert render_image(half, 20, 10) is None
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"\xff\xd8not a jpeg at all")
    assert render_image(junk, 20, 10) is None
    assert render_image(tmp_path / "missing.png", 20, 10) is None
    # Once the file is complete, the same path renders.
    half.write_bytes(data)
    os.utime(half, ns=(1, 1_000_000_000))
    assert render_image(half, 20, 10) is not None


def test_results_are_cached_until_the_file_changes(tmp_path: Path) -> None:
    path = two_band_png(tmp_path / "a.png")
    first = render_image(path, 20, 10)
    assert render_image(path, 20, 10) is first
    Image.new("RGB", (40, 20), (0, 255, 0)).save(path)
    os.utime(path, ns=(5, 5_000_000_000))
    second = render_image(path, 20, 10)
    assert second is not None and second is not first
    assert tuple(second.top[0, 0]) == (0, 255, 0)


def test_special_files_and_pixel_bombs_give_none_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    assert render_image(fifo, 20, 10) is None  # never opened: a read would block
    zero = tmp_path / "zero.png"
    zero.symlink_to("/dev/zero")
    assert render_image(zero, 20, 10) is None
    folder = tmp_path / "folder.png"
    folder.mkdir()
    assert render_image(folder, 20, 10) is None
    bomb = tmp_path / "bomb.png"
    Image.new("1", (8000, 8000)).save(bomb)  # 64M pixels in a few kilobytes
    assert bomb.stat().st_size < 1 << 20
    assert render_image(bomb, 20, 10) is None
    sparse = tmp_path / "sparse.png"
    with sparse.open("wb") as handle:
        handle.truncate(1 << 30)
    assert render_image(sparse, 20, 10) is None


@pytest.mark.parametrize(
    "error",
    [
        ModuleNotFoundError("No module named 'pi_heif'"),  # Ultralytics' patched Image.open
        struct.error("unpack requires a buffer of 4 bytes"),
        RuntimeError("decoder error"),
        IndexError("tuple index out of range"),
        ZeroDivisionError("division by zero"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_any_decoder_error_is_a_missing_frame_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    """Pillow's plugins, or a library that patched ``Image.open``, may raise anything on a
    broken file: the frame is missing (the view keeps the last good one), nothing raises."""

    def failing_open(*_args: object, **_kwargs: object) -> Image.Image:
        raise error

    path = two_band_png(tmp_path / f"{type(error).__name__}.png")
    monkeypatch.setattr(Image, "open", failing_open)
    assert render_image(path, 20, 10) is None
