"""The pieces under the corpus: the escaping function, document limits, safe report files."""

from __future__ import annotations

import json
import os
import socket
import stat
import sys
import unicodedata
from pathlib import Path

import pytest

from dvclive_tui.text import sanitize
from dvclive_writer.read.document_limits import (
    ALIAS_NODE_BUDGET,
    MAX_NESTING,
    UnsafeDocument,
    load_json,
)
from dvclive_writer.read.parsing import parse_json_bytes, parse_yaml_bytes
from dvclive_writer.read.reader import load_run
from dvclive_writer.read.yaml12 import load_yaml12
from dvclive_writer.report.escape import html_text, markdown_text
from dvclive_writer.report.files import output_problem, write_atomic
from dvclive_writer.report.png import png_digest
from dvclive_writer.text_safety import is_terminal_safe, terminal_lines, terminal_text
from tests.hostile.corpus import CONTROL_CLASSES, png_bytes, write_base_run

# -- the escaping function -----------------------------------------------------------------

_ESCAPED_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs"}


def test_every_control_format_and_separator_character_is_escaped() -> None:
    missed = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in _ESCAPED_CATEGORIES and is_terminal_safe(chr(code))
    ]
    assert not missed, f"not escaped (a newer Unicode?): {missed}"


@pytest.mark.parametrize("label", sorted(CONTROL_CLASSES))
def test_each_control_class_comes_out_visible_and_inert(label: str) -> None:
    text = f"loss{CONTROL_CLASSES[label]}end"
    shown = terminal_text(text)
    assert is_terminal_safe(shown)
    assert shown.startswith("loss") and shown.endswith("end")
    if label != "rich-markup":
        assert "\\x" in shown or "\\u" in shown or "\\U" in shown


def test_escapes_name_the_code_point_and_leave_printable_text_alone() -> None:
    assert terminal_text("a\x1b]52;c;eA==\x07") == "a\\x1b]52;c;eA==\\x07"
    assert terminal_text("\u202eabc\U000e0041\udcff") == "\\u202eabc\\U000e0041\\udcff"
    for text in ("train/loss (%)", "précision", "损失", "👍🏽", "é", "[bold]x[/]", "a\u00a0b"):
        assert terminal_text(text) == text
    assert terminal_text(3.5) == "3.5"


def test_limit_clips_before_escaping() -> None:
    assert terminal_text("x" * 5_000_000, limit=5) == "xxxxx…"
    assert terminal_text("\x1b" * 10, limit=2) == "\\x1b\\x1b…"
    assert terminal_text("short", limit=5) == "short"


def test_lines_keep_line_ends_only() -> None:
    assert terminal_lines("a,b\r\nc\x1b[2J,d\n") == "a,b\r\nc\\x1b[2J,d\n"
    assert terminal_lines("a\rX,b\n") == "a\\x0dX,b\n"


def test_every_view_uses_the_one_function() -> None:
    hostile = "m\x1b[2J\u202e"
    assert sanitize(hostile) == terminal_text(hostile)
    assert html_text(hostile) == terminal_text(hostile)
    assert markdown_text(hostile) == terminal_text(hostile).replace("\\", "\\\\").replace(
        "[", "\\["
    )
    assert html_text("<b>\u2066") == "&lt;b&gt;\\u2066"


# -- YAML and JSON within limits -------------------------------------------------------------


def _laughs(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def test_a_nine_level_billion_laughs_is_refused_before_construction() -> None:
    with pytest.raises(UnsafeDocument, match=r"aliases expand .* to 4412961516"):
        load_yaml12(_laughs(9))
    result = parse_yaml_bytes(_laughs(9).encode())
    assert result.error is not None and "aliases expand" in result.error


def test_aliases_within_the_budget_still_load() -> None:
    document = "base: &b {lr: 0.1, layers: [8, 4]}\n" + "".join(
        f"stage{i}: {{<<: *b, seed: {i}}}\n" for i in range(50)
    )
    loaded = load_yaml12(document)
    assert loaded["stage49"] == {"lr": 0.1, "layers": [8, 4], "seed": 49}
    assert load_yaml12(_laughs(3))["a3"][0][0][0] == ["x"] * 9  # 9**4 = 6561 leaves
    assert ALIAS_NODE_BUDGET >= 9**4


@pytest.mark.parametrize("document", ["a: &x\n  b: *x\n", "&a [*a]\n", "x: &p [1, *p]\n"])
def test_a_node_that_contains_itself_is_one_readable_error(document: str) -> None:
    result = parse_yaml_bytes(document.encode())
    assert result.error is not None and "recursive alias" in result.error


def test_unknown_tags_are_an_error_naming_the_tag() -> None:
    result = parse_yaml_bytes(b'lr: !!python/object/apply:os.system ["echo hi"]\n')
    assert result.error == (
        "invalid YAML: unsupported tag !!python/object/apply:os.system at line 1, column 5"
    )


@pytest.mark.parametrize(
    "document",
    [
        b"a: " + b"[" * 5000 + b"]" * 5000,
        b"[" * 150 + b"]" * 150,
        b"".join(b"  " * i + b"k:\n" for i in range(300)) + b"  " * 300 + b"v\n",
    ],
)
def test_deep_yaml_is_refused_without_recursion_error(document: bytes) -> None:
    result = parse_yaml_bytes(document)
    assert result.error is not None and "nested" in result.error


def test_numbers_past_the_limits() -> None:
    assert parse_json_bytes(b'{"a": 1e999999, "b": -1e999999}').value == {
        "a": float("inf"),
        "b": float("-inf"),
    }
    result = parse_json_bytes(b'{"a": ' + b"1" * 1_000_000 + b"}")
    assert result.error == "invalid JSON: an integer with 1000000 digits (at most 4300)"
    result = parse_yaml_bytes(b"a: " + b"1" * 1_000_000 + b"\n")
    assert result.error == "invalid YAML: an integer with 1000000 digits at line 1"
    assert parse_json_bytes(b"[" + b"9" * 4000 + b"]").value == [int("9" * 4000)]


def test_json_nesting_limit() -> None:
    at_limit = "[" * MAX_NESTING + "]" * MAX_NESTING
    assert load_json(at_limit) is not None
    for depth in (MAX_NESTING + 1, 100_000):
        result = parse_json_bytes(("[" * depth + "]" * depth).encode())
        assert result.error == f"invalid JSON: nested more than {MAX_NESTING} levels deep"


def test_a_run_with_unparsable_params_warns_at_once(tmp_path: Path) -> None:
    run = tmp_path / "dvclive"
    write_base_run(run)
    (run / "params.yaml").write_text('lr: !!python/object/apply:os.system ["x"]\n')
    (run / "metrics.json").write_text(_laughs(9).replace("a0:", '{"a": 1}\n#'))
    loaded = load_run(run)
    assert loaded.params == {}
    assert "unsupported tag" in loaded.warnings["params.yaml"].message
    assert "acc" in loaded.metrics


# -- report files ------------------------------------------------------------------------------


def test_output_problem_names_what_is_there(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    bound = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(bound))
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere")
    (tmp_path / "file").write_text("x")
    assert output_problem(fifo) == "is a FIFO, not a regular file"
    assert output_problem(bound) == "is a socket, not a regular file"
    assert output_problem(tmp_path) == "is a directory, not a regular file"
    assert output_problem(Path("/dev/null")) == "is a device, not a regular file"
    assert output_problem(link) is None
    assert output_problem(link, allow_symlink=False) == "is a symbolic link (not replaced)"
    assert output_problem(tmp_path / "file") is None
    assert output_problem(tmp_path / "new") is None
    assert output_problem(tmp_path / "file" / "below") == "lies under a file, not a folder"


def test_write_atomic_never_replaces_a_fifo_and_leaves_no_temporary(tmp_path: Path) -> None:
    fifo = tmp_path / "report.html"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="is a FIFO"):
        write_atomic(fifo, "<html>")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    target = tmp_path / "sub" / "report.md"
    write_atomic(target, "# DVC Report\n")
    assert target.read_text() == "# DVC Report\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.md"]
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_png_digest_reads_no_pixels_of_a_pixel_bomb(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_bytes(100_000, 100_000))
    assert png_digest(str(bomb)) is None
    assert png_digest(png_bytes(100_000, 100_000)) is None
    fifo = tmp_path / "fifo.png"
    os.mkfifo(fifo)
    assert png_digest(str(fifo)) is None


def test_png_digest_round_trip(tmp_path: Path) -> None:
    from dvclive_writer.read.model import PlotConfig
    from dvclive_writer.report.content import Block, Chart
    from dvclive_writer.report.png import render_png

    chart = Chart(
        name="static/loss",
        kind="metric",
        config=PlotConfig(template="linear", x="step", y="loss", title="loss"),
        blocks=[Block(rev="workspace", columns={"step": [0, 1], "loss": [1.0, 0.5]})],
    )
    data = render_png(chart)
    assert png_digest(data) == chart.digest
    (tmp_path / "loss.png").write_bytes(data)
    assert png_digest(str(tmp_path / "loss.png")) == chart.digest


def test_ls_json_escapes_nothing_and_stays_ascii(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dvclive_tui.commands.ls import ls

    run = tmp_path / "dvclive"
    write_base_run(run)
    (run / "metrics.json").write_text(json.dumps({"k\x1b[2J\u202e": "v\x07"}))
    result = CliRunner().invoke(ls, [str(run), "--json"])
    assert result.exit_code == 0
    assert result.output.isascii() and is_terminal_safe(result.output.replace("\n", ""))
    (listed,) = json.loads(result.output)["runs"]
    assert listed["summary"] == {"k\x1b[2J\u202e": "v\x07"}  # data, exactly as written


def test_rich_markup_in_names_prints_as_written(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from dvclive_tui.commands.ls import ls
    from dvclive_tui.commands.snap import snap

    run = tmp_path / "dvclive"
    write_base_run(run)
    (run / "plots" / "metrics" / "[bold red]m[!].tsv").write_text("step\tv\n0\t1\n1\t2\n")
    (run / "params.yaml").write_text("'[link=file:///etc/passwd]p[/link]': '[blink]v'\n")
    for command in (ls, snap):
        result = CliRunner().invoke(command, [str(run)])
        assert result.exit_code == 0, result.output
        assert "[bold red]m[!]" in result.output
        assert "[link=file:///etc/passwd]p[/link]" in result.output and "[blink]v" in result.output
