"""DVC integration of ``Live``: repo detection, experiment names, ``exp save``, ``dvc add``.

``Live`` calls :func:`init` (from ``__init__``), :func:`step_completed` (from ``next_step``)
and :func:`on_end` (from ``end``, after the final sync), and :func:`cache` and
:func:`save_dvc_exp` for its public methods, passing the parts of its state they use
(:class:`~dvclive_writer.state.RepoState`, :class:`~dvclive_writer.state.ExperimentState`,
:class:`~dvclive_writer.state.RunPaths`). dvc is imported only when the working directory is
inside a Git or DVC repository. Every ``DvcException`` is caught and logged as dvclive does
(``Error in <func>: <e>``).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import logging
import os
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from dvclive_writer import env, vscode
from dvclive_writer.logger import logger
from dvclive_writer.state import ExperimentState, Registries, RepoState, RunPaths

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
        repo = Repo()
    except (NotDvcRepoError, SCMError):
        try:
            repo = Repo.init(Git().root_dir)
        except GitSCMError:
            return None
    _close_at_exit(repo)
    return repo


_open_repos: weakref.WeakSet[Any] = weakref.WeakSet()
_close_registered = False


def _close_at_exit(repo: Any) -> None:
    """Close ``repo`` when the interpreter exits, unless it was collected before.

    A Repo lives in reference cycles; a script that allocates little never runs the cyclic
    collector, so the repo would be collected during interpreter teardown, when dulwich's
    warnings about its open pack files can no longer be imported and Python prints
    "Exception ignored in ... __del__" at the end of the training.
    """
    global _close_registered
    if not _close_registered:  # once: a later Live() never moves it before hooks added since
        atexit.register(_close_open_repos)
        _close_registered = True
    _open_repos.add(repo)


def _close_open_repos() -> None:
    for repo in list(_open_repos):
        with contextlib.suppress(Exception):  # exiting anyway: nothing to report
            repo.close()
    _open_repos.clear()


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


def ensure_exp_name(experiment: ExperimentState) -> str:
    """The experiment's name, generating dvc's random name the first time one is needed."""
    if not experiment.name:
        from dvc.repo.experiments.utils import gen_random_name

        experiment.name = str(gen_random_name())
    return experiment.name


def find_overlapping_stage(repo: Any, path: str | os.PathLike[str]) -> Any:
    """The first stage with an output whose path is a substring of ``path`` (dvclive's test)."""
    abs_path = str(Path(path).absolute())
    for stage in repo.index.stages:
        for out in stage.outs:
            if str(out.fs_path) in abs_path:
                return stage
    return None


def _warn_no_git(experiment: ExperimentState) -> None:
    if experiment.save:
        logger.warning(
            "Can't save experiment without a Git Repo."
            "\nCreate a Git repo (`git init`) and commit (`git commit`)."
        )
        experiment.save = False


def _init_dvc(repo_state: RepoState, experiment: ExperimentState, paths: RunPaths) -> None:
    from dvc.scm import NoSCM
    from dvc.utils.studio import get_repo_url, get_subrepo_relpath

    repo_state.dvc_repo = repo = get_dvc_repo()
    scm = repo.scm if repo is not None else None
    if isinstance(scm, NoSCM):
        scm = None
    if scm and not scm.no_commits:  # dvclive crashes here in a repo without commits
        experiment.baseline_rev = scm.get_rev()
    experiment.name = get_exp_name(experiment.name, scm, experiment.baseline_rev)
    logger.info(f"Logging to experiment '{experiment.name}'")
    logging.getLogger("dvc").setLevel(os.getenv(env.DVCLIVE_LOGLEVEL, "WARNING").upper())

    if not scm:
        _warn_no_git(experiment)
        return
    if scm.no_commits:
        if experiment.save:
            logger.warning(
                "Can't save experiment to an empty Git Repo."
                "\nAdd a commit (`git commit`) to save experiments."
            )
            experiment.save = False
        return

    if paths.writes_dvcyaml and (stage := find_overlapping_stage(repo, paths.dvc_file)):
        logger.warning(
            f"'{paths.dvc_file}' is in outputs of stage '{stage.addressing}'."
            "\nRemove it from outputs to make DVCLive work as expected."
        )

    if repo_state.inside_dvc_pipeline:
        return

    repo_state.subdir = get_subrepo_relpath(repo)
    repo_state.repo_url = get_repo_url(repo)
    if experiment.save:
        vscode.mark_dvclive_only_started(experiment.name)
        experiment.include_untracked.append(os.fspath(paths.dir))


def init(repo: RepoState, experiment: ExperimentState, paths: RunPaths) -> None:
    """Open (or create) the DVC repo and prepare saving, as dvclive's ``_init_dvc``.

    ``Live`` calls this only inside a Git or DVC repository, after it handled the pipeline
    variables and the no-Git/no-commit warnings. Sets ``repo.dvc_repo``, ``subdir`` and
    ``repo_url``, the experiment's baseline and name, and may turn ``experiment.save`` off.
    """
    catch_dvc_errors(_init_dvc)(repo, experiment, paths)


def step_completed(step: int) -> None:
    """Signal VS Code that ``step`` is complete (``DVCLIVE_STEP_COMPLETED``)."""
    vscode.mark_step_completed(step)


def cache(repo: RepoState, experiment: ExperimentState, path: str | os.PathLike[str]) -> None:
    """``dvc add path``; the ``.dvc`` file and its ``.gitignore`` join the saved experiment.

    Inside a pipeline, a path that is already a stage output is skipped (with dvclive's
    messages). DvcExceptions are logged, not raised.
    """
    if repo.dvc_repo is None:
        logger.warning(
            f"A DVC repo is required to cache '{path}'. Skipping `dvc add {path}`."
            "\nCreate a Git repo (`git init`) to track files with DVC."
        )
        return
    catch_dvc_errors(_cache, name="cache")(repo, experiment, path)


def _cache(
    repo_state: RepoState, experiment: ExperimentState, path: str | os.PathLike[str]
) -> None:
    repo = repo_state.dvc_repo
    if repo_state.inside_dvc_pipeline:
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
    if experiment.save:
        experiment.include_untracked.append(dvc_file)
        experiment.include_untracked.append(str(Path(dvc_file).parent / ".gitignore"))


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


def save_dvc_exp(repo: RepoState, experiment: ExperimentState, paths: RunPaths) -> None:
    """``dvc exp save`` the workspace with the dvclive files; always drops ``DVCLIVE_ONLY``."""
    if not experiment.save:
        vscode.mark_dvclive_only_ended()
        return
    catch_dvc_errors(_save_dvc_exp, on_finally=vscode.mark_dvclive_only_ended, name="save_dvc_exp")(
        repo, experiment, paths
    )


def _save_dvc_exp(repo: RepoState, experiment: ExperimentState, paths: RunPaths) -> None:
    if paths.writes_dvcyaml:
        experiment.include_untracked.append(os.fspath(paths.dvc_file))
    experiment.rev = repo.dvc_repo.experiments.save(
        name=experiment.name,
        include_untracked=experiment.include_untracked,
        force=True,
        message=experiment.message,
    )


def on_end(
    repo_state: RepoState, experiment: ExperimentState, paths: RunPaths, registries: Registries
) -> None:
    """After the final sync: cache images, ``git add`` inside ``dvc exp run``, save the
    experiment, then remove the step signal file."""
    if registries.images and experiment.cache_images:
        cache(repo_state, experiment, Path(paths.plots_dir) / "images")
    repo = repo_state.dvc_repo
    if repo_state.inside_dvc_exp and repo is not None:
        catch_dvc_errors(ensure_dir_is_tracked)(os.fspath(paths.dir), repo)
        if paths.writes_dvcyaml:
            catch_dvc_errors(repo.scm.add, name="add")(os.fspath(paths.dvc_file))
    save_dvc_exp(repo_state, experiment, paths)
    vscode.cleanup_step_completed()
