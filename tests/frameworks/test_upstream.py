"""dvclive 3.49.1's framework tests pass against ``dvclive_writer`` (see ``upstream.py``).

Each upstream file runs in its own pytest process, started through the opt-in
(``python -m dvclive_writer.run -m pytest``), so transformers' own ``DVCLiveCallback``, which
the Hugging Face tests use beside dvclive's, gets ``dvclive_writer`` too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.frameworks import upstream
from tests.frameworks.conftest import OFFLINE_ENV, need

#: Upstream file → the framework it needs → how many tests it has (all must run).
FILES = {
    "test_fabric.py": ("lightning", 4),
    "test_lightning.py": ("lightning", 12),
    "test_huggingface.py": ("transformers", 23),
    "test_keras.py": ("keras", 2),
    "test_xgboost.py": ("xgboost", 3),
    "test_lgbm.py": ("lightgbm", 3),
    "test_optuna.py": ("optuna", 1),
    "test_fastai.py": ("fastai", 5),
}


@pytest.fixture(scope="session")
def upstream_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The renamed upstream tests, extracted once per session."""
    return upstream.extract(tmp_path_factory.mktemp("dvclive-upstream"))


def run_upstream(root: Path, name: str, report: Path) -> dict[str, str]:
    """Run one upstream file; returns node id → ``passed``/``failed``/``skipped``."""
    env = {**os.environ, **OFFLINE_ENV, "DVC_NO_ANALYTICS": "1"}
    for var in ("PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER", "PYTEST_CURRENT_TEST", "CI"):
        env.pop(var, None)
    command = [sys.executable, "-m", "dvclive_writer.run", "--quiet", "-m", "pytest"]
    command += ["-q", "-p", "no:randomly", "-p", "no:cacheprovider", "-p", "no:xdist"]
    command += [f"--junitxml={report}", f"tests/frameworks/{name}"]
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    assert report.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    outcomes: dict[str, str] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        module = case.get("classname", "").replace(".", "/") + ".py"
        node = f"{module}::{case.get('name')}"
        kinds = {child.tag for child in case}
        outcome = "failed" if kinds & {"failure", "error"} else "passed"
        outcomes[node] = "skipped" if "skipped" in kinds else outcome
    return outcomes


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FILES))
def test_upstream_framework_tests_pass(upstream_root: Path, tmp_path: Path, name: str) -> None:
    module, count = FILES[name]
    need(module)
    outcomes = run_upstream(upstream_root, name, tmp_path / "report.xml")
    assert len(outcomes) == count, outcomes
    unexpected = {
        node: outcome
        for node, outcome in outcomes.items()
        if outcome != ("failed" if node in upstream.EXPECTED_FAILURES else "passed")
    }
    assert not unexpected, unexpected
