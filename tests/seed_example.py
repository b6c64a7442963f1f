"""The seed's example (``how-it-works.md``) as a script, shared by the writer and report tests."""

from __future__ import annotations

#: The seed's example, with ``from dvclive import Live`` switched to ``dvclive_writer`` (and
#: the ``Path`` import the seed's snippet leaves out).
SEED_SCRIPT = """\
import random
from pathlib import Path

from dvclive_writer import Live
from PIL import Image

EPOCHS = 2

with Live(save_dvc_exp=True) as live:
    live.log_param("epochs", EPOCHS)

    for i in range(EPOCHS):
        live.log_metric("metric", i + random.random())
        live.log_metric("nested/metric", i + random.random())
        live.log_image("img.png", Image.new("RGB", (50, 50), (i, i, i)))
        Path("model.pt").write_text(str(random.random()))
        live.next_step()

    live.log_artifact("model.pt")
    live.log_sklearn_plot("confusion_matrix", [0, 0, 1, 1], [0, 1, 0, 1])
    live.summary["additional_metric"] = 1.0
# live.end() has been called at this point
"""
