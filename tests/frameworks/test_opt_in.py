"""The opt-in: ``import dvclive`` gives ``dvclive_writer`` only when asked, never silently.

Every case runs in a fresh process. Third-party callbacks that import ``dvclive`` themselves
(transformers, accelerate, Ultralytics) run twice: through ``python -m dvclive_writer.run``
and plainly (the real dvclive 3.49.1); both runs must hold the same files.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.frameworks.conftest import OFFLINE_ENV, need
from tests.frameworks.runs import assert_listed, assert_same_run

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = Path(__file__).resolve().parent / "scripts"


def python(
    *args: str, cwd: Path, launcher: bool = False, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python [-m dvclive_writer.run] ARGS`` in ``cwd`` (no pytest markers in its env)."""
    full_env = {**os.environ, **OFFLINE_ENV, "DVC_NO_ANALYTICS": "1", **(env or {})}
    full_env.pop("PYTEST_CURRENT_TEST", None)
    prefix = ["-m", "dvclive_writer.run"] if launcher else []
    return subprocess.run(
        [sys.executable, *prefix, *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def script(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "script.py"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_launcher_serves_dvclive_and_its_submodules(tmp_path: Path) -> None:
    path = script(
        tmp_path,
        """
        import importlib.metadata, sys
        import dvclive, dvclive.lightning, dvclive.utils
        from dvclive import Live
        from dvclive.plots import Metric
        from dvclive.plots.metric import Metric as Same
        import dvclive_writer, dvclive_writer.lightning, dvclive_writer.utils
        assert dvclive is dvclive_writer and Live is dvclive_writer.Live
        assert dvclive.lightning is dvclive_writer.lightning
        assert dvclive_writer.lightning.__spec__.name == "dvclive_writer.lightning"
        assert Metric is Same and Metric.could_log(1.5) and not Metric.could_log([1])
        assert importlib.metadata.version("dvclive") == "3.49.1"
        assert sys.argv == [sys.argv[0], "a", "--b"] and sys.argv[0].endswith("script.py")
        try:
            import dvclive.no_such_module
        except ModuleNotFoundError as exc:
            print("missing:", exc)
        sys.exit(3)
        """,
    )
    result = python(str(path), "a", "--b", cwd=tmp_path, launcher=True)
    assert result.returncode == 3, result.stderr
    assert "missing: No module named 'dvclive.no_such_module'" in result.stdout
    (line,) = result.stderr.splitlines()
    assert line.startswith("dvclive_writer.run: import dvclive -> dvclive_writer (")
    assert line.endswith("dvclive 3.49.1 API; the installed dvclive 3.49.1 is not used")


def test_without_the_opt_in_dvclive_is_the_real_one(tmp_path: Path) -> None:
    code = (
        "import dvclive_writer, dvclive_writer.alias, dvclive_writer.utils, dvclive; "
        "print(dvclive.__name__, 'site-packages' in dvclive.__file__)"
    )
    assert python("-c", code, cwd=tmp_path).stdout.split() == ["dvclive", "True"]


def test_opting_in_after_dvclive_was_imported_is_refused(tmp_path: Path) -> None:
    code = (
        "import dvclive\n"
        "from dvclive_writer.alias import AliasError, serve_as_dvclive\n"
        "try:\n    serve_as_dvclive()\nexcept AliasError as exc:\n    print(exc)\n"
        "import dvclive.utils; print(dvclive.utils.__name__)"
    )
    out = python("-c", code, cwd=tmp_path).stdout.splitlines()
    assert out[0].startswith("dvclive is already imported (from ")
    assert out[1] == "dvclive.utils"


def test_serve_as_dvclive_and_stop_serving(tmp_path: Path) -> None:
    code = (
        "from dvclive_writer.alias import serve_as_dvclive, stop_serving, is_serving\n"
        "serve_as_dvclive(); serve_as_dvclive()\n"
        "import dvclive; print(dvclive.__name__, is_serving())\n"
        "stop_serving()\n"
        "import dvclive; print(dvclive.__name__, is_serving())"
    )
    out = python("-c", code, cwd=tmp_path).stdout.split()
    assert out == ["dvclive_writer", "True", "dvclive", "False"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ([], 2, "usage: python -m dvclive_writer.run"),
        (["missing.py"], 2, "dvclive_writer.run: can't open file 'missing.py': no such file"),
        (["-m"], 2, "usage: python -m dvclive_writer.run"),
    ],
)
def test_launcher_usage_errors_are_one_line(
    tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    result = python(*args, cwd=tmp_path, launcher=True)
    assert result.returncode == code
    assert result.stderr.splitlines() == [message] or result.stderr.startswith(message)
    assert len(result.stderr.splitlines()) == 1


def test_launcher_runs_a_module_with_dash_m(tmp_path: Path) -> None:
    (tmp_path / "trainpkg").mkdir()
    (tmp_path / "trainpkg" / "__init__.py").write_text("")
    (tmp_path / "trainpkg" / "main.py").write_text(
        "import sys, dvclive\nprint(__name__, dvclive.__name__, sys.argv[1:])\n"
    )
    result = python("--quiet", "-m", "trainpkg.main", "x", cwd=tmp_path, launcher=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["__main__", "dvclive_writer", "['x']"]
    assert result.stderr == ""


def _both(tmp_path: Path, name: str, *args: str) -> None:
    """Run the script plainly, then through the launcher, in the same folder (the runs log
    absolute paths), moving each result to ``tmp_path/<package>``."""
    for package, launcher in (("dvclive", False), ("dvclive_writer", True)):
        cwd = tmp_path / "work"
        cwd.mkdir()
        result = python(str(SCRIPTS / name), *args, cwd=cwd, launcher=launcher)
        assert result.returncode == 0, result.stderr[-4000:]
        assert f"dvclive served by {package}" in result.stdout
        cwd.rename(tmp_path / package)


@pytest.mark.slow
def test_transformers_report_to_dvclive_through_the_opt_in(tmp_path: Path) -> None:
    need("transformers")
    _both(tmp_path, "hf_report_to.py", str(ROOT))
    assert_same_run(tmp_path / "dvclive", tmp_path / "dvclive_writer", "dvclive", defaults=True)
    assert_listed(
        tmp_path / "dvclive_writer" / "dvclive",
        {"loss", "learning_rate", "train/loss", "eval/loss", "epoch"},
        {"num_train_epochs", "learning_rate"},
    )


def test_accelerate_tracker_through_the_opt_in(tmp_path: Path) -> None:
    need("accelerate")
    _both(tmp_path, "accelerate_tracker.py")
    assert_same_run(tmp_path / "dvclive", tmp_path / "dvclive_writer")
    assert_listed(tmp_path / "dvclive_writer" / "run", {"train/loss", "lr"}, {"lr"})


@pytest.mark.slow
def test_ultralytics_callback_through_the_opt_in(tmp_path: Path) -> None:
    need("ultralytics")
    os.environ["YOLO_CONFIG_DIR"] = str(tmp_path / "yolo-settings")
    try:
        _both(tmp_path, "ultralytics_train.py")
    finally:
        del os.environ["YOLO_CONFIG_DIR"]
    assert_same_run(tmp_path / "dvclive", tmp_path / "dvclive_writer", "dvclive", defaults=True)
    assert_listed(
        tmp_path / "dvclive_writer" / "dvclive",
        {"train/box_loss", "val/box_loss", "metrics/mAP50(B)", "lr/pg0"},
        {"epochs", "imgsz"},
    )
