"""``dvclive-tui doctor``: which ``dvclive`` a training process will get, and why.

It asks the interpreter (``--python``, default: this one) from the current folder, twice:
as a plain ``python train.py`` would resolve ``import dvclive``, and as under
``python -m dvclive_writer.run train.py`` (the opt-in that serves ``dvclive_writer`` as
``dvclive``). Nothing is imported: the answer comes from the import system's finders, in a
separate process. It also flags a ``dvclive`` run folder that would pass for the package (an
empty namespace package) and a distributed rank under which ``Live()`` writes nothing.

JSON (``--json``)::

    {"python": str, "python_version": str, "cwd": str,
     "plain": {"kind": "package|module|namespace|alias|missing", "location": str|null,
               "version": str|null, "error": str|null},
     "opt_in": {... same keys ...} | null,        # null: dvclive_writer is not importable
     "rank": [variable, value] | null, "notes": [str, ...]}
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

from dvclive_tui.commands.errors import InputError

OPT_IN = "from dvclive_writer.alias import serve_as_dvclive\nserve_as_dvclive()\n"


def _probe(python: str, opt_in: bool) -> dict[str, Any] | None:
    """The probe's facts from ``python`` (None when the opt-in cannot start there)."""
    import dvclive_writer.which_dvclive as which

    source = Path(str(which.__file__)).read_text(encoding="utf-8")
    code = source
    if opt_in:
        code = (
            OPT_IN
            + f"exec(compile({source!r}, 'which_dvclive', 'exec'), {{'__name__': '__main__'}})"
        )
    try:
        result = subprocess.run(
            [python, "-c", code], capture_output=True, text=True, timeout=60, check=False
        )
    except OSError as exc:
        raise InputError(f"cannot run {python}: {exc.strerror or exc}") from exc
    if result.returncode != 0:
        if opt_in:
            return None
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise InputError(f"{python} failed to answer: {last}")
    facts: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return facts


def _describe(facts: dict[str, Any]) -> str:
    kind, where, version = facts["kind"], facts["location"], facts["version"]
    if kind == "alias":
        return f"dvclive_writer ({where}), serving the dvclive {version} API"
    if kind == "missing":
        return "nothing: No module named 'dvclive'"
    if kind == "namespace":
        return f"an empty namespace package: the folder {where}"
    return f"dvclive {version or '(no metadata)'} ({where})"


def notes(report: dict[str, Any]) -> list[str]:
    """What the facts mean for a user of DVCLive integrations."""
    found: list[str] = []
    plain, opt_in = report["plain"], report["opt_in"]
    if plain["kind"] == "missing":
        found.append(
            "dvclive is not installed: transformers (report_to='dvclive'), accelerate and "
            "Ultralytics skip DVCLive in a plain run; run the script with "
            "python -m dvclive_writer.run to log through dvclive_writer"
        )
    elif plain["kind"] == "namespace":
        found.append(
            f"{plain['location']} (a run folder?) passes for the dvclive package: "
            "'from dvclive import Live' fails while transformers thinks dvclive is installed; "
            "install dvclive or use python -m dvclive_writer.run"
        )
    elif plain["kind"] in ("package", "module"):
        found.append(
            "a plain run uses the real dvclive; python -m dvclive_writer.run serves "
            "dvclive_writer instead, for that process only"
        )
    if opt_in is None:
        found.append(f"dvclive_writer is not importable by {report['python']}")
    rank = report["rank"]
    if rank is not None and rank[1].strip() not in ("0", ""):
        found.append(
            f"{rank[0]}={rank[1]}: Live() in this environment writes nothing (only rank 0 "
            "writes a run; DVCLIVE_WRITER_ALL_RANKS=1 turns this off)"
        )
    return found


def diagnose(python: str) -> dict[str, Any]:
    """The doctor's report for ``python`` in the current folder."""
    plain = _probe(python, opt_in=False)
    assert plain is not None
    served = _probe(python, opt_in=True)
    report: dict[str, Any] = {
        "python": plain["python"],
        "python_version": plain["python_version"],
        "cwd": plain["cwd"],
        "plain": plain["dvclive"],
        "opt_in": served["dvclive"] if served is not None else None,
        "rank": plain["rank"],
    }
    report["notes"] = notes(report)
    return report


@click.command(name="doctor")
@click.option(
    "--python",
    "python",
    default=None,
    metavar="PATH",
    help="The interpreter the training runs with (default: this one).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (structure in the docs).")
def doctor(python: str | None, as_json: bool) -> None:
    """Say which dvclive `import dvclive` gives a training process here, and why."""
    interpreter = python or sys.executable
    if python is not None and shutil.which(python) is None and not os.path.isfile(python):
        raise InputError(f"no such interpreter: {python}")
    report = diagnose(interpreter)
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    served = report["opt_in"]
    rows = [
        ("python", f"{report['python']} ({report['python_version']}), in {report['cwd']}"),
        ("python train.py", _describe(report["plain"])),
        (
            "python -m dvclive_writer.run train.py",
            _describe(served) if served is not None else "unavailable",
        ),
    ]
    click.echo("import dvclive gives, with")
    for label, text in rows:
        click.echo(f"  {label:<38} {text}")
    for note in report["notes"]:
        click.echo(f"- {note}")
