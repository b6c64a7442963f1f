"""The adversarial corpus: generators of hostile dvclive directories, one family per class.

Every case starts from the same small, valid run (:func:`write_base_run`: what DVCLive
writes for two metrics, params, a summary, an image, a confusion matrix and a custom plot,
with its ``dvc.yaml``) and damages it one way. The families are generators, not fixtures:
a defect class found once gets a generator here, and every command meets every case
(``test_corpus.py``).

Layout of a case folder (built by :func:`build_case`)::

    <case>/repo/.git            a git repository with one commit (for ``compare``)
    <case>/repo/dvclive/        the hostile run
    <case>/outside/             files the run links to; no command may read or write them
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

RUN = "dvclive"
COMMANDS = (
    "ls",
    "ls --json",
    "snap",
    "compare --json",
    "compare --md",
    "compare --csv",
    "watch",
    "report --html",
    "report --md",
)
"""Every command, in the order a case runs them (read-only ones first)."""
MARKER = "OUTSIDE-THE-RUN-7f3a"
"""Text in every outside file: it must never show up in any output."""

Build = Callable[[Path, Path], None]
"""Damage a run: ``build(run_dir, outside_dir)``."""

SWEEP = ("ls --json", "snap", "report --md", "compare --json")
"""The commands run on the big sweeps (truncations, random bytes): one per reading path."""
NAMES = ("ls", "snap", "report --md", "compare --md", "compare --csv")
"""The commands run on the per-class hostile-name cases: the human-readable outputs."""


@dataclass(frozen=True)
class Case:
    """One hostile run directory and what must hold when every command reads it."""

    name: str
    build: Build
    commands: tuple[str, ...] | None = None
    """The commands to run (``None``: every command)."""
    warns: tuple[str, ...] = ()
    """Run-relative paths ``ls --json`` must list with a warning."""
    shows: tuple[str, ...] = ("acc",)
    """Metrics ``ls --json`` must still list (the run still shows)."""
    nonroot: bool = False
    """Run the commands as an unprivileged user (permission cases)."""
    watch_slow: bool = False
    """``watch`` takes minutes to settle on thousands of metrics (the app builds a widget
    per metric up front); fails until the app's restructuring makes it lazy."""


# -- the base run --------------------------------------------------------------------------

_METRICS_JSON = {"train": {"loss": 0.3333333333333333}, "acc": 0.6, "step": 2}
_PARAMS_YAML = "model:\n  name: mlp\n  layers:\n  - 8\n  - 4\nlr: 0.01\n"
_DVC_YAML = """params:
- params.yaml
metrics:
- metrics.json
plots:
- plots/metrics:
    x: step
- plots/images
- plots/sklearn/confusion_matrix.json:
    template: confusion
    x: actual
    y: predicted
    title: Confusion Matrix
    x_label: True Label
    y_label: Predicted Label
- plots/custom/custom.json:
    template: linear
    x: x
    y: y
    title: custom
"""


def base_files() -> dict[str, bytes]:
    """The valid run every case starts from, as DVCLive 3.x lays it out: path -> bytes."""
    stamp = 1_700_000_000_000
    return {
        "metrics.json": json.dumps(_METRICS_JSON, indent=4).encode() + b"\n",
        "params.yaml": _PARAMS_YAML.encode(),
        "dvc.yaml": _DVC_YAML.encode(),
        "plots/metrics/acc.tsv": _tsv("acc", [0.0, 0.3, 0.6], stamp),
        "plots/metrics/train/loss.tsv": _tsv("loss", [1.0, 0.5, 0.3333333333333333], stamp),
        "plots/images/sample.png": png_bytes(8, 8),
        "plots/sklearn/confusion_matrix.json": _json_rows(
            [{"actual": a, "predicted": p} for a, p in ("aa", "ba", "ab", "bb")]
        ),
        "plots/custom/custom.json": _json_rows([{"x": 1, "y": 2}, {"x": 2, "y": 3}]),
    }


def write_base_run(run: Path) -> None:
    """Write :func:`base_files` into ``run``."""
    for rel, data in base_files().items():
        path = run / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def write_outside(outside: Path) -> None:
    """Files a hostile run may link to; each holds :data:`MARKER`."""
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.tsv").write_text(f"step\t{MARKER}\n0\t1\n")
    (outside / "folder" / "stolen.tsv").write_text(f"step\t{MARKER}\n0\t1\n")
    (outside / "secret.json").write_text(json.dumps({MARKER: 1}) + "\n")
    (outside / "secret.yaml").write_text(f"{MARKER}: 1\n")
    (outside / "secret.png").write_bytes(png_bytes(4, 4, text=MARKER))
    (outside / "report.html").write_text(f"<p>{MARKER}</p>\n")


def build_case(case: Case, folder: Path) -> tuple[Path, Path, Path]:
    """Build ``case`` under ``folder``; return (repo, run, outside)."""
    repo, outside = folder / "repo", folder / "outside"
    run = repo / RUN
    write_base_run(run)
    write_outside(outside)
    _git(repo, "init", "-q", "-b", "main")
    (repo / "README").write_text("hostile corpus case\n")
    _git(repo, "add", "README")
    _git(repo, "commit", "-q", "-m", "init")
    case.build(run, outside)
    return repo, run, outside


def _git(repo: Path, *args: str) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid")
    env.update(GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid")
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def _tsv(name: str, values: list[float], stamp: int) -> bytes:
    rows = "".join(f"{stamp + i}\t{i}\t{v}\n" for i, v in enumerate(values))
    return f"timestamp\tstep\t{name}\n{rows}".encode()


def _json_rows(rows: list[dict[str, object]]) -> bytes:
    return json.dumps(rows, indent=4).encode() + b"\n"


def png_bytes(width: int, height: int, *, text: str | None = None) -> bytes:
    """A valid RGB PNG (drawn by hand: the header may claim any size)."""
    import struct

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + bytes([40, 80, 120]) * width for _ in range(min(height, 64)))
    parts = [b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", header)]
    if text is not None:
        parts.append(chunk(b"tEXt", b"Comment\x00" + text.encode()))
    parts += [chunk(b"IDAT", zlib.compress(rows)), chunk(b"IEND", b"")]
    return b"".join(parts)


# -- helpers for builders ------------------------------------------------------------------


def _replace(run: Path, rel: str) -> Path:
    """Remove ``rel`` (file or folder) so something else can take its name."""
    path = run / rel
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _write(rel: str, data: bytes | Callable[[], bytes]) -> Build:
    """Write ``data`` at ``rel``; a big payload is a function, made only when built (the
    corpus is listed by every test worker)."""

    def build(run: Path, outside: Path) -> None:
        _replace(run, rel).write_bytes(data() if callable(data) else data)

    return build


def _fifo(rel: str) -> Build:
    def build(run: Path, outside: Path) -> None:
        os.mkfifo(_replace(run, rel))

    return build


def _socket(rel: str) -> Build:
    def build(run: Path, outside: Path) -> None:
        path = _replace(run, rel)
        with tempfile.TemporaryDirectory() as short:  # AF_UNIX paths hold 108 bytes
            bound = os.path.join(short, "s")
            with socket.socket(socket.AF_UNIX) as server:
                server.bind(bound)  # the socket file stays after close
            os.rename(bound, path)

    return build


def _symlink(rel: str, target: str) -> Build:
    """``rel`` -> ``target`` (``{outside}`` is replaced by the outside folder)."""

    def build(run: Path, outside: Path) -> None:
        _replace(run, rel).symlink_to(target.replace("{outside}", str(outside)))

    return build


def _folder(rel: str) -> Build:
    def build(run: Path, outside: Path) -> None:
        (_replace(run, rel) / "inner").mkdir(parents=True)

    return build


def _sparse(rel: str, size: int, head: bytes = b"") -> Build:
    def build(run: Path, outside: Path) -> None:
        path = _replace(run, rel)
        with path.open("wb") as handle:
            handle.write(head)
            handle.truncate(size)

    return build


def _chmod(*changes: tuple[str, int]) -> Build:
    def build(run: Path, outside: Path) -> None:
        for rel, mode in changes:
            os.chmod(run / rel if rel else run, mode)

    return build


def _all(*builds: Build) -> Build:
    def build(run: Path, outside: Path) -> None:
        for step in builds:
            step(run, outside)

    return build


# -- the families -------------------------------------------------------------------------

TSV = "plots/metrics/train/loss.tsv"
IMAGE = "plots/images/sample.png"
SKLEARN = "plots/sklearn/confusion_matrix.json"
CUSTOM = "plots/custom/custom.json"


def special_files() -> Iterator[Case]:
    """FIFOs, sockets, devices and folders where a file should be."""
    for rel in ("report.html", "metrics.json", "params.yaml", "dvc.yaml", TSV, IMAGE, SKLEARN):
        yield Case(f"special/fifo:{rel}", _fifo(rel))
    for rel in ("metrics.json", "params.yaml", TSV, IMAGE):
        yield Case(f"special/dev-zero:{rel}", _symlink(rel, "/dev/zero"))
    for rel in ("metrics.json", TSV):
        yield Case(f"special/socket:{rel}", _socket(rel), warns=(rel,))
        yield Case(f"special/folder:{rel}", _folder(rel))
    yield Case("special/dev-null:report.html", _symlink("report.html", "/dev/null"))


def sparse_and_huge() -> Iterator[Case]:
    """Files far bigger than their content, or simply big."""
    gib = 1 << 30
    yield Case("huge/sparse-1GiB:tsv", _sparse(TSV, gib, b"timestamp\tstep\tloss\n1\t0\t1.0\n"))
    yield Case("huge/sparse-1GiB:image", _sparse(IMAGE, gib, png_bytes(8, 8)[:33]))
    yield Case(
        "huge/sparse-200MiB:metrics.json",
        _sparse("metrics.json", 200 << 20),
        warns=("metrics.json",),
    )
    yield Case(
        "huge/sparse-60MiB:params.yaml", _sparse("params.yaml", 60 << 20), warns=("params.yaml",)
    )
    yield Case(
        "huge/50MB-string:metrics.json",
        _write("metrics.json", lambda: json.dumps({"acc": 0.6, "blob": "x" * 50_000_000}).encode()),
    )

    def rows() -> bytes:
        lines = (b"%d\t%d\t%.6f\n" % (1_700_000_000_000 + i, i, 1 / (i + 1)) for i in range(10**6))
        return b"timestamp\tstep\tloss\n" + b"".join(lines)

    yield Case("huge/1M-rows:tsv", _write(TSV, rows))

    def many_metrics(run: Path, outside: Path) -> None:
        folder = run / "plots" / "metrics" / "many"
        folder.mkdir(parents=True)
        for index in range(2000):
            (folder / f"m{index:04d}.tsv").write_bytes(b"step\tv\n0\t1\n1\t2\n")

    without_watch = tuple(command for command in COMMANDS if command != "watch")
    yield Case("huge/2000-metrics", many_metrics, commands=without_watch)
    yield Case("huge/2000-metrics:watch", many_metrics, commands=("watch",), watch_slow=True)
    yield Case("huge/pixel-bomb:image", _write(IMAGE, lambda: png_bytes(100_000, 100_000)))
    yield Case(
        "huge/pixel-bomb:report-static-png",
        _write("static/train/loss.png", lambda: png_bytes(100_000, 100_000)),
    )


def truncations() -> Iterator[Case]:
    """Every file of the base run cut short at representative offsets."""
    for rel, data in base_files().items():
        for offset in _offsets(data):
            yield Case(
                f"truncated/{rel}@{offset}",
                _write(rel, data[:offset]),
                commands=SWEEP,
                shows=_untouched(rel),
            )


def _untouched(rel: str) -> tuple[str, ...]:
    """A metric whose file ``rel`` is not."""
    return ("train/loss",) if rel == "plots/metrics/acc.tsv" else ("acc",)


def _offsets(data: bytes) -> list[int]:
    """0, 1, every line end and its neighbours, quarters, and one byte short."""
    marks = {0, 1, len(data) - 1, len(data) // 4, len(data) // 2, 3 * len(data) // 4}
    for index, byte in enumerate(data):
        if byte == 0x0A:
            marks.update((index, index + 1))
    return sorted(mark for mark in marks if 0 <= mark < len(data))[:12]


def random_bytes() -> Iterator[Case]:
    """Files replaced by random bytes (seeded)."""
    for rel in base_files():
        for seed in range(2):
            data = random.Random(f"{rel}:{seed}").randbytes(64 + 1000 * seed)
            yield Case(
                f"random/{rel}#{seed}", _write(rel, data), commands=SWEEP, shows=_untouched(rel)
            )


def non_utf8() -> Iterator[Case]:
    """Bytes that are not UTF-8, in contents and in file names."""
    yield Case(
        "encoding/not-utf8-everywhere",
        _all(
            _write("metrics.json", b'{"acc\xff": 0.6, "name": "caf\xe9"}\n'),
            _write("params.yaml", b"lr: 0.01\nname: caf\xe9\n"),
            _write(TSV, b"timestamp\tstep\tlo\xffss\n1\t0\t1.0\n2\t1\t\xfe\n"),
            _bytes_name(b"plots/metrics/l\xffoss.tsv", b"step\tv\n0\t1\n"),
            _bytes_name(b"plots/images/caf\xe9.png", png_bytes(4, 4)),
        ),
        warns=("metrics.json",),
    )
    yield Case(
        "encoding/utf16-bom:metrics.json",
        _write("metrics.json", '\ufeff{"acc": 0.6}'.encode("utf-16")),
        warns=("metrics.json",),
    )


def _bytes_name(rel: bytes, data: bytes) -> Build:
    def build(run: Path, outside: Path) -> None:
        path = os.path.join(os.fsencode(run), rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)

    return build


def _laughs(levels: int, width: int = 9) -> bytes:
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return ("\n".join(lines) + "\n").encode()


def yaml_attacks() -> Iterator[Case]:
    """Alias bombs, recursion, tags and nesting in params.yaml and dvc.yaml."""
    yield Case(
        "yaml/billion-laughs:params.yaml", _write("params.yaml", _laughs(9)), warns=("params.yaml",)
    )
    bomb_dvc = (
        _DVC_YAML.encode()
        + b"x:\n"
        + b"".join(b"  " + line + b"\n" for line in _laughs(9).splitlines())
    )
    yield Case("yaml/billion-laughs:dvc.yaml", _write("dvc.yaml", bomb_dvc))
    merge = [b"m0: &m0 {k0: 1}"]
    for level in range(1, 30):
        refs = b", ".join(b"*m%d" % (level - 1) for _ in range(4))
        merge.append(b"m%d: &m%d {<<: [%s], k%d: 1}" % (level, level, refs, level))
    yield Case(
        "yaml/merge-bomb:params.yaml",
        _write("params.yaml", b"\n".join(merge) + b"\n"),
        commands=SWEEP,
        warns=("params.yaml",),
    )
    yield Case(
        "yaml/self-alias:params.yaml",
        _write("params.yaml", b"a: &x\n  b: *x\n"),
        warns=("params.yaml",),
    )
    yield Case(
        "yaml/self-alias:dvc.yaml",
        _write("dvc.yaml", b"plots: &p\n- plots/metrics:\n    x: *p\n"),
        commands=SWEEP,
    )
    yield Case(
        "yaml/python-tag:params.yaml",
        _write("params.yaml", b'lr: !!python/object/apply:os.system ["touch /tmp/pwned"]\n'),
        warns=("params.yaml",),
    )
    yield Case(
        "yaml/flow-nesting-100k:params.yaml",
        _write("params.yaml", lambda: b"a: " + b"[" * 100_000 + b"]" * 100_000 + b"\n"),
        commands=SWEEP,
        warns=("params.yaml",),
    )
    block = b"".join(b"  " * i + b"k%d:\n" % i for i in range(1000)) + b"  " * 1000 + b"v\n"
    yield Case(
        "yaml/block-nesting-1000:params.yaml",
        _write("params.yaml", block),
        commands=SWEEP,
        warns=("params.yaml",),
    )
    yield Case(
        "yaml/10^6-digit-int:params.yaml",
        _write("params.yaml", lambda: b"lr: " + b"7" * 1_000_000 + b"\n"),
        commands=SWEEP,
        warns=("params.yaml",),
    )
    yield Case(
        "yaml/300k-nodes:params.yaml",
        _write("params.yaml", lambda: b"".join(b"k%d: %d\n" % (i, i) for i in range(300_000))),
        commands=SWEEP,
        warns=("params.yaml",),
    )


def json_attacks() -> Iterator[Case]:
    """Deep nesting and huge numbers in metrics.json and plot JSON."""
    yield Case(
        "json/nesting-100k:metrics.json",
        _write("metrics.json", lambda: b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"),
        warns=("metrics.json",),
    )
    yield Case(
        "json/nesting-500:sklearn",
        _write(SKLEARN, b"[" * 500 + b"]" * 500),
        commands=SWEEP,
        warns=(SKLEARN,),
    )
    huge = b'{"acc": 0.6, "big": 1e999999, "neg": -1e999999, "long": '
    yield Case(
        "json/10^6-digit-int:metrics.json",
        _write("metrics.json", lambda: huge + b"9" * 1_000_000 + b"}\n"),
        warns=("metrics.json",),
    )
    yield Case(
        "json/huge-but-legal-numbers",
        _all(
            _write(
                "metrics.json", b'{"acc": 0.6, "big": 1e999999, "long": ' + b"9" * 4000 + b"}\n"
            ),
            _write(CUSTOM, b'[{"x": 1, "y": ' + b"9" * 4000 + b'}, {"x": 1e999999, "y": 2}]\n'),
            _write(
                TSV, b"step\tloss\n0\t1e999999\n" + b"9" * 4000 + b"\t1\n1\t" + b"9" * 4000 + b"\n"
            ),
        ),
    )


# -- hostile names --------------------------------------------------------------------------

CONTROL_CLASSES: dict[str, str] = {
    "csi": "\x1b[2J\x1b[H\x1b[31m",
    "osc-title": "\x1b]0;pwned\x07",
    "osc52-clipboard": "\x1b]52;c;cHduZWQ=\x07",
    "dcs-apc": "\x1bP+q544e\x1b\\\x1b_apc\x1b\\",
    "c1": "\x9b2J\x9d0;t\x9c\x85",
    "bel-bs-cr-del": "\x07\x08\x08\rX\x7f",
    "bidi": "\u202egnp.exe\u202c\u2066\u2067\u2068\u2069\u200e\u200f",
    "zero-width": "a\u200bb\u200c\u200dc\ufeff\u2060\u00ad",
    "line-separators": "\u2028\u2029\x0b\x0c\x85",
    "tags": "\U000e0001\U000e0041\U000e007f",
    "rich-markup": "[bold red]x[/][link=file:///etc/passwd]l[/link]",
}


def hostile_names(text: str) -> Build:
    """Put ``text`` in every name and string a run holds (files, keys, values, titles)."""
    safe_file = text.replace("/", "_")

    def build(run: Path, outside: Path) -> None:
        folder = run / "plots" / "metrics" / f"n{safe_file}"
        folder.mkdir(parents=True)
        (folder / f"m{safe_file}.tsv").write_text(f"step\tv{text}\n0\t1\n1\t{text}\n")
        (run / "metrics.json").write_text(
            json.dumps({f"k{text}": f"v{text}", "acc": 0.6, "nested": {text: 1}}) + "\n"
        )
        (run / "params.yaml").write_text(json.dumps({f"p{text}": f"v{text}", "lr": [text]}))
        images = run / "plots" / "images" / f"i{safe_file}"
        images.mkdir(parents=True)
        (images / f"{safe_file}.png").write_bytes(png_bytes(4, 4))
        (run / "plots" / "sklearn" / f"c{safe_file}.json").write_text(
            json.dumps([{"actual": text, "predicted": "a"}, {"actual": "a", "predicted": text}])
        )
        dvc = _DVC_YAML.replace("title: custom", f"title: {json.dumps('t' + text)}")
        dvc = dvc.replace("x_label: True Label", f"x_label: {json.dumps('x' + text)}")
        (run / "dvc.yaml").write_text(dvc)

    return build


def names() -> Iterator[Case]:
    """Every control class alone (human outputs), then all of them at once (every command)."""
    for label, text in CONTROL_CLASSES.items():
        yield Case(f"names/{label}", hostile_names(text), commands=NAMES)
    yield Case("names/every-class", hostile_names("".join(CONTROL_CLASSES.values())))


# -- permissions and links ------------------------------------------------------------------


def permissions() -> Iterator[Case]:
    """Unreadable files and folders, read by an unprivileged user."""
    files = ("metrics.json", "params.yaml", "dvc.yaml", TSV, IMAGE, SKLEARN)
    yield Case(
        "perm/unreadable-files",
        _chmod(*((rel, 0) for rel in files)),
        warns=("metrics.json", "params.yaml", TSV),
        nonroot=True,
    )
    yield Case(
        "perm/unreadable-folders",
        _chmod(("plots/metrics/train", 0), ("plots/images", 0), ("plots/sklearn", 0)),
        warns=("plots/metrics/train",),
        nonroot=True,
    )
    yield Case("perm/listable-not", _chmod(("plots/metrics", 0o311)), shows=(), nonroot=True)
    yield Case("perm/unreadable-run", _chmod(("", 0)), shows=(), nonroot=True)


def links() -> Iterator[Case]:
    """Symbolic links that lead out of the run (and a loop)."""
    yield Case("links/tsv-outside", _symlink(TSV, "{outside}/secret.tsv"))
    yield Case("links/folder-outside", _symlink("plots/metrics/train", "{outside}/folder"))
    yield Case("links/json-outside", _symlink("metrics.json", "{outside}/secret.json"))
    yield Case("links/params-outside", _symlink("params.yaml", "{outside}/secret.yaml"))
    yield Case("links/image-outside", _symlink(IMAGE, "{outside}/secret.png"))
    yield Case("links/report-outside", _symlink("report.html", "{outside}/report.html"))
    yield Case("links/static-outside", _symlink("static", "{outside}/folder"))
    yield Case(
        "links/loop",
        _all(
            _symlink("plots/metrics/train", "../metrics"), _symlink("metrics.json", "metrics.json")
        ),
    )


def every_case() -> list[Case]:
    """The whole corpus."""
    families = (
        special_files,
        sparse_and_huge,
        truncations,
        random_bytes,
        non_utf8,
        yaml_attacks,
        json_attacks,
        names,
        permissions,
        links,
    )
    return [case for family in families for case in family()]
