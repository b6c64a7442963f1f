"""``dvclive-tui report``: paths, modes, several experiments, ``--rev``, errors, no Textual."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from dvclive_tui.cli import cli
from dvclive_writer import Live
from tests.report.conftest import chart_names


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["report", *args])
    return result.exit_code, result.output


def write_run(folder: Path, losses: list[float], *, param: object = 0.1) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with Live(str(folder / "dvclive"), report=None, save_dvc_exp=False, dvcyaml=True) as live:
        live.log_param("lr", param)
        for loss in losses:
            live.log_metric("train/loss", loss)
            live.next_step()
    return folder / "dvclive"


def revs_in(page: str) -> list[list[str]]:
    """The experiment names of every chart's data blocks."""
    blocks = re.findall(r"dvcliveDraw\(\"chart-\d+\",\{.*?\},(\[.*?\])\);</script>", page)
    return [[b["rev"] for b in json.loads(raw)] for raw in blocks]


def test_regenerates_html_in_the_run_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_dir = write_run(tmp_path, [1.0, 0.5])
    monkeypatch.chdir(tmp_path)
    code, _ = invoke()  # PATH defaults to ./dvclive
    assert code == 0
    page = (run_dir / "report.html").read_text(encoding="utf-8")
    assert chart_names(page) == ["static/train/loss"]
    assert "http-equiv" not in page  # a one-off report never auto-refreshes


def test_md_to_output_file(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "a", [1.0, 0.5])
    out = tmp_path / "out" / "r.md"
    code, _ = invoke(str(run_dir), "--md", "-o", str(out))
    assert code == 0
    text = out.read_text(encoding="utf-8")
    assert "![train/loss](static/train/loss.png)" in text
    assert (out.parent / "static/train/loss.png").is_file()
    assert not (run_dir / "report.md").exists()


def test_several_paths_overlay_one_series_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write_run(tmp_path / "a", [1.0, 0.5])
    second = write_run(tmp_path / "b", [2.0, 1.0, 0.1], param=0.2)
    monkeypatch.chdir(tmp_path)
    code, _ = invoke("a/dvclive", "b/dvclive")
    assert code == 0
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert revs_in(page) == [["a/dvclive", "b/dvclive"]]
    # Params table: one row per experiment, named.
    params = page[page.index("<h2>params.yaml</h2>") : page.index("<h2>metrics.json</h2>")]
    assert "Experiment" in params and "a/dvclive" in params and "0.2" in params
    # Each experiment gets its own colour.
    assert '"domain":["a/dvclive","b/dvclive"],"range":["#945dd6","#13adc7"]' in page
    assert first.is_dir() and second.is_dir()


def test_rev_reads_runs_from_git_objects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    subprocess.run(["git", "init", "-q"], check=True)
    write_run(tmp_path, [1.0, 0.5])
    subprocess.run(["git", "add", "-A"], check=True)
    subprocess.run(["git", "commit", "-qm", "first"], check=True)
    # A DVC experiment ref (as `dvc exp save` makes) pointing at that commit.
    head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    sha = head.stdout.strip()
    subprocess.run(
        ["git", "update-ref", f"refs/exps/{sha[:2]}/{sha[2:]}/lucky-pony", sha], check=True
    )
    shutil.rmtree(tmp_path / "dvclive")
    write_run(tmp_path, [3.0, 2.0, 1.0])  # the workspace moved on

    code, output = invoke("--rev", "HEAD", "--rev", "lucky-pony", "-o", "cmp.html")
    assert code == 0, output
    page = (tmp_path / "cmp.html").read_text(encoding="utf-8")
    assert revs_in(page) == [["workspace", "HEAD", "lucky-pony"]]
    data = re.search(r"dvcliveDraw\(\"chart-0\",\{.*?\},(\[.*?\])\);</script>", page)
    assert data is not None
    blocks = json.loads(data.group(1))
    assert [b["columns"]["loss"] for b in blocks] == [[3.0, 2.0, 1.0], [1.0, 0.5], [1.0, 0.5]]

    code, output = invoke("--rev", "no-such-exp")
    assert code == 2
    assert output.strip().splitlines() == ["Error: unknown revision or experiment: no-such-exp"]


def test_missing_path_is_one_line_exit_2(tmp_path: Path) -> None:
    code, output = invoke(str(tmp_path / "nope"))
    assert code == 2
    assert output.strip().splitlines() == [f"Error: no such directory: {tmp_path / 'nope'}"]


def test_report_never_imports_textual(tmp_path: Path) -> None:
    write_run(tmp_path, [1.0])
    code = (
        "import json, sys\n"
        "from dvclive_tui.cli import cli\n"
        "cli.main(['report', 'dvclive', '--md'], standalone_mode=False)\n"
        "cli.main(['report', 'dvclive'], standalone_mode=False)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'matplotlib'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
    assert (tmp_path / "dvclive/report.html").is_file()
    assert (tmp_path / "dvclive/report.md").is_file()


def test_rev_md_embeds_images_read_from_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    subprocess.run(["git", "init", "-q"], check=True)
    with Live("dvclive", report=None, save_dvc_exp=False) as live:
        live.log_image("sample.png", Image.new("RGB", (4, 4), (200, 0, 0)))
        live.log_metric("acc", 0.5)
    subprocess.run(["git", "add", "-A"], check=True)
    subprocess.run(["git", "commit", "-qm", "run"], check=True)

    code, output = invoke("--rev", "HEAD", "--md", "-o", "cmp.md")
    assert code == 0, output
    text = (tmp_path / "cmp.md").read_text(encoding="utf-8")
    assert "Experiments: `workspace`, `HEAD`" in text
    assert "![HEAD: sample.png](data:image/png;base64," in text
    assert "![workspace: sample.png](data:image/png;base64," in text
    assert (tmp_path / "static/acc.png").is_file()
