"""Experiments pushed to a git remote with ``dvc exp push``, listed without pulling them.

Only ``refs/exps/*`` of the remote are fetched, into a private bare repository at
``.git/dvclive-tui/remote-exps.git`` whose object store borrows the user's (git
alternates), so only the experiments' own commits, trees and blobs travel. The fetched
refs stay in that repository under ``refs/dvclive-tui/<remote key>/exps/``: the user's
refs, ``FETCH_HEAD`` and remotes are untouched, and ``dvc`` is not imported. The rows are
those ``dvc exp show`` gives after ``dvc exp pull`` of every experiment of the shown
baselines (a local experiment of the same name wins, as pull keeps it).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from dvclive_tui.experiments.model import ExperimentSet, ExpKind, ExpStatus, dvc_order
from dvclive_tui.experiments.refs import EXPS_PREFIX, group_experiment_refs

CACHE_NAME = "remote-exps.git"
FETCH_TIMEOUT_S = 300
#: Repository settings the fetch needs from the user's repository (credentials, ssh...).
FORWARDED_CONFIG = ("credential.", "core.sshcommand", "http.", "url.", "protocol.")
_CORRUPT = ("missing", "bad object", "unable to read", "did not send all necessary objects")


class RemoteExperimentsError(Exception):
    """The remote could not be read (one readable line)."""


@dataclass(frozen=True)
class RemoteExperiments:
    """What one remote holds: ``baseline SHA -> [(name, commit SHA)]``, and where the
    fetched objects are."""

    remote: str
    refs: dict[str, list[tuple[str, str]]]
    objects: Path


_FETCHED: dict[tuple[str, str], RemoteExperiments] = {}


def fetch_remote_experiments(git_dir: Path, remote: str) -> RemoteExperiments:
    """Fetch the experiment refs of ``remote`` (a remote name or URL) once per process."""
    key = (str(git_dir.resolve()), remote)
    found = _FETCHED.get(key)
    if found is None:
        found = _FETCHED[key] = _fetch(git_dir.resolve(), remote)
    return found


def _fetch(git_dir: Path, remote: str) -> RemoteExperiments:
    common = _common_dir(git_dir)
    url = _url(git_dir, remote)
    cache = common / "dvclive-tui" / CACHE_NAME
    namespace = f"refs/dvclive-tui/{hashlib.sha1(url.encode()).hexdigest()[:16]}/exps/"
    refspec = f"+{EXPS_PREFIX}*:{namespace}*"
    config = _forwarded_config(git_dir)
    for attempt in range(2):
        _prepare(cache, common / "objects")
        error = _git(
            cache,
            *config,
            "fetch",
            "--quiet",
            "--no-tags",
            "--no-write-fetch-head",
            "--prune",
            "--no-auto-gc",
            url,
            refspec,
        )
        if error is None:
            break
        if attempt == 0 and any(word in error.lower() for word in _CORRUPT):
            shutil.rmtree(cache, ignore_errors=True)  # borrowed objects were pruned: rebuild
            continue
        raise RemoteExperimentsError(f"cannot fetch experiments from {remote}: {error}")
    listed = _git_output(cache, "for-each-ref", "--format=%(refname) %(objectname)", namespace)
    if listed is None:
        raise RemoteExperimentsError("cannot read the experiment cache")
    pairs = []
    for line in listed.splitlines():
        name, _, sha = line.partition(" ")
        pairs.append((EXPS_PREFIX + name[len(namespace) :], sha))
    return RemoteExperiments(remote, group_experiment_refs(pairs), cache / "objects")


def _common_dir(git_dir: Path) -> Path:
    """The repository's shared folder (a linked worktree's ``commondir``)."""
    pointer = git_dir / "commondir"
    if pointer.is_file():
        return (git_dir / pointer.read_text(encoding="utf-8").strip()).resolve()
    return git_dir


def _url(git_dir: Path, remote: str) -> str:
    """A configured remote's URL (``insteadOf`` applied), else ``remote`` itself."""
    result = _git_output(git_dir, "remote", "get-url", remote)
    if result is not None:
        return result.strip()
    path = Path(remote).expanduser()
    if "://" not in remote and ":" not in remote.split("/")[0] and not path.exists():
        raise RemoteExperimentsError(f"no such remote or repository: {remote}")
    return str(path.resolve()) if path.exists() else remote


def _forwarded_config(git_dir: Path) -> list[str]:
    """``-c key=value`` for the user's repository settings a fetch may need."""
    listed = _git_output(git_dir, "config", "--local", "--list") or ""
    args = []
    for line in listed.splitlines():
        key, _, value = line.partition("=")
        if key.lower().startswith(FORWARDED_CONFIG) and not key.lower().startswith("remote."):
            args += ["-c", f"{key}={value}"]
    return args


def _prepare(cache: Path, objects: Path) -> None:
    if not (cache / "HEAD").exists():
        cache.parent.mkdir(parents=True, exist_ok=True)
        error = _git(cache.parent, "init", "--bare", "--quiet", str(cache))
        if error is not None:
            raise RemoteExperimentsError(f"cannot create the experiment cache: {error}")
    alternates = cache / "objects" / "info" / "alternates"
    alternates.parent.mkdir(parents=True, exist_ok=True)
    alternates.write_text(f"{objects.resolve()}\n", encoding="utf-8")


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["GIT_TERMINAL_PROMPT"] = "0"
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"):
        env.pop(name, None)
    return env


def _git(repo: Path, *args: str) -> str | None:
    """Run git in ``repo``; its last error line, or ``None`` when it succeeded."""
    return _call(["git", "-C", str(repo), *args])[0]


def _git_output(git_dir: Path, *args: str) -> str | None:
    """The output of git on ``git_dir``, or ``None`` when it failed."""
    error, output = _call(["git", "--git-dir", str(git_dir), *args])
    return output if error is None else None


def _call(args: list[str]) -> tuple[str | None, str]:
    """Run git detached from the terminal: (last error line or ``None``, output)."""
    try:
        result = subprocess.run(
            args,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            env=_environment(),
            start_new_session=True,
            timeout=FETCH_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"no answer within {FETCH_TIMEOUT_S} s", ""
    except OSError as exc:
        return f"cannot run git: {exc.strerror or exc}", ""
    if result.returncode == 0:
        return None, result.stdout
    lines = [" ".join(line.split()) for line in result.stderr.splitlines() if line.strip()]
    return (lines[-1] if lines else f"git exited with status {result.returncode}"), ""


def add_remote_rows(reader: object, result: ExperimentSet, remote: RemoteExperiments) -> None:
    """Put ``remote``'s experiments under their baselines among ``result``'s rows, as
    ``dvc exp show`` lists pulled ones: with the committed experiments, after the runs
    in flight and before the queued and failed ones."""
    from dvclive_tui.experiments.collect import RepoReader, _commit_row, _history

    assert isinstance(reader, RepoReader)
    reader.git.objects.add_alternate(remote.objects)
    rows = result.experiments
    for index in range(len(rows) - 1, -1, -1):
        baseline = rows[index]
        if baseline.kind is not ExpKind.BASELINE or baseline.rev not in remote.refs:
            continue
        end = index + 1
        while (
            end < len(rows)
            and rows[end].kind in (ExpKind.EXPERIMENT, ExpKind.TEMP)
            and rows[end].baseline == baseline.rev
        ):
            end += 1
        local = rows[index + 1 : end]
        running = [row for row in local if row.kind is ExpKind.TEMP]
        done = [
            row for row in local if row.kind is not ExpKind.TEMP and row.status is ExpStatus.DONE
        ]
        others = [row for row in local if row not in running and row not in done]
        names = {row.name for row in done}
        shas = {row.rev for row in done}
        for name, sha in remote.refs[baseline.rev]:
            if name in names or sha in shas or not reader.git.objects.exists(sha):
                continue
            row = _commit_row(reader, sha, ExpKind.EXPERIMENT, name, baseline.rev)
            row.history = _history(reader, sha, baseline.rev)
            done.append(row)
        rows[index + 1 : end] = running + dvc_order(done) + others
