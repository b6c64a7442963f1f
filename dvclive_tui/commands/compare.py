"""``dvclive-tui compare``: DVC experiments and dvclive directories side by side.

Without an output flag it opens the interactive compare screen; ``--json`` prints what
``dvc exp show --json`` prints (same structure and values), ``--csv``/``--md`` the table.
"""

from __future__ import annotations

from pathlib import Path

import click

from dvclive_tui.commands.errors import InputError, require_directory
from dvclive_tui.commands.output import write_stdout
from dvclive_tui.experiments.refs import Selection
from dvclive_writer.text_safety import terminal_lines


@click.command(name="compare")
@click.argument("dirs", nargs=-1, type=click.Path(path_type=Path))
@click.option("-a", "--all-branches", is_flag=True, help="Experiments of every branch tip.")
@click.option("-T", "--all-tags", is_flag=True, help="Experiments of every tag.")
@click.option("-A", "--all-commits", is_flag=True, help="Experiments of every commit.")
@click.option(
    "-n",
    "--num",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Baselines from HEAD (or each --rev) back along first parents.",
)
@click.option("--rev", "revs", multiple=True, help="Baseline revision (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print `dvc exp show --json` output.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the table as CSV.")
@click.option("--md", "as_md", is_flag=True, help="Print the table as Markdown.")
@click.option("--filter", "filter_text", default="", help="Row filter, e.g. 'lr >= 0.01'.")
@click.option("--sort-by", default=None, help="Sort rows by this column (label or key).")
@click.option(
    "--sort-order", type=click.Choice(["asc", "desc"]), default="asc", help="Sort direction."
)
@click.option("--only-changed", is_flag=True, help="Only columns whose values differ.")
@click.option("--no-workspace", is_flag=True, help="Leave the workspace row out.")
@click.option(
    "--remote",
    default=None,
    metavar="NAME|URL",
    help="Also list experiments pushed there with `dvc exp push` (nothing is pulled).",
)
def compare(
    dirs: tuple[Path, ...],
    all_branches: bool,
    all_tags: bool,
    all_commits: bool,
    num: int,
    revs: tuple[str, ...],
    as_json: bool,
    as_csv: bool,
    as_md: bool,
    filter_text: str,
    sort_by: str | None,
    sort_order: str,
    only_changed: bool,
    no_workspace: bool,
    remote: str | None,
) -> None:
    """Compare DVC experiments of this repository and dvclive DIRS side by side.

    Without --json/--csv/--md it opens the interactive table (press ? for keys):
    sort, filter, hide columns, select experiments to overlay their curves (g), diff two
    (d) or see their images and plots (i). Running experiments update live.

    \b
    Filters: lr >= 0.001 and optimizer == "adam"
             name ~ "exp-*"   (glob)     exp-*   (bare glob on names)
             `batch-size` in [16, 32]    (backquotes for other keys)
    """
    for folder in dirs:
        require_directory(folder)  # one line, as every command says it
    from dvclive_tui.experiments.load import CannotLoad, load_experiments
    from dvclive_tui.experiments.refs import UnknownRevision
    from dvclive_tui.experiments.view import TableView, ViewError

    if sum((as_json, as_csv, as_md)) > 1:
        raise click.UsageError("choose one of --json, --csv and --md")
    selection = Selection(
        revs=revs,
        all_branches=all_branches,
        all_tags=all_tags,
        all_commits=all_commits,
        num=num,
        include_workspace=not no_workspace,
        remote=remote,
    )
    try:
        exps = load_experiments(Path.cwd(), dirs, selection)
    except CannotLoad as exc:
        raise InputError(str(exc)) from None
    except UnknownRevision as exc:
        raise click.BadParameter(str(exc), param_hint="--rev") from None
    try:
        view = TableView.build(exps.experiments, filter_text=filter_text, only_changed=only_changed)
    except ViewError as exc:
        raise click.BadParameter(str(exc), param_hint="--filter") from None
    if sort_by:
        try:
            view.set_sort(sort_by, descending=sort_order == "desc")
        except ViewError as exc:
            raise click.BadParameter(str(exc), param_hint="--sort-by") from None
    if as_json:
        from dvclive_tui.experiments.exp_show import dumps, exp_show_data

        write_stdout(dumps(exp_show_data(exps, view.rows)) + "\n")
        return
    if as_csv or as_md:
        text = view.to_csv() if as_csv else view.to_markdown()
        write_stdout(terminal_lines(text))  # names and values from files: escaped
        return
    from dvclive_tui.app.compare.app import CompareApp

    CompareApp(exps, selection=selection, dirs=list(dirs), view=view).run()
