"""``compare --json`` equals ``dvc exp show --json`` on a real DVC project, flag set by flag
set: cached outputs, the queue's states, commit order (equal commit times), key order.

Only what dvc itself leaves to chance is normalised: the name of a commit with several
tags (dvc takes the first in a ``set`` of refs, which follows PYTHONHASHSEED).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.compare import pipeline_repo as pr
from tests.compare import repo_builder as rb
from tests.compare.conftest import entries

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> pr.PipelineRepo:
    return pr.build(tmp_path_factory.mktemp("parity") / "project")


def compare_json(path: Path, *flags: str) -> list[dict[str, Any]]:
    out = pr.sh(path, rb.TUI, "compare", "--json", *flags)
    loaded: list[dict[str, Any]] = json.loads(out)
    return loaded


def normalised(document: list[dict[str, Any]], project: pr.PipelineRepo) -> str:
    """The document as text, the tagged commit's name checked and blanked."""
    for entry in document:
        if entry["rev"] == project.tagged:
            assert entry["name"] in pr.TAGS, entry["name"]
            entry["name"] = "<one of the tags>"
    return json.dumps(document, indent=1)


FLAG_SETS = [
    (),
    ("-A",),
    ("-a",),
    ("-T",),
    ("-n", "2"),
    ("-n", "0"),
    ("-a", "-T"),
    ("--rev", "feature"),
    ("--rev", "feature", "--rev", "main", "-n", "3"),
    ("--rev", "feature", "-n", "2", "-A"),
]


@pytest.mark.parametrize("flags", FLAG_SETS, ids=lambda flags: " ".join(flags) or "default")
def test_json_equals_dvc_exp_show(project: pr.PipelineRepo, flags: tuple[str, ...]) -> None:
    expected = pr.dvc_exp_show(project.path, *flags)
    actual = compare_json(project.path, *flags)
    assert normalised(actual, project) == normalised(expected, project)


def test_the_project_holds_what_the_parity_tests_claim(project: pr.PipelineRepo) -> None:
    """Guards the fixture: each case the flag sets are meant to cover is really there."""
    document = compare_json(project.path, "-A")
    found = entries(document)
    main = found[(project.main, None)]
    by_name = {exp_range["name"]: exp_range for exp_range in main["experiments"] or []}
    states = {name: (item["executor"] or {}).get("state") for name, item in by_name.items()}
    assert states == {
        "sweep-a": None,
        "sweep-b": None,
        "in-temp": None,
        "q-ok": "success",
        "q-fail": "failed",
        "q-wait": "queued",
    }
    failed = by_name["q-fail"]["revs"][0]
    assert failed["error"] == {"msg": "Experiment run failed", "type": ""}
    assert by_name["q-fail"]["executor"]["local"]["returncode"] not in (None, 0)
    assert by_name["q-wait"]["revs"][0]["data"]["metrics"] == {}
    ok = by_name["q-ok"]["revs"][0]["data"]["metrics"]
    assert ok["eval/metrics.json"]["data"]["best"]["acc"] == pytest.approx(0.9)
    assert ok["summary.json"]["data"] == {"auc": pytest.approx(0.9)}  # list and null dropped
    sweep_a = by_name["sweep-a"]["revs"][0]["data"]["metrics"]["eval/metrics.json"]
    assert sweep_a["error"] == {
        "type": "DataIndexDirError",
        "msg": "failed to load directory ('eval',)",
    }
    sweep_b = by_name["sweep-b"]["revs"][0]["data"]["metrics"]["eval/metrics.json"]
    assert sweep_b["error"]["msg"] == "[Errno 2] No storage files available: 'eval/metrics.json'"
    assert list(main["data"]["outs"]) == ["data/prepared", "model.pkl", "eval", "data/raw.csv"]
    ties = [entry["rev"] for entry in document if entry["rev"] != "workspace"][:3]
    tie_shas = {pr.sh(project.path, "git", "rev-parse", name) for name in pr.TIE_BRANCHES}
    assert set(ties) == tie_shas and ties == sorted(ties)  # equal times: by id, as dvc
    assert (project.feature, "feat-exp") in found


def test_warm_run_equals_cold_run(project: pr.PipelineRepo) -> None:
    cache = project.path / ".git" / "dvclive-tui" / "commits.json"
    cold_flags = ("-a", "-T")
    cache.unlink(missing_ok=True)
    cold = compare_json(project.path, *cold_flags)
    assert cache.exists()
    assert compare_json(project.path, *cold_flags) == cold


def normalised_text(text: str) -> str:
    """Table text with the tagged commit's name (which dvc picks by hash seed) masked;
    the tags have equal lengths, so column widths do not move."""
    for tag in pr.TAGS:
        text = text.replace(f"| {tag} ", "| <tag>").replace(f",{tag},", ",<tag>,")
    return text


TABLE_FLAGS = [(), ("-A",), ("-a", "-T"), ("-n", "2"), ("--rev", "feature")]


@pytest.mark.parametrize("output", ["--md", "--csv"])
@pytest.mark.parametrize("flags", TABLE_FLAGS, ids=lambda flags: " ".join(flags) or "default")
def test_tables_equal_dvc_exp_show(
    project: pr.PipelineRepo, output: str, flags: tuple[str, ...]
) -> None:
    """``--md`` draws the tree as ``dvc exp show --md`` (names, short ids, states,
    5-digit floats, dependency hashes); ``--csv`` is dvc's CSV byte for byte."""
    expected = pr.sh(project.path, rb.DVC, "exp", "show", output, *flags, strip=False)
    actual = pr.sh(project.path, rb.TUI, "compare", output, *flags, strip=False)
    assert normalised_text(actual) == normalised_text(expected)


def test_json_shows_the_rows_the_table_shows(project: pr.PipelineRepo) -> None:
    """``--filter`` and ``--sort-by`` shape ``--json`` exactly as they shape the table:
    the same rows, experiments sorted under their baseline, baselines kept as heads."""
    flags = ("--filter", "train.lr >= 0.3", "--sort-by", "train.lr", "--sort-order", "desc")
    document = compare_json(project.path, *flags)
    markdown = pr.sh(project.path, rb.TUI, "compare", "--md", *flags)
    drawn = [line.split("|")[1].strip() for line in markdown.splitlines()[2:]]
    listed: list[str] = []
    for entry in document:
        listed.append(entry["name"] or entry["rev"])
        for exp_range in entry["experiments"] or []:
            listed.append(exp_range["name"])
    assert [text.split("[")[-1].rstrip("]") for text in drawn] == listed
    main = next(entry for entry in document if entry["rev"] == project.main)
    names = [exp_range["name"] for exp_range in main["experiments"]]
    assert names == ["q-wait", "in-temp", "q-ok", "sweep-b", "q-fail"]  # lr 0.6 ... 0.3
    assert [entry["rev"] for entry in document] == [project.main]  # workspace: lr 0.1


@pytest.mark.parametrize("output", ["--json", "--csv", "--md", None])
def test_unknown_sort_column_is_one_line_in_every_mode(
    project: pr.PipelineRepo, output: str | None
) -> None:
    args = [rb.TUI, "compare", "--sort-by", "no.such.column", *([output] if output else [])]
    result = rb.run(project.path, *args, check=False)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no column named 'no.such.column'" in lines[0]


def test_histories_and_report_read_through_dvc_cache(
    project: pr.PipelineRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dvclive folder ``eval/`` is a cached stage output: curves (overlays), plots and
    ``report --rev`` read it from DVC's cache; a run whose manifest is gone has none."""
    from dvclive_tui.experiments.load import load_experiments
    from dvclive_tui.experiments.series import load_details

    monkeypatch.chdir(project.path)
    rows = {exp.name: exp for exp in load_experiments(project.path).experiments}
    details = load_details(rows["q-ok"])
    assert set(details.metrics) == {"loss", "acc"}
    assert details.metrics["loss"].table.steps.tolist() == [0, 1, 2]
    assert set(load_details(rows["sweep-b"]).metrics) == {"loss", "acc"}  # TSVs still cached
    assert load_details(rows["sweep-a"]).metrics == {}  # its manifest is gone
    assert load_details(rows["q-wait"]).metrics == {}  # queued: nothing ran yet
    target = tmp_path / "report.md"
    pr.sh(project.path, rb.TUI, "report", "--md", "--rev", "q-ok", "-o", str(target), "eval")
    text = target.read_text()
    assert "q-ok" in text and "best.acc" in text and "0.9" in text


FORKED = """
import sys
import dvclive_tui.experiments.prefill as prefill
prefill.MINIMUM = int(sys.argv[1])
from dvclive_tui.cli import main
main(["compare", "--json", *sys.argv[2:]])
"""


@pytest.mark.parametrize("flags", [(), ("-A",)], ids=["default", "-A"])
def test_cold_start_on_two_cores_reads_what_one_core_reads(
    project: pr.PipelineRepo, flags: tuple[str, ...]
) -> None:
    """The first run reads new commits in a forked child too (from 200 up; here from 1):
    the document is the one a single process reads, and the read cache gets it all."""
    cache = project.path / ".git" / "dvclive-tui" / "commits.json"
    outputs = []
    for minimum in ("1", "1000000"):
        cache.unlink(missing_ok=True)
        out = pr.sh(project.path, rb.PYTHON, "-c", FORKED, minimum, *flags, strip=False)
        outputs.append(out)
    assert outputs[0] == outputs[1]
    document = json.loads(outputs[0])
    assert normalised(document, project) == normalised(
        pr.dvc_exp_show(project.path, *flags), project
    )
    cache.unlink()
    pr.sh(project.path, rb.PYTHON, "-c", FORKED, "1", *flags)
    kept = json.loads(cache.read_text())["commits"]
    heads = {
        exp_range["name"]: exp_range["revs"][0]["rev"]
        for entry in document
        for exp_range in entry["experiments"] or []
    }
    complete = {  # commits whose DVC-tracked files were all found
        entry["rev"]
        for entry in document
        if entry["rev"] != "workspace" and "No storage files" not in json.dumps(entry["data"])
    }
    assert complete and complete <= set(kept)
    assert heads["q-ok"] in kept and heads["in-temp"] in kept
    assert heads["sweep-a"] not in kept  # a DVC object is missing: read again next time
