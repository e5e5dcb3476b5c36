"""papermill's own command line on a started kernel: the runner's orchestrator, its one module
that reads or writes files. It refuses parameter names the notebook does not declare and
finalises the executed copy; a stop by an InputError prints that message alone (exit 1), any
other says it is unexpected (exit 3), the traceback going to the log."""

from __future__ import annotations

from pathlib import Path

import click
from jupyter_client.manager import AsyncKernelManager
from papermill import inspect_notebook
from papermill.cli import papermill
from papermill.exceptions import PapermillExecutionError
from papermill.iorw import papermill_io

from src.errors import InputError, input_stop, shown, unexpected_stop, write_log
from src.runner import kernels, parameters
from src.runner.notebooks import ENGINE, PrestartedKernelEngine, failure_text, finalise_file

#: The input error's class name as the kernel reports it (``ename``).
INPUT_ERROR = InputError.__name__


def check_parameters(options: dict) -> None:
    """Refuse a parameter name, from any of papermill's ``options``, that the notebook does not
    declare (an InputError); before anything is executed or written."""
    files = {}
    for path in options.get("parameters_file") or ():
        try:
            files[path] = papermill_io.read(path, [".json", ".yaml", ".yml"])
        except OSError as error:
            raise InputError(
                path,
                "",
                f"cannot be read ({error.strerror or error})",
                "give -f the path of a YAML file of parameters, e.g. params/variants/<name>.yaml",
            ) from None
    given = parameters.given_names(options, files)
    if not given:
        return
    source = options["notebook_path"]
    parameters.check(source, given, inspect_notebook(source))


def stopped(source: str, error: PapermillExecutionError, log: Path) -> int:
    """Report a notebook stopped by an exception in one of its cells; return the exit code."""
    details = failure_text(source, error)
    if error.ename == INPUT_ERROR:
        write_log(log, details)
        return input_stop(error.evalue, log)
    where = f"{shown(source)}, cell In [{error.exec_count}]"
    return unexpected_stop(where, error.ename, error.evalue, log, details)


def execute(argv: list[str], log: Path) -> int:
    """papermill's command line on ``argv``, with our engine; the exit code."""
    source = None
    try:
        context = papermill.make_context("papermill", [*argv, "--engine", ENGINE])
        source = context.params["notebook_path"]
        with context:
            check_parameters(context.params)
            papermill.invoke(context)
    except click.exceptions.Exit as done:  # --help, --version: nothing was run
        raise SystemExit(done.exit_code) from None
    except click.ClickException as error:  # a mistyped option: click's usage message
        error.show()
        return error.exit_code
    except PapermillExecutionError as error:
        return stopped(source, error, log)
    except FileNotFoundError as error:
        if error.filename != source:
            raise
        raise InputError(
            source, "", "no such notebook", "give the path of a notebook under notebooks/"
        ) from None
    return 0


def run(argv: list[str], manager: AsyncKernelManager, log: Path) -> int:
    """``papermill SOURCE OUTPUT [options]`` on the kernel ``manager`` has started, then
    :func:`finalise_file` on OUTPUT; returns the exit code. The kernel is shut down whatever
    happens; a log left by an earlier failed run is removed first."""
    log.unlink(missing_ok=True)
    PrestartedKernelEngine.manager = manager
    try:
        code = execute(argv, log)
    finally:
        kernels.stop(manager)
    if code == 0:
        finalise_file(argv[1])
    return code
