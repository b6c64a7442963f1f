"""Every command on every hostile run directory of the corpus (``corpus.py``).

For each case and command (run as the console script runs it, in a forked child of a warm
process; permission cases as an unprivileged user), the guarantees of the README's
"What dvclive-tui never does" hold:

- it exits 0, or non-zero with exactly one line on stderr; never a traceback;
- it finishes within :data:`~tests.hostile.harness.CPU_LIMIT_S` CPU seconds (a hang is
  killed after :data:`~tests.hostile.harness.HANG_LIMIT_S` wall seconds) and
  :data:`~tests.hostile.harness.RSS_LIMIT_MB` MB of resident memory (measured by
  ``wait4``);
- its human output (stdout, stderr, the report file) holds no raw control, bidi or
  invisible character, and nothing from outside the run;
- nothing outside the run was read (access times) or written, and nothing in the run
  changed but the declared outputs (``report.html``, ``report.md``, ``static/``, and
  compare's read cache in ``.git``);
- ``ls --json`` still lists the run's good metrics and a warning for each damaged file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile.conftest import User, give_to
from tests.hostile.corpus import COMMANDS, MARKER, RUN, Case, build_case, every_case
from tests.hostile.harness import (
    CPU_LIMIT_S,
    HANG_LIMIT_S,
    JSON_OUTPUT,
    REPORT_FILES,
    RSS_LIMIT_MB,
    ForkServer,
    Outcome,
    access_times,
    aged_access_times,
    changed,
    is_declared_output,
    raw_controls,
    tree_state,
)

SLOW_WATCH = "watch builds every metric's widgets up front: the app restructuring (i15app)"


def _param(case: Case) -> object:
    marks = []
    if case.watch_slow:
        marks.append(pytest.mark.xfail(strict=True, reason=SLOW_WATCH))
    return pytest.param(case, id=case.name, marks=marks)


@pytest.mark.parametrize("case", [_param(case) for case in every_case()])
def test_every_command_survives(
    case: Case,
    corpus_root: Path,
    fork_server: Callable[[bool], ForkServer],
    unprivileged_user: User | None,
) -> None:
    folder = corpus_root / re.sub(r"[^\w.@#-]", "_", case.name)
    repo, run, outside = build_case(case, folder)
    user = unprivileged_user if case.nonroot else None
    give_to(folder, user)
    server = fork_server(case.nonroot)
    problems: list[str] = []
    for command in case.commands or COMMANDS:
        results = folder / "results" / command.replace(" ", "_")
        results.mkdir(parents=True)
        give_to(results, user)
        outside_before = tree_state(outside, contents=True)
        repo_before = tree_state(repo, contents=False)
        atimes = aged_access_times(outside)
        outcome = server.run(command, repo, results)
        found = _outcome_problems(outcome, case)
        found += _report_problems(command, run)
        read = sorted(
            path for path, atime in access_times(outside).items() if atimes[path] != atime
        )
        if read:
            found.append(f"read files outside the run: {read}")
        written = changed(outside_before, tree_state(outside, contents=True))
        if written:
            found.append(f"wrote outside the run: {written}")
        touched = [
            p
            for p in changed(repo_before, tree_state(repo, contents=False))
            if not is_declared_output(p)
        ]
        if touched:
            found.append(f"changed files of the run: {touched}")
        problems += [f"{command}: {problem}" for problem in found]
        if problems and case.watch_slow:
            break  # an expected failure: do not wait out every hang
    assert not problems, "\n".join(problems)


def _outcome_problems(outcome: Outcome, case: Case) -> list[str]:
    problems = []
    if outcome.killed:
        problems.append(f"hung: killed after {HANG_LIMIT_S} s")
    if outcome.cpu > CPU_LIMIT_S:
        problems.append(f"{outcome.cpu:.1f} CPU seconds (limit {CPU_LIMIT_S})")
    if outcome.rss_mb > RSS_LIMIT_MB:
        problems.append(f"{outcome.rss_mb:.0f} MB RSS (limit {RSS_LIMIT_MB})")
    if "Traceback" in outcome.stderr or outcome.status not in (0, 1, 2):
        problems.append(f"status {outcome.status}: {outcome.stderr[-2000:]}")
    lines = outcome.stderr.strip().splitlines()
    if outcome.status != 0 and len(lines) != 1:
        problems.append(f"status {outcome.status} with {len(lines)} stderr lines: {lines[:5]}")
    for stream, text in (("stdout", outcome.stdout), ("stderr", outcome.stderr)):
        raw = raw_controls(text)
        if raw:
            problems.append(f"raw {[hex(ord(c)) for c in raw]} on {stream}")
        if MARKER in text:
            problems.append(f"{stream} shows the content of a file outside the run")
    if outcome.command in JSON_OUTPUT and outcome.status == 0:
        problems += _json_problems(outcome, case)
    return problems


def _json_problems(outcome: Outcome, case: Case) -> list[str]:
    try:
        document = json.loads(outcome.stdout)
    except ValueError as error:
        return [f"not JSON: {error}"]
    if outcome.command != "ls --json":
        return []
    (listed,) = document["runs"]
    problems = []
    metrics = {metric["name"] for metric in listed["metrics"]}
    missing = [name for name in case.shows if name not in metrics]
    if missing:
        problems.append(f"good metrics missing: {missing} (listed: {sorted(metrics)[:10]})")
    warned = {warning["path"] for warning in listed["warnings"]}
    unwarned = [rel for rel in case.warns if rel not in warned]
    if unwarned:
        problems.append(f"no warning for {unwarned} (warnings: {listed['warnings']})")
    return problems


def _report_problems(command: str, run: Path) -> list[str]:
    name = REPORT_FILES.get(command)
    if name is None:
        return []
    path = run / name
    if path.is_symlink() or not path.is_file():
        return []
    text = path.read_bytes().decode("utf-8", errors="surrogateescape")
    problems = []
    raw = raw_controls(text)
    if raw:
        problems.append(f"raw {[hex(ord(c)) for c in raw]} in {RUN}/{name}")
    if MARKER in text:
        problems.append(f"{RUN}/{name} shows the content of a file outside the run")
    return problems
