"""report.html in headless Chromium, network off: charts render, injected text stays text."""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import numpy as np
import pytest
from PIL import Image

from dvclive_writer.read.reader import load_run
from dvclive_writer.report.builder import write_report
from dvclive_writer.report.content import Experiment
from tests.report.conftest import CUSTOM, METRICS, SKLEARN, chart_names

pytestmark = pytest.mark.slow

Chromium = Callable[[list[str]], CompletedProcess[str]]

#: Each payload sets the page title if any script of it runs.
SCRIPT_PAYLOAD = "</script><script>document.title='PWNED'</script><!--"
IMG_PAYLOAD = "<img src=x onerror=\"document.title='PWNED'\">"


def hostile_run(run_dir: Path) -> None:
    """Put script-injection attempts into params, a metric name and an image name."""
    params = run_dir / "params.yaml"
    params.write_text(
        params.read_text(encoding="utf-8")
        + f"evil: {json.dumps(SCRIPT_PAYLOAD)}\n{json.dumps(IMG_PAYLOAD)}: 1\n",
        encoding="utf-8",
    )
    metric = run_dir / "plots/metrics" / f"{IMG_PAYLOAD}\u2028.tsv"
    metric.write_text("step\tx\n0\t1\n1\t2\n", encoding="utf-8")
    nested = run_dir / "plots/metrics/</script><script>document.title='PWNED'<"
    nested.mkdir(parents=True)
    (nested / "script>.tsv").write_text("step\ty\n0\t3\n", encoding="utf-8")
    Image.fromarray(np.zeros((4, 4, 3), dtype=np.uint8)).save(
        run_dir / "plots/images" / f"{IMG_PAYLOAD}.png"
    )


def test_charts_render_offline_and_injections_stay_inert(
    run_copy: Path, tmp_path: Path, chromium: Chromium
) -> None:
    hostile_run(run_copy)
    report = run_copy / "report.html"
    write_report([Experiment("workspace", load_run(run_copy))], "html", report)
    page = report.read_text(encoding="utf-8")
    names = chart_names(page)
    assert len(names) == len(METRICS) + 2 + len(SKLEARN) + len(CUSTOM)

    result = chromium(["--virtual-time-budget=15000", "--dump-dom", report.as_uri()])
    dom = result.stdout
    assert "</html>" in dom, result.stderr[-2000:]

    # No script ran from the payloads; the page keeps its own title.
    assert re.search(r"<title>DVC Report</title>", dom)
    assert "PWNED</title>" not in dom
    assert '<img src="x"' not in dom and "<img src=x" not in dom
    # The payload text is shown as text.
    assert html.escape(SCRIPT_PAYLOAD, quote=False) in dom

    # Every Vega chart was drawn (vega-embed's default renderer makes a canvas).
    starts = [(m.group(1), m.start()) for m in re.finditer(r'id="(chart-\d+)"', dom)]
    bounds = [*(start for _, start in starts[1:]), len(dom)]
    rendered = {
        chart_id
        for (chart_id, start), stop in zip(starts, bounds, strict=True)
        if "<canvas" in dom[start:stop] or "<svg" in dom[start:stop]
    }
    assert rendered == {f"chart-{i}" for i in range(len(names))}
    assert ">Chart failed:" not in dom  # the message a failing chart would show

    # A screenshot for the eye (kept under the test's tmp_path; see the report tests' docs).
    shot = tmp_path / "report.png"
    chromium(
        [
            "--virtual-time-budget=15000",
            "--window-size=1280,2400",
            f"--screenshot={shot}",
            report.as_uri(),
        ]
    )
    with Image.open(shot) as image:
        rgb = np.asarray(image.convert("RGB"))
    # dvc-render's first colour (#945dd6) is drawn: chart lines made it to pixels.
    purple = np.all(np.abs(rgb.astype(int) - [0x94, 0x5D, 0xD6]) < 12, axis=-1)
    assert purple.sum() > 200
    keep = Path(__file__).parent.parent.parent / "benchmarks" / "out"
    if keep.is_dir():
        shutil.copy(shot, keep / "report-chromium.png")
