"""``log_image`` against dvclive 3.49.1: same bytes for every input kind, same errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dvclive
import dvclive.error
import matplotlib
import numpy as np
import pytest
from PIL import Image

import dvclive_writer
import dvclive_writer.error

from .conftest import assert_same_dvcyaml

matplotlib.use("Agg")
import matplotlib.pyplot as plt

IMAGES = "dvclive/plots/images"


def _gradient(shape: tuple[int, ...]) -> np.ndarray:
    return (np.arange(int(np.prod(shape))) % 251).astype(np.uint8).reshape(shape)


def test_each_input_kind_gives_dvclives_bytes(run_both: Any, tmp_path: Path) -> None:
    source_png = tmp_path / "source.png"
    Image.new("RGB", (7, 5), (10, 200, 30)).save(source_png)
    source_jpg = tmp_path / "source.jpg"
    Image.new("RGB", (8, 8), (90, 20, 250)).save(source_jpg)
    figures: list[Any] = []

    def script(live: Any) -> None:
        live.log_image("pil_rgb.png", Image.new("RGB", (20, 10), (1, 2, 3)))
        live.log_image("pil_rgba.png", Image.new("RGBA", (6, 6), (1, 2, 3, 128)))
        live.log_image("pil.jpg", Image.new("RGB", (16, 16), (200, 100, 0)))
        live.log_image("pil.gif", Image.new("P", (4, 4), 3))
        live.log_image("hw.png", _gradient((12, 9)))
        live.log_image("hwc3.png", _gradient((5, 4, 3)))
        live.log_image("hwc4.png", _gradient((5, 4, 4)))
        live.log_image("gray.jpeg", np.linspace(0, 255, 64).reshape(8, 8).astype(np.uint8))
        fig, ax = plt.subplots(figsize=(2, 2), dpi=40)
        ax.plot([0, 1, 2], [2, 0, 1])
        figures.append(fig)
        live.log_image("fig.png", fig)
        for suffix in ("jpg", "gif"):
            other, ax = plt.subplots(figsize=(1, 1), dpi=30)
            ax.bar([0, 1], [1, 2])
            figures.append(other)
            live.log_image(f"fig.{suffix}", other)
        live.log_image("donated", source_png)  # the name gets ".png"
        live.log_image("donated_jpg", str(source_jpg))
        live.log_image("renamed.png", source_jpg)  # a name suffix wins over the source's
        live.next_step()
        live.log_image(f"steps/{live.step}.png", _gradient((3, 3)))
        live.log_image("nested/deeper/x.png", _gradient((2, 2, 3)))

    pair = run_both(script)
    names = sorted(
        p.relative_to(pair.theirs / IMAGES).as_posix()
        for p in (pair.theirs / IMAGES).rglob("*")
        if p.is_file()
    )
    assert "donated.png" in names and "donated_jpg.jpg" in names and "steps/1.png" in names
    ours_names = sorted(
        p.relative_to(pair.ours / IMAGES).as_posix()
        for p in (pair.ours / IMAGES).rglob("*")
        if p.is_file()
    )
    assert ours_names == names  # no temporary files left behind
    for name in names:
        theirs, ours = pair.both(f"{IMAGES}/{name}")
        assert ours.read_bytes() == theirs.read_bytes(), name
    # Each figure was closed after saving (one per run).
    assert all(not plt.fignum_exists(fig.number) for fig in figures)
    assert {"dvclive/plots/images"} <= set(assert_same_dvcyaml(pair)["plots"])


def test_overwrite_same_name(run_both: Any) -> None:
    def script(live: Any) -> None:
        live.log_image("img.png", Image.new("RGB", (3, 3), (0, 0, 0)))
        live.next_step()
        live.log_image("img.png", Image.new("RGB", (3, 3), (255, 255, 255)))

    pair = run_both(script)
    theirs, ours = pair.both(f"{IMAGES}/img.png")
    assert ours.read_bytes() == theirs.read_bytes()
    assert Image.open(ours).getpixel((0, 0)) == (255, 255, 255)


def _error(module: Any, tmp_path: Path, name: str, val: Any) -> BaseException:
    root = tmp_path / module.__name__
    root.mkdir(exist_ok=True)
    live = module.Live(dir=str(root / "out"), save_dvc_exp=False, report=None)
    with pytest.raises(Exception) as info:
        live.log_image(name, val)
    return info.value


@pytest.mark.parametrize(
    ("name", "val", "error"),
    [
        ("img.png", 3, "InvalidDataTypeError"),
        ("img.png", None, "InvalidDataTypeError"),
        ("img.PNG", "SOURCE", "InvalidImageNameError"),  # case-sensitive
        ("img.bmp", "PIL", "InvalidImageNameError"),
        ("img", "PIL", "InvalidImageNameError"),  # no suffix to donate
        ("img.png", "MISSING", "FileNotFoundError"),
        ("float.png", "FLOAT", "OSError"),  # mode F cannot be written as PNG
    ],
)
def test_errors_match_dvclive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, val: Any, error: str
) -> None:
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "source.png"
    Image.new("RGB", (2, 2)).save(source)

    def value() -> Any:
        if val == "SOURCE":
            return source
        if val == "PIL":
            return Image.new("RGB", (2, 2))
        if val == "MISSING":
            return str(tmp_path / "missing.png")
        if val == "FLOAT":
            return np.zeros((4, 4), dtype=np.float64)
        if val == "FIG":
            return plt.figure(figsize=(1, 1))
        return val

    theirs = _error(dvclive, tmp_path, name, value())
    ours = _error(dvclive_writer, tmp_path, name, value())
    plt.close("all")
    assert type(theirs).__name__ == type(ours).__name__
    assert error in {cls.__name__ for cls in type(ours).__mro__}
    if isinstance(theirs, dvclive.error.DvcLiveError):
        assert isinstance(ours, dvclive_writer.error.DvcLiveError)
        assert str(ours) == str(theirs)
