"""dvclive 3.49.1's own framework tests, taken from its sdist and pointed at ``dvclive_writer``.

The sdist is downloaded with pip once (``.ci/run`` does it up front) into the virtual
environment, never committed. Its ``tests/conftest.py`` and ``tests/frameworks/*.py`` are
copied into a folder with every ``dvclive`` module name replaced by the ``dvclive_writer``
module that serves it (:func:`dvclive_writer.alias.target_name`: ``dvclive.plots.metric`` is
``dvclive_writer.plots_api``). One fixture differs, in ``tests/frameworks/conftest.py``
(:data:`OVERRIDES`): ``mocked_dvc_repo`` patches ``dvclive.live.get_dvc_repo``, which dvclive
calls in every ``Live()``; ``dvclive_writer`` opens a DVC repository only inside Git, so the
fixture gives a real Git + DVC repository with ``Experiments.save`` spied (it still runs).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from dvclive_writer.alias import target_name

VERSION = "3.49.1"
SDIST = f"dvclive-{VERSION}.tar.gz"

#: Where the sdist is kept: inside the virtual environment (``.ci/run`` downloads it there).
CACHE = Path(sys.prefix) / "share" / "dvclive-sdist"

#: ``tests/frameworks/conftest.py`` of the copy: the repository fixture (see module doc).
OVERRIDES = '''
import os
import shutil
import subprocess
import sys
from types import SimpleNamespace

import pytest


@pytest.fixture(scope="session")
def _template_repo(tmp_path_factory):
    root = tmp_path_factory.mktemp("template-repo")
    env = {**os.environ, "DVC_NO_ANALYTICS": "1"}
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run([sys.executable, "-m", "dvc", "init", "-q"], cwd=root, check=True, env=env)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", "init"], cwd=root, check=True)
    return root


@pytest.fixture
def mocked_dvc_repo(tmp_dir, mocker, _template_repo):
    """A real Git + DVC repository in tmp_dir; Experiments.save is spied and runs."""
    shutil.copytree(_template_repo, tmp_dir, dirs_exist_ok=True)
    from dvc.repo.experiments import Experiments

    save = mocker.spy(Experiments, "save")
    return SimpleNamespace(experiments=SimpleNamespace(save=save))
'''

#: ``dvclive`` as a name in code or a dotted name in a string; not a path (``dvclive/plots``,
#: ``dvclive-optuna``, ``iterative/dvclive``), nor the bare string ``"dvclive"`` (a folder, or
#: ``report_to="dvclive"``).
#: Edits besides the module names, per file, each a deliberate difference: dvclive's Keras
#: test builds its model with TensorFlow's ``tf.keras``; here Keras 3 runs on the torch
#: backend (``KERAS_BACKEND=torch``), without TensorFlow.
PATCHES = {
    "frameworks/test_keras.py": [
        ("    import tensorflow as tf\n", "    import keras\n"),
        ("tf.keras.", "keras."),
    ],
}

#: Upstream tests that fail here on purpose: node id → why.
EXPECTED_FAILURES = {
    "tests/frameworks/test_lightning.py::test_lightning_steps": (
        "counts spied Live.sync calls: 5 in dvclive, 4 here, because Live.end() syncs through "
        "its own final sync (which also writes the final report) rather than the public "
        "sync(); the files written are the same"
    ),
}

_MODULE = re.compile(r"""(?<![\w/.\-])(["']?)dvclive((?:\.[A-Za-z_]\w*)*)(?![\w/\-])""")


def sdist() -> Path:
    """The sdist, downloaded with pip into :data:`CACHE` when missing."""
    path = CACHE / SDIST
    if not path.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
            pip = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp]
            subprocess.run(
                [*pip, "--no-binary", ":all:", f"dvclive=={VERSION}"],
                check=True,
                capture_output=True,
            )
            os.replace(Path(tmp) / SDIST, path)
    return path


def rename_modules(source: str) -> str:
    """``source`` with every ``dvclive`` module name replaced by the module serving it.

    A dotted name is replaced by its longest prefix that is a module name (``dvclive.utils``
    in ``dvclive.utils.parse_metrics``); dotted names in strings (``mocker.patch`` targets,
    the LightningCLI class path) are replaced too.
    """

    def replace(match: re.Match[str]) -> str:
        quote, dotted = match.group(1), match.group(2)
        if quote and not dotted:
            return match.group(0)
        parts = ("dvclive" + dotted).split(".")
        for end in range(len(parts), 0, -1):
            head = ".".join(parts[:end])
            target = target_name(head)
            if target is not None and _is_module(target):
                return quote + ".".join([target, *parts[end:]])
        return match.group(0)

    return _MODULE.sub(replace, source)


def _is_module(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def extract(dest: Path) -> Path:
    """Write the renamed upstream tests under ``dest/tests``; returns ``dest``."""
    prefix = f"dvclive-{VERSION}/tests/"
    with tarfile.open(sdist()) as tar:
        for member in tar.getmembers():
            name = member.name
            if not member.isfile() or not name.startswith(prefix):
                continue
            rel = name[len(prefix) :]
            if rel not in ("__init__.py", "conftest.py") and not rel.startswith("frameworks/"):
                continue
            data = tar.extractfile(member)
            assert data is not None
            target = dest / "tests" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            text = rename_modules(data.read().decode("utf-8"))
            for old, new in PATCHES.get(rel, []):
                assert old in text, f"{rel}: {old!r} not found"
                text = text.replace(old, new)
            target.write_text(text, encoding="utf-8")
    (dest / "tests" / "frameworks" / "conftest.py").write_text(OVERRIDES, encoding="utf-8")
    (dest / "pytest.ini").write_text("[pytest]\naddopts = -ra\n", encoding="utf-8")
    return dest
