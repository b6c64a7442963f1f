"""A simulated training run written through :mod:`dvclive_writer` (``dvclive-tui demo``).

Run as ``python -m dvclive_tui.demo_training DIR --steps N --delay S``: logs noisy
``train/loss``, ``train/acc``, ``eval/loss``, ``eval/acc`` and ``lr`` every step, the
params once, a per-step sample image (``samples/<step>.png``, Pillow), this machine's
CPU, RAM and disk use (``monitor_system``, the System tab) and, at the end, sklearn
plots (a confusion matrix always; ROC and precision-recall when scikit-learn is installed).
Seeded, so two runs write the same numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

CLASSES = ("cat", "dog", "bird")
"""Labels of the simulated classifier."""
IMAGE_SIZE = 48
"""Side of the sample images, in pixels."""


def learning_rate(step: int, steps: int, base: float = 1e-3) -> float:
    """Cosine decay with a short warm-up."""
    warmup = max(1, steps // 20)
    if step < warmup:
        return base * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return base * 0.5 * (1 + math.cos(math.pi * progress))


def step_metrics(step: int, steps: int, rng: random.Random) -> dict[str, float]:
    """Noisy, improving metrics for one step."""
    progress = step / max(1, steps - 1)
    decay = math.exp(-4.0 * progress)
    train_loss = 0.15 + 2.1 * decay + rng.gauss(0, 0.04 + 0.05 * decay)
    eval_loss = 0.25 + 2.0 * decay + 0.1 * progress**2 + rng.gauss(0, 0.05)
    train_acc = 0.97 - 0.64 * decay + rng.gauss(0, 0.012)
    eval_acc = 0.91 - 0.58 * decay + rng.gauss(0, 0.02)
    return {
        "train/loss": max(train_loss, 0.01),
        "train/acc": min(max(train_acc, 0.0), 1.0),
        "eval/loss": max(eval_loss, 0.01),
        "eval/acc": min(max(eval_acc, 0.0), 1.0),
        "lr": learning_rate(step, steps),
    }


def sample_image(step: int, steps: int, rng: random.Random) -> Any:
    """A sample whose pattern sharpens as training goes on (a ``PIL.Image``)."""
    from PIL import Image

    clarity = step / max(1, steps - 1)
    image = Image.new("RGB", (IMAGE_SIZE, IMAGE_SIZE))
    pixels = image.load()
    assert pixels is not None
    centre = (IMAGE_SIZE - 1) / 2
    for y in range(IMAGE_SIZE):
        for x in range(IMAGE_SIZE):
            ring = math.hypot(x - centre, y - centre) / centre
            signal = 0.5 + 0.5 * math.cos(ring * 3 * math.pi)
            noise = rng.random()
            level = clarity * signal + (1 - clarity) * noise
            pixels[x, y] = (
                int(255 * level),
                int(255 * (1 - ring) * clarity + 60 * noise),
                int(255 * (1 - level)),
            )
    return image


def predictions(rng: random.Random, count: int = 300) -> tuple[list[str], list[str]]:
    """True and predicted labels of a mostly right classifier."""
    truth = [rng.choice(CLASSES) for _ in range(count)]
    predicted = [label if rng.random() < 0.82 else rng.choice(CLASSES) for label in truth]
    return truth, predicted


def scores(rng: random.Random, count: int = 300) -> tuple[list[int], list[float]]:
    """Binary labels and classifier scores (for ROC and precision-recall)."""
    truth = [int(rng.random() < 0.5) for _ in range(count)]
    score = [min(1.0, max(0.0, rng.gauss(0.68 if label else 0.32, 0.18))) for label in truth]
    return truth, score


def train(directory: Path, steps: int, delay: float, seed: int = 0) -> None:
    """Write ``steps`` steps of a simulated run to ``directory``, ``delay`` seconds apart."""
    from dvclive_writer import Live

    rng = random.Random(seed)
    with Live(str(directory), save_dvc_exp=False, monitor_system=True) as live:
        live.log_params(
            {
                "model": {"name": "resnet18", "pretrained": True},
                "optimizer": {"name": "adam", "lr": 1e-3, "weight_decay": 1e-4},
                "data": {"batch_size": 64, "classes": list(CLASSES)},
                "epochs": steps,
                "seed": seed,
            }
        )
        for step in range(steps):
            for name, value in step_metrics(step, steps, rng).items():
                live.log_metric(name, value, timestamp=True)
            live.log_image(f"samples/{live.step}.png", sample_image(step, steps, rng))
            live.next_step()
            if delay > 0 and step < steps - 1:
                time.sleep(delay)
        truth, predicted = predictions(rng)
        live.log_sklearn_plot("confusion_matrix", truth, predicted)
        try:
            import sklearn  # noqa: F401 - only to know whether ROC can be computed
        except ImportError:
            return
        binary, score = scores(rng)
        live.log_sklearn_plot("roc", binary, score)
        live.log_sklearn_plot("precision_recall", binary, score)


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry point (the ``demo`` command runs it as a subprocess)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("directory", type=Path, help="dvclive directory to write")
    parser.add_argument("--steps", type=int, default=200, help="steps to simulate")
    parser.add_argument("--delay", type=float, default=0.2, help="seconds between steps")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        train(args.directory, args.steps, args.delay, args.seed)


if __name__ == "__main__":
    main()
