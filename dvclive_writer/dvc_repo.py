"""DVC integration of ``Live``: repo detection, experiment names, ``exp save``, ``dvc add``.

Three hooks are called by ``Live``: :func:`init` (from ``__init__``), :func:`step_completed`
(from ``next_step``) and :func:`on_end` (from ``end``, after the final sync). dvc is imported
only when the working directory is inside a Git or DVC repository. Every ``DvcException``
is caught and logged as dvclive does (``Error in <func>: <e>``).
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from dvclive_writer import env, vscode
from dvclive_writer.logger import logger

if TYPE_CHECKING:
    from dvclive_writer.live import Live

NULL_SHA = "0" * 40

_P = ParamSpec("_P")
_R = TypeVar("_R")


def catch_dvc_errors(
    func: Callable[_P, _R],
    on_finally: Callable[[], None] | None = None,
    name: str | None = None,
) -> Callable[_P, _R | None]:
    """Run ``func``; log a ``DvcException`` as "Error in <name>: <e>" instead of raising.

    ``name`` defaults to ``func.__name__`` (dvclive's names: ``cache``, ``save_dvc_exp`` …).
    """
    label = name or getattr(func, "__name__", "dvc")

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R | None:
        from dvc.exceptions import DvcException

        try:
            return func(*args, **kwargs)
        except DvcException as exc:
            logger.warning(f"Error in {label}: {exc}")
            return None
        finally:
            if on_finally is not None:
                on_finally()

    return wrapper


def get_dvc_repo() -> Any:
    """Open the DVC repo around the CWD; inside Git without DVC, ``dvc init`` it (as dvclive).

    Returns None outside any Git repository.
    """
    from dvc.exceptions import NotDvcRepoError
    from dvc.repo import Repo
    from dvc.scm import Git, SCMError
    from scmrepo.exceptions import SCMError as GitSCMError

    try:
        return Repo()
    except (NotDvcRepoError, SCMError):
        try:
            return Repo.init(Git().root_dir)
        except GitSCMError:
            return None


def get_exp_name(name: str | None, scm: Any, baseline_rev: str) -> str:
    """Keep a requested name when it is free and a valid ref; else a random DVC name."""
    from dvc.exceptions import InvalidArgumentError
    from dvc.repo.experiments.refs import ExpRefInfo
    from dvc.repo.experiments.utils import (
        check_ref_format,
        gen_random_name,
        get_random_exp_name,
    )

    if name and scm and baseline_rev:
        ref = ExpRefInfo(baseline_sha=baseline_rev, name=name)
        if scm.get_ref(str(ref)):
            logger.warning(f"Experiment conflicts with existing experiment '{name}'.")
        else:
            try:
                check_ref_format(scm, ref)
            except InvalidArgumentError as exc:
                logger.warning(exc)
            else:
                return name
    if scm and baseline_rev:
        return str(get_random_exp_name(scm, baseline_rev))
    if name:
        return name
    return str(gen_random_name())


def ensure_exp_name(live: Live) -> str:
    """``live._exp_name``, generating dvc's random name the first time one is needed."""
    if not live._exp_name:
        from dvc.repo.experiments.utils import gen_random_name

        live._exp_name = str(gen_random_name())
    return live._exp_name


def find_overlapping_stage(repo: Any, path: str | os.PathLike[str]) -> Any:
    """The first stage with an output whose path is a substring of ``path`` (dvclive's test)."""
    abs_path = str(Path(path).absolute())
    for stage in repo.index.stages:
        for out in stage.outs:
            if str(out.fs_path) in abs_path:
                return stage
    return None


def _warn_no_git(live: Live) -> None:
    if live._save_dvc_exp:
        logger.warning(
            "Can't save experiment without a Git Repo."
            "\nCreate a Git repo (`git init`) and commit (`git commit`)."
        )
        live._save_dvc_exp = False


def _init_dvc(live: Live) -> None:
    from dvc.scm import NoSCM
    from dvc.utils.studio import get_repo_url, get_subrepo_relpath

    live._dvc_repo = repo = get_dvc_repo()
    scm = repo.scm if repo is not None else None
    if isinstance(scm, NoSCM):
        scm = None
    if scm and not scm.no_commits:  # dvclive crashes here in a repo without commits
        live._baseline_rev = scm.get_rev()
    live._exp_name = get_exp_name(live._exp_name, scm, live._baseline_rev)
    logger.info(f"Logging to experiment '{live._exp_name}'")
    logging.getLogger("dvc").setLevel(os.getenv(env.DVCLIVE_LOGLEVEL, "WARNING").upper())

    if not scm:
        _warn_no_git(live)
        return
    if scm.no_commits:
        if live._save_dvc_exp:
            logger.warning(
                "Can't save experiment to an empty Git Repo."
                "\nAdd a commit (`git commit`) to save experiments."
            )
            live._save_dvc_exp = False
        return

    if live._dvcyaml and (stage := find_overlapping_stage(repo, live.dvc_file)):
        logger.warning(
            f"'{live.dvc_file}' is in outputs of stage '{stage.addressing}'."
            "\nRemove it from outputs to make DVCLive work as expected."
        )

    if live._inside_dvc_pipeline:
        return

    live._subdir = get_subrepo_relpath(repo)
    live._repo_url = get_repo_url(repo)
    if live._save_dvc_exp:
        vscode.mark_dvclive_only_started(live._exp_name)
        live._include_untracked.append(os.fspath(live.dir))


def init(live: Live) -> None:
    """Open (or create) the DVC repo and prepare saving, as dvclive's ``_init_dvc``.

    ``Live`` calls this only inside a Git or DVC repository, after it handled the pipeline
    variables and the no-Git/no-commit warnings.
    """
    catch_dvc_errors(_init_dvc)(live)


def step_completed(live: Live) -> None:
    """Signal VS Code that ``live.step`` is complete (``DVCLIVE_STEP_COMPLETED``)."""
    vscode.mark_step_completed(live.step)


def cache(live: Live, path: str | os.PathLike[str]) -> None:
    """``dvc add path``; the ``.dvc`` file and its ``.gitignore`` join the saved experiment.

    Inside a pipeline, a path that is already a stage output is skipped (with dvclive's
    messages). DvcExceptions are logged, not raised.
    """
    if live._dvc_repo is None:
        logger.warning(
            f"A DVC repo is required to cache '{path}'. Skipping `dvc add {path}`."
            "\nCreate a Git repo (`git init`) to track files with DVC."
        )
        return
    catch_dvc_errors(_cache, name="cache")(live, path)


def _cache(live: Live, path: str | os.PathLike[str]) -> None:
    repo = live._dvc_repo
    if live._inside_dvc_pipeline:
        existing_stage = find_overlapping_stage(repo, path)
        if existing_stage:
            if existing_stage.cmd:
                logger.info(
                    f"Skipping `dvc add {path}` because it is already being"
                    " tracked automatically as an output of the DVC pipeline."
                )
                return
            logger.warning(
                f"To track '{path}' automatically in the DVC pipeline:"
                f"\n1. Run `dvc remove {existing_stage.addressing}` "
                "to stop tracking it outside the pipeline."
                "\n2. Add it as an output of the pipeline stage."
            )
        else:
            logger.warning(
                f"To track '{path}' automatically in the DVC pipeline, "
                "add it as an output of the pipeline stage."
            )
    stages = repo.add(str(path))
    dvc_file = stages[0].addressing
    if live._save_dvc_exp:
        live._include_untracked.append(dvc_file)
        live._include_untracked.append(str(Path(dvc_file).parent / ".gitignore"))


def ensure_dir_is_tracked(directory: str, repo: Any) -> None:
    """``git add`` the untracked files under ``directory`` that are not DVC outputs."""
    from pathspec import PathSpec

    dir_spec = PathSpec.from_lines("gitwildmatch", [directory])
    outs_spec = PathSpec.from_lines("gitwildmatch", [str(o) for o in repo.index.outs])
    paths = [
        f
        for f in repo.scm.untracked_files()
        if dir_spec.match_file(f) and not outs_spec.match_file(f)
    ]
    if paths:
        repo.scm.add(paths)


def save_dvc_exp(live: Live) -> None:
    """``dvc exp save`` the workspace with the dvclive files; always drops ``DVCLIVE_ONLY``."""
    if not live._save_dvc_exp:
        vscode.mark_dvclive_only_ended()
        return
    catch_dvc_errors(_save_dvc_exp, on_finally=vscode.mark_dvclive_only_ended, name="save_dvc_exp")(
        live
    )


def _save_dvc_exp(live: Live) -> None:
    if live._dvcyaml:
        live._include_untracked.append(os.fspath(live.dvc_file))
    live._experiment_rev = live._dvc_repo.experiments.save(
        name=live._exp_name,
        include_untracked=live._include_untracked,
        force=True,
        message=live._exp_message,
    )


def on_end(live: Live) -> None:
    """After the final sync: cache images, ``git add`` inside ``dvc exp run``, save the
    experiment, then remove the step signal file."""
    if live._images and live._cache_images:
        cache(live, Path(live.plots_dir) / "images")
    repo = live._dvc_repo
    if live._inside_dvc_exp and repo is not None:
        catch_dvc_errors(ensure_dir_is_tracked)(os.fspath(live.dir), repo)
        if live._dvcyaml:
            catch_dvc_errors(repo.scm.add, name="add")(os.fspath(live.dvc_file))
    save_dvc_exp(live)
    vscode.cleanup_step_completed()
