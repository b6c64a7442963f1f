"""The one-shot path stays light: ``compare --json`` never imports dvc, Textual, numpy, a
git library or a YAML library."""

from __future__ import annotations

import json
import subprocess
import sys


def loaded_after(code: str) -> set[str]:
    listing = "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    script = f"{code}\nimport json, sys\n{listing}"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_json_path_imports_neither_dvc_nor_textual_nor_numpy() -> None:
    modules = loaded_after(
        "from dvclive_tui.commands import compare\n"
        "from dvclive_tui.experiments import load, exp_show, view, collect, prefill"
    )
    assert not {"dvc", "textual", "numpy", "ruamel", "scmrepo", "pygit2", "yaml"} & modules


def test_experiments_layer_is_headless() -> None:
    modules = loaded_after(
        "import dvclive_tui.experiments.series, dvclive_tui.experiments.filter, "
        "dvclive_tui.experiments.collect"
    )
    assert "textual" not in modules and "dvc" not in modules
