"""The chart maths, image rasteriser and one-shot printer never load Textual."""

from __future__ import annotations

import json
import subprocess
import sys


def test_rendering_layers_do_not_import_textual() -> None:
    modules = (
        "dvclive_tui.charts.view, dvclive_tui.charts.plots, dvclive_tui.charts.rich_render, "
        "dvclive_tui.imaging.halfblock, dvclive_tui.commands.snap"
    )
    code = (
        f"import json, sys, {modules}; "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    assert "textual" not in loaded
    assert "numpy" in loaded  # sanity: the modules really were imported
