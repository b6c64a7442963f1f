"""Ultralytics' own DVCLive callback: a YOLOv8n built from its yaml, 2 epochs on 32-pixel images.

The data set (4 images, one box each) is made here; nothing is downloaded.
"""

import sys
from pathlib import Path

import numpy as np
from PIL import Image

root = Path("data").resolve()
rng = np.random.default_rng(0)
for split in ("train", "val"):
    (root / "images" / split).mkdir(parents=True, exist_ok=True)
    (root / "labels" / split).mkdir(parents=True, exist_ok=True)
    for i in range(4):
        pixels = (rng.random((32, 32, 3)) * 255).astype("uint8")
        pixels[8:24, 8:24] = 255
        Image.fromarray(pixels).save(root / "images" / split / f"{i}.png")
        (root / "labels" / split / f"{i}.txt").write_text("0 0.5 0.5 0.5 0.5\n")
Path("data.yaml").write_text(
    f"path: {root}\ntrain: images/train\nval: images/val\nnames:\n  0: square\n"
)

from ultralytics import YOLO  # noqa: E402

YOLO("yolov8n.yaml").train(
    data="data.yaml",
    epochs=2,
    imgsz=32,
    batch=2,
    workers=0,
    device="cpu",
    plots=False,
    amp=False,
    project=str(Path("runs").resolve()),
    name="exp",
    exist_ok=True,
    verbose=False,
    seed=0,
    deterministic=True,
)
print("dvclive served by", sys.modules["dvclive"].__name__)
