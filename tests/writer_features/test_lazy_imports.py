"""Heavy modules load only when the feature that needs them is used."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("dvc", "numpy", "sklearn", "PIL", "pandas", "matplotlib", "psutil", "requests")


def _loaded_after(script: str, cwd: Path) -> set[str]:
    code = (
        "import json, sys\n"
        f"{script}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True
    )
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_a_metrics_only_run_outside_git_stays_light(tmp_path: Path) -> None:
    loaded = _loaded_after(
        "from dvclive_writer import Live\n"
        "live = Live(report=None)\n"
        "live.log_param('lr', 0.1)\n"
        "live.log_metric('loss', 0.5)\n"
        "live.log_plot('p', [{'x': 1, 'y': 2}], x='x', y='y')\n"
        "live.log_sklearn_plot('confusion_matrix', [0, 1], [1, 1])\n"
        "live.next_step()\n"
        "live.end()",
        tmp_path,
    )
    assert not loaded & set(HEAVY)


@pytest.mark.parametrize(
    ("feature", "expected"),
    [
        ("live.log_sklearn_plot('roc', [0, 1, 1], [0.2, 0.6, 0.9])", {"sklearn", "numpy"}),
        ("import PIL.Image as I; live.log_image('a.png', I.new('L', (1, 1)))", {"PIL"}),
        (
            "import numpy as np; live.log_plot('p', np.ones((2, 2)), x='0', y='1')",
            {"numpy"},
        ),
    ],
)
def test_a_feature_loads_only_what_it_needs(
    tmp_path: Path, feature: str, expected: set[str]
) -> None:
    loaded = _loaded_after(
        f"from dvclive_writer import Live\nlive = Live(report=None)\n{feature}\nlive.end()",
        tmp_path,
    )
    assert expected <= loaded
    assert "dvc" not in loaded
